package bunstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestReportExplain checks that the satisfaction report
// (storage.RatingStore.RatingReport) and the time report
// (storage.TimeEntryStore.TimeEntryReport), in every grouping, with a
// period and without, read their table through an index whose condition
// starts with the tenant (the report index (tenant_id, day) or the
// primary key), never the whole table with the other tenants' rows, on
// PostgreSQL (enable_seqscan off) and SQLite.
func TestReportExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		if b.Name == "mysql" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			var tickets []struct {
				TenantID string `bun:"tenant_id"`
				ID       string `bun:"id"`
				Assignee string `bun:"assignee"`
				Customer string `bun:"customer_id"`
			}
			require.NoError(t, db.NewRaw("SELECT tenant_id, id, assignee, '' AS customer_id FROM ticketkit_tickets ORDER BY number").Scan(ctx, &tickets))
			require.Greater(t, len(tickets), 1000)
			day0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				for i, tk := range tickets {
					at := day0.Add(time.Duration(i) * 7 * time.Hour)
					err := tx.(storage.RatingStore).RatingAdd(ctx, &ticket.Rating{TenantID: tk.TenantID, TicketID: tk.ID, Score: 1 + i%5,
						AgentID: tk.Assignee, Department: "support", Category: "question", CustomerID: fmt.Sprint("cus-", i%50), CreatedAt: at})
					if err != nil {
						return err
					}
					err = tx.(storage.TimeEntryStore).TimeEntryAdd(ctx, &ticket.TimeEntry{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID,
						AgentID: tk.Assignee, Duration: time.Duration(1+i%90) * time.Minute, Billable: i%2 == 0,
						Date: at.Truncate(24 * time.Hour), CustomerID: fmt.Sprint("cus-", i%50), OrganisationID: fmt.Sprint("org-", i%7),
						CreatedBy: tk.Assignee, CreatedAt: at})
					if err != nil {
						return err
					}
				}
				return nil
			}))
			_, err := db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)

			periods := []struct {
				name     string
				from, to time.Time
			}{
				{"all time", time.Time{}, time.Time{}},
				{"a month", day0.AddDate(0, 3, 0), day0.AddDate(0, 4, 0)},
			}
			reports := []struct {
				table  string
				groups []storage.ReportGroupBy
				run    func(p storage.RatingReportParams) (int, error)
			}{
				{"ticketkit_ratings", storage.RatingGroupings(), func(p storage.RatingReportParams) (int, error) {
					rows, err := st.RatingReport(ctx, p)
					return len(rows), err
				}},
				{"ticketkit_time_entries", storage.TimeGroupings(), func(p storage.RatingReportParams) (int, error) {
					rows, err := st.TimeEntryReport(ctx, p)
					return len(rows), err
				}},
			}
			for _, r := range reports {
				for _, g := range r.groups {
					for _, period := range periods {
						p := storage.RatingReportParams{TenantID: "tenant-1", GroupBy: g, From: period.from, To: period.to}
						var n int
						query := rec.capture(t, func() {
							n, err = r.run(p)
							require.NoError(t, err)
						})
						require.Positive(t, n, "%s by %s over %s has rows: %s", r.table, g, period.name, query)
						what := fmt.Sprintf("%s by %s over %s\nquery: %s", r.table, g, period.name, query)
						if b.Name == "postgres" {
							plan := explainPostgres(t, db, query)
							require.NotContains(t, plan, "Seq Scan", "%s\nplan:\n%s", what, plan)
							require.Regexp(t, `(Bitmap Index Scan on|Index Scan using|Index Only Scan using) `+r.table+`_(report_idx|pkey)`, plan, "%s\nplan:\n%s", what, plan)
							require.Regexp(t, `Index Cond: \(+tenant_id = 'tenant-1'`, plan, "%s\nplan:\n%s", what, plan)
							if !period.from.IsZero() {
								require.Contains(t, plan, r.table+"_report_idx", "a period reads the report index: %s\nplan:\n%s", what, plan)
							}
							continue
						}
						plan := explainSQLite(t, db, query)
						searched := false
						for line := range strings.SplitSeq(plan, "\n") {
							if m := sqliteTable.FindStringSubmatch(line); m != nil && m[2] == r.table {
								require.Regexp(t, `^SEARCH `+r.table+` USING (COVERING INDEX `+r.table+`_report_idx|PRIMARY KEY|INDEX `+r.table+`_report_idx) \(tenant_id=\?`, line,
									"%s\nplan:\n%s", what, plan)
								if !period.from.IsZero() {
									require.Contains(t, line, "_report_idx (tenant_id=? AND ", "a period reads the report index: %s\nplan:\n%s", what, plan)
								}
								searched = true
							}
						}
						require.True(t, searched, "%s\nplan:\n%s", what, plan)
					}
				}
			}
		})
	}
}
