package ticketkit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// BenchmarkTimeRuleSweep measures one escalation sweep on PostgreSQL
// that finds 1,000 tickets due for a time rule among -sweep.open open
// ones (the issue 18 target: 1,000 due time rules among 1M open
// tickets). Every ticket waits on the customer (status "waiting") and
// has the rule's timer running, so the partial due-time index holds them
// all; the rule "nudge" fires after 3 days in that status, tags the
// ticket and notifies the supervisor (a ticket update, three history
// lines and an outbox entry per ticket). The Desk has no SLA: only the
// time rule is due. Between sweeps, with the timer stopped, the 1,000
// tickets are made due (and untagged) again.
//
// Sub-benchmark interleaved runs, one sweep each in turn so that both see
// the same machine load, Desk.RunEscalations and its floor: one
// data-modifying CTE through database/sql, values bound, that claims the
// due SLA rows FOR UPDATE SKIP LOCKED, marks their timers fired, updates
// the tickets and writes the history lines and the outbox entries (a
// payload the size of the Desk's notification), repeated until none is
// due.
//
//	CI=true TICKETKIT_TEST_POSTGRES=... go test -run '^$' -bench TimeRuleSweep -benchtime 10x . -sweep.open 1000000
func BenchmarkTimeRuleSweep(b *testing.B) {
	ctx := context.Background()
	db, store := benchPostgres(b)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	rule := ticketkit.TimeRule{
		ID: "nudge", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting},
		After: workflow.Duration(72 * time.Hour),
		Do: []ticketkit.RuleAction{
			{Type: ticketkit.ActionAddTag, Value: "nudged"},
			{Type: ticketkit.ActionNotify, Audience: []string{"supervisor"}, Template: "{{.Ticket.Number}} waits on the customer for 3 days"},
		},
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk,
		Automation: &ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{rule}}})
	if err != nil {
		b.Fatal(err)
	}

	// Due tickets entered "waiting" 4 days ago; the others just now.
	timerState := func(since time.Time) (string, time.Time) {
		due := since.Add(72 * time.Hour)
		raw, err := json.Marshal(ticket.SLAState{Timers: []ticket.RuleTimer{{Rule: rule.ID, Since: since, Due: due}}, TimerDue: due})
		if err != nil {
			b.Fatal(err)
		}
		return string(raw), due
	}
	freshState, freshDue := timerState(now)
	dueState, dueAt := timerState(now.Add(-96 * time.Hour))
	firedState, err := json.Marshal(ticket.SLAState{Timers: []ticket.RuleTimer{{Rule: rule.ID, Since: now.Add(-96 * time.Hour), Due: dueAt, Fired: true}}})
	if err != nil {
		b.Fatal(err)
	}
	table := bun.Ident(store.TablePrefix() + "tickets")
	slaTable := bun.Ident(store.TablePrefix() + "ticket_sla")
	start := time.Now()
	_, err = db.NewRaw(`INSERT INTO ? (id, tenant_id, number, subject, subject_lower, status, priority,
		customer, contacts, refs, tags, fields, actions, created_at, updated_at, version)
	SELECT 'b-' || lpad(g::text, 8, '0'), 'acme', 'TK-' || g, 'bench', 'bench', 'waiting', 'normal',
		'{}', 'null', 'null', 'null', 'null', 'null', ?, ?, 1
	FROM generate_series(1, ?) AS g`,
		table, now.Add(-96*time.Hour), now.Add(-96*time.Hour), *sweepOpen).Exec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.NewRaw(`INSERT INTO ? (ticket_id, tenant_id, state, next_check_at, revision)
	SELECT id, tenant_id, ?, ?, 1 FROM ?`, slaTable, freshState, freshDue, table).Exec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range []bun.Ident{table, slaTable} {
		if _, err := db.ExecContext(ctx, "ANALYZE "+string(t)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d open tickets in %s", *sweepOpen, time.Since(start).Round(time.Millisecond))

	last := "b-" + padID(sweepDue)
	makeDue := func() {
		if _, err := db.NewRaw(`UPDATE ? SET state = ?, next_check_at = ? WHERE ticket_id <= ?`,
			slaTable, dueState, dueAt, last).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := db.NewRaw(`UPDATE ? SET tags = 'null' WHERE id <= ? AND tags <> 'null'`, table, last).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	count := func(name string) int {
		var n int
		if err := db.NewRaw("SELECT count(*) FROM ?", bun.Ident(store.TablePrefix()+name)).Scan(ctx, &n); err != nil {
			b.Fatal(err)
		}
		return n
	}

	// What the Desk writes per due ticket, for the floor to write the
	// same: one sweep, counted.
	makeDue()
	events0, outbox0 := count("events"), count("outbox")
	res, err := desk.RunEscalations(ctx)
	if err != nil || res.Tickets != sweepDue || res.TimeRules != sweepDue {
		b.Fatalf("sweep: %v; %+v, want %d tickets and time rules", err, res, sweepDue)
	}
	perEvents, perOutbox := (count("events")-events0)/sweepDue, (count("outbox")-outbox0)/sweepDue
	if perEvents != 3 || perOutbox != 1 {
		b.Fatalf("the Desk wrote %d history lines and %d outbox entries per ticket; the floor writes 3 and 1", perEvents, perOutbox)
	}
	var payload []byte
	var kind string
	if err := db.NewRaw("SELECT kind, payload FROM ? LIMIT 1", bun.Ident(store.TablePrefix()+"outbox")).Scan(ctx, &kind, &payload); err != nil {
		b.Fatal(err)
	}

	b.Run("interleaved", func(b *testing.B) {
		times := interleaveSweeps(b, makeDue,
			func() {
				if n := floorTimeRuleCTE(b, ctx, db, store.TablePrefix(), now, string(firedState), kind, payload); n != sweepDue {
					b.Fatalf("floor CTE handled %d tickets, want %d", n, sweepDue)
				}
			},
			func() {
				res, err := desk.RunEscalations(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if res.Tickets != sweepDue || res.TimeRules != sweepDue {
					b.Fatalf("sweep handled %d tickets and %d time rules, want %d each", res.Tickets, res.TimeRules, sweepDue)
				}
			})
		floorTime, deskTime := times[0], times[1]
		n := float64(b.N)
		b.ReportMetric(float64(*sweepOpen), "open")
		b.ReportMetric(float64(floorTime.Microseconds())/n/1000, "floor-ms/sweep")
		b.ReportMetric(float64(deskTime.Microseconds())/n/1000, "desk-ms/sweep")
		b.ReportMetric(float64(deskTime)/float64(floorTime), "desk/floor")
	})
}

// padID is n as the bench tickets' IDs spell it (lpad(n, 8, '0')).
func padID(n int) string {
	s := []byte("00000000")
	for i := len(s) - 1; n > 0 && i >= 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	return string(s)
}

// floorTimeRuleCTE fires the due time rules the way a skilled engineer
// would by hand: one data-modifying CTE that claims up to 1,000 due SLA
// rows FOR UPDATE SKIP LOCKED, marks their timer fired (state), tags the
// tickets, and inserts three history lines (the rule, the tags, the
// notification's text) and one outbox entry per ticket, repeated until
// none is due. It returns how many tickets it handled.
func floorTimeRuleCTE(b *testing.B, ctx context.Context, db *bun.DB, prefix string, now time.Time, state, kind string, payload []byte) int {
	b.Helper()
	q := `WITH due AS (
  SELECT s.ticket_id FROM ` + prefix + `ticket_sla AS s
  WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= $1
  ORDER BY s.next_check_at, s.ticket_id LIMIT 1000 FOR UPDATE SKIP LOCKED
), u AS (
  UPDATE ` + prefix + `ticket_sla AS s SET state = $2::jsonb, next_check_at = NULL, revision = s.revision + 1
  FROM due WHERE s.ticket_id = due.ticket_id RETURNING s.ticket_id
), t AS (
  UPDATE ` + prefix + `tickets AS t SET tags = '["nudged"]'::jsonb, updated_at = $1, version = t.version + 1
  FROM u WHERE t.id = u.ticket_id RETURNING t.id, t.tenant_id, t.number
), e AS (
  INSERT INTO ` + prefix + `events (id, tenant_id, ticket_id, actor_id, actor_role, at, field, old, new)
  SELECT gen_random_uuid()::text, t.tenant_id, t.id, 'rule:nudge', 'system', $1, f.field, '',
    CASE WHEN f.field = 'automation.notify' THEN t.number || ' waits on the customer for 3 days' ELSE f.new END
  FROM t CROSS JOIN (VALUES ('automation.time_rule', 'nudge'), ('tags', 'nudged'), ('automation.notify', '')) AS f(field, new)
), o AS (
  INSERT INTO ` + prefix + `outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at)
  SELECT gen_random_uuid()::text, tenant_id, id, $4, $3::bytea, $1, $1 FROM t
)
SELECT count(*) FROM t`
	total := 0
	for {
		var n int
		if err := db.DB.QueryRowContext(ctx, q, pgx.QueryExecModeExec, now, state, payload, kind).Scan(&n); err != nil {
			b.Fatal(err)
		}
		total += n
		if n < 1000 {
			return total
		}
	}
}
