package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestApplyClosesAndReopens(t *testing.T) {
	t.Parallel()
	m := defaultMachine(t)
	tk := newTicket(ticket.StatusResolved)
	updated := tk.UpdatedAt

	d, err := m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: agent, To: ticket.StatusClosed, Reason: "Refunded", Now: now})
	require.NoError(t, err)
	d.Apply(tk, agent, now, nil)
	require.Equal(t, ticket.StatusClosed, tk.Status)
	require.Equal(t, now, tk.ClosedAt)
	require.Equal(t, "Refunded", tk.ClosureReason)
	require.Equal(t, updated, tk.UpdatedAt, "the Desk sets UpdatedAt")

	later := now.Add(72 * time.Hour)
	d, err = m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: supervisor, To: ticket.StatusInProgress, Reason: "customer wrote back", Now: later})
	require.NoError(t, err)
	d.Apply(tk, supervisor, later, nil)
	require.Equal(t, ticket.StatusInProgress, tk.Status)
	require.True(t, tk.ClosedAt.IsZero())
	require.Empty(t, tk.ClosureReason)
	require.Equal(t, updated, tk.UpdatedAt)
}

func TestApplyLeavesClosureFieldsForOrdinaryMoves(t *testing.T) {
	t.Parallel()
	m := defaultMachine(t)
	tk := newTicket(ticket.StatusOpen)
	d, err := m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: agent, To: ticket.StatusResolved, Reason: "answered", Now: now})
	require.NoError(t, err)
	d.Apply(tk, agent, now, nil)
	require.Equal(t, ticket.StatusResolved, tk.Status)
	require.True(t, tk.ClosedAt.IsZero())
	require.Empty(t, tk.ClosureReason)
}

func TestApplyEffects(t *testing.T) {
	t.Parallel()
	m, err := workflow.New(workflow.Config{
		Catalog: testCatalog(),
		Definition: workflow.Definition{Transitions: linear(workflow.Transition{
			Name: "escalate", From: []string{ticket.StatusOpen}, To: ticket.StatusEscalated, Roles: staff,
			Effects: []workflow.Effect{
				{
					Set: map[string]string{"assignee": "u-first", "department": "billing", "priority": "urgent", "category": ""},
					AddActions: []ticket.ActionTemplate{
						{Title: "Call the customer", Owner: "$actor", DueIn: "4h"},
						{Title: "Check the invoice", Owner: "billing"},
					},
					Emit: []string{"escalated_to_billing"},
				},
				{
					Set:        map[string]string{"assignee": "$actor"},
					AddActions: []ticket.ActionTemplate{{Title: "Review", DueIn: "48h"}},
				},
			},
		})},
	})
	require.NoError(t, err)

	tk := newTicket(ticket.StatusOpen)
	tk.Category = ticket.CategoryComplaint
	tk.Actions = []ticket.Action{{ID: "a-0", Title: "Existing", Done: true}}
	d, err := m.Decide(context.Background(), workflow.Request{Ticket: tk, Actor: supervisor, To: ticket.StatusEscalated, Now: now})
	require.NoError(t, err)
	require.Equal(t, []string{"escalated_to_billing"}, d.Effects[0].Emit)
	d.Apply(tk, supervisor, now, seqIDs())

	require.Equal(t, ticket.StatusEscalated, tk.Status)
	require.Equal(t, "u-super", tk.Assignee, "effects apply in order; $actor is the actor's ID")
	require.Equal(t, "billing", tk.Department)
	require.Equal(t, ticket.PriorityUrgent, tk.Priority)
	require.Empty(t, tk.Category)
	require.Equal(t, []ticket.Action{
		{ID: "a-0", Title: "Existing", Done: true},
		{ID: "a-1", Title: "Call the customer", Owner: "u-super", DueAt: now.Add(4 * time.Hour)},
		{ID: "a-2", Title: "Check the invoice", Owner: "billing"},
		{ID: "a-3", Title: "Review", DueAt: now.Add(48 * time.Hour)},
	}, tk.Actions)
	require.True(t, tk.ClosedAt.IsZero())
}

func TestApplyHandBuiltDecision(t *testing.T) {
	t.Parallel()
	c := ticket.DefaultCatalog()
	from, _ := c.Status(ticket.StatusClosed)
	to, _ := c.Status(ticket.StatusOpen)
	tk := closedTicket(now)
	workflow.Decision{
		From: from, To: to, Reopen: true,
		Effects: []workflow.Effect{{AddActions: []ticket.ActionTemplate{{Title: "Follow up", DueIn: "soon"}}}},
	}.Apply(tk, agent, now, nil)
	require.Equal(t, ticket.StatusOpen, tk.Status)
	require.True(t, tk.ClosedAt.IsZero())
	require.Empty(t, tk.ClosureReason)
	require.Equal(t, []ticket.Action{{Title: "Follow up"}}, tk.Actions, "nil newID leaves IDs empty; a bad DueIn means no due date")
}
