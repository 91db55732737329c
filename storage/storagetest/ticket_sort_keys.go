package storagetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ticketSortKeys checks the sorts that read stored keys (CatalogOrder's
// ticket.SortKeys and SortSLADue) and the NumberPrefix filter, page by
// page, in both directions, after updates moved the keys.
func (s suite) ticketSortKeys(t *testing.T) {
	t.Run("CatalogOrderFollowsStoredKeysNotCodes", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		// Keys that disagree with the codes' alphabet: "closed" (rank 4)
		// after "open" (rank 1), so a code sort would put it first.
		statuses := []string{"new", "open", "pending", "solved", "closed"}
		var all []*ticket.Ticket
		ids := sortedIDs(11)
		for i := range 11 {
			all = append(all, newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.ID = ids[i]
				tk.Number = fmt.Sprintf("TK-%04d", i)
				tk.Status = statuses[i%5]
				tk.Priority = priorityOrder[i%len(priorityOrder)]
				tk.Category = []string{"technical", "billing", ""}[i%3]
				tk.SortKeys = ticket.SortKeys{Status: i % 5, Priority: i % len(priorityOrder), Category: []int{0, 1, -1}[i%3]}
			}))
		}
		createInTx(t, st, all)
		mustCreate(t, st, newTicket(tenantB)) // another tenant's ticket never shows

		// An update moves a ticket's keys; the lists follow.
		moved := all[0].Clone()
		moved.Status, moved.SortKeys.Status = "closed", 4
		require.NoError(t, st.TicketUpdate(context.Background(), moved))
		all[0] = moved

		key := map[storage.SortField]func(*ticket.Ticket) int{
			storage.SortStatus:   func(tk *ticket.Ticket) int { return tk.SortKeys.Status },
			storage.SortPriority: func(tk *ticket.Ticket) int { return tk.SortKeys.Priority },
			storage.SortCategory: func(tk *ticket.Ticket) int { return tk.SortKeys.Category },
		}
		for sort, k := range key {
			for _, desc := range []bool{false, true} {
				want := slices.Clone(all)
				slices.SortFunc(want, func(a, b *ticket.Ticket) int {
					r := cmp.Or(cmp.Compare(k(a), k(b)), strings.Compare(a.ID, b.ID))
					if desc {
						return -r
					}
					return r
				})
				got := listAll(t, st, storage.TicketListParams{Sort: sort, Desc: desc, CatalogOrder: true, Limit: 4})
				require.Equal(t, ticketIDs(want), ticketIDs(slices.Concat(got...)), "sort %q desc=%v", sort, desc)
				for _, tk := range slices.Concat(got...) {
					require.Equal(t, k(findTicket(all, tk.ID)), k(tk), "stored key read back, sort %q", sort)
				}
			}
		}
	})

	t.Run("SLADueMostUrgentFirstThenNone", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		var all []*ticket.Ticket
		for i := range 9 {
			all = append(all, newTicket(tenantA, func(tk *ticket.Ticket) {
				if i%3 == 0 {
					return // no running target: last, ascending
				}
				tk.SLA = ticket.SLAState{Policy: "std",
					ResolutionDue:    at(time.Duration(10-i) * time.Hour),
					FirstResponseDue: at(time.Duration(20+i) * time.Hour)}
			}))
		}
		createInTx(t, st, all)
		// An update that sets an earlier due time moves the ticket up.
		urgent := all[0].Clone()
		urgent.SLA = ticket.SLAState{Policy: "std", NextResponseDue: at(-time.Hour)}
		require.NoError(t, st.TicketUpdate(context.Background(), urgent))
		all[0] = urgent
		for _, desc := range []bool{false, true} {
			got := slices.Concat(listAll(t, st, storage.TicketListParams{Sort: storage.SortSLADue, Desc: desc, Limit: 2})...)
			require.Equal(t, wantOrder(all, storage.SortSLADue, desc), ticketIDs(got), "desc=%v", desc)
		}
		first, err := st.TicketList(context.Background(), storage.TicketListParams{
			TicketFilter: storage.TicketFilter{TenantID: tenantA}, Sort: storage.SortSLADue, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, urgent.ID, first.Tickets[0].ID, "most urgent first")
	})

	t.Run("NumberPrefixMatchesStartsOnly", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		numbers := []string{"TK-0042", "TK-00420", "TK-0042-A", "TK-0043", "TK-004", "XTK-0042", "tk-0042", "TK-0041\U0010FFFF", "TK-00\u00e9"}
		var all []*ticket.Ticket
		for i, n := range numbers {
			all = append(all, newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = n; tk.CreatedAt = at(time.Duration(i) * time.Minute) }))
		}
		createInTx(t, st, all)
		mustCreate(t, st, newTicket(tenantB, func(tk *ticket.Ticket) { tk.Number = "TK-0042" }))
		for prefix, want := range map[string][]string{
			"TK-0042":           {"TK-0042", "TK-00420", "TK-0042-A"},
			"TK-004":            {"TK-0042", "TK-00420", "TK-0042-A", "TK-0043", "TK-004", "TK-0041\U0010FFFF"},
			"TK-0041\U0010FFFF": {"TK-0041\U0010FFFF"},
			"TK-00\u00e9":       {"TK-00\u00e9"},
			"tk":                {"tk-0042"},
			"TK-0044":           nil,
			"%":                 nil,
		} {
			for _, sort := range []storage.SortField{storage.SortNumber, storage.SortCreatedAt} {
				got := slices.Concat(listAll(t, st, storage.TicketListParams{
					TicketFilter: storage.TicketFilter{NumberPrefix: prefix}, Sort: sort, Limit: 2})...)
				var numbers []string
				for _, tk := range got {
					numbers = append(numbers, tk.Number)
				}
				require.ElementsMatch(t, want, numbers, "prefix %q sort %q", prefix, sort)
			}
		}
	})
}

// findTicket returns the ticket of list with the given ID.
func findTicket(list []*ticket.Ticket, id string) *ticket.Ticket {
	i := slices.IndexFunc(list, func(t *ticket.Ticket) bool { return t.ID == id })
	return list[i]
}
