package bunstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// benchCase is one sub-benchmark of BenchmarkSearch: the queries it
// cycles through.
type benchCase = struct {
	name   string
	params []storage.TicketListParams
}

// Planted subjects: plantRare gives each tenant but the largest
// plantedPerTenant tickets whose subject holds plantedWord and
// plantedShort, and the largest (the first, tenant-01 of the seed) only
// plantedInLargest: a term rare in one tenant and frequent elsewhere,
// which the seed's word list has none of.
const (
	plantedWord      = "zephyr"
	plantedShort     = "qx"
	plantedPerTenant = 2000
	plantedInLargest = 5
	plantedNumber    = "ZP-%06d"
)

// textCases returns BenchmarkSearch's subject-text cases (issue 22): short
// terms, a term rare in the searched tenant and frequent in the others,
// a term that matches nothing in the smallest tenant, and terms with
// other filters, each one 50-ticket page newest first.
func textCases(b *testing.B, st *bunstore.Store, db *bun.DB, v *benchData, r *rand.Rand,
	page func(storage.TicketFilter) storage.TicketListParams,
	each func(func(*ticket.Ticket) storage.TicketFilter) []storage.TicketListParams,
) []benchCase {
	b.Helper()
	tenants := plantRare(b, st, db, v)
	largest, smallest := tenants[0], tenants[len(tenants)-1]
	in := func(tenant string, f storage.TicketFilter) []storage.TicketListParams {
		f.TenantID = tenant
		return []storage.TicketListParams{page(f)}
	}
	day := 24 * time.Hour
	return []benchCase{
		{"text_short_common", each(func(s *ticket.Ticket) storage.TicketFilter {
			w := []rune(word(r, s.Subject))
			i := r.IntN(len(w) - 1)
			return storage.TicketFilter{Text: string(w[i : i+2])}
		})},
		{"text_one_char_rare", in(largest, storage.TicketFilter{Text: "z"})},
		{"text_short_nomatch_small_tenant", in(smallest, storage.TicketFilter{Text: "zq"})},
		{"text_short_rare_in_tenant", in(largest, storage.TicketFilter{Text: plantedShort})},
		{"text_rare_in_tenant", in(largest, storage.TicketFilter{Text: plantedWord})},
		{"text_frequent_in_tenant", in(smallest, storage.TicketFilter{Text: plantedWord})},
		{"text_nomatch_small_tenant", in(smallest, storage.TicketFilter{Text: "no such word"})},
		{"text_status", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Text: word(r, s.Subject), Statuses: []string{s.Status}}
		})},
		{"text_created_90d", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Text: word(r, s.Subject), CreatedFrom: s.CreatedAt.Add(-90 * day), CreatedTo: s.CreatedAt.Add(time.Hour)}
		})},
		{"text_department_priority", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Text: word(r, s.Subject), Departments: []string{s.Department}, Priorities: []string{s.Priority}}
		})},
		{"text_escalated", each(func(s *ticket.Ticket) storage.TicketFilter {
			return storage.TicketFilter{Text: word(r, s.Subject), Statuses: []string{ticket.StatusEscalated}}
		})},
		{"text_rare_in_tenant_unresolved", in(largest, storage.TicketFilter{Text: plantedWord,
			Statuses: []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated}})},
	}
}

// plantRare imports the planted tickets (see plantedWord) unless the
// database holds them already, then analyzes the tickets table, and
// returns the seeded tenants, largest
// first. The planted tickets copy sampled tickets of their tenant, with
// creation times spread over the tenant's three years.
func plantRare(b *testing.B, st *bunstore.Store, db *bun.DB, v *benchData) []string {
	b.Helper()
	ctx := context.Background()
	var tenants []string
	byTenant := map[string][]*ticket.Ticket{}
	for _, s := range v.samples {
		if byTenant[s.TenantID] == nil {
			tenants = append(tenants, s.TenantID)
		}
		byTenant[s.TenantID] = append(byTenant[s.TenantID], s)
	}
	// The seed's tenants are numbered largest first.
	res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{
		TenantID: tenants[len(tenants)-1], Number: fmt.Sprintf(plantedNumber, 1)}})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Tickets) > 0 {
		return tenants
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i, tenant := range tenants {
		n := plantedPerTenant
		if i == 0 {
			n = plantedInLargest
		}
		samples := byTenant[tenant]
		first, last := samples[0].CreatedAt, samples[0].CreatedAt
		for _, s := range samples {
			if s.CreatedAt.Before(first) {
				first = s.CreatedAt
			}
			if s.CreatedAt.After(last) {
				last = s.CreatedAt
			}
		}
		batch := make([]*ticket.Ticket, 0, n)
		for j := range n {
			t := *samples[r.IntN(len(samples))]
			t.ID = ids.New()
			t.Number = fmt.Sprintf(plantedNumber, j+1)
			t.Subject = fmt.Sprintf("Zephyr-QX %s hums after the update", []string{"heater", "fan", "purifier"}[j%3])
			t.CreatedAt = first.Add(time.Duration(r.Int64N(int64(last.Sub(first))))).Truncate(time.Microsecond)
			t.UpdatedAt = t.CreatedAt
			t.Version = 1
			batch = append(batch, &t)
		}
		if err := st.TicketImport(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	// Fresh statistics, as autovacuum would gather (PostgreSQL's plan
	// reads them; see ticketTextPlan).
	analyze := "ANALYZE "
	if db.Dialect().Name().String() == bunstore.DialectMySQL {
		analyze = "ANALYZE TABLE "
	}
	if _, err := db.ExecContext(ctx, analyze+st.TablePrefix()+"tickets"); err != nil {
		b.Fatal(err)
	}
	return tenants
}
