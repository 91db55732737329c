package ticketkit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkOpenAutoAssign measures what automatic assignment costs a
// new ticket: Desk.Open into a round-robin pool (the turn counter's
// upsert) and into a least-open pool of five agents (the upsert and one
// grouped count of the agents' open tickets, storage.TicketAssigneeCounter),
// against the floor of the same Open with the
// assignee given by the caller (the rows a hand assignment writes, in
// the Desk's fastest path), round-robin in one loop, each timed on its
// own and reported as p50/p95 in ms with the ratios of the p50s.
//
//	CI=true TICKETKIT_TEST_POSTGRES=... TICKETKIT_TEST_MYSQL=... go test -run '^$' -bench BenchmarkOpenAutoAssign -benchtime 200x .
func BenchmarkOpenAutoAssign(b *testing.B) {
	ctx := context.Background()
	clerk := ticketkit.Actor{ID: "clerk", Role: ticket.RoleAgent, TenantID: "bench"}
	team := []string{"a1", "a2", "a3", "a4", "a5"}
	dir := ticketkit.AgentDirectoryFunc(func(context.Context, ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
		return agentsNamed(team...), nil
	})
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			st, err := bunstore.New(be.Open(b), bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			desk, err := ticketkit.New(ticketkit.Config{Store: st, Catalog: assignCatalog(), Agents: dir, Assignment: &ticketkit.AssignmentConfig{
				Pools: []ticketkit.AssignmentPool{
					{Department: "returns", Strategy: ticketkit.AssignRoundRobin, OnOpen: true},
					{Department: "billing", Strategy: ticketkit.AssignLeastOpen, OnOpen: true},
				},
			}})
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			open := func(p ticketkit.OpenParams) time.Duration {
				i++
				p.Subject = fmt.Sprintf("Ticket %d", i)
				start := time.Now()
				tk, err := desk.Open(ctx, clerk, p)
				if err != nil || tk.Assignee == "" {
					b.Fatal(err, tk)
				}
				return time.Since(start)
			}
			var floor, rr, lo []time.Duration
			for b.Loop() {
				floor = append(floor, open(ticketkit.OpenParams{Assignee: team[i%len(team)]}))
				rr = append(rr, open(ticketkit.OpenParams{Department: "returns"}))
				lo = append(lo, open(ticketkit.OpenParams{Department: "billing"}))
			}
			q := quantileMS
			b.ReportMetric(q(floor, 0.5), "hand-p50-ms")
			b.ReportMetric(q(floor, 0.95), "hand-p95-ms")
			b.ReportMetric(q(rr, 0.5), "roundrobin-p50-ms")
			b.ReportMetric(q(rr, 0.95), "roundrobin-p95-ms")
			b.ReportMetric(q(lo, 0.5), "leastopen-p50-ms")
			b.ReportMetric(q(lo, 0.95), "leastopen-p95-ms")
			b.ReportMetric(q(rr, 0.5)/q(floor, 0.5), "roundrobin/hand-p50")
			b.ReportMetric(q(lo, 0.5)/q(floor, 0.5), "leastopen/hand-p50")
		})
	}
}
