package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func defaultMachine(t *testing.T) *workflow.Machine {
	t.Helper()
	m, err := workflow.Default(nil)
	require.NoError(t, err)
	return m
}

func TestDecideDefaultWorkflow(t *testing.T) {
	t.Parallel()
	const window = 14 * 24 * time.Hour
	tests := []struct {
		name       string
		ticket     *ticket.Ticket
		actor      ticket.Actor
		to         string
		reason     string
		wantName   string // transition taken; "" when an error is expected
		wantErr    error
		wantGuard  string
		wantReason string
	}{
		{name: "AgentStarts", ticket: newTicket(ticket.StatusOpen), actor: agent, to: ticket.StatusInProgress, wantName: "start"},
		{name: "SupervisorEscalates", ticket: newTicket(ticket.StatusWaiting), actor: supervisor, to: ticket.StatusEscalated, wantName: "escalate"},
		{name: "SystemResolves", ticket: newTicket(ticket.StatusEscalated), actor: system, to: ticket.StatusResolved, wantName: "resolve"},
		{name: "AgentRestartsResolved", ticket: newTicket(ticket.StatusResolved), actor: agent, to: ticket.StatusInProgress, wantName: "start"},
		{name: "AgentClosesWithReason", ticket: newTicket(ticket.StatusResolved), actor: agent, to: ticket.StatusClosed, reason: " solved ", wantName: "close"},
		{
			name: "CustomerMayNotStart", ticket: newTicket(ticket.StatusOpen), actor: customer, to: ticket.StatusInProgress,
			wantErr: workflow.ErrForbidden, wantReason: "only agent, supervisor, system may do that",
		},
		{
			name: "CustomerMayNotClose", ticket: newTicket(ticket.StatusOpen), actor: customer, to: ticket.StatusClosed, reason: "fixed",
			wantErr: workflow.ErrForbidden, wantReason: "only agent, supervisor, system may do that",
		},
		{
			name: "CloseWithoutReason", ticket: newTicket(ticket.StatusInProgress), actor: agent, to: ticket.StatusClosed,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardReasonRequired, wantReason: "a reason is required",
		},
		{
			name: "CloseWithBlankReason", ticket: newTicket(ticket.StatusInProgress), actor: agent, to: ticket.StatusClosed, reason: " \t\n",
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardReasonRequired, wantReason: "a reason is required",
		},
		{
			name: "NoTransitionListsReachableStatuses", ticket: newTicket(ticket.StatusResolved), actor: agent, to: ticket.StatusWaiting,
			wantErr: workflow.ErrNoTransition, wantReason: `from "resolved" the ticket can move to in_progress, closed`,
		},
		{
			name: "SameStatus", ticket: newTicket(ticket.StatusOpen), actor: agent, to: ticket.StatusOpen,
			wantErr: workflow.ErrNoTransition, wantReason: `the ticket is already "open"`,
		},
		{
			name: "UnknownTarget", ticket: newTicket(ticket.StatusOpen), actor: agent, to: "done",
			wantErr: workflow.ErrNoTransition, wantReason: `unknown status "done"`,
		},
		{
			name: "UnknownCurrentStatus", ticket: newTicket("archived"), actor: agent, to: ticket.StatusOpen,
			wantErr: workflow.ErrNoTransition, wantReason: `the current status "archived" is not in the catalog`,
		},
		{name: "ReopenWithinWindow", ticket: closedTicket(now.Add(-24 * time.Hour)), actor: agent, to: ticket.StatusInProgress, wantName: "reopen"},
		{name: "ReopenOnLastMoment", ticket: closedTicket(now.Add(-window)), actor: supervisor, to: ticket.StatusInProgress, wantName: "reopen"},
		{
			name: "ReopenAfterWindow", ticket: closedTicket(now.Add(-window - time.Second)), actor: agent, to: ticket.StatusInProgress,
			wantErr: workflow.ErrReopenWindow, wantReason: "tickets can be reopened up to 336h after closing",
		},
		{
			name: "ReopenWithoutClosedAt", ticket: closedTicket(time.Time{}), actor: agent, to: ticket.StatusInProgress,
			wantErr: workflow.ErrReopenWindow, wantReason: "tickets can be reopened up to 336h after closing",
		},
		{
			name: "ReopenByCustomer", ticket: closedTicket(now.Add(-time.Hour)), actor: customer, to: ticket.StatusInProgress,
			wantErr: workflow.ErrForbidden, wantReason: "reopening is for agent, supervisor, system",
		},
		{
			name: "ReopenIntoOtherStatus", ticket: closedTicket(now.Add(-time.Hour)), actor: agent, to: ticket.StatusOpen,
			wantErr: workflow.ErrNoTransition, wantReason: `from "closed" the ticket can move to in_progress`,
		},
		{
			name: "NilTicket", actor: agent, to: ticket.StatusOpen,
			wantErr: workflow.ErrNoTransition, wantReason: "no ticket",
		},
	}
	m := defaultMachine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var before *ticket.Ticket
			if tt.ticket != nil {
				before = tt.ticket.Clone()
			}
			d, err := m.Decide(context.Background(), workflow.Request{
				Ticket: tt.ticket, Actor: tt.actor, To: tt.to, Reason: tt.reason, Now: now,
			})
			require.Equal(t, before, tt.ticket, "Decide must not change the ticket")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				var te *workflow.TransitionError
				require.ErrorAs(t, err, &te)
				if tt.ticket != nil {
					require.Equal(t, tt.ticket.Status, te.From)
				}
				require.Equal(t, tt.to, te.To)
				require.Equal(t, tt.actor.Role, te.Role)
				require.Equal(t, tt.wantGuard, te.Guard)
				require.Equal(t, tt.wantReason, te.Reason)
				require.Equal(t, workflow.Decision{}, d)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantName, d.Transition.Name)
			require.Equal(t, tt.ticket.Status, d.From.Code)
			require.Equal(t, tt.to, d.To.Code)
			require.Equal(t, tt.wantName == workflow.ReopenName, d.Reopen)
			require.Equal(t, strings.TrimSpace(tt.reason), d.Reason)
		})
	}
}

