package ticketkit_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_RerankTickets reverses the catalog's priority order under
// stored tickets on every backend: the sort follows the old order until
// RerankTickets rewrites the keys, in batches, without touching the
// tickets' versions; only an admin or the system may run it, and a
// second run finds nothing to do.
func TestDesk_RerankTickets(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, bundle := setupDesk(t, b)
		prios := []string{ticket.PriorityLow, ticket.PriorityUrgent, ticket.PriorityNormal, ticket.PriorityHigh}
		var opened []*ticket.Ticket
		for i, prio := range prios {
			opened = append(opened, mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Rank %d", i),
				Priority: prio, Category: ticket.CategoryProblem, Customer: ticket.Customer{ID: customer.CustomerID}}))
		}
		spec := ticket.DefaultCatalogSpec()
		slices.Reverse(spec.Priorities)
		reversed, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		other, err := ticketkit.New(ticketkit.Config{Store: bundle.store, Clock: bundle.clock, Notifier: bundle.rec, Catalog: reversed})
		require.NoError(t, err)

		highestFirst := func() []string {
			t.Helper()
			res, err := other.Search(ctx, agent, ticketkit.SearchParams{Sort: storage.SortPriority, Desc: true})
			require.NoError(t, err)
			var out []string
			for _, tk := range res.Tickets {
				out = append(out, tk.Priority)
			}
			return out
		}
		require.Equal(t, []string{ticket.PriorityUrgent, ticket.PriorityHigh, ticket.PriorityNormal, ticket.PriorityLow}, highestFirst(),
			"the stored keys keep the old order until the tickets are reranked")

		_, err = other.RerankTickets(ctx, agent, ticketkit.RerankParams{})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)

		admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
		res, err := other.RerankTickets(ctx, admin, ticketkit.RerankParams{})
		require.NoError(t, err)
		require.Equal(t, ticketkit.RerankResult{Read: 4, Rewritten: 4, Batches: 1}, *res, "every priority moved but none kept its place")
		require.Equal(t, []string{ticket.PriorityLow, ticket.PriorityNormal, ticket.PriorityHigh, ticket.PriorityUrgent}, highestFirst())
		for _, tk := range opened {
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, tk.Version, got.Version, "a rerank changes no ticket")
			require.Equal(t, tk.UpdatedAt, got.UpdatedAt)
		}

		res, err = other.RerankTickets(ctx, admin, ticketkit.RerankParams{})
		require.NoError(t, err)
		require.Zero(t, res.Rewritten, "nothing left to move")
		res, err = other.RerankTicketsTx(ctx, bundle.store, ticketkit.Actor{ID: "sys", Role: ticket.RoleSystem, TenantID: agent.TenantID}, ticketkit.RerankParams{All: true})
		require.NoError(t, err)
		require.Equal(t, 4, res.Read)
		_, err = other.RerankTicketsTx(ctx, nil, admin, ticketkit.RerankParams{})
		require.ErrorIs(t, err, ticketkit.ErrNoTx)
	})
}
