package bunstore_test

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTicketListQueueSplit pages through an assignee's queue (several
// statuses, sorted by priority rank or by creation, both directions) and
// a department's tickets of several statuses by priority rank, and a
// tenant's tickets of several statuses by creation, on every backend, where the store reads one ordered page per status and
// merges them: every page must be the one a plain sort of the queue
// gives, with no ticket lost or repeated across the cursors, including
// ties on the sort key (broken by ID) and tickets of other assignees,
// statuses and tenants that must stay out. On SQLite each status is
// read from its index in order.
func TestTicketListQueueSplit(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			statuses := []string{"open", "in_progress", "waiting", "closed"}
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			db, rec, st, all := pageStore(t, b, 400, func(i int) *ticket.Ticket {
				return &ticket.Ticket{
					TenantID: fmt.Sprintf("tenant-%d", i%2), Number: fmt.Sprintf("Q-%04d", i),
					Subject: "queue", Status: statuses[(i/6)%len(statuses)], Priority: "normal",
					Assignee: fmt.Sprintf("agent-%d", (i/2)%3), Department: fmt.Sprintf("d%d", (i/4)%3),
					CreatedAt: start.Add(time.Duration(i/3) * time.Hour), // ties of three
					SortKeys:  ticket.SortKeys{Priority: (i * 5) % 4},
				}
			})
			queue := []string{"open", "in_progress", "waiting"}
			for _, by := range []string{"assignee", "department", "tenant"} {
				for _, sort := range []storage.SortField{storage.SortPriority, storage.SortCreatedAt} {
					for _, desc := range []bool{false, true} {
						if by == "department" && sort == storage.SortCreatedAt {
							continue // a department's statuses by creation: department_idx, no split
						}
						if by == "tenant" && sort != storage.SortCreatedAt {
							continue // a tenant's statuses by priority: the rank range, no split
						}
						t.Run(fmt.Sprintf("%s_%s_desc_%v", by, sort, desc), func(t *testing.T) {
							var want []string
							var mine []*ticket.Ticket
							for _, tk := range all {
								if tk.TenantID == "tenant-0" && (by == "assignee" && tk.Assignee == "agent-1" || by == "department" && tk.Department == "d1" || by == "tenant") &&
									slices.Contains(queue, tk.Status) {
									mine = append(mine, tk)
								}
							}
							slices.SortFunc(mine, func(a, b *ticket.Ticket) int {
								c := cmp.Compare(a.SortKeys.Priority, b.SortKeys.Priority)
								if sort == storage.SortCreatedAt {
									c = a.CreatedAt.Compare(b.CreatedAt)
								}
								c = cmp.Or(c, strings.Compare(a.ID, b.ID))
								if desc {
									c = -c
								}
								return c
							})
							for _, tk := range mine {
								want = append(want, tk.ID)
							}
							require.Greater(t, len(want), 30)
							f := storage.TicketFilter{TenantID: "tenant-0", Assignees: []string{"agent-1"}, Statuses: queue}
							index := map[storage.SortField]string{storage.SortPriority: "queue_prank_idx", storage.SortCreatedAt: "queue_created_idx"}[sort]
							if by == "department" {
								f = storage.TicketFilter{TenantID: "tenant-0", Departments: []string{"d1"}, Statuses: queue}
								index = "dept_status_prank_idx"
							}
							narrow := by + `=\? AND `
							if by == "tenant" {
								f = storage.TicketFilter{TenantID: "tenant-0", Statuses: queue}
								index, narrow = "status_idx", ""
							}
							// A status named twice is read once.
							f.Statuses = append(f.Statuses, queue[0])
							p := storage.TicketListParams{TicketFilter: f, Sort: sort, Desc: desc, CatalogOrder: true, Limit: 7}
							queries, got := pageThrough(t, st, rec, p)
							for _, query := range queries {
								require.Equal(t, 3, strings.Count(query, "UNION ALL")+1, "one page per status: %s", query)
							}
							last := queries[len(queries)-1]
							require.Equal(t, want, got)
							if b.Name == "sqlite" {
								plan := explainSQLite(t, db, last)
								require.Len(t, regexp.MustCompile(`SEARCH t USING INDEX ticketkit_tickets_`+index+` \(tenant_id=\? AND `+narrow+`status=\?`).FindAllString(plan, -1), len(queue),
									"each status's page read in order from its index; plan:\n%s", plan)
							}
						})
					}
				}
			}
		})
	}
}

