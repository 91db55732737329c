package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
)

// BenchmarkDispatchFloor measures one Dispatcher round on PostgreSQL
// (claim 200 due outbox entries, hand them to a notifier that does
// nothing, mark them delivered) against its floor, one round of each in
// turn with 200 fresh entries seeded before each, untimed (issue 21,
// item 4). The floor is two statements through database/sql, values
// bound: the claim as one UPDATE of the entries a FOR UPDATE SKIP LOCKED
// sub-select picks, RETURNING them, and the mark as one UPDATE of the
// claimed IDs given as an array.
//
//	go test -run XXX -bench DispatchFloor -benchtime 100x -benchmem .
func BenchmarkDispatchFloor(b *testing.B) {
	ctx := context.Background()
	db, store := benchPostgres(b)
	noop := notify.NotifierFunc(func(context.Context, notify.Event) error { return nil })
	disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: noop, BatchSize: 200})
	if err != nil {
		b.Fatal(err)
	}
	outbox := store.TablePrefix() + "outbox"
	claim := `UPDATE ` + outbox + ` SET attempts = attempts + 1, locked_until = $2
WHERE id IN (SELECT id FROM ` + outbox + ` WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1
  AND (locked_until IS NULL OR locked_until <= $1) ORDER BY next_attempt_at, created_at, id LIMIT 200 FOR UPDATE SKIP LOCKED)
RETURNING id, tenant_id, ticket_id, kind, payload, created_at, attempts`
	mark := `UPDATE ` + outbox + ` SET delivered_at = $2, locked_until = NULL WHERE id = ANY($1)`
	var floorT, deskT time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		seedOutbox(b, store, 200)
		b.StartTimer()
		start := time.Now()
		now := time.Now().UTC()
		rows, err := db.DB.QueryContext(ctx, claim, now, now.Add(time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			var id, tenant, tk, kind string
			var payload []byte
			var at time.Time
			var attempts int
			if err := rows.Scan(&id, &tenant, &tk, &kind, &payload, &at, &attempts); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil || len(ids) != 200 {
			b.Fatalf("floor claimed %d: %v", len(ids), err)
		}
		if _, err := db.DB.ExecContext(ctx, mark, ids, time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
		floorT += time.Since(start)

		b.StopTimer()
		seedOutbox(b, store, 200)
		b.StartTimer()
		start = time.Now()
		res, err := disp.RunOnce(ctx)
		if err != nil || res.Claimed != 200 {
			b.Fatalf("dispatcher claimed %d: %v", res.Claimed, err)
		}
		deskT += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(floorT.Microseconds())/n/1000, "floor-ms/round")
	b.ReportMetric(float64(deskT.Microseconds())/n/1000, "dispatcher-ms/round")
	b.ReportMetric(float64(deskT)/float64(floorT), "dispatcher/floor")
}
