package bunstore_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTicketListDeptCategoryByUpdate pages through one department's
// tickets of one category sorted by last update, both directions, with a
// creation range, an updated-since bound or neither, on every backend,
// where the store reads the page's IDs from the (tenant, department,
// category, updated_at, id, created_at) index alone: every page must be
// the one a plain sort gives, ties on the update time broken by ID, the
// tickets of other departments, categories, tenants and creation times
// left out, including tickets created before the range but updated inside
// it and created inside it but updated after it. On SQLite the IDs come
// from that index alone, in order (no sort of the department's tickets);
// on PostgreSQL the tenant bounds an index scan.
func TestTicketListDeptCategoryByUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			var all []*ticket.Ticket
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				for i := range 1200 {
					created := start.Add(time.Duration((i*37)%1200/2) * time.Hour) // ties of two
					tk := &ticket.Ticket{
						ID: ids.New(), TenantID: fmt.Sprintf("tenant-%d", i%2), Number: fmt.Sprintf("U-%04d", i),
						Subject: "updated", Status: "open", Priority: "normal",
						Department: fmt.Sprintf("d%d", (i/2)%3), Category: []string{"question", "problem"}[(i/6)%2],
						CreatedAt: created,
						// Update order is not creation order, with ties of two.
						UpdatedAt: created.Add(time.Duration((i*53)%900/2) * time.Hour),
					}
					if err := tx.TicketCreate(ctx, tk); err != nil {
						return err
					}
					all = append(all, tk)
				}
				return nil
			}))
			from, to := start.Add(100*time.Hour), start.Add(400*time.Hour)
			since := start.Add(500 * time.Hour)
			filters := map[string]storage.TicketFilter{
				"range":         {CreatedFrom: from, CreatedTo: to},
				"updated_since": {UpdatedSince: since},
				"none":          {},
			}
			for name, extra := range filters {
				for _, desc := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s_desc_%v", name, desc), func(t *testing.T) {
						var mine []*ticket.Ticket
						for _, tk := range all {
							if tk.TenantID == "tenant-1" && tk.Department == "d1" && tk.Category == "problem" &&
								(extra.CreatedFrom.IsZero() || !tk.CreatedAt.Before(from)) &&
								(extra.CreatedTo.IsZero() || tk.CreatedAt.Before(to)) &&
								(extra.UpdatedSince.IsZero() || !tk.UpdatedAt.Before(since)) {
								mine = append(mine, tk)
							}
						}
						slices.SortFunc(mine, func(a, b *ticket.Ticket) int {
							c := cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), strings.Compare(a.ID, b.ID))
							if desc {
								c = -c
							}
							return c
						})
						var want []string
						for _, tk := range mine {
							want = append(want, tk.ID)
						}
						require.Greater(t, len(want), 20)
						f := extra
						f.TenantID, f.Departments, f.Categories = "tenant-1", []string{"d1"}, []string{"problem"}
						p := storage.TicketListParams{TicketFilter: f, Sort: storage.SortUpdatedAt, Desc: desc, CatalogOrder: true, Limit: 9}
						queries, got := pageThrough(t, st, rec, p)
						for _, query := range queries {
							require.Contains(t, query, "t.id IN (SELECT p.id FROM (SELECT t.id FROM")
						}
						require.Equal(t, want, got)
						first := queries[0]
						switch b.Name {
						case "sqlite":
							_, err := db.ExecContext(ctx, "ANALYZE")
							require.NoError(t, err)
							plan := explainSQLite(t, db, first)
							if name == "range" {
								// Out of index choice: at scale SQLite read the
								// range from department_idx and sorted it.
								require.Contains(t, first, "+t.created_at >= ")
							}
							require.Regexp(t, `SEARCH t USING COVERING INDEX ticketkit_tickets_dept_cat_updated_idx \(tenant_id=\? AND department=\? AND category=\?`, plan)
							// The only sort is the page's own rows (the outer
							// ORDER BY of at most Limit+1 IDs' rows).
							require.Equal(t, 1, strings.Count(plan, "TEMP B-TREE"), "plan:\n%s", plan)
						case "postgres":
							plan := explainPostgres(t, db, first)
							require.NotContains(t, plan, "Seq Scan", "query: %s", first)
							require.Regexp(t, `Index Cond: \(+\(?tenant_id = 'tenant-1'`, plan, "query: %s", first)
						}
					})
				}
			}
		})
	}
}
