package bunstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

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
// journal (ComplaintList), newest first, for each filter alone and for a
// usual combination, on PostgreSQL. Over a database without them it
// first seeds the complaints, set-based (one INSERT ... SELECT FROM
// generate_series per table), in tenants bench-0 to bench-3:
//
//	TICKETKIT_BENCH_DB=postgres:DSN go test -run XXX -bench BenchmarkComplaintList -benchtime 200x ./storage/bunstore
//
// It reports the median and 95th percentile of one call (p50-ms,
// p95-ms) besides ns/op. Results go to BENCHMARKS.md with the command.
func BenchmarkComplaintList(b *testing.B) {
	spec := os.Getenv(benchEnv)
	if spec == "" {
		b.Skip("set " + benchEnv + "=postgres:DSN")
	}
	ctx := context.Background()
	db := openBenchDB(b, spec)
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if db.Dialect().Name() != dialect.PG {
		b.Skip("BenchmarkComplaintList seeds with PostgreSQL's generate_series")
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

	r := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	lo, hi := decimal.RequireFromString("100"), decimal.RequireFromString("110")
	// each returns 64 queries whose filter fn builds from a random i.
	each := func(fn func(i int) storage.ComplaintFilter) []storage.ComplaintListParams {
		ps := make([]storage.ComplaintListParams, 64)
		for k := range ps {
			i := r.IntN(n)
			f := fn(i)
			f.TenantID = fmt.Sprintf("bench-%d", i%4)
			ps[k] = storage.ComplaintListParams{ComplaintFilter: f, Desc: true, Limit: 50}
		}
		return ps
	}
	cases := []struct {
		name   string
		params []storage.ComplaintListParams
	}{
		{"tenant_only", each(func(int) storage.ComplaintFilter { return storage.ComplaintFilter{} })},
		{"status", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Statuses: []string{benchStatuses[i%len(benchStatuses)]}}
		})},
		{"reason", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Reasons: []string{fmt.Sprintf("CR0%d", 1+i%4)}}
		})},
		{"severity", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Severities: []ticket.Severity{ticket.Severities()[i%4]}}
		})},
		{"counterparty", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Counterparty: fmt.Sprintf("cp-%d", i%5000)}
		})},
		{"business_unit", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{BusinessUnits: []string{fmt.Sprintf("BU%d", i%6)}}
		})},
		{"employee", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Employees: []string{fmt.Sprintf("emp-%d", i%25)}}
		})},
		{"salesperson", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Salespersons: []string{fmt.Sprintf("sales-%d", i%25)}}
		})},
		{"source", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{SourceKind: ticket.RefInvoice, SourceID: fmt.Sprintf("INV-%d", i)}
		})},
		{"amount_range", each(func(int) storage.ComplaintFilter { return storage.ComplaintFilter{AmountFrom: &lo, AmountTo: &hi} })},
		{"issued_month", each(func(i int) storage.ComplaintFilter {
			start := from.AddDate(0, i%12, 0)
			return storage.ComplaintFilter{IssuedFrom: start, IssuedTo: start.AddDate(0, 1, 0)}
		})},
		{"text", each(func(i int) storage.ComplaintFilter {
			return storage.ComplaintFilter{Text: fmt.Sprintf("pallet %d", i%97)}
		})},
		{"status_unit_month", each(func(i int) storage.ComplaintFilter {
			start := from.AddDate(0, i%12, 0)
			return storage.ComplaintFilter{
				Statuses: []string{ticket.StatusRegistered, ticket.StatusPlanned}, BusinessUnits: []string{fmt.Sprintf("BU%d", i%6)},
				IssuedFrom: start, IssuedTo: start.AddDate(0, 3, 0),
			}
		})},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := st.ComplaintList(ctx, c.params[i%len(c.params)]); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportPercentiles(b, lat)
		})
	}
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
		category, channel, customer_id, customer, contacts, refs, tags, fields, actions, reason, created_at, updated_at, version)
	SELECT 'cbench-' || g, 'bench-' || (g % 4), 'CC-B-' || g,
		'Invoice ' || g || ': damaged pallet ' || (g % 97), 'invoice ' || g || ': damaged pallet ' || (g % 97),
		(?::text[])[1 + g % 7], (ARRAY['low','normal','normal','high'])[1 + g % 4], 'defect', 'email',
		'cus-' || (g % 5000), '{}', '[]', '[]', '[]', '{}', '[]', 'CR0' || (1 + g % 4),
		?::timestamptz + g * ? * interval '1 second', ?::timestamptz + g * ? * interval '1 second', 1
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
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}
