package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// newComplaint returns a complaint in status with an action plan of one
// open action and nothing decided.
func newComplaint(status string) *ticket.Complaint {
	c := &ticket.Complaint{Ticket: *newTicket(status)}
	c.Subject = "Cracked kettles"
	c.Reason = "CR02"
	c.Actions = []ticket.Action{{ID: "a-1", Title: "Inspect the returned goods"}}
	c.Details.IssuedAt = now.Add(-72 * time.Hour)
	c.Details.RemedySought = ticket.RemedyCreditNote
	return c
}

// ready makes c ready to fulfil and post: actions done, decided, end
// date set.
func ready(c *ticket.Complaint) *ticket.Complaint {
	for i := range c.Actions {
		c.Actions[i].Done = true
	}
	c.Details.Decision = &ticket.ComplaintDecision{
		Justified: true, By: "u-agent", At: now.Add(-time.Hour),
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("480"), Currency: "EUR"},
	}
	c.Details.EndDate = now.Add(-time.Minute)
	return c
}

func review(outcome ticket.ReviewOutcome, at time.Time) ticket.Review {
	return ticket.Review{By: "u-super", Role: ticket.RoleSupervisor, At: at, Outcome: outcome, Notes: "check the batch"}
}

func complaintMachine(t *testing.T, rules workflow.ComplaintRules) *workflow.ComplaintMachine {
	t.Helper()
	m, err := workflow.DefaultComplaint(nil, rules)
	require.NoError(t, err)
	return m
}

