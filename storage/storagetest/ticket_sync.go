package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ticketListSync checks the incremental sync the UpdatedSince filter
// serves: pages sorted by updated_at, ascending, read with the cursor,
// hold every ticket changed since a time once, and a ticket changed
// while the pages are read shows up again on a later page rather than
// being missed. Tickets changed at the same time are ordered by ID.
func (s suite) ticketListSync(t *testing.T) {
	t.Run("UpdatedSincePagesByUpdatedAtForSync", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		st := s.store(t)
		var tickets []*ticket.Ticket
		for i := range 7 {
			tickets = append(tickets, newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.CreatedAt = at(time.Duration(i) * time.Hour)
				// Two tickets share each update time but the last.
				tk.UpdatedAt = at(time.Duration(10+i/2) * time.Hour)
			}))
		}
		createInTx(t, st, tickets)
		mustCreate(t, st, newTicket(tenantB, func(tk *ticket.Ticket) { tk.UpdatedAt = at(20 * time.Hour) }))

		since := at(11 * time.Hour) // tickets 2 to 6
		var seen []string
		after := ""
		for page := 0; ; page++ {
			require.Less(t, page, 10, "the pages should end")
			res, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: tenantA, UpdatedSince: since},
				Sort:         storage.SortUpdatedAt, Limit: 2, After: after,
			})
			require.NoError(t, err)
			for i, tk := range res.Tickets {
				require.False(t, tk.UpdatedAt.Before(since))
				if i > 0 {
					prev := res.Tickets[i-1]
					require.True(t, prev.UpdatedAt.Before(tk.UpdatedAt) || prev.UpdatedAt.Equal(tk.UpdatedAt) && prev.ID < tk.ID,
						"pages are in updated_at, then ID, order")
				}
				seen = append(seen, tk.ID)
			}
			if page == 0 {
				// Ticket 2, just read, and ticket 5, not read yet, change.
				for _, tk := range []*ticket.Ticket{tickets[2], tickets[5]} {
					tk.UpdatedAt = at(30 * time.Hour)
					require.NoError(t, st.TicketUpdate(ctx, tk))
				}
			}
			if res.Next == "" {
				break
			}
			after = res.Next
		}
		require.ElementsMatch(t, idsOf(tickets, 2, 3, 4, 5, 6, 2), seen,
			"every changed ticket once, and the one changed after it was read once more")
		require.Equal(t, tickets[5].ID, seen[len(seen)-1], "ticket 5 is read after its change, last")
	})
}
