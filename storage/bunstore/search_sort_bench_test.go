package bunstore_test

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// sortShape is one query shape of BenchmarkSearchSorted: the queries
// built for it, cycled through.
type sortShape struct {
	name   string
	params []storage.TicketListParams
}

// BenchmarkSearchSorted measures one 50-ticket page of TicketList for
// every sort, in the catalog's order as the Desk asks for it
// (CatalogOrder), on the largest tenant and with the filters agents
// combine with sorts, deep cursor pages and number prefixes, on a
// database seeded with cmd/ticketkit-seed (see BenchmarkSearch). It
// reports p50, p95 and p99 in milliseconds.
func BenchmarkSearchSorted(b *testing.B) {
	spec := os.Getenv(benchEnv)
	if spec == "" {
		testenv.Unavailable(b, "set "+benchEnv+"=sqlite:PATH or postgres:DSN to a database seeded with cmd/ticketkit-seed")
	}
	ctx := context.Background()
	db := openBenchDB(b, spec)
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	v := benchValues(b, st, db)
	largest := largestTenant(b, st, db)
	r := rand.New(rand.NewPCG(5, 6))
	unresolved := []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated}
	year := 365 * 24 * time.Hour

	// each returns n queries sorted by sort, filtered by fn of a random
	// sample ticket (of the largest tenant when big).
	each := func(n int, big bool, sort storage.SortField, desc bool, fn func(s *ticket.Ticket) storage.TicketFilter) []storage.TicketListParams {
		ps := make([]storage.TicketListParams, n)
		for i := range ps {
			s := v.samples[r.IntN(len(v.samples))]
			for big && s.TenantID != largest {
				s = v.samples[r.IntN(len(v.samples))]
			}
			f := fn(s)
			f.TenantID = s.TenantID
			ps[i] = storage.TicketListParams{TicketFilter: f, Sort: sort, Desc: desc, CatalogOrder: true, Limit: 50,
				SortRanks: sortRanks(sort, &f)}
		}
		return ps
	}
	none := func(*ticket.Ticket) storage.TicketFilter { return storage.TicketFilter{} }
	dept := func(s *ticket.Ticket) storage.TicketFilter {
		return storage.TicketFilter{Departments: []string{s.Department}}
	}
	queue := func(s *ticket.Ticket) storage.TicketFilter {
		return storage.TicketFilter{Assignees: []string{v.assignee(r, s)}, Statuses: unresolved}
	}
	shapes := []sortShape{
		{"big_created", each(64, true, storage.SortCreatedAt, true, none)},
		{"big_updated", each(64, true, storage.SortUpdatedAt, true, none)},
		{"big_priority", each(64, true, storage.SortPriority, true, none)},
		{"big_status", each(64, true, storage.SortStatus, false, none)},
		{"big_category", each(64, true, storage.SortCategory, false, none)},
		{"big_number", each(64, true, storage.SortNumber, true, none)},
		{"big_sla_due", each(64, true, storage.SortSLADue, false, none)},
		{"dept_priority", each(64, false, storage.SortPriority, true, dept)},
		{"dept_status", each(64, false, storage.SortStatus, false, dept)},
		{"dept_category", each(64, false, storage.SortCategory, false, dept)},
		{"dept_unresolved_high_priority", each(64, false, storage.SortPriority, true, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Departments: []string{s.Department}, Statuses: unresolved,
				Priorities: []string{ticket.PriorityHigh, ticket.PriorityUrgent}}
		})},
		{"dept_closed_two_priorities_priority", each(64, false, storage.SortPriority, true, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Departments: []string{s.Department}, Statuses: []string{ticket.StatusClosed},
				Priorities: []string{ticket.PriorityLow, ticket.PriorityNormal}}
		})},
		{"status_priority", each(64, false, storage.SortPriority, true, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Statuses: []string{s.Status}}
		})},
		{"priority_status", each(64, false, storage.SortStatus, false, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Priorities: []string{s.Priority}}
		})},
		{"assignee_status", each(64, false, storage.SortStatus, false, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Assignees: []string{v.assignee(r, s)}}
		})},
		{"queue_priority", each(64, false, storage.SortPriority, true, queue)},
		{"queue_oldest", each(64, false, storage.SortCreatedAt, false, queue)},
		{"queue_sla_due", each(64, false, storage.SortSLADue, false, queue)},
		{"unresolved_sla_due", each(64, false, storage.SortSLADue, false, func(*ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Statuses: unresolved}
		})},
		{"category_dept_year_updated", each(64, false, storage.SortUpdatedAt, true, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Categories: []string{s.Category}, Departments: []string{s.Department},
				CreatedFrom: s.CreatedAt.Add(-year / 2), CreatedTo: s.CreatedAt.Add(year / 2)}
		})},
		{"number_prefix_number", each(64, false, storage.SortNumber, false, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{NumberPrefix: s.Number[:len(s.Number)-3]}
		})},
		{"number_prefix_created", each(64, false, storage.SortCreatedAt, true, func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{NumberPrefix: s.Number[:len(s.Number)-3]}
		})},
	}
	// The 50th page, through the 49 cursors before it.
	for _, deep := range []sortShape{
		{"dept_priority_page50", each(8, true, storage.SortPriority, true, dept)},
		{"big_priority_asc_page50", each(8, true, storage.SortPriority, false, none)},
		{"big_status_page50", each(8, true, storage.SortStatus, false, none)},
	} {
		for i := range deep.params {
			for range 49 {
				res, err := st.TicketList(ctx, deep.params[i])
				if err != nil {
					b.Fatal(err)
				}
				if res.Next == "" {
					b.Fatalf("%s: fewer than 50 pages", deep.name)
				}
				deep.params[i].After = res.Next
			}
		}
		shapes = append(shapes, deep)
	}
	for _, c := range shapes {
		b.Run(c.name, func(b *testing.B) {
			lat := listPages(b, st, c.params)
			reportPercentiles(b, lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(percentile(lat, 0.99))/float64(time.Millisecond), "p99-ms")
			}
		})
	}
}

// sortRanks returns the SortRanks the Desk sets for a filter and sort on
// the seed's catalog (ticket.DefaultCatalogSpec, whose positions the
// seed stores).
func sortRanks(sort storage.SortField, f *storage.TicketFilter) []int {
	spec := ticket.DefaultCatalogSpec()
	index := func(codes []string, code func(i int) string, n int) []int {
		var out []int
		for _, c := range codes {
			r := -1
			for i := range n {
				if code(i) == c {
					r = i
					break
				}
			}
			out = append(out, r)
		}
		return out
	}
	switch sort {
	case storage.SortPriority:
		return index(f.Priorities, func(i int) string { return spec.Priorities[i].Code }, len(spec.Priorities))
	case storage.SortStatus:
		return index(f.Statuses, func(i int) string { return spec.Statuses[i].Code }, len(spec.Statuses))
	case storage.SortCategory:
		return index(f.Categories, func(i int) string { return spec.Categories[i].Code }, len(spec.Categories))
	}
	return nil
}

// largestTenant returns the tenant holding the most tickets.
func largestTenant(b *testing.B, st *bunstore.Store, db *bun.DB) string {
	var tenant string
	err := db.NewSelect().ColumnExpr("tenant_id").TableExpr("?", bun.Ident(st.TablePrefix()+"tickets")).
		GroupExpr("tenant_id").OrderExpr("count(*) DESC").Limit(1).Scan(context.Background(), &tenant)
	if err != nil {
		b.Fatal(err)
	}
	return tenant
}
