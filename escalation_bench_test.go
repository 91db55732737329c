package ticketkit_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// sweepOpen is how many open tickets BenchmarkEscalationSweep seeds; the
// issue's targets are 100,000 and 1,000,000.
var sweepOpen = flag.Int("sweep.open", envInt("TICKETKIT_SWEEP_OPEN", 100_000),
	"open tickets BenchmarkEscalationSweep seeds (env TICKETKIT_SWEEP_OPEN)")

// sweepStatements logs where a sweep's database time goes, statement by
// statement.
var sweepStatements = flag.Bool("sweep.statements", false, "log BenchmarkEscalationSweep's time per SQL statement")

// sweepDue is how many of them are due at each sweep.
const sweepDue = 1_000

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkEscalationSweep measures one escalation sweep on PostgreSQL
// that finds 1,000 due tickets among -sweep.open open ones, each firing
// one escalation level (a history line, a ticket update and an outbox
// notification). Every open ticket has an SLA clock running, so the
// partial due-time index holds them all; the sweep must read only the
// due ones. Between iterations, with the timer stopped, the 1,000
// tickets are made due again.
//
//	go test -run XXX -bench EscalationSweep -benchtime 20x . -sweep.open 1000000
func BenchmarkEscalationSweep(b *testing.B) {
	ctx := context.Background()
	db := dbtest.Postgres(b)
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "std",
		Targets: workflow.Targets{Resolution: workflow.Duration(8 * time.Hour)},
		Levels:  []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 50, Notify: []string{"supervisor"}}},
	}}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, SLA: sla})
	if err != nil {
		b.Fatal(err)
	}

	// Due tickets were opened 5 h ago (level 1 at 4 h); the others just
	// now, due in 4 h.
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
	start := time.Now()
	_, err = db.NewRaw(`INSERT INTO ? (id, tenant_id, number, subject, subject_lower, status, priority,
		customer, contacts, refs, tags, fields, actions, created_at, updated_at, version)
	SELECT 'b-' || lpad(g::text, 8, '0'), 'acme', 'TK-' || g, 'bench', 'bench', 'open', 'normal',
		'{}', 'null', 'null', 'null', 'null', 'null', ?, ?, 1
	FROM generate_series(1, ?) AS g`,
		table, now, now, *sweepOpen).Exec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.NewRaw(`INSERT INTO ? (ticket_id, tenant_id, state, next_check_at, revision)
	SELECT id, tenant_id, ?, ?, 1 FROM ?`,
		slaTable, string(freshState), fresh.NextCheckAt, table).Exec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range []bun.Ident{table, slaTable} {
		if _, err := db.ExecContext(ctx, "ANALYZE "+string(t)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d open tickets in %s", *sweepOpen, time.Since(start).Round(time.Millisecond))

	makeDue := func() {
		_, err := db.NewRaw(`UPDATE ? SET state = ?, next_check_at = ?
			WHERE ticket_id <= 'b-' || lpad(?::text, 8, '0')`,
			slaTable, string(dueState), now.Add(-time.Hour), sweepDue).Exec(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	hook := newTimingHook()
	if *sweepStatements {
		db.AddQueryHook(hook)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		makeDue()
		b.StartTimer()
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if res.Tickets != sweepDue || res.Escalations != sweepDue {
			b.Fatalf("sweep handled %d tickets and %d escalations, want %d each", res.Tickets, res.Escalations, sweepDue)
		}
	}
	b.StopTimer()
	if *sweepStatements {
		b.Logf("time per statement over %d sweeps:\n%s", b.N, hook.dump())
	}
	b.ReportMetric(float64(*sweepOpen), "open")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/sweep")

	// The claim alone: what the due-time index costs.
	makeDue()
	claimStart := time.Now()
	err = store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: storage.MaxLimit})
		if len(got) != storage.MaxLimit {
			b.Errorf("claimed %d", len(got))
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(claimStart).Microseconds())/1000, "ms/claim500")
}
