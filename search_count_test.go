package ticketkit_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_SearchCount counts what a search selects over all its pages,
// on every backend: the filters and the customer's own view apply to the
// count as to the page, a query that can match nothing counts 0, and the
// store's count stops one past its bound.
func TestDesk_SearchCount(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, bundle := setupDesk(t, b)
		for i := range 5 {
			cust := customer.CustomerID
			if i%2 == 1 {
				cust = "C-other"
			}
			mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Count %d", i),
				Priority: []string{ticket.PriorityLow, ticket.PriorityHigh}[i%2], Customer: ticket.Customer{ID: cust}})
		}
		total := func(a ticketkit.Actor, p ticketkit.SearchParams) (int, bool) {
			t.Helper()
			p.Count, p.Limit = true, 2
			res, err := desk.Search(ctx, a, p)
			require.NoError(t, err)
			require.LessOrEqual(t, len(res.Tickets), 2)
			require.NotNil(t, res.Total)
			return *res.Total, res.TotalCapped
		}
		n, capped := total(agent, ticketkit.SearchParams{})
		require.Equal(t, 5, n)
		require.False(t, capped)
		n, _ = total(agent, ticketkit.SearchParams{Priorities: []string{ticket.PriorityHigh}})
		require.Equal(t, 2, n)
		n, _ = total(customer, ticketkit.SearchParams{})
		require.Equal(t, 3, n, "a customer counts their own tickets only")
		n, _ = total(agent, ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryClosed}, Statuses: []string{ticket.StatusOpen}})
		require.Zero(t, n)

		res, err := desk.Search(ctx, agent, ticketkit.SearchParams{})
		require.NoError(t, err)
		require.Nil(t, res.Total, "no count unless asked")

		c, ok := bundle.store.(storage.TicketCounter)
		require.True(t, ok, "%T counts", bundle.store)
		got, err := c.TicketCount(ctx, storage.TicketCountParams{TicketFilter: storage.TicketFilter{TenantID: agent.TenantID}, Max: 3})
		require.NoError(t, err)
		require.Equal(t, 4, got, "the count stops one past Max")
		_, err = c.TicketCount(ctx, storage.TicketCountParams{TicketFilter: storage.TicketFilter{TenantID: agent.TenantID}})
		require.Error(t, err, "Max must be positive")
	})
}
