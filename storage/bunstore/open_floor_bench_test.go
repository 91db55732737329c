package bunstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// benchOpenInterleaved measures Desk.Open against the strongest floor of
// its backend, one operation of each in turn, so that both see the same
// machine load; it reports each one's time per operation (floor-ns/op,
// desk-ns/op) and desk/floor.
//
//   - PostgreSQL: the four writes (counter upsert, ticket, history line,
//     outbox entry with a payload of the Desk's size) as one
//     data-modifying CTE through database/sql, values as bind parameters,
//     the number rendered on the server: one round trip, no BEGIN or
//     COMMIT (floorOpenCTE).
//   - SQLite and MySQL: the same four statements prepared once, run in a
//     transaction (floorOpenPrepared).
func benchOpenInterleaved(b *testing.B, db *bun.DB, st *bunstore.Store) {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench-il-desk"}
	p := ticketkit.OpenParams{Subject: "Opened concurrently", Customer: ticket.Customer{ID: "c1", Email: "Ann@Example.com"}}
	tk, err := desk.Open(ctx, agent, p)
	if err != nil {
		b.Fatal(err)
	}
	// The floor's payload is the size of the Desk's notification.
	payload, err := json.Marshal(notify.Event{ID: ids.New(), Kind: notify.KindOpened, TenantID: tk.TenantID, Ticket: tk,
		Actor: agent, Changes: []*ticket.Event{{ID: ids.New(), Field: ticket.FieldCreated, New: tk.Number}}})
	if err != nil {
		b.Fatal(err)
	}
	head, tail, _ := strings.Cut(string(payload), tk.Number)
	floor := floorOpenPrepared
	if dialectOf(db) == bunstore.DialectPostgres {
		floor = floorOpenCTE
	}
	run, err := floor(ctx, db.DB, head, tail)
	if err != nil {
		b.Fatal(err)
	}
	var floorTime, deskTime time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := run(ctx, "bench-il-floor"); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := desk.Open(ctx, agent, p); err != nil {
			b.Fatal(err)
		}
		floorTime += mid.Sub(start)
		deskTime += time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(floorTime.Nanoseconds())/n, "floor-ns/op")
	b.ReportMetric(float64(deskTime.Nanoseconds())/n, "desk-ns/op")
	b.ReportMetric(float64(deskTime)/float64(floorTime), "desk/floor")
}

// floorOpen opens one ticket of tenant the floor's way.
type floorOpen func(ctx context.Context, tenant string) error

// floorTicketColumns are the columns the floors write, as handTicket.
const floorTicketColumns = "id, tenant_id, number, subject, subject_lower, description, status, priority, category, department, " +
	"channel, assignee, customer_id, customer_email, customer_mobile, customer, contacts, refs, tags, fields, actions, " +
	"reason, closure_reason, created_by, created_at, updated_at, version"

// floorOpenCTE is the PostgreSQL floor: one data-modifying CTE, every
// value a bind parameter, the number and the payload's number rendered
// on the server. pgx prepares it once and then sends Bind/Execute.
func floorOpenCTE(_ context.Context, db *sql.DB, head, tail string) (floorOpen, error) {
	const q = `WITH c AS (
  INSERT INTO ticketkit_counters AS c (tenant_id, scope, value) VALUES ($1, $2, 1)
  ON CONFLICT (tenant_id, scope) DO UPDATE SET value = c.value + 1 RETURNING value
), n AS (SELECT $2 || '-' || lpad(value::text, greatest(6, length(value::text)), '0') AS number FROM c
), t AS (
  INSERT INTO ticketkit_tickets (` + floorTicketColumns + `)
  SELECT $3, $1, n.number, $4, $5, '', 'open', 'normal', '', '', 'web', '', 'c1', 'ann@example.com', '',
         $6::jsonb, 'null', 'null', 'null', 'null', 'null', '', '', 'agent-1', $7::timestamptz, $7, 1 FROM n
), e AS (
  INSERT INTO ticketkit_events (id, tenant_id, ticket_id, actor_id, actor_role, at, field, new)
  SELECT $8, $1, $3, 'agent-1', 'agent', $7, 'created', n.number FROM n
)
INSERT INTO ticketkit_outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at)
SELECT $9, $1, $3, 'ticket.opened', convert_to($10 || n.number || $11, 'UTF8'), $7, $7 FROM n`
	customer := `{"id":"c1","email":"Ann@Example.com"}`
	return func(ctx context.Context, tenant string) error {
		subject := "Opened concurrently"
		_, err := db.ExecContext(ctx, q, tenant, "TK-2026", ids.New(), subject, strings.ToLower(subject),
			customer, time.Now().UTC(), ids.New(), ids.New(), head, tail)
		return err
	}, nil
}

// floorOpenPrepared is the SQLite and MySQL floor: the four statements
// prepared once, run in a transaction.
func floorOpenPrepared(ctx context.Context, db *sql.DB, head, tail string) (floorOpen, error) {
	mysql := false
	var v string
	if db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v) == nil {
		mysql = true // SQLite has no VERSION()
	}
	counter := "INSERT INTO ticketkit_counters AS c (tenant_id, scope, value) VALUES (?, ?, 1) " +
		"ON CONFLICT (tenant_id, scope) DO UPDATE SET value = c.value + 1 RETURNING value"
	if mysql {
		counter = "INSERT INTO ticketkit_counters (tenant_id, scope, value) VALUES (?, ?, LAST_INSERT_ID(1)) " +
			"ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)"
	}
	stmts := []string{counter,
		"INSERT INTO ticketkit_tickets (" + floorTicketColumns + ") VALUES " +
			"(?, ?, ?, ?, ?, '', 'open', 'normal', '', '', 'web', '', 'c1', 'ann@example.com', '', ?, 'null', 'null', 'null', 'null', 'null', '', '', 'agent-1', ?, ?, 1)",
		"INSERT INTO ticketkit_events (id, tenant_id, ticket_id, actor_id, actor_role, at, field, new) VALUES (?, ?, ?, 'agent-1', 'agent', ?, 'created', ?)",
		"INSERT INTO ticketkit_outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, 'ticket.opened', ?, ?, ?)",
	}
	prepared := make([]*sql.Stmt, len(stmts))
	for i, q := range stmts {
		var err error
		if prepared[i], err = db.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
	}
	customer := `{"id":"c1","email":"Ann@Example.com"}`
	return func(ctx context.Context, tenant string) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }()
		var seq int64
		if mysql {
			res, err := tx.StmtContext(ctx, prepared[0]).ExecContext(ctx, tenant, "TK-2026")
			if err != nil {
				return err
			}
			if seq, err = res.LastInsertId(); err != nil {
				return err
			}
		} else if err := tx.StmtContext(ctx, prepared[0]).QueryRowContext(ctx, tenant, "TK-2026").Scan(&seq); err != nil {
			return err
		}
		number := ticket.NumberLayout{Prefix: "TK-2026-", Digits: 6}.Format(seq)
		id, now, subject := ids.New(), time.Now().UTC(), "Opened concurrently"
		if _, err := tx.StmtContext(ctx, prepared[1]).ExecContext(ctx, id, tenant, number, subject, strings.ToLower(subject), customer, now, now); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, prepared[2]).ExecContext(ctx, ids.New(), tenant, id, now, number); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, prepared[3]).ExecContext(ctx, ids.New(), tenant, id, []byte(head+number+tail), now, now); err != nil {
			return err
		}
		return tx.Commit()
	}, nil
}
