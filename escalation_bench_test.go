package ticketkit_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
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
// Sub-benchmark desk runs Desk.RunEscalations; floor does the same
// database work with hand-written SQL (see floorSweep), the baseline the
// Desk's ratio is quoted against. -sweep.statements logs the desk's time
// per SQL statement.
//
//	go test -run XXX -bench EscalationSweep -benchtime 20x . -sweep.open 1000000
func BenchmarkEscalationSweep(b *testing.B) {
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
	b.Run("desk", func(b *testing.B) {
		hook := newTimingHook()
		sweeper := desk
		if *sweepStatements {
			hooked, err := bunstore.New(db.WithQueryHook(hook), bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if sweeper, err = ticketkit.New(ticketkit.Config{Store: hooked, Clock: clk, SLA: sla}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			makeDue()
			b.StartTimer()
			res, err := sweeper.RunEscalations(ctx)
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
	})

	// The floor: the same database work written by hand, for a ratio
	// measured in the same run. Per batch of 100, in one transaction: the
	// same claim (every ticket column and the SLA state, FOR UPDATE OF s
	// SKIP LOCKED), one UPDATE of the SLA rows from VALUES, one INSERT
	// of the history lines and one of the outbox entries, with a payload
	// the size of the Desk's notification. No evaluation, no existence
	// check, no JSON built per ticket.
	payload := floorPayload(b, ctx, store, sla, now)
	// The interleaved run: the server-side CTE floor and the Desk, one
	// sweep of each in turn, so that both see the same machine load;
	// then the Desk through Bun only, and the floor binding a payload
	// per outbox entry (as the Desk does) instead of one for all.
	b.Run("interleaved", func(b *testing.B) {
		// deskBun sends every statement through Bun, values inlined
		// (bunstore.Config.ThroughBunOnly): what bound values save.
		bunOnly, err := bunstore.New(db, bunstore.Config{ThroughBunOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		deskBun, err := ticketkit.New(ticketkit.Config{Store: bunOnly, Clock: clk, SLA: sla})
		if err != nil {
			b.Fatal(err)
		}
		// The Desk's sweep, its claim and its one write timed apart
		// (sweepTimer): the rest is evaluation, encoding and COMMIT.
		timer := &sweepTimer{Store: store}
		desk, err := ticketkit.New(ticketkit.Config{Store: timer, Clock: clk, SLA: sla})
		if err != nil {
			b.Fatal(err)
		}
		// perRow binds a payload for each outbox entry, as the Desk's
		// notifications each carry their own ticket ("floorperrow").
		perRow := make([][]byte, sweepDue)
		for i := range perRow {
			perRow[i] = payload
		}
		times := interleaveSweeps(b, makeDue,
			func() {
				if n := floorSweepCTE(b, ctx, db, store.TablePrefix(), now, string(freshState), payload); n != sweepDue {
					b.Fatalf("floor CTE handled %d tickets, want %d", n, sweepDue)
				}
			},
			func() {
				res, err := desk.RunEscalations(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if res.Tickets != sweepDue || res.Escalations != sweepDue {
					b.Fatalf("sweep handled %d tickets and %d escalations, want %d each", res.Tickets, res.Escalations, sweepDue)
				}
			},
			func() {
				if res, err := deskBun.RunEscalations(ctx); err != nil || res.Escalations != sweepDue {
					b.Fatalf("sweep through Bun: %v, %d escalations", err, res.Escalations)
				}
			},
			func() {
				if n := floorSweepCTEWith(b, ctx, db, store.TablePrefix(), now, string(freshState), payload, perRow); n != sweepDue {
					b.Fatalf("floor CTE with a payload per row handled %d tickets, want %d", n, sweepDue)
				}
			})
		floorTime, deskTime, bunTime := times[0], times[1], times[2]
		n := float64(b.N)
		b.ReportMetric(float64(*sweepOpen), "open")
		b.ReportMetric(float64(floorTime.Microseconds())/n/1000, "floor-ms/sweep")
		b.ReportMetric(float64(deskTime.Microseconds())/n/1000, "desk-ms/sweep")
		b.ReportMetric(float64(deskTime)/float64(floorTime), "desk/floor")
		b.ReportMetric(float64(bunTime.Microseconds())/n/1000, "deskbun-ms/sweep")
		b.ReportMetric(float64(bunTime)/float64(floorTime), "deskbun/floor")
		b.ReportMetric(float64(times[3].Microseconds())/n/1000, "floorperrow-ms/sweep")
		b.ReportMetric(float64(deskTime)/float64(times[3]), "desk/floorperrow")
		b.ReportMetric(float64(timer.claim.Microseconds())/n/1000, "desk-claim-ms/sweep")
		b.ReportMetric(float64(timer.write.Microseconds())/n/1000, "desk-write-ms/sweep")
	})

	b.Run("floor", func(b *testing.B) {
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			makeDue()
			b.StartTimer()
			if n := floorSweep(b, ctx, db, store.TablePrefix(), now, string(freshState), payload); n != sweepDue {
				b.Fatalf("floor sweep handled %d tickets, want %d", n, sweepDue)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/sweep")
	})
}

// floorSweepCTE handles the due tickets the way the issue 21 floor
// does: one data-modifying CTE through database/sql, values bound, that
// claims up to 1,000 due SLA rows FOR UPDATE SKIP LOCKED, updates them
// and inserts a history line and an outbox entry (payload of the Desk's
// size) for each, repeated until none is due. It returns how many it
// handled. pgx sends it unprepared (QueryExecModeExec), still in one
// round trip.
func floorSweepCTE(b *testing.B, ctx context.Context, db *bun.DB, prefix string, now time.Time, state string, payload []byte) int {
	return floorSweepCTEWith(b, ctx, db, prefix, now, state, payload, nil)
}

// floorSweepCTEWith is floorSweepCTE with, when perRow is not nil, a
// payload of its own for each outbox entry (perRow[i] for the i-th
// updated row, at least 1,000 of them) bound as one bytea[], as the
// Desk binds its notifications: what a payload per ticket costs the
// one statement over one payload for all.
func floorSweepCTEWith(b *testing.B, ctx context.Context, db *bun.DB, prefix string, now time.Time, state string, payload []byte, perRow [][]byte) int {
	b.Helper()
	q := `WITH due AS (
  SELECT s.ticket_id FROM ` + prefix + `ticket_sla AS s
  WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= $1
  ORDER BY s.next_check_at, s.ticket_id LIMIT 1000 FOR UPDATE SKIP LOCKED
), u AS (
  UPDATE ` + prefix + `ticket_sla AS s SET state = $2::jsonb, next_check_at = NULL, revision = s.revision + 1
  FROM due WHERE s.ticket_id = due.ticket_id RETURNING s.ticket_id, s.tenant_id
), e AS (
  INSERT INTO ` + prefix + `events (id, tenant_id, ticket_id, actor_id, actor_role, at, field, old, new)
  SELECT gen_random_uuid()::text, tenant_id, ticket_id, 'system', 'system', $1, 'sla.escalation', '', $3 FROM u
), o AS (
  INSERT INTO ` + prefix + `outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at)
  SELECT gen_random_uuid()::text, tenant_id, ticket_id, 'ticket.escalated', $4::bytea, $1, $1 FROM u
)
SELECT count(*) FROM u`
	var arg any = payload
	if perRow != nil {
		q = strings.Replace(q, "SELECT gen_random_uuid()::text, tenant_id, ticket_id, 'ticket.escalated', $4::bytea, $1, $1 FROM u",
			"SELECT gen_random_uuid()::text, r.tenant_id, r.ticket_id, 'ticket.escalated', p.payload, $1, $1"+
				" FROM (SELECT *, row_number() OVER () AS n FROM u) AS r JOIN unnest($4::bytea[]) WITH ORDINALITY AS p(payload, n) USING (n)", 1)
		arg = perRow
	}
	total := 0
	for {
		var n int
		// QueryExecModeExec: one round trip, planned for these values
		// each time (a cached generic plan of the claim reads the whole
		// due-time index at 1M tickets).
		err := db.DB.QueryRowContext(ctx, q, pgx.QueryExecModeExec, now, state,
			"level 1: resolution at 50% of policy std (c1:resolution:L1), notify supervisor", arg).Scan(&n)
		if err != nil {
			b.Fatal(err)
		}
		total += n
		if n < 1000 {
			return total
		}
	}
}

// floorPayload returns the JSON of the notification the Desk writes for
// the first bench ticket's escalation.
func floorPayload(b *testing.B, ctx context.Context, store *bunstore.Store, sla *workflow.SLA, now time.Time) []byte {
	b.Helper()
	tk, err := store.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: "b-00000001"})
	if err != nil {
		b.Fatal(err)
	}
	tk.SLA, _ = sla.Evaluate(tk.SLA, tk, now)
	line := &ticket.Event{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID, ActorID: "system", ActorRole: "system",
		At: now, Field: ticket.FieldSLAEscalation, New: "level 1: resolution at 50% of policy std (c1:resolution:L1), notify supervisor"}
	payload, err := json.Marshal(notify.Event{ID: ids.New(), Kind: notify.KindEscalated, TenantID: tk.TenantID, At: now,
		Actor: ticket.SystemActor(tk.TenantID), Ticket: tk, Changes: []*ticket.Event{line},
		Escalation: &notify.Escalation{Policy: "std", Level: 1, Target: "resolution", Percent: 50, Notify: []string{"supervisor"}}})
	if err != nil {
		b.Fatal(err)
	}
	return payload
}

// floorSweep handles the due tickets with hand-written SQL, 100 per
// transaction, and returns how many it handled.
func floorSweep(b *testing.B, ctx context.Context, db *bun.DB, prefix string, now time.Time, state string, payload []byte) int {
	b.Helper()
	tickets, slas := bun.Ident(prefix+"tickets"), bun.Ident(prefix+"ticket_sla")
	events, outbox := bun.Ident(prefix+"events"), bun.Ident(prefix+"outbox")
	total := 0
	for {
		n := 0
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			rows, err := tx.QueryContext(ctx, tx.NewRaw(`SELECT t.*, s.state, s.revision FROM ? AS s JOIN ? AS t ON t.id = s.ticket_id
				WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= ?
				ORDER BY s.next_check_at, s.ticket_id LIMIT 100 FOR UPDATE OF s SKIP LOCKED`, slas, tickets, now).String())
			if err != nil {
				return err
			}
			cols, err := rows.Columns()
			if err != nil {
				return err
			}
			raw := make([]any, len(cols))
			for i := range raw {
				raw[i] = new(sql.RawBytes)
			}
			var keys [][2]string
			for rows.Next() {
				if err := rows.Scan(raw...); err != nil {
					return err
				}
				keys = append(keys, [2]string{string(*raw[0].(*sql.RawBytes)), string(*raw[1].(*sql.RawBytes))})
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil || len(keys) == 0 {
				return err
			}
			n = len(keys)
			var upd, ev, ob strings.Builder
			var updArgs, evArgs, obArgs []any
			for i, k := range keys {
				if i > 0 {
					upd.WriteString(", ")
					ev.WriteString(", ")
					ob.WriteString(", ")
				}
				upd.WriteString("(?, ?)")
				updArgs = append(updArgs, k[0], state)
				ev.WriteString("(?, ?, ?, 'system', 'system', ?, 'sla.escalation', '', 'level 1: resolution at 50% of policy std (c1:resolution:L1), notify supervisor')")
				evArgs = append(evArgs, ids.New(), k[1], k[0], now)
				ob.WriteString("(?, ?, ?, 'ticket.escalated', ?, ?, ?)")
				obArgs = append(obArgs, ids.New(), k[1], k[0], payload, now, now)
			}
			if _, err := tx.NewRaw("UPDATE ? AS s SET state = v.state::jsonb, next_check_at = NULL, revision = s.revision + 1 FROM (VALUES "+
				upd.String()+") AS v(ticket_id, state) WHERE s.ticket_id = v.ticket_id", append([]any{slas}, updArgs...)...).Exec(ctx); err != nil {
				return err
			}
			if _, err := tx.NewRaw("INSERT INTO ? (id, tenant_id, ticket_id, actor_id, actor_role, at, field, old, new) VALUES "+
				ev.String(), append([]any{events}, evArgs...)...).Exec(ctx); err != nil {
				return err
			}
			_, err = tx.NewRaw("INSERT INTO ? (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at) VALUES "+
				ob.String(), append([]any{outbox}, obArgs...)...).Exec(ctx)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		total += n
		if n < 100 {
			return total
		}
	}
}

// interleaveSweeps runs the variants one after the other b.N times
// (round-robin, so that they share the machine's load), each after an
// untimed prepare, and returns each variant's total time.
func interleaveSweeps(b *testing.B, prepare func(), variants ...func()) []time.Duration {
	b.Helper()
	total := make([]time.Duration, len(variants))
	for range b.N {
		for i, run := range variants {
			b.StopTimer()
			prepare()
			b.StartTimer()
			start := time.Now()
			run()
			total[i] += time.Since(start)
		}
	}
	return total
}

// sweepTimer is the Bun store with the time its transactions spend in
// TicketClaimDue and ChangeWriteSLA added up, to split a sweep's time
// between the claim, the one write and the rest (evaluation in Go,
// encoding, COMMIT).
type sweepTimer struct {
	*bunstore.Store
	claim, write time.Duration
}

// RunInTx hands fn the transaction's store, timed.
func (s *sweepTimer) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, timedTx{Store: tx.(*bunstore.Store), timer: s})
	})
}

// timedTx is the store of one transaction of a sweepTimer.
type timedTx struct {
	*bunstore.Store
	timer *sweepTimer
}

func (x timedTx) TicketClaimDue(ctx context.Context, p storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	start := time.Now()
	defer func() { x.timer.claim += time.Since(start) }()
	return x.Store.TicketClaimDue(ctx, p)
}

func (x timedTx) ChangeWriteSLA(ctx context.Context, tickets []*ticket.Ticket, c *storage.Change) error {
	start := time.Now()
	defer func() { x.timer.write += time.Since(start) }()
	return x.Store.ChangeWriteSLA(ctx, tickets, c)
}
