package bunstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// explainComplaints stores n complaints spread over four tenants, three
// years, and mixes of every journal filter value, in one transaction.
func explainComplaints(t *testing.T, st *bunstore.Store, n int) {
	t.Helper()
	statuses := []string{ticket.StatusPosted, ticket.StatusPosted, ticket.StatusPosted, ticket.StatusRejected, ticket.StatusRegistered, ticket.StatusPlanned, ticket.StatusFulfilled}
	start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	step := 3 * 365 * 24 * time.Hour / time.Duration(n)
	err := st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for i := range n {
			at := start.Add(time.Duration(i) * step)
			tk := &ticket.Ticket{
				ID: ids.New(), TenantID: fmt.Sprintf("tenant-%d", i%4), Number: fmt.Sprintf("CC-%06d", i),
				Subject: fmt.Sprintf("Invoice %d: damaged pallet %d", i, i%97), Status: statuses[(i*3)%len(statuses)],
				Priority: []string{"low", "normal", "normal", "high"}[(i*5)%4], Category: "defect", Reason: fmt.Sprintf("CR%02d", 1+(i*7)%4),
				Channel: ticket.ChannelEmail, Customer: ticket.Customer{ID: fmt.Sprintf("cus-%d", (i*7919)%(n/3))},
				CreatedAt: at, UpdatedAt: at,
			}
			if err := tx.TicketCreate(ctx, tk); err != nil {
				return err
			}
			c := &ticket.Complaint{Ticket: *tk, Details: ticket.ComplaintDetails{
				IssuedAt: at, RemedySought: ticket.RemedyCreditNote, Severity: ticket.Severities()[(i*11)%4],
				Source:         &ticket.Reference{Kind: ticket.RefInvoice, ID: fmt.Sprintf("INV-%d", i)},
				Accounting:     ticket.Accounting{Counterparty: fmt.Sprintf("cp-%d", (i*7919)%(n/3)), Amount: decimal.New(int64((i*7919)%100000), -2), Currency: "EUR"},
				Responsibility: ticket.Responsibility{BusinessUnit: fmt.Sprintf("BU-%d", (i*13)%6), Employee: fmt.Sprintf("emp-%02d", (i*17)%25), Salesperson: fmt.Sprintf("sales-%02d", (i*19)%25)},
			}}
			if err := tx.(storage.ComplaintStore).ComplaintCreate(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// TestComplaintListExplain checks that every filter of the complaint
// journal (ComplaintList), and a usual combination, reads the
// complaints table through an index: on PostgreSQL the plan of the
// exact SQL the store runs, taken with enable_seqscan off as in
// TestTicketListExplain, may hold no sequential scan, and the filters on
// the complaint section must read their own index; on SQLite neither
// the complaints nor the tickets table may be scanned.
func TestComplaintListExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range explainBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			explainComplaints(t, st, 3000)
			_, err := db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)

			from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			lo, hi := decimal.RequireFromString("120.00"), decimal.RequireFromString("125.00")
			tests := []struct {
				name string
				f    storage.ComplaintFilter
				// index, or alt when set, must appear in the PostgreSQL
				// plan when set.
				index, alt string
			}{
				{name: "Tenant"},
				{name: "Reason", f: storage.ComplaintFilter{Reasons: []string{"CR03"}}, index: "complaints_reason_idx"},
				{name: "Severity", f: storage.ComplaintFilter{Severities: []ticket.Severity{ticket.SeverityCritical}}, index: "complaints_severity_idx"},
				{name: "Counterparty", f: storage.ComplaintFilter{Counterparty: "cp-42"}, index: "complaints_counterparty_idx"},
				{name: "BusinessUnit", f: storage.ComplaintFilter{BusinessUnits: []string{"BU-3"}}, index: "complaints_unit_idx"},
				{name: "Employee", f: storage.ComplaintFilter{Employees: []string{"emp-07"}}, index: "complaints_employee_idx"},
				{name: "Salesperson", f: storage.ComplaintFilter{Salespersons: []string{"sales-07"}}, index: "complaints_salesperson_idx"},
				{name: "Source", f: storage.ComplaintFilter{SourceKind: ticket.RefInvoice, SourceID: "INV-42"}, index: "complaints_source_idx"},
				{name: "AmountRange", f: storage.ComplaintFilter{AmountFrom: &lo, AmountTo: &hi}, index: "complaints_amount_idx"},
				{name: "AmountRangeStatus", f: storage.ComplaintFilter{AmountFrom: &lo, AmountTo: &hi, Statuses: []string{ticket.StatusPlanned}}},
				{name: "Issued", f: storage.ComplaintFilter{IssuedFrom: from, IssuedTo: from.AddDate(0, 1, 0)}},
				{name: "Status", f: storage.ComplaintFilter{Statuses: []string{ticket.StatusPlanned}}, index: "complaints_status_idx"},
				{name: "Priority", f: storage.ComplaintFilter{Priorities: []string{"high"}}, index: "complaints_priority_idx"},
				{name: "Customer", f: storage.ComplaintFilter{CustomerID: "cus-42"}, index: "complaints_customer_idx"},
				{name: "Text", f: storage.ComplaintFilter{Text: "INVOICE 1233:"}, index: "complaints_subject_trgm_idx"},
				// A common term: at 3,000 rows the trigram index may still
				// win; at a million the date index with the subject
				// (BENCHMARKS.md).
				{name: "TextCommon", f: storage.ComplaintFilter{Text: "pallet 7"}, index: "complaints_issued_cover_idx", alt: "complaints_subject_trgm_idx"},
				{name: "StatusUnitIssued", f: storage.ComplaintFilter{
					Statuses: []string{ticket.StatusPosted}, BusinessUnits: []string{"BU-1"}, IssuedFrom: from, IssuedTo: from.AddDate(0, 3, 0),
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					for _, desc := range []bool{false, true} {
						p := storage.ComplaintListParams{ComplaintFilter: tt.f, Desc: desc, Limit: 50}
						p.TenantID = "tenant-1"
						query := complaintSelect(t, rec, func() {
							_, err := st.ComplaintList(ctx, p)
							require.NoError(t, err)
						})
						// Every filter reads the complaints table alone (the
						// ticket's values are copied there), but a text on
						// SQLite, which narrows it with the tickets' FTS5
						// table: at a million rows a join turns a 5 ms walk
						// of the date index into a 12 ms read and sort of
						// the amount band.
						textOnTickets := tt.f.Text != "" && b.Name == "sqlite"
						require.Equal(t, textOnTickets, strings.Contains(query, `JOIN "ticketkit_tickets" AS t`), "query: %s", query)
						if tt.f.AmountFrom != nil || (tt.f.Text != "" && !textOnTickets) {
							// Keys first: the date index, walked index only
							// for a text, with the amount or the subject as a
							// filter.
							require.Contains(t, query, "c.ticket_id IN (SELECT c.ticket_id", "query: %s", query)
						}
						if b.Name == "postgres" {
							plan := explainPostgres(t, db, query)
							require.NotContains(t, plan, "Seq Scan", "query: %s", query)
							if tt.index != "" && (tt.alt == "" || !strings.Contains(plan, tt.alt)) {
								require.Contains(t, plan, tt.index, "query: %s", query)
							}
							require.NotContains(t, plan, "ticketkit_tickets", "query: %s", query)
							continue
						}
						plan := explainSQLite(t, db, query)
						for line := range strings.SplitSeq(plan, "\n") {
							if m := sqliteTable.FindStringSubmatch(line); m != nil && (m[2] == "c" || m[2] == "t") {
								require.Equal(t, "SEARCH", m[1], "no table may be scanned; query: %s\nplan:\n%s", query, plan)
							}
						}
					}
				})
			}
		})
	}
}

// complaintSelect returns the SELECT of the complaints table fn runs.
func complaintSelect(t *testing.T, rec *queryRecorder, fn func()) string {
	t.Helper()
	rec.mu.Lock()
	rec.on, rec.queries = true, nil
	rec.mu.Unlock()
	fn()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.on = false
	for _, q := range rec.queries {
		if strings.Contains(q, `FROM "ticketkit_complaints" AS c`) {
			return q
		}
	}
	require.FailNow(t, "ComplaintList should select from the complaints table", "%q", rec.queries)
	return ""
}
