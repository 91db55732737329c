package ticketkit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_SearchSortsInCatalogOrder sorts by status, priority and
// category in the catalog's order on every backend, page by page: the
// Desk stores each ticket's catalog positions on open and on every
// change, so "closed" comes after "open" although it sorts first by
// code, and a priority raised by an update moves the ticket.
func TestDesk_SearchSortsInCatalogOrder(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, bundle := setupDesk(t, b)
		var opened []*ticket.Ticket
		for i, prio := range []string{ticket.PriorityUrgent, ticket.PriorityLow, ticket.PriorityHigh, ticket.PriorityNormal, ticket.PriorityLow} {
			opened = append(opened, mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Sort %d", i),
				Priority: prio, Category: []string{ticket.CategoryProblem, ticket.CategoryQuestion}[i%2],
				Customer: ticket.Customer{ID: customer.CustomerID}}))
			bundle.clock.Advance(time.Minute)
		}
		_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: opened[0].ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: opened[1].ID, To: ticket.StatusClosed, Reason: "done"})
		require.NoError(t, err)
		_, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: opened[4].ID, Priority: new(ticket.PriorityUrgent)})
		require.NoError(t, err)

		all := func(sort storage.SortField, desc bool) []string {
			t.Helper()
			var got []string
			p := ticketkit.SearchParams{Sort: sort, Desc: desc, Limit: 2}
			for {
				res, err := desk.Search(ctx, agent, p)
				require.NoError(t, err)
				got = append(got, numbers(res.Tickets)...)
				if res.Next == "" {
					return got
				}
				p.After = res.Next
			}
		}
		n := func(i ...int) []string {
			var out []string
			for _, x := range i {
				out = append(out, opened[x].Number)
			}
			return out
		}
		// open (2, 3, 4), in_progress (0), closed (1); ties by ID, which
		// follow the opening order.
		require.Equal(t, n(2, 3, 4, 0, 1), all(storage.SortStatus, false))
		require.Equal(t, n(1, 0, 4, 3, 2), all(storage.SortStatus, true))
		// urgent (0, 4), high (2), normal (3), low (1), highest first.
		require.Equal(t, n(4, 0, 2, 3, 1), all(storage.SortPriority, true))
		// question (1, 3) before problem (0, 2, 4), as the catalog lists them.
		require.Equal(t, n(1, 3, 0, 2, 4), all(storage.SortCategory, false))
	})
}

// TestDesk_SearchNumberPrefixAndSLADue finds tickets by the first
// characters of their number and lists an agent's queue most urgent
// first, the tickets with no running SLA target last.
func TestDesk_SearchNumberPrefixAndSLADue(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := setupDesk(t, b)
		var opened []*ticket.Ticket
		for i, prio := range []string{ticket.PriorityLow, ticket.PriorityUrgent, ticket.PriorityNormal} {
			opened = append(opened, mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Due %d", i),
				Priority: prio, Category: ticket.CategoryProblem, Customer: ticket.Customer{ID: customer.CustomerID}}))
		}
		res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Sort: storage.SortSLADue})
		require.NoError(t, err)
		want := res.Tickets
		require.Len(t, want, 3)
		for i := 1; i < len(want); i++ {
			require.LessOrEqual(t, want[i-1].SLA.DueKey(), want[i].SLA.DueKey(), "most urgent first")
		}

		number := opened[1].Number
		for cut := len(number); cut > len(number)-3; cut-- {
			res, err := desk.Search(ctx, agent, ticketkit.SearchParams{NumberPrefix: " " + number[:cut] + " ", Sort: storage.SortNumber})
			require.NoError(t, err)
			require.Contains(t, numbers(res.Tickets), number, "prefix %q", number[:cut])
			for _, got := range numbers(res.Tickets) {
				require.Equal(t, number[:cut], got[:cut])
			}
		}
		res, err = desk.Search(ctx, customer, ticketkit.SearchParams{NumberPrefix: number})
		require.NoError(t, err)
		require.Equal(t, []string{number}, numbers(res.Tickets), "customers may type a number's start too")
		_, err = desk.Search(ctx, agent, ticketkit.SearchParams{NumberPrefix: string(make([]byte, 65))})
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v)
		require.Equal(t, "number_prefix", v.Fields[0].Field)
	})
}