func TestTransitionErrorMessage(t *testing.T) {
	t.Parallel()
	m := defaultMachine(t)
	tests := []struct {
		name   string
		ticket *ticket.Ticket
		actor  ticket.Actor
		to     string
		want   string
	}{
		{
			name: "Forbidden", ticket: newTicket(ticket.StatusOpen), actor: customer, to: ticket.StatusClosed,
			want: `workflow: cannot move ticket from "open" to "closed" as customer: transition forbidden for role: only agent, supervisor, system may do that`,
		},
		{
			name: "Guard", ticket: newTicket(ticket.StatusOpen), actor: agent, to: ticket.StatusClosed,
			want: `workflow: cannot move ticket from "open" to "closed" as agent: transition denied by guard "reason_required": a reason is required`,
		},
		{
			name: "Window", ticket: closedTicket(now.Add(-15 * 24 * time.Hour)), actor: agent, to: ticket.StatusInProgress,
			want: `workflow: cannot move ticket from "closed" to "in_progress" as agent: reopen window has passed: tickets can be reopened up to 336h after closing`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := m.Decide(context.Background(), workflow.Request{Ticket: tt.ticket, Actor: tt.actor, To: tt.to, Now: now})
			require.EqualError(t, err, tt.want)
		})
	}
}

func TestDecideReturnsTransitionAndEffects(t *testing.T) {
	t.Parallel()
	m := defaultMachine(t)
	d, err := m.Decide(context.Background(), workflow.Request{
		Ticket: newTicket(ticket.StatusOpen), Actor: agent, To: ticket.StatusClosed, Reason: "  duplicate  ", Now: now,
	})
	require.NoError(t, err)
	require.Equal(t, m.Definition().Transitions[4], d.Transition)
	require.Equal(t, "Open", d.From.Label.Text)
	require.True(t, d.To.Terminal)
	require.False(t, d.Reopen)
	require.Equal(t, "duplicate", d.Reason)

	d, err = m.Decide(context.Background(), workflow.Request{
		Ticket: closedTicket(now.Add(-time.Hour)), Actor: system, To: ticket.StatusInProgress, Now: now,
	})
	require.NoError(t, err)
	require.True(t, d.Reopen)
	require.Equal(t, workflow.Transition{
		Name:  "reopen",
		From:  []string{ticket.StatusClosed},
		To:    ticket.StatusInProgress,
		Roles: []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem},
	}, d.Transition)
	require.Empty(t, d.Effects)
}

// staff is the role list the custom test definitions use.
var staff = []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}

