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

// TestAssigneeOpenCountExplain checks that the count of an agent's open
// tickets, which ticketkit's least-open assignment and capacities run
// for every candidate agent (storage.TicketCounter with one assignee and
// the catalog's open statuses), reads an index that starts with the
// tenant and the assignee, never the tickets table itself.
func TestAssigneeOpenCountExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			analyzeTickets(t, db, b.Name)
			p := storage.TicketCountParams{
				TicketFilter: storage.TicketFilter{TenantID: "tenant-1", Statuses: []string{"open", "in_progress", "waiting"}},
				Max:          20,
			}
			var (
				n   int
				err error
			)
			for i := 0; i < 25 && n == 0; i++ { // an agent who holds open tickets
				p.Assignees = []string{fmt.Sprintf("agent-%02d", i)}
				n, err = st.TicketCount(ctx, p)
				require.NoError(t, err)
			}
			query := rec.capture(t, func() {
				n, err = st.TicketCount(ctx, p)
				require.NoError(t, err)
			})
			require.Positive(t, n, "the agent holds open tickets")
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
