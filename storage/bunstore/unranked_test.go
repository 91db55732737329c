package bunstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTicketListUnrankedTickets: tickets stored before the sort-key
// migration hold the rank -1000 until Desk.RerankTickets runs; a search
// filtering and sorting by the same field must still find them (the
// range of ranks is not used while the tenant has any), and uses the
// range again once they are ranked.
func TestTicketListUnrankedTickets(t *testing.T) {
	t.Parallel()
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := be.Open(t)
			st := newStore(t, db, bunstore.Config{})
			desk, err := ticketkit.New(ticketkit.Config{Store: st})
			require.NoError(t, err)
			agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
			var closed []string
			for i := range 4 {
				tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "c1"}})
				require.NoError(t, err)
				if i%2 == 0 {
					_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: "closed", Reason: "done"})
					require.NoError(t, err)
					closed = append(closed, tk.ID)
				}
			}
			// One closed ticket as the migration left it.
			_, err = db.NewUpdate().Table("ticketkit_tickets").Set("status_rank = -1000").Set("priority_rank = -1000").
				Where("id = ?", closed[0]).Exec(ctx)
			require.NoError(t, err)

			search := func() []string {
				t.Helper()
				res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Statuses: []string{"closed"}, Sort: storage.SortStatus})
				require.NoError(t, err)
				var ids []string
				for _, tk := range res.Tickets {
					ids = append(ids, tk.ID)
				}
				return ids
			}
			require.ElementsMatch(t, closed, search(), "the unranked closed ticket is found")

			admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: "acme"}
			_, err = desk.RerankTickets(ctx, admin, ticketkit.RerankParams{All: true})
			require.NoError(t, err)
			require.ElementsMatch(t, closed, search(), "and still after the rerank")
		})
	}
}
