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

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// priorityOrder is the PriorityOrder of the sort tests, lowest first.
var priorityOrder = []string{"low", "normal", "high", "urgent"}

// sortedIDs returns n new ticket IDs in ascending order, so that tests
// know how ties broken by ID come out.
func sortedIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = ids.New()
	}
	slices.Sort(out)
	return out
}

// wantOrder is the reference order of tickets for a sort: the sort key,
// then the ID, both in the sort's direction.
func wantOrder(tickets []*ticket.Ticket, sort storage.SortField, desc bool) []string {
	c := slices.Clone(tickets)
	slices.SortFunc(c, func(a, b *ticket.Ticket) int {
		var r int
		switch sort {
		case storage.SortCreatedAt, "":
			r = a.CreatedAt.Compare(b.CreatedAt)
		case storage.SortUpdatedAt:
			r = a.UpdatedAt.Compare(b.UpdatedAt)
		case storage.SortPriority:
			r = slices.Index(priorityOrder, a.Priority) - slices.Index(priorityOrder, b.Priority)
		case storage.SortStatus:
			r = strings.Compare(a.Status, b.Status)
		case storage.SortCategory:
			r = strings.Compare(a.Category, b.Category)
		case storage.SortNumber:
			r = strings.Compare(a.Number, b.Number)
		case storage.SortSLADue:
			r = cmp.Compare(a.SLA.DueKey(), b.SLA.DueKey())
		default:
			panic("storagetest: no reference order for sort " + string(sort))
		}
		if r == 0 {
			r = strings.Compare(a.ID, b.ID)
		}
		if desc {
			r = -r
		}
		return r
	})
	return ticketIDs(c)
}

// listAll lists tenant A's tickets page by page and returns every page.
func listAll(t *testing.T, st storage.Tx, p storage.TicketListParams) [][]*ticket.Ticket {
	t.Helper()
	p.TenantID = tenantA
	var pages [][]*ticket.Ticket
	for {
		res, err := st.TicketList(context.Background(), p)
		require.NoError(t, err)
		pages = append(pages, res.Tickets)
		if res.Next == "" {
			return pages
		}
		require.Less(t, len(pages), 100, "pagination does not end")
		p.After = res.Next
	}
}

