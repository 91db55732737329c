package ticketkit_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkDispatch measures outbox delivery with two dispatchers
// sharing one store and a notifier that does nothing, so that only the
// outbox's claims and marks count. It reports events/s and the number of
// events delivered more than once (expected 0).
//
//	go test -run XXX -bench Dispatch -benchtime 20000x .
func BenchmarkDispatch(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			store := be.Open(b)
			seedOutbox(b, store, b.N)

			var mu sync.Mutex
			seen := make(map[string]int, b.N)
			noop := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
				mu.Lock()
				seen[e.ID]++
				mu.Unlock()
				return nil
			})
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range 2 {
				d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: noop, BatchSize: 200})
				if err != nil {
					b.Fatal(err)
				}
				wg.Go(func() {
					for {
						res, err := d.RunOnce(ctx)
						if err != nil {
							b.Error(err)
							return
						}
						if res.Claimed == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			dups := 0
			for _, n := range seen {
				dups += n - 1
			}
			if len(seen) != b.N {
				b.Fatalf("delivered %d distinct events of %d", len(seen), b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(dups), "duplicates")
		})
	}
}

// seedOutbox writes n pending outbox entries holding small events.
func seedOutbox(b *testing.B, store storage.Store, n int) {
	b.Helper()
	now := time.Now().UTC()
	for start := 0; start < n; start += 500 {
		var entries []*storage.OutboxEntry
		for range min(500, n-start) {
			e := notify.Event{ID: ids.New(), Kind: notify.KindOpened, TenantID: "acme", At: now,
				Ticket: &ticket.Ticket{ID: ids.New(), Number: "TK-2026-000001", TenantID: "acme", Subject: "bench"}}
			payload, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			entries = append(entries, &storage.OutboxEntry{ID: e.ID, TenantID: "acme", TicketID: e.Ticket.ID,
				Kind: string(e.Kind), Payload: payload, CreatedAt: now})
		}
		if err := store.OutboxCreate(context.Background(), entries); err != nil {
			b.Fatal(err)
		}
	}
}
