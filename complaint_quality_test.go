package ticketkit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// lastEvent returns the newest history line of field on complaint id.
func lastEvent(t *testing.T, cd *complaintDesk, id, field string) *ticket.Event {
	t.Helper()
	hist, err := cd.desk.History(t.Context(), agent, id)
	require.NoError(t, err)
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Field == field {
			return hist[i]
		}
	}
	t.Fatalf("no history line of %s", field)
	return nil
}

// TestDesk_ComplaintQuality walks the 8D structure of one complaint on
// every backend: typed actions, steps in order, the root cause from the
// catalog, effectiveness checks, history lines, the customer's view and
// the reports by cause and defect code.
func TestDesk_ComplaintQuality(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		cd, c := setupComplaint(t, b)
		step := func(s ticket.Step) (*ticket.Complaint, error) {
			return cd.desk.ComplaintStepComplete(ctx, agent, ticketkit.ComplaintStepParams{ComplaintID: c.ID, Step: s, Notes: "notes " + string(s)})
		}
		refused := func(t *testing.T, err error, s ticket.Step, reason string) {
			t.Helper()
			require.ErrorIs(t, err, ticketkit.ErrStepOrder)
			var se *workflow.StepError
			require.True(t, errors.As(err, &se), "%v", err)
			require.Equal(t, s, se.Step)
			require.Contains(t, se.Reason, reason)
		}

		// Typed actions with owners and due dates, in the plan.
		c, err := cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Add: []ticketkit.ActionInput{
			{Title: "Block batch B-7", Owner: "qa-1", DueAt: t0.Add(24 * time.Hour), Type: ticket.ActionContainment},
			{Title: "Replace the worn jig", Owner: "eng-1", Type: ticket.ActionCorrective},
		}})
		require.NoError(t, err)
		containment, corrective := c.Actions[len(c.Actions)-2], c.Actions[len(c.Actions)-1]
		require.Equal(t, ticket.ActionContainment, containment.Type)
		require.Equal(t, "qa-1", containment.Owner)
		require.Contains(t, lastEvent(t, cd, c.ID, ticket.FieldAction).New, "type corrective")
		_, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Add: []ticketkit.ActionInput{{Title: "x", Type: "curative"}}})
		var v *ticket.ValidationError
		require.ErrorAs(t, err, &v)

		// Steps complete in order; the refusal names the step.
		_, err = step(ticket.StepD2)
		refused(t, err, ticket.StepD2, "complete D1 first")
		for _, s := range []ticket.Step{ticket.StepD1, ticket.StepD2, ticket.StepD3} {
			c, err = step(s)
			require.NoError(t, err)
		}
		require.Len(t, c.Details.Steps, 3)
		require.Equal(t, "D3 by agent-1 at 2026-03-02T09:00:00Z (notes D3)", lastEvent(t, cd, c.ID, ticket.FieldSteps).New)
		_, err = step(ticket.StepD3)
		refused(t, err, ticket.StepD3, "already complete")
		_, err = step(ticket.StepD4)
		refused(t, err, ticket.StepD4, "set the root cause first")
		_, err = step("D9")
		require.ErrorAs(t, err, &v)
		require.Equal(t, []string{"step"}, fieldNames(v))

		// The root cause, from the catalog's code groups.
		_, err = cd.desk.ComplaintRootCauseSet(ctx, agent, ticketkit.ComplaintRootCauseParams{ComplaintID: c.ID,
			Cause: ticket.CodeRef{Group: "MAN", Code: "M99"}, Defect: ticket.CodeRef{Group: "MAN", Code: "M01"}})
		require.ErrorAs(t, err, &v)
		require.ElementsMatch(t, []string{"cause", "defect"}, fieldNames(v))
		c, err = cd.desk.ComplaintRootCauseSet(ctx, agent, ticketkit.ComplaintRootCauseParams{ComplaintID: c.ID,
			Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, Defect: ticket.CodeRef{Group: "FUN", Code: "F01"}, Text: " worn jig "})
		require.NoError(t, err)
		require.Equal(t, &ticket.RootCause{Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, Defect: ticket.CodeRef{Group: "FUN", Code: "F01"},
			Text: "worn jig", By: agent.ID, At: t0}, withUTC(c.Details.RootCause))
		require.Equal(t, "cause MAN/M01; defect FUN/F01; by agent-1 at 2026-03-02T09:00:00Z; worn jig",
			lastEvent(t, cd, c.ID, ticket.FieldRootCause).New)
		for _, s := range []ticket.Step{ticket.StepD4, ticket.StepD5} {
			_, err = step(s)
			require.NoError(t, err)
		}

		// D6 waits for the corrective action to be done and effective.
		_, err = step(ticket.StepD6)
		refused(t, err, ticket.StepD6, `"Replace the worn jig" must be done`)
		_, err = cd.desk.ComplaintEffectivenessRecord(ctx, agent, ticketkit.ComplaintEffectivenessParams{ComplaintID: c.ID, ActionID: corrective.ID, Effective: true})
		require.ErrorAs(t, err, &v)
		require.Equal(t, []string{"action_id"}, fieldNames(v))
		_, err = cd.desk.ComplaintEffectivenessRecord(ctx, agent, ticketkit.ComplaintEffectivenessParams{ComplaintID: c.ID, ActionID: "nope", Effective: true})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{{ID: corrective.ID, Done: new(true)}}})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintEffectivenessRecord(ctx, agent, ticketkit.ComplaintEffectivenessParams{ComplaintID: c.ID, ActionID: corrective.ID, Notes: "leaks again"})
		require.NoError(t, err)
		require.Contains(t, lastEvent(t, cd, c.ID, ticket.FieldAction).New, "not effective per agent-1 at 2026-03-02T09:00:00Z (leaks again)")
		_, err = step(ticket.StepD6)
		refused(t, err, ticket.StepD6, "checked effective")
		c, err = cd.desk.ComplaintEffectivenessRecord(ctx, agent, ticketkit.ComplaintEffectivenessParams{ComplaintID: c.ID, ActionID: corrective.ID, Effective: true, Notes: "tested 50 pcs"})
		require.NoError(t, err)
		got := c.Actions[len(c.Actions)-1].Effectiveness
		require.True(t, got.Effective)
		require.Equal(t, agent.ID, got.By)

		// In the host's transaction: a rollback leaves no step behind.
		rollback := errors.New("host rolls back")
		err = cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := cd.desk.ComplaintStepCompleteTx(ctx, tx, agent, ticketkit.ComplaintStepParams{ComplaintID: c.ID, Step: ticket.StepD6})
			require.NoError(t, err)
			return rollback
		})
		require.ErrorIs(t, err, rollback)
		err = cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := cd.desk.ComplaintStepCompleteTx(ctx, tx, agent, ticketkit.ComplaintStepParams{ComplaintID: c.ID, Step: ticket.StepD6})
			return err
		})
		require.NoError(t, err)
		c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
		require.NoError(t, err)
		require.Len(t, c.Details.Steps, 6)

		// Reopening an action clears its check, which no longer holds.
		c, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{{ID: containment.ID, Done: new(true)}}})
		require.NoError(t, err)
		_, err = cd.desk.ComplaintEffectivenessRecord(ctx, agent, ticketkit.ComplaintEffectivenessParams{ComplaintID: c.ID, ActionID: containment.ID, Effective: true})
		require.NoError(t, err)
		c, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{{ID: containment.ID, Done: new(false)}}})
		require.NoError(t, err)
		require.Equal(t, ticket.EffectivenessCheck{}, c.Actions[len(c.Actions)-2].Effectiveness)

		// Customers see none of it and change none of it.
		mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
		require.NoError(t, err)
		require.Nil(t, mine.Details.RootCause)
		require.Empty(t, mine.Details.Steps)
		require.Empty(t, mine.Actions)
		_, err = cd.desk.ComplaintStepComplete(ctx, customer, ticketkit.ComplaintStepParams{ComplaintID: c.ID, Step: ticket.StepD7})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = cd.desk.ComplaintRootCauseSet(ctx, customer, ticketkit.ComplaintRootCauseParams{ComplaintID: c.ID, Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)

		// Reports by cause and defect code.
		other := cd.open(t)
		_, err = cd.desk.ComplaintRootCauseSet(ctx, agent, ticketkit.ComplaintRootCauseParams{ComplaintID: other.ID, Cause: ticket.CodeRef{Group: "LOG", Code: "T01"}})
		require.NoError(t, err)
		cd.open(t) // without a root cause: in no row
		r, err := cd.desk.ComplaintReport(ctx, agent, ticketkit.ComplaintReportParams{})
		require.NoError(t, err)
		require.Equal(t, []ticket.CountRow{{Key: "LOG/T01", Count: 1}, {Key: "MAN/M01", Count: 1}}, r.ByCause)
		require.Equal(t, []ticket.CountRow{{Key: "FUN/F01", Count: 1}}, r.ByDefect)
	})
}

// withUTC returns r with At in UTC, as stores may return another zone.
func withUTC(r *ticket.RootCause) *ticket.RootCause {
	out := *r
	out.At = out.At.UTC()
	return &out
}
