package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// complaintTicketValues checks that the journal filters on the current
// status, priority, customer, subject and reason of a complaint's
// ticket, whatever path wrote them: a store may copy them next to the
// complaint section (bunstore does, for its indexes), and the copy must
// never differ from the ticket. After each write (TicketUpdate,
// TicketUpdateBatch when the transaction has it, ComplaintUpdate) the
// complaint is found by its new values, inside the writing transaction
// and after it, and no longer by its old ones; a rolled back write
// leaves it found by the values before it.
func (s suite) complaintTicketValues(t *testing.T) {
	ctx := context.Background()
	st, cs := s.complaintStore(t)
	// change gives tk the values of a step, each unique to it.
	change := func(tk *ticket.Ticket, step string) {
		tk.Status, tk.Priority, tk.Reason = "status-"+step, "priority-"+step, "reason-"+step
		tk.Subject, tk.Customer.ID = "Kettle "+stepWord(step), "cust-"+step
	}
	a := newComplaint(tenantA, 0, func(c *ticket.Complaint) { change(&c.Ticket, "create-a") })
	b := newComplaint(tenantA, time.Hour, func(c *ticket.Complaint) { change(&c.Ticket, "create-b") })
	mustCreateComplaint(t, st, a, b)
	// filters returns one filter per value of tk the journal reads, and
	// all of them at once.
	filters := func(tk *ticket.Ticket) map[string]storage.ComplaintFilter {
		fs := map[string]storage.ComplaintFilter{
			"status":   {Statuses: []string{tk.Status}},
			"priority": {Priorities: []string{tk.Priority}},
			"customer": {CustomerID: tk.Customer.ID},
			"text":     {Text: tk.Subject},
			"reason":   {Reasons: []string{tk.Reason}},
			"all": {Statuses: []string{tk.Status}, Priorities: []string{tk.Priority}, CustomerID: tk.Customer.ID,
				Text: tk.Subject, Reasons: []string{tk.Reason}},
		}
		for name, f := range fs {
			f.TenantID = tk.TenantID
			fs[name] = f
		}
		return fs
	}
	// requireFound checks that the journal, as read through cs, finds
	// now by each of its values and not by any value of before that
	// differs.
	requireFound := func(t *testing.T, cs storage.ComplaintStore, now, before *ticket.Ticket) {
		t.Helper()
		for name, f := range filters(now) {
			res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
			require.NoError(t, err)
			require.Equal(t, []string{now.ID}, complaintIDs(res.Complaints), "by the new %s, %+v", name, f)
		}
		if before == nil {
			return
		}
		for name, f := range filters(before) {
			res, err := cs.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
			require.NoError(t, err)
			require.NotContains(t, complaintIDs(res.Complaints), now.ID, "by the old %s, %+v", name, f)
		}
	}
	get := func(t *testing.T, id string) *ticket.Ticket {
		t.Helper()
		tk, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: id})
		require.NoError(t, err)
		return tk
	}
	requireFound(t, cs, &a.Ticket, nil)
	requireFound(t, cs, &b.Ticket, nil)

	t.Run("TicketUpdate", func(t *testing.T) {
		before := get(t, a.ID)
		tk := before.Clone()
		change(tk, "update")
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.TicketUpdate(ctx, tk); err != nil {
				return err
			}
			requireFound(t, as[storage.ComplaintStore](t, tx), tk, before)
			return nil
		}))
		requireFound(t, cs, tk, before)
	})

	t.Run("RolledBackTicketUpdate", func(t *testing.T) {
		before := get(t, a.ID)
		tk := before.Clone()
		change(tk, "rollback")
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.TicketUpdate(ctx, tk); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		requireFound(t, cs, before, tk)
	})

	t.Run("TicketUpdateBatch", func(t *testing.T) {
		var before, tks []*ticket.Ticket
		for i, id := range []string{a.ID, b.ID} {
			tk := get(t, id)
			before = append(before, tk)
			tk = tk.Clone()
			change(tk, fmt.Sprintf("batch%d", i))
			tks = append(tks, tk)
		}
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if u, ok := tx.(storage.TicketBatchUpdater); ok {
				return u.TicketUpdateBatch(ctx, tks)
			}
			t.Log("the transaction has no TicketUpdateBatch: TicketUpdate each")
			for _, tk := range tks {
				if err := tx.TicketUpdate(ctx, tk); err != nil {
					return err
				}
			}
			return nil
		}))
		for i := range tks {
			requireFound(t, cs, tks[i], before[i])
		}
	})

	t.Run("ComplaintUpdate", func(t *testing.T) {
		c, err := cs.ComplaintGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: b.ID})
		require.NoError(t, err)
		before := c.Ticket.Clone()
		change(&c.Ticket, "complaint")
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.ComplaintStore](t, tx).ComplaintUpdate(ctx, c)
		}))
		requireFound(t, cs, &c.Ticket, before)
	})
}

// stepWord returns a subject word of step that no other step's subject
// contains, so that a text filter tells steps apart.
func stepWord(step string) string { return "<" + step + ">" }
