package ticketkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// retentionDelivered is how many delivered outbox entries
// BenchmarkRetentionSweep prunes; the target is 1,000,000.
var retentionDelivered = flag.Int("retention.delivered", envInt("TICKETKIT_RETENTION_DELIVERED", 1_000_000),
	"delivered outbox entries BenchmarkRetentionSweep prunes (env TICKETKIT_RETENTION_DELIVERED)")

// Sizes of BenchmarkRetentionSweep: open tickets, due at each sweep.
const (
	retentionOpen = 20_000
	retentionDue  = 200
)

// BenchmarkRetentionSweep measures the escalation sweep's latency on
// PostgreSQL while a pruner deletes -retention.delivered delivered
// outbox entries, batch after batch (storage.Pruner.OutboxPrune with
// the default batch of 1,000, what Desk.RunRetention runs), against the
// same sweep with the pruner paused: the two alternate, one sweep each
// in turn, until every entry is pruned (and at least b.N pairs ran), so
// that both see the same machine load and the same shrinking table. A
// sweep finds 200 due tickets among 20,000 open ones and writes a
// history line, a ticket update and an outbox entry for each: it
// inserts into the very table being pruned.
//
//	go test -run XXX -bench RetentionSweep -benchtime 1x .
func BenchmarkRetentionSweep(b *testing.B) {
	ctx := context.Background()
	db, store := benchPostgres(b)
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "std",
		Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)},
		Levels:  []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 50, Notify: []string{"supervisor"}}},
	}}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(now), SLA: sla,
		Retention: ticketkit.RetentionConfig{OutboxAfter: 24 * time.Hour}})
	if err != nil {
		b.Fatal(err)
	}
	tk := &ticket.Ticket{Status: ticket.StatusOpen, Priority: ticket.PriorityNormal}
	dueState, err := json.Marshal(sla.Start(tk, "", now.Add(-5*time.Hour)))
	if err != nil {
		b.Fatal(err)
	}
	fresh := sla.Start(tk, "", now)
	freshState, err := json.Marshal(fresh)
	if err != nil {
		b.Fatal(err)
	}
	table := bun.Ident(store.TablePrefix() + "tickets")
	slaTable := bun.Ident(store.TablePrefix() + "ticket_sla")
	outbox := bun.Ident(store.TablePrefix() + "outbox")
	start := time.Now()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO ? (id, tenant_id, number, subject, subject_lower, status, priority,
			customer, contacts, refs, tags, fields, actions, created_at, updated_at, version)
		SELECT 'b-' || lpad(g::text, 8, '0'), 'acme', 'TK-' || g, 'bench', 'bench', 'open', 'normal',
			'{}', 'null', 'null', 'null', 'null', 'null', ?, ?, 1
		FROM generate_series(1, ?) AS g`, []any{table, now, now, retentionOpen}},
		{`INSERT INTO ? (ticket_id, tenant_id, state, next_check_at, revision)
		SELECT id, tenant_id, ?, ?, 1 FROM ?`, []any{slaTable, string(freshState), fresh.NextCheckAt, table}},
		// Entries delivered more than two days ago, one a second, a
		// 400-byte payload each.
		{`INSERT INTO ? (id, tenant_id, ticket_id, kind, payload, created_at, attempts, next_attempt_at, delivered_at)
		SELECT 'o-' || lpad(g::text, 8, '0'), 'acme', 'b-00000001', 'ticket.replied', convert_to(repeat('x', 400), 'UTF8'),
			?::timestamptz - (g * interval '1 second'), 1, ?::timestamptz - (g * interval '1 second'),
			?::timestamptz - (g * interval '1 second')
		FROM generate_series(1, ?) AS g`, []any{outbox, now.Add(-48 * time.Hour), now.Add(-48 * time.Hour), now.Add(-48 * time.Hour), *retentionDelivered}},
	} {
		if _, err := db.NewRaw(q.sql, q.args...).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for _, t := range []bun.Ident{table, slaTable, outbox} {
		if _, err := db.ExecContext(ctx, "ANALYZE "+string(t)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d open tickets and %d delivered outbox entries in %s", retentionOpen, *retentionDelivered, time.Since(start).Round(time.Millisecond))
	makeDue := func() {
		_, err := db.NewRaw(`UPDATE ? SET state = ?, next_check_at = ?
			WHERE ticket_id <= 'b-' || lpad(?::text, 8, '0')`,
			slaTable, string(dueState), now.Add(-time.Hour), retentionDue).Exec(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	sweep := func() time.Duration {
		makeDue()
		start := time.Now()
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if res.Escalations != retentionDue {
			b.Fatalf("sweep fired %d escalations, want %d", res.Escalations, retentionDue)
		}
		return time.Since(start)
	}
	sweep() // warm up

	// The pruner deletes batch after batch while it holds no gate; a
	// quiet sweep takes the gate, waiting for the batch in flight.
	var gate sync.Mutex
	var pruned, batches atomic.Int64
	var pruneTime atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	before := now.Add(-24 * time.Hour)
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			gate.Lock()
			t := time.Now()
			n, err := store.OutboxPrune(ctx, storage.PruneParams{Before: before})
			pruneTime.Add(int64(time.Since(t)))
			gate.Unlock()
			if err != nil {
				done <- err
				return
			}
			pruned.Add(int64(n))
			batches.Add(1)
			if n == 0 {
				if pruned.Load() < int64(*retentionDelivered) {
					done <- errors.New("nothing left to prune")
					return
				}
				<-stop
				done <- nil
				return
			}
		}
	}()
	var quiet, pruning []time.Duration
	b.ResetTimer()
	pruneStart := time.Now()
	var pruneWall time.Duration
	for i := 0; i < b.N || pruneWall == 0; i++ {
		gate.Lock()
		quiet = append(quiet, sweep())
		gate.Unlock()
		d := sweep()
		if pruneWall == 0 {
			pruning = append(pruning, d)
		}
		if pruneWall == 0 && pruned.Load() >= int64(*retentionDelivered) {
			pruneWall = time.Since(pruneStart)
		}
		select {
		case err := <-done:
			b.Fatalf("the pruner stopped after %d of %d entries: %v", pruned.Load(), *retentionDelivered, err)
		default:
		}
	}
	b.StopTimer()
	close(stop)
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	var left int
	if err := db.NewRaw("SELECT count(*) FROM ? WHERE delivered_at < ?", outbox, before).Scan(ctx, &left); err != nil {
		b.Fatal(err)
	}
	if left != 0 {
		b.Fatalf("%d old delivered entries left", left)
	}
	pct := func(ds []time.Duration, p float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(float64(len(s))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(pruning)), "sweeps_pruning")
	b.ReportMetric(pct(quiet, 0.5), "quiet_p50_ms")
	b.ReportMetric(pct(quiet, 0.99), "quiet_p99_ms")
	b.ReportMetric(pct(pruning, 0.5), "pruning_p50_ms")
	b.ReportMetric(pct(pruning, 0.99), "pruning_p99_ms")
	b.ReportMetric(pct(pruning, 0.99)/pct(quiet, 0.99), "p99_ratio")
	b.ReportMetric(float64(pruned.Load())/pruneWall.Seconds(), "pruned_rows/s")
	b.ReportMetric(float64(time.Duration(pruneTime.Load())/time.Duration(max(batches.Load(), 1)))/1e6, "ms/batch")
}
