package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// sortKeyUpdater checks storage.TicketSortKeyUpdater: keys rewritten
// alone (neither Version nor UpdatedAt move), lists following them, a
// ticket changed since it was read left alone, and a rolled back
// transaction leaving the old keys.
func (s suite) sortKeyUpdater(t *testing.T) {
	ctx := context.Background()
	t.Run("RewritesKeysAloneAndSkipsStaleTickets", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		u := as[storage.TicketSortKeyUpdater](t, st)
		ids := sortedIDs(3)
		var all []*ticket.Ticket
		for i := range 3 {
			all = append(all, newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.ID = ids[i]
				tk.SortKeys = ticket.SortKeys{Priority: i, Status: i, Category: i}
				tk.SLA = ticket.SLAState{Policy: "std", ResolutionDue: at(time.Duration(i) * time.Hour)}
			}))
		}
		createInTx(t, st, all)
		read := func(id string) *ticket.Ticket {
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: id})
			require.NoError(t, err)
			return got
		}
		// Reverse the priority order; ticket 2 changes meanwhile.
		var batch []*ticket.Ticket
		for i := range 3 {
			tk := read(ids[i])
			tk.SortKeys.Priority = 2 - i
			batch = append(batch, tk)
		}
		changed := read(ids[2])
		changed.Subject = "Changed meanwhile"
		require.NoError(t, st.TicketUpdate(ctx, changed))

		// A rolled back rewrite leaves the keys.
		boom := context.Canceled
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := as[storage.TicketSortKeyUpdater](t, tx).TicketSortKeysUpdate(ctx, batch)
			require.NoError(t, err)
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, 0, read(ids[0]).SortKeys.Priority)

		n, err := u.TicketSortKeysUpdate(ctx, batch)
		require.NoError(t, err)
		require.Equal(t, 1, n, "ticket 0 moves; ticket 1 keeps rank 1; ticket 2 changed since read")
		for i, want := range []int{2, 1, 2} {
			got := read(ids[i])
			require.Equal(t, want, got.SortKeys.Priority, "ticket %d", i)
			require.Equal(t, batch[i].Version+int64(min(i/2, 1)), got.Version, "ticket %d: Version moves only by its own update", i)
			require.Equal(t, batch[i].UpdatedAt, got.UpdatedAt, "ticket %d", i)
		}
		res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA},
			Sort: storage.SortPriority, CatalogOrder: true, Desc: true})
		require.NoError(t, err)
		require.Equal(t, []string{ids[2], ids[0], ids[1]}, ticketIDs(res.Tickets))

		n, err = u.TicketSortKeysUpdate(ctx, []*ticket.Ticket{read(ids[0])})
		require.NoError(t, err)
		require.Zero(t, n, "keys already stored are not counted")
	})
}
