package bunstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
)

// TestTicketListDepartmentPriorityExplain checks that a department's
// tickets of one priority, newest first, alone or with a filter the
// index cannot check (a status), read their page from the (tenant,
// department, priority, created_at, id) index of migration
// 20261205000402: on SQLite that index, in the page's order, with no
// temporary b-tree; on PostgreSQL that index, bounded by the tenant,
// never a sequential scan. (At a million tickets a word common in the
// tenant with these filters reads the same index in page order:
// BENCHMARKS.md, "Session 9 re-measure and residual shapes".)
func TestTicketListDepartmentPriorityExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		if b.Name == "mysql" {
			continue // MySQL's plans: TestTicketListExplain
		}
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			_, err := db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)
			for name, f := range map[string]storage.TicketFilter{
				"DepartmentPriority":       {Departments: []string{"sales"}, Priorities: []string{"urgent"}},
				"DepartmentPriorityStatus": {Departments: []string{"sales"}, Priorities: []string{"urgent"}, Statuses: []string{"closed"}},
			} {
				t.Run(name, func(t *testing.T) {
					f.TenantID = "tenant-1"
					query := rec.capture(t, func() {
						_, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Desc: true, Limit: 50})
						require.NoError(t, err)
					})
					if b.Name == "postgres" {
						plan := explainPostgres(t, db, query)
						require.NotContains(t, plan, "Seq Scan", "query: %s", query)
						require.Regexp(t, `ticketkit_tickets_dept_priority_idx[\s\S]*Index Cond: \(+\(?tenant_id = 'tenant-1'.*department = 'sales'.*priority = 'urgent'`, plan, "query: %s\nplan:\n%s", query, plan)
						return
					}
					plan := explainSQLite(t, db, query)
					require.Contains(t, plan, "SEARCH t USING INDEX ticketkit_tickets_dept_priority_idx (tenant_id=? AND department=? AND priority=?)", "query: %s\nplan:\n%s", query, plan)
					require.False(t, strings.Contains(plan, "TEMP B-TREE"), "the index should give the page's order; plan:\n%s", plan)
				})
			}
		})
	}
}
