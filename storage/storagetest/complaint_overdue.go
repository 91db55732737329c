package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// errRollback makes a test transaction roll back.
var errRollback = errors.New("storagetest: roll back")

// complaintOverdue checks the optional ComplaintOverdueStore: the claim
// of complaints with an open unmarked action due, the marks that stop
// it, a new due date that re-arms it, done actions and posted complaints
// never due, and concurrent claims that never share a complaint.
func (s suite) complaintOverdue(t *testing.T) {
	ctx := context.Background()
	// The fixture's actions: the first done, due at +24h; the second
	// open, due at +48h.
	openDue := at(48 * time.Hour)
	claim := func(t *testing.T, st storage.Store, now time.Time, limit int) []*storage.OverdueComplaint {
		t.Helper()
		var out []*storage.OverdueComplaint
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			var err error
			out, err = as[storage.ComplaintOverdueStore](t, tx).ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{Now: now, Limit: limit})
			return err
		}))
		return out
	}
	ids := func(ocs []*storage.OverdueComplaint) []string {
		out := []string{}
		for _, oc := range ocs {
			out = append(out, oc.Complaint.ID)
		}
		return out
	}
	mark := func(t *testing.T, st storage.Store, c *ticket.Complaint, actions ...ticket.Action) {
		t.Helper()
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.ComplaintOverdueStore](t, tx).ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{
				TenantID: c.TenantID, ComplaintID: c.ID, Actions: actions,
			})
		}))
	}
	update := func(t *testing.T, st storage.Store, c *ticket.Complaint) {
		t.Helper()
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.ComplaintStore](t, tx).ComplaintUpdate(ctx, c)
		}))
	}
	oneComplaint := func(t *testing.T) (storage.Store, *ticket.Complaint) {
		t.Helper()
		st, _ := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, c)
		return st, c
	}
	get := func(t *testing.T, st storage.Store, c *ticket.Complaint) *ticket.Complaint {
		t.Helper()
		got, err := as[storage.ComplaintStore](t, st).ComplaintGet(ctx, storage.TicketGetParams{TenantID: c.TenantID, ID: c.ID})
		require.NoError(t, err)
		return got
	}

	t.Run("ClaimsOpenActionsDueOnceMarked", func(t *testing.T) {
		t.Parallel()
		st, _ := s.complaintStore(t)
		c := newComplaint(tenantA, 0)
		plain := newTicket(tenantA)
		mustCreate(t, st, plain) // a plain ticket's actions are never claimed
		mustCreateComplaint(t, st, c)

		require.Empty(t, claim(t, st, openDue.Add(-time.Microsecond), 10), "not due yet; the done action is never due")
		got := claim(t, st, openDue, 10)
		require.Equal(t, []string{c.ID}, ids(got))
		requireComplaint(t, c, got[0].Complaint)
		require.Empty(t, got[0].Marks)
		due := got[0].Marks.Overdue(got[0].Complaint, openDue)
		require.Len(t, due, 1)
		require.Equal(t, c.Actions[1].ID, due[0].ID)

		mark(t, st, c, due...)
		require.Empty(t, claim(t, st, openDue.Add(1000*time.Hour), 10), "marked for its due date")
		stored := get(t, st, c)
		require.Equal(t, c.Version, stored.Version, "a mark is no edit")
		require.True(t, c.UpdatedAt.Equal(stored.UpdatedAt), "a mark is no edit")

		c.Details.Severity = ticket.SeverityLow // an edit of something else keeps the mark
		update(t, st, c)
		require.Empty(t, claim(t, st, openDue.Add(1000*time.Hour), 10), "the mark outlives other edits")
	})

	t.Run("NewDueDateReArms", func(t *testing.T) {
		t.Parallel()
		st, c := oneComplaint(t)
		mark(t, st, c, c.Actions[1])
		require.Empty(t, claim(t, st, openDue, 10))

		c.Actions[1].DueAt = at(72 * time.Hour)
		update(t, st, c)
		require.Empty(t, claim(t, st, at(72*time.Hour).Add(-time.Microsecond), 10))
		got := claim(t, st, at(72*time.Hour), 10)
		require.Equal(t, []string{c.ID}, ids(got))
		due := got[0].Marks.Overdue(got[0].Complaint, at(72*time.Hour))
		require.Len(t, due, 1)
		require.True(t, due[0].DueAt.Equal(at(72*time.Hour)))

		c.Actions[1].DueAt = openDue // back to the date marked before: re-armed too
		update(t, st, c)
		require.Equal(t, []string{c.ID}, ids(claim(t, st, openDue, 10)))
	})

	t.Run("DoneActionsAndPostedComplaintsAreNeverDue", func(t *testing.T) {
		t.Parallel()
		st, _ := s.complaintStore(t)
		done := newComplaint(tenantA, 0)
		posted := newComplaint(tenantA, 0)
		mustCreateComplaint(t, st, done, posted)
		done.Actions[1].Done, done.Actions[1].DoneAt = true, at(time.Hour)
		update(t, st, done)
		posted.Status, posted.Details.Posted, posted.Details.PostedAt = ticket.StatusPosted, true, at(time.Hour)
		update(t, st, posted)
		require.Empty(t, claim(t, st, openDue.Add(1000*time.Hour), 10))
	})

	t.Run("ClaimsEarliestFirstAcrossTenantsUpToLimit", func(t *testing.T) {
		t.Parallel()
		st, _ := s.complaintStore(t)
		var all []*ticket.Complaint
		for i, tenant := range []string{tenantA, tenantB, tenantA} {
			c := newComplaint(tenant, 0, func(c *ticket.Complaint) { c.Actions[1].DueAt = at(time.Duration(3-i) * time.Hour) })
			all = append(all, c)
		}
		mustCreateComplaint(t, st, all...)
		require.Equal(t, []string{all[2].ID, all[1].ID}, ids(claim(t, st, at(10*time.Hour), 2)))
		require.Equal(t, []string{all[2].ID, all[1].ID, all[0].ID}, ids(claim(t, st, at(10*time.Hour), 10)))

		_, err := as[storage.ComplaintOverdueStore](t, st).ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{})
		require.Error(t, err, "Now is required")
	})

	t.Run("MarkRollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st, c := oneComplaint(t)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			err := as[storage.ComplaintOverdueStore](t, tx).ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{
				TenantID: c.TenantID, ComplaintID: c.ID, Actions: c.Actions[1:],
			})
			require.NoError(t, err)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Equal(t, []string{c.ID}, ids(claim(t, st, openDue, 10)))
	})

	t.Run("MarkOfUnknownComplaintReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st, c := oneComplaint(t)
		ov := as[storage.ComplaintOverdueStore](t, st)
		err := ov.ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{TenantID: tenantA, ComplaintID: "nope"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		err = ov.ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{TenantID: tenantB, ComplaintID: c.ID, Actions: c.Actions})
		require.ErrorIs(t, err, storage.ErrNotFound, "another tenant's complaint")
		require.Equal(t, []string{c.ID}, ids(claim(t, st, openDue, 10)))
	})

	t.Run("ConcurrentClaimsNeverShareAComplaint", func(t *testing.T) {
		t.Parallel()
		st, c := oneComplaint(t)
		second := make(chan []*storage.OverdueComplaint, 1)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			ov := as[storage.ComplaintOverdueStore](t, tx)
			got, err := ov.ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{Now: openDue, Limit: 10})
			require.NoError(t, err)
			require.Equal(t, []string{c.ID}, ids(got))
			go func() { // claims while the first holds c: passes over it, or waits for it
				var out []*storage.OverdueComplaint
				err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					var err error
					out, err = tx.(storage.ComplaintOverdueStore).ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{Now: openDue, Limit: 10})
					return err
				})
				if err != nil {
					out = []*storage.OverdueComplaint{{Complaint: &ticket.Complaint{Ticket: ticket.Ticket{ID: "error: " + err.Error()}}}}
				}
				second <- out
			}()
			select { // give the second claim a moment; the outcome is the same either way
			case got := <-second:
				second <- got
			case <-time.After(200 * time.Millisecond):
			}
			return ov.ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{TenantID: c.TenantID, ComplaintID: c.ID, Actions: c.Actions[1:]})
		}))
		require.Empty(t, ids(<-second), "the second claim got what the first held")
	})
}