func (s suite) ticketListOrder(t *testing.T) {
	ctx := context.Background()

	// Five tickets whose sort keys tie in pairs, with IDs 0 < 1 < ... < 4.
	//
	//	#  created  updated  priority  status   category   number
	//	0  +2h      +9h      high      open     billing    TK-0003
	//	1  +0h      +7h      low       closed   technical  TK-0005
	//	2  +2h      +8h      custom    new      billing    TK-0001
	//	3  +1h      +9h      urgent    open     delivery   TK-0002
	//	4  +3h      +6h      low       pending  -          TK-0004
	fixture := func(t *testing.T, st storage.Store) []*ticket.Ticket {
		t.Helper()
		rows := []struct {
			created, updated                   time.Duration
			priority, status, category, number string
		}{
			{2 * time.Hour, 9 * time.Hour, "high", "open", "billing", "TK-0003"},
			{0, 7 * time.Hour, "low", "closed", "technical", "TK-0005"},
			{2 * time.Hour, 8 * time.Hour, "custom", "new", "billing", "TK-0001"},
			{1 * time.Hour, 9 * time.Hour, "urgent", "open", "delivery", "TK-0002"},
			{3 * time.Hour, 6 * time.Hour, "low", "pending", "", "TK-0004"},
		}
		idList := sortedIDs(len(rows))
		var out []*ticket.Ticket
		for i, r := range rows {
			out = append(out, newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.ID, tk.Number = idList[i], r.number
				tk.CreatedAt, tk.UpdatedAt = at(r.created), at(r.updated)
				tk.Priority, tk.Status, tk.Category = r.priority, r.status, r.category
			}))
		}
		// Insert in an order that is none of the expected ones.
		mustCreate(t, st, out[3], out[0], out[4], out[2], out[1])
		return out
	}

	tests := []struct {
		name      string
		sort      storage.SortField
		asc, desc []int
	}{
		{"SortsByCreatedAt", storage.SortCreatedAt, []int{1, 3, 0, 2, 4}, []int{4, 2, 0, 3, 1}},
		{"EmptySortMeansCreatedAt", "", []int{1, 3, 0, 2, 4}, []int{4, 2, 0, 3, 1}},
		{"SortsByUpdatedAt", storage.SortUpdatedAt, []int{4, 1, 2, 0, 3}, []int{3, 0, 2, 1, 4}},
		{"SortsByPriorityRankWithUnknownCodesFirst", storage.SortPriority, []int{2, 1, 4, 0, 3}, []int{3, 0, 4, 1, 2}},
		{"SortsByStatus", storage.SortStatus, []int{1, 2, 0, 3, 4}, []int{4, 3, 0, 2, 1}},
		{"SortsByCategoryWithEmptyFirst", storage.SortCategory, []int{4, 0, 2, 3, 1}, []int{1, 3, 2, 0, 4}},
		{"SortsByNumber", storage.SortNumber, []int{2, 3, 0, 4, 1}, []int{1, 4, 0, 3, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			all := fixture(t, st)
			for _, desc := range []bool{false, true} {
				want := tt.asc
				if desc {
					want = tt.desc
				}
				res, err := st.TicketList(ctx, storage.TicketListParams{
					TicketFilter:  storage.TicketFilter{TenantID: tenantA},
					Sort:          tt.sort,
					Desc:          desc,
					PriorityOrder: priorityOrder,
				})
				require.NoError(t, err)
				require.Equal(t, idsOf(all, want...), ticketIDs(res.Tickets), "sort %q desc=%v", tt.sort, desc)
				require.Equal(t, wantOrder(all, tt.sort, desc), ticketIDs(res.Tickets), "reference order")
			}
		})
	}
}