func TestComplaintDecide(t *testing.T) {
	t.Parallel()
	strict := workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true}
	tests := []struct {
		name      string
		rules     workflow.ComplaintRules
		complaint *ticket.Complaint
		actor     ticket.Actor
		to        string
		reason    string
		wantName  string
		wantErr   error
		wantGuard string
		wantMsg   string
	}{
		{name: "Plan", complaint: newComplaint(ticket.StatusRegistered), actor: agent, to: ticket.StatusPlanned, wantName: workflow.TransitionPlan},
		{
			name: "CustomerMayNotPlan", complaint: newComplaint(ticket.StatusRegistered), actor: customer, to: ticket.StatusPlanned,
			wantErr: workflow.ErrForbidden,
		},
		{
			name: "FulfilBlockedByOpenActions", complaint: newComplaint(ticket.StatusPlanned), actor: agent, to: ticket.StatusFulfilled,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardActionsDone, wantMsg: "1 action is still open",
		},
		{
			name: "FulfilNeedsDecision",
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusPlanned))
				c.Details.Decision = nil
				return c
			}(),
			actor: agent, to: ticket.StatusFulfilled,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardDecisionMade, wantMsg: "the complaint has no decision yet",
		},
		{
			name: "FulfilNeedsEndDate",
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusPlanned))
				c.Details.EndDate = time.Time{}
				return c
			}(),
			actor: agent, to: ticket.StatusFulfilled,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardEndDateSet, wantMsg: "an end date is required",
		},
		{
			name: "FulfilRejectsFutureEndDate",
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusPlanned))
				c.Details.EndDate = now.Add(48 * time.Hour)
				return c
			}(),
			actor: agent, to: ticket.StatusFulfilled,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardEndDateSet, wantMsg: "the end date 2026-03-04 is in the future",
		},
		{name: "Fulfil", complaint: ready(newComplaint(ticket.StatusPlanned)), actor: agent, to: ticket.StatusFulfilled, wantName: workflow.TransitionFulfil},
		{name: "Replan", complaint: ready(newComplaint(ticket.StatusFulfilled)), actor: agent, to: ticket.StatusPlanned, wantName: workflow.TransitionReplan},
		{name: "PostWithoutRules", complaint: ready(newComplaint(ticket.StatusFulfilled)), actor: agent, to: ticket.StatusPosted, wantName: workflow.TransitionPost},
		{
			name: "PostBlockedByOpenFollowUp",
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusFulfilled))
				c.Actions = append(c.Actions, ticket.Action{ID: "a-2", Title: "Issue a credit note", Owner: "u-sam"})
				return c
			}(),
			actor: agent, to: ticket.StatusPosted,
			wantErr: workflow.ErrGuard, wantGuard: workflow.GuardActionsDone, wantMsg: "1 action is still open",
		},
		{
			name: "PostWithoutClosureReason", rules: strict, complaint: ready(newComplaint(ticket.StatusFulfilled)), actor: agent,
			to: ticket.StatusPosted, wantErr: workflow.ErrGuard, wantGuard: workflow.GuardReasonRequired, wantMsg: "a reason is required",
		},
		{
			name: "PostWithoutSupervisorReview", rules: strict, complaint: ready(newComplaint(ticket.StatusFulfilled)), actor: agent,
			to: ticket.StatusPosted, reason: "credited", wantErr: workflow.ErrGuard, wantGuard: workflow.GuardSupervisorReview,
			wantMsg: "a supervisor's follow-up review is required",
		},
		{
			name: "PostWithReviewAskingForChanges", rules: strict,
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusFulfilled))
				c.Details.Reviews = []ticket.Review{review(ticket.ReviewApproved, now.Add(-2*time.Hour)), review(ticket.ReviewChangesRequested, now.Add(-time.Hour))}
				return c
			}(),
			actor: agent, to: ticket.StatusPosted, reason: "credited", wantErr: workflow.ErrGuard, wantGuard: workflow.GuardSupervisorReview,
			wantMsg: "the latest supervisor review asks for changes: check the batch",
		},
		{
			name: "PostWithAgentReviewOnly", rules: strict,
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusFulfilled))
				r := review(ticket.ReviewApproved, now)
				r.Role = ticket.RoleAgent
				c.Details.Reviews = []ticket.Review{r}
				return c
			}(),
			actor: agent, to: ticket.StatusPosted, reason: "credited", wantErr: workflow.ErrGuard, wantGuard: workflow.GuardSupervisorReview,
		},
		{
			name: "PostWithApprovedReview", rules: strict,
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusFulfilled))
				c.Details.Reviews = []ticket.Review{review(ticket.ReviewChangesRequested, now.Add(-2*time.Hour)), review(ticket.ReviewApproved, now.Add(-time.Hour))}
				return c
			}(),
			actor: agent, to: ticket.StatusPosted, reason: "credited", wantName: workflow.TransitionPost,
		},
		{
			name: "RejectWithoutReason", rules: workflow.ComplaintRules{ClosureReason: true}, complaint: newComplaint(ticket.StatusRegistered),
			actor: agent, to: ticket.StatusRejected, wantErr: workflow.ErrGuard, wantGuard: workflow.GuardReasonRequired,
		},
		{
			name: "RejectWithReason", rules: workflow.ComplaintRules{ClosureReason: true}, complaint: newComplaint(ticket.StatusPlanned),
			actor: agent, to: ticket.StatusRejected, reason: "duplicate of CP-7", wantName: workflow.TransitionReject,
		},
		{
			name: "NoPostingFromPlanned", complaint: ready(newComplaint(ticket.StatusPlanned)), actor: agent, to: ticket.StatusPosted,
			wantErr: workflow.ErrNoTransition, wantMsg: `from "planned" the ticket can move to fulfilled, rejected`,
		},
		{
			name: "RejectedIsFinal", complaint: newComplaint(ticket.StatusRejected), actor: supervisor, to: ticket.StatusPlanned,
			wantErr: workflow.ErrNoTransition,
		},
		{
			name: "PostedIsImmutable",
			complaint: func() *ticket.Complaint {
				c := ready(newComplaint(ticket.StatusPosted))
				c.Details.Posted, c.Details.PostedAt = true, now.Add(-time.Hour)
				return c
			}(),
			actor: supervisor, to: ticket.StatusPlanned, wantErr: ticket.ErrPosted, wantMsg: "a posted complaint cannot change",
		},
		{name: "NilComplaint", actor: agent, to: ticket.StatusPlanned, wantErr: workflow.ErrNoTransition, wantMsg: "no complaint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := complaintMachine(t, tt.rules)
			var before *ticket.Complaint
			if tt.complaint != nil {
				before = tt.complaint.Clone()
			}
			d, err := m.Decide(t.Context(), workflow.ComplaintRequest{
				Complaint: tt.complaint, Actor: tt.actor, To: tt.to, Reason: tt.reason, Now: now,
			})
			require.Equal(t, before, tt.complaint, "Decide does not change the complaint")
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.Equal(t, tt.wantName, d.Transition.Name)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var te *workflow.TransitionError
			require.ErrorAs(t, err, &te)
			require.Equal(t, tt.wantGuard, te.Guard)
			if tt.wantMsg != "" {
				require.Equal(t, tt.wantMsg, te.Reason)
			}
		})
	}
}

