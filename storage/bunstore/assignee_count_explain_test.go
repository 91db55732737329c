package bunstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
)

// TestTicketCountByAssigneeExplain checks that the grouped count of a
// team's open tickets (storage.TicketAssigneeCounter, which least-open
// assignment and capacities run once per pick) reads an index that
// starts with the tenant and the assignee, never the tickets table nor
// another tenant's rows, and that it counts what one count per agent
// counts.
func TestTicketCountByAssigneeExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			analyzeTickets(t, db, b.Name)
			open := []string{"open", "in_progress", "waiting"}
			p := storage.TicketCountByAssigneeParams{TenantID: "tenant-1", Statuses: open, Max: 1000}
			for i := range 5 { // a team: a few of the tenant's agents
				p.Assignees = append(p.Assignees, fmt.Sprintf("agent-%02d", i))
			}
			var got map[string]int
			query := rec.capture(t, func() {
				var err error
				got, err = st.TicketCountByAssignee(ctx, p)
				require.NoError(t, err)
			})
			require.NotEmpty(t, got, "the agents hold open tickets")
			for _, a := range p.Assignees {
				n, err := st.TicketCount(ctx, storage.TicketCountParams{
					TicketFilter: storage.TicketFilter{TenantID: "tenant-1", Assignees: []string{a}, Statuses: open}, Max: 1000})
				require.NoError(t, err)
				require.Equal(t, n, got[a], "agent %s", a)
			}
			var plan string
			switch b.Name {
			case "mysql":
				plan = explainMySQLPlan(t, db, query)
				require.Regexp(t, `(?m)^t key=ticketkit_tickets_(assignee|queue)\w* `, plan, "query: %s", query)
			case "postgres":
				plan = explainPostgres(t, db, query)
				require.NotContains(t, plan, "Seq Scan", "query: %s", query)
				require.Regexp(t, `ticketkit_tickets_(assignee|queue)\w*`, plan, "query: %s", query)
				require.Regexp(t, `Cond: \(+\(?tenant_id = 'tenant-1'.*assignee`, plan, "query: %s", query)
			default:
				plan = explainSQLite(t, db, query)
				searched := false
				for line := range strings.SplitSeq(plan, "\n") {
					if m := sqliteTable.FindStringSubmatch(line); m != nil && m[2] == "t" {
						require.Regexp(t, `^SEARCH t USING (COVERING )?INDEX ticketkit_tickets_(assignee|queue)\w* \(tenant_id=\? AND assignee=\?`, line, "query: %s\nplan:\n%s", query, plan)
						searched = true
					}
				}
				require.True(t, searched, "plan:\n%s", plan)
			}
			t.Logf("%s\n%s", query, plan)
		})
	}
}
