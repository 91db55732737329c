package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// benchComplaintsEnv sets how many complaints BenchmarkComplaintList
// seeds; default benchComplaintsDefault.
const (
	benchComplaintsEnv     = "TICKETKIT_BENCH_COMPLAINTS"
	benchComplaintsDefault = 1_000_000
)

// BenchmarkComplaintList measures one 50-complaint page of the complaint
// journal, newest first, for each filter alone and for a usual
// combination, on PostgreSQL, three ways round-robin in the same loop:
// Desk.ComplaintJournal (validation, access and the customer view on top
// of the store), bunstore's ComplaintList with the parameters the Desk
// handed it, and a floor: one hand-written statement joining complaints
// to tickets, with the same filter, order and page size, read with
// database/sql (filters on the ticket's status, customer and subject
// read the complaints table's copies of them, as the store does). Before timing, every sample is checked to give the same
// complaints in the same order all three ways. Over a database without
// them it first seeds the complaints, set-based (one INSERT ... SELECT
// FROM generate_series per table), in tenants bench-0 to bench-3:
//
//	TICKETKIT_BENCH_DB=postgres:DSN go test -run XXX -bench BenchmarkComplaintList -benchtime 200x ./storage/bunstore
//
// It reports the median and 95th percentile of one call per variant
// (desk-p50-ms, store-p95-ms, floor-p95-ms, ...) and the store's p95
// over the floor's (x-floor-p95). Results go to BENCHMARKS.md with the
// command.
func BenchmarkComplaintList(b *testing.B) {
	spec := os.Getenv(benchEnv)
	if spec == "" {
		testenv.Unavailable(b, "set "+benchEnv+"=postgres:DSN")
	}
	ctx := context.Background()
	db := openBenchDB(b, spec)
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if db.Dialect().Name() != dialect.PG {
		b.Fatalf("%s: BenchmarkComplaintList needs PostgreSQL (it seeds with generate_series)", benchEnv)
	}
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	n := benchComplaintsDefault
	if v := os.Getenv(benchComplaintsEnv); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("%s=%q: want a number of at least 1000", benchComplaintsEnv, v)
		}
	}
	seedComplaints(b, db, n)
	rec := &listRecorder{Store: st}
	desk, err := ticketkit.New(ticketkit.Config{Store: rec, Complaints: &ticketkit.ComplaintConfig{}})
	if err != nil {
		b.Fatal(err)
	}

	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	lo, hi := decimal.RequireFromString("100"), decimal.RequireFromString("110")
	open := []string{ticket.StatusRegistered, ticket.StatusPlanned}
	for _, c := range []benchJournalCase{
		{"tenant_only", func(int) ticketkit.ComplaintJournalParams { return ticketkit.ComplaintJournalParams{} },
			func(int) (string, []any) { return "TRUE", nil }},
		{"status", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Statuses: []string{benchStatuses[i%len(benchStatuses)]}}
		}, func(i int) (string, []any) { return "c.status = ?", []any{benchStatuses[i%len(benchStatuses)]} }},
		{"status_category_open", func(int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen}}
		}, func(int) (string, []any) { return "c.status IN (?)", []any{bun.List(open)} }},
		{"reason", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Reasons: []string{fmt.Sprintf("CR0%d", 1+i%4)}}
		}, func(i int) (string, []any) { return "c.reason = ?", []any{fmt.Sprintf("CR0%d", 1+i%4)} }},
		{"severity", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Severities: []ticket.Severity{ticket.Severities()[i%4]}}
		}, func(i int) (string, []any) { return "c.severity = ?", []any{string(ticket.Severities()[i%4])} }},
		{"counterparty", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Counterparty: fmt.Sprintf("cp-%d", i%5000)}
		}, func(i int) (string, []any) { return "c.counterparty = ?", []any{fmt.Sprintf("cp-%d", i%5000)} }},
		{"business_unit", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{BusinessUnits: []string{fmt.Sprintf("BU%d", i%6)}}
		}, func(i int) (string, []any) { return "c.business_unit = ?", []any{fmt.Sprintf("BU%d", i%6)} }},
		{"employee", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Employees: []string{fmt.Sprintf("emp-%d", i%25)}}
		}, func(i int) (string, []any) { return "c.employee = ?", []any{fmt.Sprintf("emp-%d", i%25)} }},
		{"salesperson", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Salespersons: []string{fmt.Sprintf("sales-%d", i%25)}}
		}, func(i int) (string, []any) { return "c.salesperson = ?", []any{fmt.Sprintf("sales-%d", i%25)} }},
		{"source", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{SourceKind: ticket.RefInvoice, SourceID: fmt.Sprintf("INV-%d", i)}
		}, func(i int) (string, []any) {
			return "c.source_kind = ? AND c.source_id = ?", []any{string(ticket.RefInvoice), fmt.Sprintf("INV-%d", i)}
		}},
		{"amount_range", func(int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{AmountFrom: &lo, AmountTo: &hi}
		}, func(i int) (string, []any) {
			// Keys first, as for the text: the plain statement reads the
			// whole band from the amount index and sorts it (BENCHMARKS.md).
			return "c.ticket_id IN (SELECT k.ticket_id FROM ticketkit_complaints AS k WHERE k.tenant_id = ? AND k.amount BETWEEN ? AND ? ORDER BY k.issued_at DESC, k.ticket_id DESC LIMIT 50)",
				[]any{fmt.Sprintf("bench-%d", i%4), lo, hi}
		}},
		{"issued_month", func(i int) ticketkit.ComplaintJournalParams {
			start := from.AddDate(0, i%12, 0)
			return ticketkit.ComplaintJournalParams{IssuedFrom: start, IssuedTo: start.AddDate(0, 1, 0)}
		}, func(i int) (string, []any) {
			start := from.AddDate(0, i%12, 0)
			return "c.issued_at >= ? AND c.issued_at < ?", []any{start, start.AddDate(0, 1, 0)}
		}},
		{"text", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Text: fmt.Sprintf("pallet %d", i%97)}
		}, func(i int) (string, []any) {
			// Keys first, as a walk of the date index with the subject,
			// index only: 6.5 ms against 12 ms for the plain statement
			// (BENCHMARKS.md).
			return "c.ticket_id IN (SELECT k.ticket_id FROM ticketkit_complaints AS k WHERE k.tenant_id = ? AND k.subject_lower LIKE ? ORDER BY k.issued_at DESC, k.ticket_id DESC LIMIT 50)",
				[]any{fmt.Sprintf("bench-%d", i%4), fmt.Sprintf("%%pallet %d%%", i%97)}
		}},
		// A rare term: one invoice number, one complaint.
		{"text_rare", func(i int) ticketkit.ComplaintJournalParams {
			return ticketkit.ComplaintJournalParams{Text: fmt.Sprintf("Invoice %d:", i)}
		}, func(i int) (string, []any) {
			return "c.subject_lower LIKE ?", []any{fmt.Sprintf("%%invoice %d:%%", i)}
		}},
		{"customer_view", nil, func(i int) (string, []any) { return "c.customer_id = ?", []any{fmt.Sprintf("cus-%d", i%5000)} }},
		{"status_unit_month", func(i int) ticketkit.ComplaintJournalParams {
			start := from.AddDate(0, i%12, 0)
			return ticketkit.ComplaintJournalParams{
				Statuses: open, BusinessUnits: []string{fmt.Sprintf("BU%d", i%6)},
				IssuedFrom: start, IssuedTo: start.AddDate(0, 3, 0),
			}
		}, func(i int) (string, []any) {
			start := from.AddDate(0, i%12, 0)
			return "c.status IN (?) AND c.business_unit = ? AND c.issued_at >= ? AND c.issued_at < ?",
				[]any{bun.List(open), fmt.Sprintf("BU%d", i%6), start, start.AddDate(0, 3, 0)}
		}},
	} {
		b.Run(c.name, func(b *testing.B) { benchJournal(b, desk, rec, db, n, c) })
	}
}