func TestComplaintApplyPosts(t *testing.T) {
	t.Parallel()
	m := complaintMachine(t, workflow.ComplaintRules{ClosureReason: true})
	c := ready(newComplaint(ticket.StatusFulfilled))
	d, err := m.Decide(t.Context(), workflow.ComplaintRequest{Complaint: c, Actor: agent, To: ticket.StatusPosted, Reason: " credited ", Now: now})
	require.NoError(t, err)
	require.NoError(t, m.Apply(d, c, agent, now, nil))
	require.Equal(t, ticket.StatusPosted, c.Status)
	require.True(t, c.Details.Posted)
	require.Equal(t, now, c.Details.PostedAt)
	require.Equal(t, now, c.ClosedAt)
	require.Equal(t, "credited", c.ClosureReason)
	require.ErrorIs(t, c.CheckEditable(), ticket.ErrPosted)

	require.ErrorIs(t, m.Apply(d, c, agent, now.Add(time.Hour), nil), ticket.ErrPosted, "applying again is an edit")
	require.Equal(t, now, c.Details.PostedAt)
	require.Empty(t, m.Available(t.Context(), c, supervisor, now))
	_, err = m.Decide(t.Context(), workflow.ComplaintRequest{Complaint: c, Actor: supervisor, To: ticket.StatusPlanned, Now: now})
	require.ErrorIs(t, err, ticket.ErrPosted)
}

func TestComplaintAvailable(t *testing.T) {
	t.Parallel()
	m := complaintMachine(t, workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true})
	names := func(c *ticket.Complaint) []string {
		var out []string
		for _, tr := range m.Available(t.Context(), c, agent, now) {
			out = append(out, tr.Name)
		}
		return out
	}
	require.Empty(t, names(newComplaint(ticket.StatusPlanned)), "fulfil waits for the actions, reject for the supervisor")
	planned := ready(newComplaint(ticket.StatusPlanned))
	require.Equal(t, []string{"fulfil"}, names(planned))
	planned.Details.Reviews = []ticket.Review{review(ticket.ReviewApproved, now)}
	require.Equal(t, []string{"fulfil", "reject"}, names(planned), "the reason is asked when chosen")
	c := ready(newComplaint(ticket.StatusFulfilled))
	require.Equal(t, []string{"replan"}, names(c), "post waits for the supervisor")
	c.Details.Reviews = []ticket.Review{review(ticket.ReviewApproved, now)}
	require.Equal(t, []string{"replan", "post"}, names(c))
	require.Nil(t, m.Available(t.Context(), nil, agent, now))
}

func TestComplaintDefinitionIsData(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultComplaintDefinition(workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true})
	data, err := json.Marshal(def)
	require.NoError(t, err)
	parsed, err := workflow.ParseJSON(data)
	require.NoError(t, err)
	require.Equal(t, def, parsed)
	m, err := workflow.NewComplaint(workflow.ComplaintConfig{Definition: parsed})
	require.NoError(t, err)
	require.Equal(t, ticket.StatusPosted, m.PostedStatus())
	require.Equal(t, "complaint", m.Machine().Definition().Name)

	// The plain machine cannot run complaint guards without a complaint.
	_, err = m.Machine().Decide(t.Context(), workflow.Request{
		Ticket: &ready(newComplaint(ticket.StatusPlanned)).Ticket, Actor: agent, To: ticket.StatusFulfilled, Now: now,
	})
	require.ErrorIs(t, err, workflow.ErrGuard)
	require.ErrorContains(t, err, "needs a complaint")
}

