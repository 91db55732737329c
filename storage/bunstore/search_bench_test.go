package bunstore_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// benchEnv names the database BenchmarkSearch runs on, as
// sqlite:PATH, postgres:DSN or mysql:DSN, seeded with cmd/ticketkit-seed.
const benchEnv = "TICKETKIT_BENCH_DB"

// BenchmarkSearch measures one 50-ticket page of TicketList, newest
// first as a desk lists them, for each filter alone and for the usual
// combination, on a database seeded with cmd/ticketkit-seed:
//
//	go run ./cmd/ticketkit-seed -db sqlite:/tmp/tk.db -n 1000000
//	TICKETKIT_BENCH_DB=sqlite:/tmp/tk.db go test -run XXX -bench BenchmarkSearch -benchtime 200x ./storage/bunstore
//
// Each sub-benchmark cycles through filter values drawn from the seeded
// tickets, over all tenants, and reports the median and 95th percentile
// of the latency of one call (p50-ms, p95-ms) besides ns/op and
// allocations. text_nomatch searches a word no subject holds: a
// substring search reads every ticket of the tenant, the worst case.
func BenchmarkSearch(b *testing.B) {
	spec := os.Getenv(benchEnv)
	if spec == "" {
		testenv.Unavailable(b, "set "+benchEnv+"=sqlite:PATH, postgres:DSN or mysql:DSN to a database seeded with cmd/ticketkit-seed")
	}
	ctx := context.Background()
	db := openBenchDB(b, spec)
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	v := benchValues(b, st, db)

	page := func(f storage.TicketFilter) storage.TicketListParams {
		return storage.TicketListParams{TicketFilter: f, Desc: true, Limit: 50}
	}
	r := rand.New(rand.NewPCG(1, 2))
	// each returns 64 queries built by fn from a random sample ticket.
	each := func(fn func(s *ticket.Ticket) storage.TicketFilter) []storage.TicketListParams {
		ps := make([]storage.TicketListParams, 64)
		for i := range ps {
			s := v.samples[r.IntN(len(v.samples))]
			f := fn(s)
			f.TenantID = s.TenantID
			ps[i] = page(f)
		}
		return ps
	}
	week := 7 * 24 * time.Hour
	cases := []struct {
		name   string
		params []storage.TicketListParams
	}{
		{"tenant_only", each(func(*ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{} })},
		{"status", each(func(*ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Statuses: oneOf(r, ticket.StatusClosed, ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated, ticket.StatusResolved)}
		})},
		{"statuses_unresolved", each(func(*ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Statuses: []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated}}
		})},
		{"priority", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Priorities: []string{s.Priority}}
		})},
		{"department", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Departments: []string{s.Department}}
		})},
		{"category", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Categories: []string{s.Category}}
		})},
		{"assignee", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Assignees: []string{v.assignee(r, s)}}
		})},
		{"created_range", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{CreatedFrom: s.CreatedAt.Add(-week), CreatedTo: s.CreatedAt.Add(week)}
		})},
		{"customer_id", each(func(s *ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{CustomerID: s.Customer.ID} })},
		{"customer_mobile", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{CustomerMobile: s.Customer.Mobile}
		})},
		{"customer_email", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{CustomerEmail: s.Customer.Email}
		})},
		{"number", each(func(s *ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{Number: s.Number} })},
		{"text", each(func(s *ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{Text: word(r, s.Subject)} })},
		{"text_nomatch", each(func(*ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{Text: "no such word"} })},
		{"status_department_created_priority", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{
				Statuses: []string{s.Status}, Departments: []string{s.Department}, Priorities: []string{s.Priority},
				CreatedFrom: s.CreatedAt.Add(-90 * 24 * time.Hour), CreatedTo: s.CreatedAt.Add(time.Hour),
			}
		})},
	}
	cases = append(cases, textCases(b, st, db, v, r, page, each)...)
	// The second page of a status filter, through the first page's
	// cursor.
	second := each(func(*ticket.Ticket) storage.TicketFilter {
		return storage.TicketFilter{Statuses: oneOf(r, ticket.StatusClosed, ticket.StatusResolved, ticket.StatusInProgress)}
	})
	for i := range second {
		res, err := st.TicketList(ctx, second[i])
		if err != nil {
			b.Fatal(err)
		}
		if res.Next == "" {
			b.Fatalf("%+v: no second page", second[i].TicketFilter)
		}
		second[i].After = res.Next
	}
	cases = append(cases, struct {
		name   string
		params []storage.TicketListParams
	}{"status_page2", second})

	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { reportPercentiles(b, listPages(b, st, c.params)) })
	}
}