// benchJournalCase is one filter of BenchmarkComplaintList: the Desk's
// parameters (nil: the customer's own journal, unfiltered) and the
// floor's condition, both built from a sample number i.
type benchJournalCase struct {
	name  string
	desk  func(i int) ticketkit.ComplaintJournalParams
	floor func(i int) (cond string, args []any)
}

// benchJournalSample is one query of a case, three ways.
type benchJournalSample struct {
	actor ticket.Actor
	desk  ticketkit.ComplaintJournalParams
	store storage.ComplaintListParams
	floor string
}

// benchJournal runs case c: 64 samples, checked to agree, then timed
// round-robin, Desk, store and floor in turn.
func benchJournal(b *testing.B, desk *ticketkit.Desk, rec *listRecorder, db *bun.DB, n int, c benchJournalCase) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	samples := make([]benchJournalSample, 64)
	for k := range samples {
		i := r.IntN(n)
		s := &samples[k]
		tenant := fmt.Sprintf("bench-%d", i%4)
		s.actor = ticket.Actor{ID: "bench-agent", Role: ticket.RoleAgent, TenantID: tenant}
		if c.desk == nil {
			s.actor = ticket.Actor{ID: "bench-customer", Role: ticket.RoleCustomer, TenantID: tenant, CustomerID: fmt.Sprintf("cus-%d", i%5000)}
		} else {
			s.desk = c.desk(i)
		}
		s.desk.Desc, s.desk.Limit = true, 50
		page, err := desk.ComplaintJournal(ctx, s.actor, s.desk)
		if err != nil {
			b.Fatal(err)
		}
		s.store = rec.last
		cond, args := c.floor(i)
		s.floor = db.QueryGen().FormatQuery(`SELECT c.*, t.* FROM ticketkit_complaints AS c
	JOIN ticketkit_tickets AS t ON t.id = c.ticket_id AND t.tenant_id = c.tenant_id
	WHERE c.tenant_id = ? AND `+cond+` ORDER BY c.issued_at DESC, c.ticket_id DESC LIMIT 50`, append([]any{tenant}, args...)...)
		res, err := rec.Store.ComplaintList(ctx, s.store)
		if err != nil {
			b.Fatal(err)
		}
		floor := benchFloor(b, db, s.floor)
		if len(floor) == 0 {
			b.Fatalf("sample %d: the floor finds nothing: %s", k, s.floor)
		}
		if got, want := complaintIDs(page.Complaints), complaintIDs(res.Complaints); !slices.Equal(got, want) || !slices.Equal(got, floor) {
			b.Fatalf("sample %d: desk %v, store %v, floor %v", k, got, want, floor)
		}
	}
	var deskLat, storeLat, floorLat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := &samples[i%len(samples)]
		start := time.Now()
		switch i % 3 {
		case 0:
			if _, err := desk.ComplaintJournal(ctx, s.actor, s.desk); err != nil {
				b.Fatal(err)
			}
			deskLat = append(deskLat, time.Since(start))
		case 1:
			if _, err := rec.Store.ComplaintList(ctx, s.store); err != nil {
				b.Fatal(err)
			}
			storeLat = append(storeLat, time.Since(start))
		default:
			benchFloor(b, db, s.floor)
			floorLat = append(floorLat, time.Since(start))
		}
	}
	b.StopTimer()
	reportVariant(b, "desk", deskLat)
	reportVariant(b, "store", storeLat)
	reportVariant(b, "floor", floorLat)
	if len(storeLat) > 0 && len(floorLat) > 0 {
		b.ReportMetric(float64(percentile(storeLat, 0.95))/float64(percentile(floorLat, 0.95)), "x-floor-p95")
	}
}