func TestNewComplaintRejectsBadConfig(t *testing.T) {
	t.Parallel()
	noop := func(context.Context, workflow.GuardInput) error { return nil }
	cnoop := func(context.Context, workflow.ComplaintGuardInput) error { return nil }
	_, err := workflow.NewComplaint(workflow.ComplaintConfig{
		PostedStatus: ticket.StatusFulfilled,
		Guards:       map[string]workflow.Guard{workflow.GuardDecisionMade: noop},
		ComplaintGuards: map[string]workflow.ComplaintGuard{
			workflow.GuardAssigned: cnoop, "nil_guard": nil, "": cnoop,
		},
	})
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Equal(t, []string{
		`posted status "fulfilled" is not terminal`,
		`guard "decision_made" shadows a complaint guard`,
		"complaint guard with empty name",
		`complaint guard "assigned" shadows another guard`,
		`complaint guard "nil_guard" is nil`,
	}, de.Problems)

	_, err = workflow.DefaultComplaint(ticket.DefaultCatalog(), workflow.ComplaintRules{})
	require.ErrorAs(t, err, &de, "the ticket catalog has no complaint statuses")
	require.Contains(t, de.Problems, `unknown posted status "posted"`)
}

func TestComplaintHostGuard(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultComplaintDefinition(workflow.ComplaintRules{})
	def.Transitions[0].Guards = []string{"severity_assessed"}
	m, err := workflow.NewComplaint(workflow.ComplaintConfig{
		Definition: def,
		ComplaintGuards: map[string]workflow.ComplaintGuard{
			"severity_assessed": func(_ context.Context, in workflow.ComplaintGuardInput) error {
				if in.Complaint.Details.Severity == "" {
					return errors.New("assess the severity first")
				}
				return nil
			},
		},
	})
	require.NoError(t, err)
	c := newComplaint(ticket.StatusRegistered)
	req := workflow.ComplaintRequest{Complaint: c, Actor: agent, To: ticket.StatusPlanned, Now: now}
	_, err = m.Decide(t.Context(), req)
	require.ErrorIs(t, err, workflow.ErrGuard)
	require.ErrorContains(t, err, `"severity_assessed": assess the severity first`)
	c.Details.Severity = ticket.SeverityHigh
	_, err = m.Decide(t.Context(), req)
	require.NoError(t, err)
}

// TestComplaintMachineHostGuards: a machine gives back the guards the
// host registered, and only those, so that a complaint workflow built
// from data (a tenant's) may name them and decides with them.
func TestComplaintMachineHostGuards(t *testing.T) {
	t.Parallel()
	severity := func(_ context.Context, in workflow.ComplaintGuardInput) error {
		if in.Complaint.Details.Severity == "" {
			return errors.New("assess the severity first")
		}
		return nil
	}
	never := func(context.Context, workflow.GuardInput) error { return errors.New("never") }
	m, err := workflow.NewComplaint(workflow.ComplaintConfig{
		Guards:          map[string]workflow.Guard{"never": never},
		ComplaintGuards: map[string]workflow.ComplaintGuard{"severity_assessed": severity},
	})
	require.NoError(t, err)
	guards, cguards := m.HostGuards(), m.HostComplaintGuards()
	require.Equal(t, []string{"never"}, slices.Sorted(maps.Keys(guards)))
	require.Equal(t, []string{"severity_assessed"}, slices.Sorted(maps.Keys(cguards)))

	def := workflow.DefaultComplaintDefinition(workflow.ComplaintRules{})
	def.Transitions[0].Guards = []string{"severity_assessed"}
	def.Transitions[4].Guards = []string{"never"}
	tenant, err := workflow.NewComplaint(workflow.ComplaintConfig{Definition: def, Guards: guards, ComplaintGuards: cguards})
	require.NoError(t, err)
	c := newComplaint(ticket.StatusRegistered)
	_, err = tenant.Decide(t.Context(), workflow.ComplaintRequest{Complaint: c, Actor: agent, To: ticket.StatusPlanned, Now: now})
	require.ErrorContains(t, err, "assess the severity first")
	_, err = tenant.Decide(t.Context(), workflow.ComplaintRequest{Complaint: c, Actor: agent, To: ticket.StatusRejected, Now: now})
	require.ErrorContains(t, err, "never")
}