// TestTicketListNumberPrefixByCreation pages through the tickets of a
// number prefix sorted by creation, both directions, on every backend,
// where the store reads the page's IDs from the (tenant, number,
// created_at, id) index alone: every page must be the one a plain sort
// gives, ties on the creation time broken by ID, other prefixes and
// tenants left out. On SQLite the first page's IDs come from that index
// alone (a later page may walk created_idx from its cursor: the
// planner's choice).
func TestTicketListNumberPrefixByCreation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			db, rec, st, all := pageStore(t, b, 2000, func(i int) *ticket.Ticket {
				return &ticket.Ticket{
					TenantID: fmt.Sprintf("tenant-%d", i%2), Number: fmt.Sprintf("TK-%04d", i/2),
					Subject: "prefix", Status: "open", Priority: "normal",
					// Creation order is not number order, with ties of two.
					CreatedAt: start.Add(time.Duration((i*37)%2000/2) * time.Hour),
				}
			})
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("desc_%v", desc), func(t *testing.T) {
					var mine []*ticket.Ticket
					for _, tk := range all {
						if tk.TenantID == "tenant-1" && strings.HasPrefix(tk.Number, "TK-01") {
							mine = append(mine, tk)
						}
					}
					slices.SortFunc(mine, func(a, b *ticket.Ticket) int {
						c := cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
						if desc {
							c = -c
						}
						return c
					})
					var want []string
					for _, tk := range mine {
						want = append(want, tk.ID)
					}
					require.Len(t, want, 100)
					p := storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "tenant-1", NumberPrefix: "TK-01"},
						Sort: storage.SortCreatedAt, Desc: desc, Limit: 9}
					queries, got := pageThrough(t, st, rec, p)
					for _, query := range queries {
						require.Contains(t, query, "t.id IN (SELECT p.id FROM (SELECT t.id FROM")
					}
					first := queries[0]
					require.Equal(t, want, got)
					if b.Name == "sqlite" {
						_, err := db.ExecContext(ctx, "ANALYZE")
						require.NoError(t, err)
						plan := explainSQLite(t, db, first)
						require.Regexp(t, `SEARCH t USING COVERING INDEX ticketkit_tickets_number_created_idx \(tenant_id=\? AND number>\? AND number<\?\)`, plan)
					}
				})
			}
		})
	}
}

// pageThrough lists every page of p through st, following the cursors,
// and returns the SQL of each page and the IDs listed, in order.
func pageThrough(t *testing.T, st *bunstore.Store, rec *queryRecorder, p storage.TicketListParams) (queries, got []string) {
	t.Helper()
	for {
		var res *storage.TicketListResult
		queries = append(queries, rec.capture(t, func() {
			var err error
			res, err = st.TicketList(context.Background(), p)
			require.NoError(t, err)
		}))
		for _, tk := range res.Tickets {
			got = append(got, tk.ID)
		}
		if res.Next == "" {
			return queries, got
		}
		p.After = res.Next
	}
}

// pageStore returns a store on b that records its queries, holding the n
// tickets mk builds (their UpdatedAt set to their CreatedAt), and those
// tickets.
func pageStore(t *testing.T, b dbtest.Backend, n int, mk func(i int) *ticket.Ticket) (*bun.DB, *queryRecorder, *bunstore.Store, []*ticket.Ticket) {
	t.Helper()
	rec := &queryRecorder{}
	db := b.Open(t).WithQueryHook(rec)
	st := newStore(t, db, bunstore.Config{})
	all := make([]*ticket.Ticket, 0, n)
	for i := range n {
		tk := mk(i)
		tk.ID, tk.UpdatedAt = ids.New(), tk.CreatedAt
		all = append(all, tk)
	}
	// A multi-row INSERT per 500 tickets rather than a TicketCreate each:
	// the same rows, in a fraction of the time on SQLite under -race.
	require.NoError(t, st.TicketImport(context.Background(), all))
	return db, rec, st, all
}
