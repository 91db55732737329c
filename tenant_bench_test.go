package ticketkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// hideConfigs is a store without storage.ConfigStore: a Desk over it has
// one configuration, its own, and never resolves a tenant's.
type hideConfigs struct{ storage.Store }

// BenchmarkOpenTenantConfigs measures Desk.Open on one store, in the same
// loop, round-robin over 10,000 tenants, three ways:
//
//   - single: a Desk with one configuration (over the store with
//     storage.ConfigStore hidden), the floor;
//   - configured: a Desk over the store, where each of the 10,000
//     tenants has a configuration of its own (a catalog with an extra
//     status, so the free workflow), all cached (TTL of an hour);
//   - ttl2s: the same with the default TenantConfigTTL of 2 s, so that
//     a tenant whose entry is older than 2 s is checked again (one
//     indexed read of its latest version) before the ticket opens.
//
// Each Open is timed on its own, the three on the same tenant one after
// the other, which goes first rotating; BENCHMARKS.md quotes the p50 and
// mean ratios to single.
//
//	go test -run '^$' -bench OpenTenantConfigs -benchtime 10000x .
func BenchmarkOpenTenantConfigs(b *testing.B) {
	const tenants = 10000
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Label: ticket.Label{Text: "On hold"}, Category: ticket.CategoryPending})
	data, err := json.Marshal(ticketkit.TenantConfig{Catalog: spec})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range dbtest.Stores() {
		b.Run(s.Name, func(b *testing.B) {
			ctx := context.Background()
			st := s.Open(b)
			tenant := func(i int) string { return fmt.Sprintf("merchant-%05d", i%tenants) }
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				cs, ok := tx.(storage.ConfigStore)
				if !ok {
					return fmt.Errorf("%T has no ConfigStore", tx)
				}
				for i := range tenants {
					if err := cs.TenantConfigCreate(ctx, &storage.TenantConfig{TenantID: tenant(i), Data: data, CreatedBy: "admin", CreatedAt: time.Now()}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			single, err := ticketkit.New(ticketkit.Config{Store: hideConfigs{st}})
			if err != nil {
				b.Fatal(err)
			}
			configured, err := ticketkit.New(ticketkit.Config{Store: st, TenantConfigTTL: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			ttl, err := ticketkit.New(ticketkit.Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			actor := func(i int) ticketkit.Actor {
				return ticketkit.Actor{ID: "agent", Role: ticket.RoleAgent, TenantID: tenant(i)}
			}
			// Warm configured's cache: every tenant resolved once.
			for i := range tenants {
				if _, err := configured.Get(ctx, actor(i), "none"); err == nil {
					b.Fatal("a ticket that does not exist")
				}
			}
			open := func(d *ticketkit.Desk, i int, want int64) time.Duration {
				start := time.Now()
				tk, err := d.Open(ctx, actor(i), ticketkit.OpenParams{Subject: "Where is my parcel?"})
				took := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if tk.ConfigVersion != want {
					b.Fatalf("config version %d, want %d", tk.ConfigVersion, want)
				}
				return took
			}
			var floor, cached, checked []time.Duration
			variants := []func(i int){
				func(i int) { floor = append(floor, open(single, i, 0)) },
				func(i int) { cached = append(cached, open(configured, i, 1)) },
				func(i int) { checked = append(checked, open(ttl, i, 1)) },
			}
			i := 0
			for b.Loop() {
				// The three in turn on the same tenant, the first of them
				// rotating, so that none always pays for the tenant's rows
				// being read first.
				for k := range variants {
					variants[(i+k)%len(variants)](i)
				}
				i++
			}
			p50 := func(d []time.Duration) float64 {
				s := slices.Clone(d)
				slices.Sort(s)
				return float64(s[len(s)/2]) / 1e3
			}
			mean := func(d []time.Duration) float64 {
				var sum time.Duration
				for _, x := range d {
					sum += x
				}
				return float64(sum) / float64(len(d)) / 1e3
			}
			b.ReportMetric(p50(floor), "single-p50-µs")
			b.ReportMetric(p50(cached), "configured-p50-µs")
			b.ReportMetric(p50(checked), "ttl2s-p50-µs")
			b.ReportMetric(p50(cached)/p50(floor), "configured/single-p50")
			b.ReportMetric(mean(cached)/mean(floor), "configured/single-mean")
			b.ReportMetric(p50(checked)/p50(floor), "ttl2s/single-p50")
			b.ReportMetric(mean(checked)/mean(floor), "ttl2s/single-mean")
		})
	}
}
