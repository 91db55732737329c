package bunstore_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
)

// TestTicketListSortExplain checks that every sort the Desk asks for
// (CatalogOrder: the stored catalog positions, and the SLA due key), on
// the whole tenant and with the filters agents combine with it, reads
// its page from an index that starts with the tenant and gives the
// page's order: on SQLite the named index, with no temporary b-tree for
// ORDER BY; on PostgreSQL an index scan bounded by the tenant, never a
// sequential scan (discouraged, as in TestTicketListExplain). On these
// 3,000 tickets PostgreSQL's planner rightly sorts the few hundred rows
// of a department or an assignee after a bitmap scan; at a million
// (BenchmarkSearchSorted) it reads the composite indexes in order. MySQL and MariaDB run the
// same SQL (their plans are another brief's: TestTicketListExplain
// covers their filters).
func TestTicketListSortExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		if b.Name == "mysql" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			_, err := db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)
			tests := []struct {
				name  string
				f     storage.TicketFilter
				sort  storage.SortField
				index string
			}{
				{"Created", storage.TicketFilter{}, storage.SortCreatedAt, "tickets_created_idx"},
				{"Updated", storage.TicketFilter{}, storage.SortUpdatedAt, "tickets_updated_idx"},
				{"Priority", storage.TicketFilter{}, storage.SortPriority, "tickets_prank_idx"},
				{"Status", storage.TicketFilter{}, storage.SortStatus, "tickets_srank_idx"},
				{"Category", storage.TicketFilter{}, storage.SortCategory, "tickets_crank_idx"},
				{"Number", storage.TicketFilter{}, storage.SortNumber, `tickets_number_key|sqlite_autoindex_ticketkit_tickets_\d+`},
				{"SLADue", storage.TicketFilter{}, storage.SortSLADue, "tickets_due_idx"},
				{"DepartmentPriority", storage.TicketFilter{Departments: []string{"returns"}}, storage.SortPriority, "tickets_dept_prank_idx"},
				{"DepartmentUnresolvedHighPriority", storage.TicketFilter{Departments: []string{"returns"},
					Statuses: []string{"open", "in_progress", "waiting"}, Priorities: []string{"high", "urgent"}}, storage.SortPriority, "tickets_dept_status_prank_idx"},
				{"AssigneePriority", storage.TicketFilter{Assignees: []string{"agent-07"}}, storage.SortPriority, "tickets_assignee_prank_idx"},
				{"AssigneeQueueSLADue", storage.TicketFilter{Assignees: []string{"agent-07"}, Statuses: []string{"open", "in_progress"}}, storage.SortSLADue, "tickets_assignee_due_idx"},
				{"DepartmentUpdated", storage.TicketFilter{Departments: []string{"returns"}}, storage.SortUpdatedAt, "tickets_dept_updated_idx"},
				// A department and a category by last update: TestTicketListDeptCategoryByUpdate.
				{"DepartmentClosedTwoPrioritiesByRankRange", storage.TicketFilter{Departments: []string{"returns"},
					Statuses: []string{"closed"}, Priorities: []string{"low", "normal"}}, storage.SortPriority, "tickets_dept_prank_idx"},
				{"DepartmentStatus", storage.TicketFilter{Departments: []string{"returns"}}, storage.SortStatus, "tickets_dept_srank_idx"},
				{"AssigneeStatus", storage.TicketFilter{Assignees: []string{"agent-07"}}, storage.SortStatus, "tickets_assignee_srank_idx"},
				{"StatusesByStatusRankRange", storage.TicketFilter{Statuses: []string{"resolved", "closed"}}, storage.SortStatus, "tickets_srank_idx"},
				{"NumberPrefixByNumber", storage.TicketFilter{NumberPrefix: "TK-0004"}, storage.SortNumber, `tickets_number_key|sqlite_autoindex_ticketkit_tickets_\d+ \(tenant_id=\? AND number>\? AND number<\?\)`},
			}
			// SortRanks: the filter on the sort's field as a range of its
			// index. SQLite reads the range from the index; PostgreSQL
			// rightly sorts the few hundred rows of these 3,000 tickets
			// after a bitmap scan, so only the range's presence is checked
			// (at 1M rows it reads the index range: BENCHMARKS.md).
			ranges := map[string]struct {
				ranks []int
				cond  string
			}{
				"DepartmentClosedTwoPrioritiesByRankRange": {[]int{0, 1}, `department=\? AND priority_rank>\? AND priority_rank<\?|priority_rank >= 0\) AND \(priority_rank <= 1\)`},
				"StatusesByStatusRankRange":                {[]int{4, 5}, `tenant_id=\? AND status_rank>\? AND status_rank<\?|status_rank >= 4\) AND \(status_rank <= 5\)`},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p := storage.TicketListParams{TicketFilter: tt.f, Sort: tt.sort, Desc: true, CatalogOrder: true, Limit: 50, SortRanks: ranges[tt.name].ranks}
					p.TenantID = "tenant-1"
					query := rec.capture(t, func() {
						_, err := st.TicketList(ctx, p)
						require.NoError(t, err)
					})
					var plan string
					if b.Name == "postgres" {
						plan = explainPostgres(t, db, query)
						require.NotContains(t, plan, "Seq Scan", "query: %s", query)
						require.Regexp(t, `Index Cond: \(+\(?tenant_id = 'tenant-1'`, plan, "the tenant should bound the index scan; query: %s", query)
					} else if strings.Contains(query, "UNION ALL") {
						// One page per status, merged (queueSplit): each
						// status is read in order from the index; SQLite
						// sorts each branch's page (at most 51 rows) for
						// the merge, and scans the merged rows.
						plan = explainSQLite(t, db, query)
						branches := strings.Count(query, "UNION ALL") + 1
						require.Len(t, regexp.MustCompile(tt.index+` \(tenant_id=\? AND \w+=\? AND status=\?`).FindAllString(plan, -1), branches,
							"query: %s\nplan:\n%s", query, plan)
						require.Equal(t, branches, strings.Count(plan, "TEMP B-TREE"), "a sort of each branch's page only; plan:\n%s", plan)
					} else {
						plan = explainSQLite(t, db, query)
						for line := range strings.SplitSeq(plan, "\n") {
							if m := sqliteTable.FindStringSubmatch(line); m != nil && m[2] == "t" {
								require.Regexp(t, `^SEARCH t USING (COVERING )?INDEX \w+ \(tenant_id=\?`, line, "query: %s\nplan:\n%s", query, plan)
							}
						}
						require.NotContains(t, plan, "TEMP B-TREE", "the index should give the page's order; query: %s", query)
						require.Regexp(t, tt.index, plan, "query: %s", query)
					}
					if r, ok := ranges[tt.name]; ok {
						require.Regexp(t, r.cond, plan, "the filter on the sort's field should be a range of its index; query: %s", query)
					}
					t.Logf("%s\n%s", query, plan)
				})
			}
		})
	}
}
