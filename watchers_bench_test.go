package ticketkit_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkReplyWatcherLookup measures what the watchers cost every
// change that notifies: Desk.Reply on a ticket with one watcher and one
// CC address, through a store with storage.WatcherStore (the Desk reads
// the ticket's watchers into the notification, one primary-key SELECT),
// against the same Reply through the same store with its optional
// capabilities hidden (no look-up), round-robin in one loop, each timed
// on its own and reported as p50/p95 in ms with the ratio of the p50s.
//
//	CI=true TICKETKIT_TEST_POSTGRES=... TICKETKIT_TEST_MYSQL=... go test -run '^$' -bench BenchmarkReplyWatcherLookup -benchtime 300x .
func BenchmarkReplyWatcherLookup(b *testing.B) {
	ctx := context.Background()
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			st, err := bunstore.New(be.Open(b), bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			with, err := ticketkit.New(ticketkit.Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			without, err := ticketkit.New(ticketkit.Config{Store: bareStore{st}})
			if err != nil {
				b.Fatal(err)
			}
			tk, err := with.Open(ctx, agent, ticketkit.OpenParams{Subject: "Watched", Customer: ticket.Customer{ID: "C-1", Email: "c@example.com"}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := with.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID, UserID: "agent-2"}); err != nil {
				b.Fatal(err)
			}
			if _, err := with.AddCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: "boss@example.com"}); err != nil {
				b.Fatal(err)
			}
			reply := func(d *ticketkit.Desk) time.Duration {
				start := time.Now()
				if _, err := d.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "On it."}); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			var withT, withoutT []time.Duration
			for b.Loop() {
				withoutT = append(withoutT, reply(without))
				withT = append(withT, reply(with))
			}
			q := quantileMS
			b.ReportMetric(q(withoutT, 0.5), "no-lookup-p50-ms")
			b.ReportMetric(q(withoutT, 0.95), "no-lookup-p95-ms")
			b.ReportMetric(q(withT, 0.5), "watchers-p50-ms")
			b.ReportMetric(q(withT, 0.95), "watchers-p95-ms")
			b.ReportMetric(q(withT, 0.5)/q(withoutT, 0.5), "watchers/no-lookup-p50")
		})
	}
}

// quantileMS returns the p-quantile of d (0 < p < 1), in milliseconds.
func quantileMS(d []time.Duration, p float64) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))]) / 1e6
}
