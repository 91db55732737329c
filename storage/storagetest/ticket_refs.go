package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ticketListRefs checks that the References filter follows every write
// of a ticket's references: create, update, batch update (when the store
// declares BatchUpdater) and a rolled back update.
func (s suite) ticketListRefs(t *testing.T) {
	t.Run("ReferenceFilterFollowsEveryWrite", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		st := s.store(t)
		order := func(id string) []ticket.Reference { return []ticket.Reference{{Kind: ticket.RefOrder, ID: id}} }
		a := newTicket(tenantA, func(tk *ticket.Ticket) { tk.References = order("X") })
		b := newTicket(tenantA, func(tk *ticket.Ticket) { tk.References = order("Y") })
		mustCreate(t, st, a, b)
		byRef := func(id string) []string {
			t.Helper()
			res, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: tenantA, References: order(id)}, Limit: storage.MaxLimit,
			})
			require.NoError(t, err)
			return ticketIDs(res.Tickets)
		}
		require.Equal(t, []string{a.ID}, byRef("X"))

		a.References = order("Y")
		require.NoError(t, st.TicketUpdate(ctx, a))
		require.Empty(t, byRef("X"), "the old reference is gone")
		require.ElementsMatch(t, []string{a.ID, b.ID}, byRef("Y"))

		a.Subject = "references untouched"
		require.NoError(t, st.TicketUpdate(ctx, a))
		require.ElementsMatch(t, []string{a.ID, b.ID}, byRef("Y"))

		errRollback := errors.New("roll back")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			c := b.Clone()
			c.References = order("Z")
			if err := tx.TicketUpdate(ctx, c); err != nil {
				return err
			}
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Empty(t, byRef("Z"), "a rolled back update leaves no reference")
		require.ElementsMatch(t, []string{a.ID, b.ID}, byRef("Y"))

		if s.declared.BatchUpdater {
			a.References = append(order("Z"), order("Z")...)
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				return as[storage.TicketBatchUpdater](t, tx).TicketUpdateBatch(ctx, []*ticket.Ticket{a})
			})
			require.NoError(t, err)
			require.Equal(t, []string{a.ID}, byRef("Z"), "a batch update writes the references, once each")
			require.Equal(t, []string{b.ID}, byRef("Y"))
		}

		a.References = nil
		require.NoError(t, st.TicketUpdate(ctx, a))
		require.Empty(t, byRef("Z"))
		require.Empty(t, byRef("X"))
	})
}