// listPages runs TicketList with each of params in turn, b.N times in
// all, and returns the latency of each call.
func listPages(b *testing.B, st *bunstore.Store, params []storage.TicketListParams) []time.Duration {
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := params[i%len(params)]
		i++
		start := time.Now()
		_, err := st.TicketList(context.Background(), p)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	return lat
}

// reportPercentiles reports the median, 95th and 99th percentiles of
// lat in milliseconds.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(percentile(lat, 0.50))/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.95))/float64(time.Millisecond), "p95-ms")
	b.ReportMetric(float64(percentile(lat, 0.99))/float64(time.Millisecond), "p99-ms")
}

// percentile returns the q quantile of lat by nearest rank, sorting lat
// in place; lat must not be empty.
func percentile(lat []time.Duration, q float64) time.Duration {
	slices.Sort(lat)
	i := int(q*float64(len(lat))+0.999999) - 1 // nearest rank
	return lat[max(i, 0)]
}

// openBenchDB opens the database of spec, sqlite:PATH, postgres:DSN or
// mysql:DSN.
func openBenchDB(b *testing.B, spec string) *bun.DB {
	kind, arg, _ := strings.Cut(spec, ":")
	var db *bun.DB
	var err error
	switch kind {
	case "sqlite":
		if _, err = os.Stat(arg); err == nil {
			db, err = bunopen.SQLite(arg)
		}
	case "postgres", "postgresql":
		db, err = bunopen.Postgres(context.Background(), arg)
	case "mysql":
		db, err = bunopen.MySQL(context.Background(), arg)
	default:
		b.Fatalf("%s=%q: want sqlite:PATH, postgres:DSN or mysql:DSN", benchEnv, spec)
	}
	if err != nil {
		b.Fatalf("%s: %v", benchEnv, err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// benchData holds tickets sampled from the seeded database, whose
// values the benchmark filters by.
type benchData struct {
	samples []*ticket.Ticket
	// assignees are the agents seen per tenant.
	assignees map[string][]string
}

// assignee returns an agent of s's tenant.
func (d *benchData) assignee(r *rand.Rand, s *ticket.Ticket) string {
	as := d.assignees[s.TenantID]
	return as[r.IntN(len(as))]
}

// benchValues samples 40 tickets per tenant at random creation times.
func benchValues(b *testing.B, st *bunstore.Store, db *bun.DB) *benchData {
	ctx := context.Background()
	var tenants []string
	err := db.NewSelect().ColumnExpr("DISTINCT tenant_id").
		TableExpr("?", bun.Ident(st.TablePrefix()+"counters")).Order("tenant_id").Scan(ctx, &tenants)
	if err != nil {
		b.Fatal(err)
	}
	if len(tenants) == 0 {
		b.Fatalf("%s holds no tickets: seed it with cmd/ticketkit-seed", benchEnv)
	}
	r := rand.New(rand.NewPCG(3, 4))
	d := &benchData{assignees: map[string][]string{}}
	for _, tenant := range tenants {
		ends := [2]time.Time{}
		for i, desc := range []bool{false, true} {
			res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenant}, Desc: desc, Limit: 1})
			if err != nil {
				b.Fatal(err)
			}
			ends[i] = res.Tickets[0].CreatedAt
		}
		for range 40 {
			at := ends[0].Add(time.Duration(r.Int64N(int64(ends[1].Sub(ends[0])))))
			res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenant, CreatedFrom: at}, Limit: 1})
			if err != nil {
				b.Fatal(err)
			}
			s := res.Tickets[0]
			d.samples = append(d.samples, s)
			if s.Assignee != "" && !slices.Contains(d.assignees[tenant], s.Assignee) {
				d.assignees[tenant] = append(d.assignees[tenant], s.Assignee)
			}
		}
	}
	return d
}

// oneOf returns a list of one of codes.
func oneOf(r *rand.Rand, codes ...string) []string { return []string{codes[r.IntN(len(codes))]} }

// word returns a word of at least four letters of subject, in the case
// it has there, or the whole subject when it has none.
func word(r *rand.Rand, subject string) string {
	var words []string
	for w := range strings.FieldsSeq(subject) {
		if w = strings.Trim(w, "?.,:!"); len(w) >= 4 {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return subject
	}
	return words[r.IntN(len(words))]
}