// benchFloor runs the floor's statement and returns the ticket IDs of
// its rows, every column read as raw bytes.
func benchFloor(b *testing.B, db *bun.DB, query string) []string {
	rows, err := db.DB.QueryContext(context.Background(), query)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		b.Fatal(err)
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var ids []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, string(vals[0])) // c.ticket_id, the complaints' first column
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return ids
}

// complaintIDs returns the ticket IDs of cs in order.
func complaintIDs(cs []*ticket.Complaint) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.Ticket.ID
	}
	return ids
}

// listRecorder is a store that keeps the parameters of the last
// ComplaintList call, so that the store variant runs what the Desk asked.
type listRecorder struct {
	*bunstore.Store
	last storage.ComplaintListParams
}

// ComplaintList records p and lists through the store.
func (r *listRecorder) ComplaintList(ctx context.Context, p storage.ComplaintListParams) (*storage.ComplaintListResult, error) {
	r.last = p
	return r.Store.ComplaintList(ctx, p)
}

// benchStatuses are the complaint statuses BenchmarkComplaintList
// seeds, mostly closed ones as in a journal of several years.
var benchStatuses = []string{
	ticket.StatusPosted, ticket.StatusPosted, ticket.StatusPosted, ticket.StatusRejected,
	ticket.StatusRegistered, ticket.StatusPlanned, ticket.StatusFulfilled,
}