func (s suite) ticketListPages(t *testing.T) {
	ctx := context.Background()
	firstPage := func(t *testing.T, st storage.Store, p storage.TicketListParams) *storage.TicketListResult {
		t.Helper()
		p.TenantID = tenantA
		res, err := st.TicketList(ctx, p)
		require.NoError(t, err)
		return res
	}

	t.Run("PaginationVisitsEveryTicketOnceInOrder", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		priorities := []string{"low", "normal", "high", "urgent", "custom"}
		var all []*ticket.Ticket
		for i := range 10 {
			// Few distinct keys, so that ties straddle page boundaries.
			all = append(all, newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.CreatedAt = at(time.Duration(i/3) * time.Hour)
				tk.UpdatedAt = at(time.Duration(i%4) * time.Hour)
				tk.Priority = priorities[i%5]
				tk.Status = []string{"new", "open", "closed"}[i%3]
				tk.Category = []string{"billing", "technical"}[i%2]
				tk.Number = fmt.Sprintf("TK-%04d", 10-i)
			}))
		}
		createInTx(t, st, all)

		for _, sort := range storage.SortFields() {
			for _, desc := range []bool{false, true} {
				pages := listAll(t, st, storage.TicketListParams{
					Sort: sort, Desc: desc, PriorityOrder: priorityOrder, Limit: 3,
				})
				var sizes []int
				var got []string
				for _, p := range pages {
					sizes = append(sizes, len(p))
					got = append(got, ticketIDs(p)...)
				}
				require.Equal(t, []int{3, 3, 3, 1}, sizes, "sort %q desc=%v", sort, desc)
				require.Equal(t, wantOrder(all, sort, desc), got, "sort %q desc=%v", sort, desc)
			}
		}
	})

	t.Run("LastPageHasNoNextCursor", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		var all []*ticket.Ticket
		for i := range 6 {
			all = append(all, newTicket(tenantA, created(time.Duration(i)*time.Minute)))
		}
		mustCreate(t, st, all...)

		first := firstPage(t, st, storage.TicketListParams{Limit: 3})
		require.Equal(t, idsOf(all, 0, 1, 2), ticketIDs(first.Tickets))
		require.NotEmpty(t, first.Next)
		second := firstPage(t, st, storage.TicketListParams{Limit: 3, After: first.Next})
		require.Equal(t, idsOf(all, 3, 4, 5), ticketIDs(second.Tickets))
		require.Empty(t, second.Next, "a full last page must not announce another")

		none := firstPage(t, st, storage.TicketListParams{TicketFilter: storage.TicketFilter{Statuses: []string{"none"}}})
		require.Empty(t, none.Tickets)
		require.Empty(t, none.Next)
	})

	t.Run("PaginationStaysStableWhileTicketsAreInserted", func(t *testing.T) {
		t.Parallel()
		for _, desc := range []bool{true, false} {
			st := s.store(t)
			var originals []*ticket.Ticket
			for i := range 9 {
				originals = append(originals, newTicket(tenantA, created(time.Duration(i)*time.Minute)))
			}
			createInTx(t, st, originals)

			p := storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA}, Desc: desc, Limit: 3}
			var got []string
			for inserted := 0; ; inserted++ {
				res, err := st.TicketList(ctx, p)
				require.NoError(t, err)
				got = append(got, ticketIDs(res.Tickets)...)
				if res.Next == "" {
					break
				}
				require.Less(t, inserted, 10, "pagination does not end")
				// Tickets that belong before the cursor: newer ones when
				// listing newest first, older ones when listing oldest first.
				for k := range 2 {
					d := time.Hour + time.Duration(inserted*2+k)*time.Minute
					if !desc {
						d = -d
					}
					mustCreate(t, st, newTicket(tenantA, created(d)))
				}
				p.After = res.Next
			}
			require.Equal(t, wantOrder(originals, storage.SortCreatedAt, desc), got, "desc=%v", desc)
		}
	})

	t.Run("InvalidCursorIsRejected", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st, newTicket(tenantA), newTicket(tenantA))

		for _, after := range []string{
			"not a cursor!",
			"bm90IGpzb24", // base64 of "not json"
			storage.Cursor{Sort: storage.SortCreatedAt}.Encode(), // no ID
		} {
			res, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: tenantA}, After: after,
			})
			require.ErrorIs(t, err, storage.ErrInvalidCursor, "cursor %q", after)
			require.Nil(t, res)
		}
	})

	t.Run("CursorFromOtherSortIsRejected", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st, newTicket(tenantA), newTicket(tenantA), newTicket(tenantA))
		first := firstPage(t, st, storage.TicketListParams{Sort: storage.SortCreatedAt, Limit: 1})
		require.NotEmpty(t, first.Next)

		for _, p := range []storage.TicketListParams{
			{Sort: storage.SortStatus},
			{Sort: storage.SortUpdatedAt},
			{Sort: storage.SortCreatedAt, Desc: true},
		} {
			p.TenantID, p.After, p.Limit = tenantA, first.Next, 1
			res, err := st.TicketList(ctx, p)
			require.ErrorIs(t, err, storage.ErrInvalidCursor, "sort %q desc=%v", p.Sort, p.Desc)
			require.Nil(t, res)
		}
	})

	t.Run("LimitIsClamped", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		var all []*ticket.Ticket
		for i := range storage.MaxLimit + 1 {
			all = append(all, newTicket(tenantA, created(time.Duration(i)*time.Second)))
		}
		seedTickets(t, st, all)

		for _, tc := range []struct{ limit, want int }{
			{0, storage.DefaultLimit},
			{-1, storage.DefaultLimit},
			{7, 7},
			{storage.MaxLimit, storage.MaxLimit},
			{storage.MaxLimit + 1, storage.MaxLimit},
			{10 * storage.MaxLimit, storage.MaxLimit},
		} {
			res := firstPage(t, st, storage.TicketListParams{Limit: tc.limit})
			require.Len(t, res.Tickets, tc.want, "limit %d", tc.limit)
			require.NotEmpty(t, res.Next, "limit %d", tc.limit)
			require.Equal(t, ticketIDs(all[:tc.want]), ticketIDs(res.Tickets), "limit %d", tc.limit)
		}
	})
}