// linear returns transitions that reach every default status, so a test
// definition passes validation; extra transitions come first.
func linear(extra ...workflow.Transition) []workflow.Transition {
	return append(extra,
		workflow.Transition{Name: "to_progress", From: []string{"*"}, To: ticket.StatusInProgress, Roles: staff},
		workflow.Transition{Name: "to_waiting", From: []string{"*"}, To: ticket.StatusWaiting, Roles: staff},
		workflow.Transition{Name: "to_escalated", From: []string{"*"}, To: ticket.StatusEscalated, Roles: staff},
		workflow.Transition{Name: "to_resolved", From: []string{"*"}, To: ticket.StatusResolved, Roles: staff},
		workflow.Transition{Name: "to_closed", From: []string{"*"}, To: ticket.StatusClosed, Roles: staff},
	)
}

func TestDecideBuiltinGuards(t *testing.T) {
	t.Parallel()
	tests := []struct {
		guard      string
		edit       func(tk *ticket.Ticket)
		wantReason string // "" = passes
	}{
		{guard: workflow.GuardActionsDone},
		{guard: workflow.GuardActionsDone, edit: func(tk *ticket.Ticket) {
			tk.Actions = []ticket.Action{{ID: "1", Title: "Refund", Done: true}}
		}},
		{guard: workflow.GuardActionsDone, wantReason: "1 action is still open", edit: func(tk *ticket.Ticket) {
			tk.Actions = []ticket.Action{{ID: "1", Title: "Refund", Done: true}, {ID: "2", Title: "Call"}}
		}},
		{guard: workflow.GuardActionsDone, wantReason: "2 actions are still open", edit: func(tk *ticket.Ticket) {
			tk.Actions = []ticket.Action{{ID: "1", Title: "Refund"}, {ID: "2", Title: "Call"}}
		}},
		{guard: workflow.GuardAssigned, wantReason: "the ticket has no assignee"},
		{guard: workflow.GuardAssigned, edit: func(tk *ticket.Ticket) { tk.Assignee = "u-agent" }},
		{guard: workflow.GuardCustomerSet},
		{guard: workflow.GuardCustomerSet, edit: func(tk *ticket.Ticket) { tk.Customer.ID = "" }},
		{guard: workflow.GuardCustomerSet, edit: func(tk *ticket.Ticket) { tk.Customer.Email = "" }},
		{guard: workflow.GuardCustomerSet, wantReason: "the ticket has no customer", edit: func(tk *ticket.Ticket) {
			tk.Customer = ticket.Customer{Name: "Ann"}
		}},
		{guard: workflow.GuardReasonRequired, wantReason: "a reason is required"},
	}
	for _, tt := range tests {
		t.Run(tt.guard+"/"+tt.wantReason, func(t *testing.T) {
			t.Parallel()
			m, err := workflow.New(workflow.Config{Definition: workflow.Definition{Transitions: linear(
				workflow.Transition{Name: "resolve", From: []string{ticket.StatusInProgress}, To: ticket.StatusResolved, Roles: staff, Guards: []string{tt.guard}},
			)}})
			require.NoError(t, err)
			tk := newTicket(ticket.StatusInProgress)
			if tt.edit != nil {
				tt.edit(tk)
			}
			d, err := m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: agent, To: ticket.StatusResolved, Now: now})
			if tt.wantReason == "" {
				require.NoError(t, err)
				require.Equal(t, "resolve", d.Transition.Name)
				return
			}
			require.ErrorIs(t, err, workflow.ErrGuard)
			var te *workflow.TransitionError
			require.ErrorAs(t, err, &te)
			require.Equal(t, tt.guard, te.Guard)
			require.Equal(t, tt.wantReason, te.Reason)
		})
	}
}