// seedComplaints stores n complaints over three years in tenants bench-0
// to bench-3, unless the database holds them already: one INSERT ...
// SELECT per table, values derived from the row number g.
func seedComplaints(b *testing.B, db *bun.DB, n int) {
	b.Helper()
	ctx := context.Background()
	have, err := db.NewSelect().TableExpr("ticketkit_complaints").Where("tenant_id LIKE 'bench-%'").Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if have >= int64(n) {
		return
	}
	if have > 0 {
		b.Fatalf("the database holds %d bench complaints, not %d: use another database", have, n)
	}
	step := (3 * 365 * 24 * time.Hour / time.Duration(n)).Seconds()
	start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewRaw(`INSERT INTO ticketkit_tickets (id, tenant_id, number, subject, subject_lower, status, priority,
		category, channel, customer_id, customer, contacts, refs, tags, fields, actions, reason, created_at, updated_at, version, kind)
	SELECT 'cbench-' || g, 'bench-' || (g % 4), 'CC-B-' || g,
		'Invoice ' || g || ': damaged pallet ' || (g % 97), 'invoice ' || g || ': damaged pallet ' || (g % 97),
		(?::text[])[1 + g % 7], (ARRAY['low','normal','normal','high'])[1 + g % 4], 'defect', 'email',
		'cus-' || (g % 5000), '{}', '[]', '[]', '[]', '{}', '[]', 'CR0' || (1 + g % 4),
		?::timestamptz + g * ? * interval '1 second', ?::timestamptz + g * ? * interval '1 second', 1, 'complaint'
	FROM generate_series(0, ? - 1) AS g`, bun.Safe("ARRAY['"+strings.Join(benchStatuses, "','")+"']"), start, step, start, step, n).Exec(ctx)
		if err != nil {
			return err
		}
		_, err = tx.NewRaw(`INSERT INTO ticketkit_complaints (ticket_id, tenant_id, issued_at, amount, currency, details,
		reason, severity, counterparty, business_unit, employee, salesperson, source_kind, source_id)
	SELECT t.id, t.tenant_id, t.created_at, ((t.g * 7919) % 100000) / 100.0, 'EUR',
		jsonb_build_object('issued_at', t.created_at, 'remedy_sought', 'credit_note'),
		t.reason, (ARRAY['low','medium','high','critical'])[1 + t.g % 4], 'cp-' || (t.g % 5000), 'BU' || (t.g % 6),
		'emp-' || (t.g % 25), 'sales-' || (t.g % 25), 'invoice', 'INV-' || t.g
	FROM (SELECT id, tenant_id, created_at, reason, substr(id, 8)::bigint AS g FROM ticketkit_tickets WHERE id LIKE 'cbench-%') AS t`).Exec(ctx)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	// VACUUM as autovacuum would after such a load: it sets the
	// visibility map that index-only scans (the text filter's walk of the
	// date index) need.
	if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE) ticketkit_complaints, ticketkit_tickets"); err != nil {
		b.Fatal(err)
	}
}

// reportVariant reports the median and 95th percentile of lat, one
// variant's latencies, as name-p50-ms and name-p95-ms.
func reportVariant(b *testing.B, name string, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(percentile(lat, 0.50))/float64(time.Millisecond), name+"-p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.95))/float64(time.Millisecond), name+"-p95-ms")
}
