package ticketkit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Notifications of complaint events (issue 13, item 16), on every
// backend.

// complaintEvents claims the outbox and returns its complaint events as
// "kind" plus what each is about: the action's owner, the decision's
// salesperson and remedy, the document of a posting or reversal.
func complaintEvents(t *testing.T, st storage.Store) []string {
	t.Helper()
	var out []string
	for _, e := range outboxEvents(t, st) {
		if !strings.HasPrefix(string(e.Kind), "complaint.") {
			continue
		}
		require.NotNil(t, e.Complaint, e.Kind)
		f := e.Complaint
		s := string(e.Kind)
		switch e.Kind {
		case notify.KindComplaintActionAssigned:
			s += " " + f.Action.Owner + " " + f.Action.Title
		case notify.KindComplaintDecided:
			s += " " + f.Salesperson + " " + string(f.Remedy)
		case notify.KindComplaintPosted, notify.KindComplaintReversed:
			s += " " + f.Document.ID + " " + f.Reason
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// TestDesk_ComplaintNotifications puts the complaint events in the outbox of their transaction.
func TestDesk_ComplaintNotifications(t *testing.T) {
	t.Parallel()

	// OutboxHoldsEachEvent takes a complaint from
	// its plan to its reversal: each step puts its complaint event, with the
	// facts its recipients are resolved from, in the outbox of its
	// transaction, and steps that assign nobody put none.
	t.Run("OutboxHoldsEachEvent", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			rd := newReversalDesk(t, b)
			c := rd.open(t)
			complaintEvents(t, rd.store) // drain the opening's

			c, err := rd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID,
				Add: []ticketkit.ActionInput{{Title: "Inspect", Owner: "qa-1"}, {Title: "Unowned"}}})
			require.NoError(t, err)
			require.Equal(t, []string{"complaint.action_assigned qa-1 Inspect"}, complaintEvents(t, rd.store))

			added := c.Actions[len(c.Actions)-2]
			c, err = rd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID,
				Change: []ticketkit.ActionChange{{ID: added.ID, Owner: new("qa-2")}}})
			require.NoError(t, err)
			require.Equal(t, []string{"complaint.action_assigned qa-2 Inspect"}, complaintEvents(t, rd.store), "handed to another owner")
			c, err = rd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID,
				Change: []ticketkit.ActionChange{{ID: added.ID, Result: new("started")}}})
			require.NoError(t, err)
			require.Empty(t, complaintEvents(t, rd.store), "the same owner is not told again")

			c = rd.toFulfilled(t, c) // decides with a credit follow-up, closes the actions
			require.Equal(t, []string{
				"complaint.decided sales-1 credit_note",
				"complaint.action_assigned sales-1 " + c.Actions[len(c.Actions)-1].Title,
			}, complaintEvents(t, rd.store))

			_, err = rd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.NoError(t, err)
			require.Equal(t, []string{"complaint.posted CN-1"}, complaintEvents(t, rd.store))

			_, err = rd.rdesk.ComplaintReverse(ctx, agent, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "credit issued twice"})
			require.NoError(t, err)
			require.Equal(t, []string{"complaint.reversed DN-1 credit issued twice"}, complaintEvents(t, rd.store))
		})
	})

	// TemplateActionsAtOpening: a category's
	// template action with an owner, added when the complaint is opened,
	// is announced to that owner.
	t.Run("TemplateActionsAtOpening", func(t *testing.T) {
		t.Parallel()
		spec := ticket.ComplaintCatalog().Spec()
		for i := range spec.Categories {
			for j := range spec.Categories[i].Actions {
				spec.Categories[i].Actions[j].Owner = "qa-1"
			}
		}
		cat, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		machine, err := workflow.DefaultComplaint(cat, workflow.ComplaintRules{})
		require.NoError(t, err)
		onEveryBackend(t, func(t *testing.T, b backend) {
			store := b.Open(t)
			desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(t0), Complaints: &ticketkit.ComplaintConfig{Workflow: machine}})
			require.NoError(t, err)
			_, err = desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{
				Subject: "Leaking kettles", Category: ticket.CategoryDefect, Customer: ticket.Customer{ID: "C-1"},
				RemedySought: ticket.RemedyCreditNote,
			})
			require.NoError(t, err)
			require.Equal(t, []string{
				"complaint.action_assigned qa-1 Inspect the returned goods",
				"complaint.action_assigned qa-1 Check the batch for further defects",
			}, complaintEvents(t, store))
		})
	})
}