func TestDecideHostGuard(t *testing.T) {
	t.Parallel()
	var seen []workflow.GuardInput
	vip := func(ctx context.Context, in workflow.GuardInput) error {
		seen = append(seen, in)
		if !slices.Contains(in.Ticket.Tags, "vip") {
			return errors.New("only VIP tickets may be escalated")
		}
		return nil
	}
	m, err := workflow.New(workflow.Config{
		Definition: workflow.Definition{Transitions: linear(workflow.Transition{
			Name: "escalate", From: []string{ticket.StatusOpen}, To: ticket.StatusEscalated, Roles: staff,
			Guards: []string{workflow.GuardAssigned, "vip", workflow.GuardReasonRequired},
		})},
		Guards: map[string]workflow.Guard{"vip": vip},
	})
	require.NoError(t, err)

	tests := []struct {
		name      string
		tags      []string
		assignee  string
		reason    string
		wantGuard string // "" = allowed
	}{
		{name: "FirstFailingGuardWins", wantGuard: workflow.GuardAssigned},
		{name: "HostGuardDenies", assignee: "u-agent", reason: "angry", wantGuard: "vip"},
		{name: "LaterGuardDenies", assignee: "u-agent", tags: []string{"vip"}, wantGuard: workflow.GuardReasonRequired},
		{name: "AllPass", assignee: "u-agent", tags: []string{"vip"}, reason: "angry"},
	}
	for _, tt := range tests { // sequential: vip records its inputs
		t.Run(tt.name, func(t *testing.T) {
			tk := newTicket(ticket.StatusOpen)
			tk.Tags, tk.Assignee = tt.tags, tt.assignee
			d, err := m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: agent, To: ticket.StatusEscalated, Reason: tt.reason, Now: now})
			if tt.wantGuard == "" {
				require.NoError(t, err)
				require.Equal(t, "escalate", d.Transition.Name)
				return
			}
			var te *workflow.TransitionError
			require.ErrorAs(t, err, &te)
			require.ErrorIs(t, err, workflow.ErrGuard)
			require.Equal(t, tt.wantGuard, te.Guard)
			if tt.wantGuard == "vip" {
				require.Equal(t, "only VIP tickets may be escalated", te.Reason)
			}
		})
	}
	require.Len(t, seen, 3, "vip runs only after assigned passed")
	require.Equal(t, workflow.GuardInput{Ticket: seen[0].Ticket, Actor: agent, To: ticket.StatusEscalated, Reason: "angry", Now: now}, seen[0])
}

func TestDecideWildcardFrom(t *testing.T) {
	t.Parallel()
	m, err := workflow.New(workflow.Config{Definition: workflow.Definition{Transitions: linear()}})
	require.NoError(t, err)
	for _, s := range ticket.DefaultCatalog().Statuses() {
		t.Run(s.Code, func(t *testing.T) {
			t.Parallel()
			_, err := m.Decide(context.Background(), workflow.Request{Ticket: newTicket(s.Code), Actor: agent, To: ticket.StatusEscalated, Now: now})
			switch s.Code {
			case ticket.StatusEscalated, ticket.StatusClosed: // same status; terminal
				require.ErrorIs(t, err, workflow.ErrNoTransition)
			default:
				require.NoError(t, err)
			}
		})
	}
}

func TestDecidePicksFirstTransitionForRole(t *testing.T) {
	t.Parallel()
	m, err := workflow.New(workflow.Config{Definition: workflow.Definition{Transitions: linear(
		workflow.Transition{Name: "auto_close", From: []string{ticket.StatusResolved}, To: ticket.StatusClosed,
			Roles: []ticket.Role{ticket.RoleSystem}},
		workflow.Transition{Name: "close", From: []string{ticket.StatusResolved}, To: ticket.StatusClosed,
			Roles: []ticket.Role{ticket.RoleAgent, ticket.RoleSystem}, Guards: []string{workflow.GuardReasonRequired}},
	)}})
	require.NoError(t, err)
	tests := []struct {
		actor   ticket.Actor
		want    string
		wantErr error
	}{
		{actor: system, want: "auto_close"},
		{actor: agent, wantErr: workflow.ErrGuard},
		{actor: supervisor, want: "to_closed"}, // only the "*" transition lists supervisors
		{actor: customer, wantErr: workflow.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(string(tt.actor.Role), func(t *testing.T) {
			t.Parallel()
			d, err := m.Decide(context.Background(), workflow.Request{Ticket: newTicket(ticket.StatusResolved), Actor: tt.actor, To: ticket.StatusClosed, Now: now})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, d.Transition.Name)
		})
	}
}

func TestDecideReopenWithoutWindow(t *testing.T) {
	t.Parallel()
	d := workflow.DefaultDefinition()
	d.Reopen.Within = 0
	m, err := workflow.New(workflow.Config{Definition: d})
	require.NoError(t, err)
	for _, closedAt := range []time.Time{{}, now.Add(-10 * 365 * 24 * time.Hour)} {
		dec, err := m.Decide(context.Background(), workflow.Request{Ticket: closedTicket(closedAt), Actor: agent, To: ticket.StatusInProgress, Now: now})
		require.NoError(t, err)
		require.True(t, dec.Reopen)
	}

	d.Reopen = nil
	d.Transitions = linear()
	m, err = workflow.New(workflow.Config{Definition: d})
	require.NoError(t, err)
	_, err = m.Decide(context.Background(), workflow.Request{Ticket: closedTicket(now), Actor: agent, To: ticket.StatusInProgress, Now: now})
	require.ErrorIs(t, err, workflow.ErrNoTransition)
	require.ErrorContains(t, err, `no status is reachable from "closed"`)
}

func TestDecisionDoesNotShareMachineState(t *testing.T) {
	t.Parallel()
	m, err := workflow.New(workflow.Config{Definition: workflow.Definition{Transitions: linear(workflow.Transition{
		Name: "take", From: []string{ticket.StatusOpen}, To: ticket.StatusInProgress, Roles: staff,
		Effects: []workflow.Effect{{Set: map[string]string{"assignee": "$actor"}}},
	})}})
	require.NoError(t, err)
	req := workflow.Request{Ticket: newTicket(ticket.StatusOpen), Actor: agent, To: ticket.StatusInProgress, Now: now}
	d, err := m.Decide(context.Background(), req)
	require.NoError(t, err)
	d.Effects[0].Set["assignee"] = "someone"
	d.Transition.Roles[0] = ticket.RoleCustomer

	d, err = m.Decide(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, "$actor", d.Effects[0].Set["assignee"])
	require.Equal(t, ticket.RoleAgent, d.Transition.Roles[0])
}

func names(ts []workflow.Transition) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestAvailableDefaultWorkflow(t *testing.T) {
	t.Parallel()
	m := defaultMachine(t)
	tests := []struct {
		name   string
		ticket *ticket.Ticket
		actor  ticket.Actor
		want   []string
	}{
		{name: "AgentOpen", ticket: newTicket(ticket.StatusOpen), actor: agent, want: []string{"start", "wait", "escalate", "resolve", "close"}},
		{name: "SupervisorWaiting", ticket: newTicket(ticket.StatusWaiting), actor: supervisor, want: []string{"start", "escalate", "resolve", "close"}},
		{name: "SystemResolved", ticket: newTicket(ticket.StatusResolved), actor: system, want: []string{"start", "close"}},
		{name: "CustomerOpen", ticket: newTicket(ticket.StatusOpen), actor: customer, want: []string{}},
		{name: "AgentClosedInWindow", ticket: closedTicket(now.Add(-time.Hour)), actor: agent, want: []string{"reopen"}},
		{name: "AgentClosedAfterWindow", ticket: closedTicket(now.Add(-15 * 24 * time.Hour)), actor: agent, want: []string{}},
		{name: "CustomerClosed", ticket: closedTicket(now.Add(-time.Hour)), actor: customer, want: []string{}},
		{name: "UnknownStatus", ticket: newTicket("archived"), actor: agent, want: []string{}},
		{name: "NilTicket", actor: agent, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := m.Available(context.Background(), tt.ticket, tt.actor, now)
			require.Equal(t, tt.want, names(got))
			for _, tr := range got {
				// Everything listed is possible with a reason.
				_, err := m.Decide(context.Background(), workflow.Request{Ticket: tt.ticket, Actor: tt.actor, To: tr.To, Reason: "why", Now: now})
				require.NoError(t, err, tr.Name)
			}
		})
	}
}

func TestAvailableAppliesGuardsAndMirrorsDecide(t *testing.T) {
	t.Parallel()
	deny := func(context.Context, workflow.GuardInput) error { return errors.New("no") }
	m, err := workflow.New(workflow.Config{
		Definition: workflow.Definition{Transitions: linear(
			workflow.Transition{Name: "finish", From: []string{ticket.StatusOpen}, To: ticket.StatusResolved, Roles: staff,
				Guards: []string{workflow.GuardActionsDone}},
			workflow.Transition{Name: "kick", From: []string{ticket.StatusOpen}, To: ticket.StatusEscalated, Roles: staff,
				Guards: []string{"deny"}},
			workflow.Transition{Name: "drop", From: []string{ticket.StatusOpen}, To: ticket.StatusClosed, Roles: []ticket.Role{ticket.RoleSupervisor},
				Guards: []string{workflow.GuardReasonRequired}},
		)},
		Guards: map[string]workflow.Guard{"deny": deny},
	})
	require.NoError(t, err)

	tk := newTicket(ticket.StatusOpen)
	// finish: actions done; kick: denied, and Decide would not fall back
	// to to_escalated either; drop: reason asked later.
	got := m.Available(context.Background(), tk, supervisor, now)
	require.Equal(t, []string{"finish", "drop", "to_progress", "to_waiting"}, names(got))
	require.True(t, got[1].RequiresReason())
	require.False(t, got[0].RequiresReason())

	tk.Actions = []ticket.Action{{ID: "1", Title: "Refund"}}
	require.Equal(t, []string{"to_progress", "to_waiting", "to_closed"}, names(m.Available(context.Background(), tk, agent, now)))
}
