package ticketkit_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkWritePaths measures the frequent changes of an existing
// ticket (Reply, Transition, Assign) on PostgreSQL against their floor,
// one operation of each variant in turn so that both see the same load
// (issue 21, item 4). The floor of each is one statement through
// database/sql, values bound: an UPDATE of the ticket row at its
// version, with the message, history line and outbox entry (a payload
// of the Desk's size) inserted by data-modifying CTEs. The Desk runs
// three times, on tickets of their own: with the optimistic change
// (storage.ChangeUpdater) reading the ticket with its watchers in one
// statement (storage.WatchedTicketGetter, "desk"), the same with the
// ticket and its watchers read apart ("desk2r", the store's
// WatchedTicketGetter hidden), and in a transaction ("desktx", the
// store's ChangeUpdater hidden). It reports each variant's time per
// operation and its ratio to the floor; each round of the four starts
// with another one.
//
//	go test -run XXX -bench WritePaths -benchtime 300x -benchmem .
func BenchmarkWritePaths(b *testing.B) {
	ctx := context.Background()
	db, store := benchPostgres(b)
	db.SetMaxOpenConns(1)
	desk, err := ticketkit.New(ticketkit.Config{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
	open := func() *ticket.Ticket {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle leaks", Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"}})
		if err != nil {
			b.Fatal(err)
		}
		return tk
	}
	// deskTx is the Desk over the same store with storage.ChangeUpdater
	// hidden: the change in a transaction (read, writes, COMMIT), as
	// before the optimistic path.
	deskTx, err := ticketkit.New(ticketkit.Config{Store: txPathStore{Store: store}})
	if err != nil {
		b.Fatal(err)
	}
	// deskTwoReads is the Desk over the same store with
	// storage.WatchedTicketGetter hidden: the optimistic change with the
	// ticket and its watchers read in two statements.
	deskTwoReads, err := ticketkit.New(ticketkit.Config{Store: twoReadStore{Store: store}})
	if err != nil {
		b.Fatal(err)
	}
	deskTk, floorTk, txTk, twoTk := open(), open(), open(), open()
	payload, err := json.Marshal(notify.Event{ID: ids.New(), Kind: notify.KindMessageAdded, TenantID: "acme", Ticket: deskTk, Actor: agent})
	if err != nil {
		b.Fatal(err)
	}
	floor := newWriteFloor(db.DB, store.TablePrefix(), payload)
	statuses := []string{ticket.StatusInProgress, ticket.StatusWaiting}
	assignees := []string{"agent-2", "agent-3"}

	type variant struct {
		name                 string
		desk, floor, tx, two func(i int) error
		deskT, flT, txT, twT time.Duration
	}
	variants := []*variant{
		{name: "reply",
			desk: func(int) error {
				_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: deskTk.ID, Body: "We are on it."})
				return err
			},
			floor: func(int) error { return floor.reply(ctx, floorTk.ID, "We are on it.") },
			tx: func(int) error {
				_, err := deskTx.Reply(ctx, agent, ticketkit.MessageParams{TicketID: txTk.ID, Body: "We are on it."})
				return err
			},
			two: func(int) error {
				_, err := deskTwoReads.Reply(ctx, agent, ticketkit.MessageParams{TicketID: twoTk.ID, Body: "We are on it."})
				return err
			}},
		{name: "transition",
			desk: func(i int) error {
				_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: deskTk.ID, To: statuses[i%2]})
				return err
			},
			floor: func(i int) error { return floor.set(ctx, floorTk.ID, "status", statuses[i%2]) },
			tx: func(i int) error {
				_, err := deskTx.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: txTk.ID, To: statuses[i%2]})
				return err
			},
			two: func(i int) error {
				_, err := deskTwoReads.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: twoTk.ID, To: statuses[i%2]})
				return err
			}},
		{name: "assign",
			desk: func(i int) error {
				_, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: deskTk.ID, Assignee: &assignees[i%2]})
				return err
			},
			floor: func(i int) error { return floor.set(ctx, floorTk.ID, "assignee", assignees[i%2]) },
			tx: func(i int) error {
				_, err := deskTx.Assign(ctx, agent, ticketkit.AssignParams{TicketID: txTk.ID, Assignee: &assignees[i%2]})
				return err
			},
			two: func(i int) error {
				_, err := deskTwoReads.Assign(ctx, agent, ticketkit.AssignParams{TicketID: twoTk.ID, Assignee: &assignees[i%2]})
				return err
			}},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, v := range variants {
			// Each round starts with another of the four, so that none
			// always runs right after the same other one.
			runs := []struct {
				name string
				run  func(int) error
				sum  *time.Duration
			}{
				{"floor", v.floor, &v.flT}, {"desk", v.desk, &v.deskT},
				{"desk in a transaction", v.tx, &v.txT}, {"desk with two reads", v.two, &v.twT},
			}
			for k := range runs {
				r := runs[(i+k)%len(runs)]
				start := time.Now()
				if err := r.run(i); err != nil {
					b.Fatalf("%s %s: %v", v.name, r.name, err)
				}
				*r.sum += time.Since(start)
			}
		}
		i++
	}
	n := float64(b.N)
	for _, v := range variants {
		b.ReportMetric(float64(v.flT.Microseconds())/n, v.name+"-floor-µs/op")
		b.ReportMetric(float64(v.deskT.Microseconds())/n, v.name+"-desk-µs/op")
		b.ReportMetric(float64(v.txT.Microseconds())/n, v.name+"-desktx-µs/op")
		b.ReportMetric(float64(v.deskT)/float64(v.flT), v.name+"-desk/floor")
		b.ReportMetric(float64(v.txT)/float64(v.flT), v.name+"-desktx/floor")
		b.ReportMetric(float64(v.twT.Microseconds())/n, v.name+"-desk2r-µs/op")
		b.ReportMetric(float64(v.twT)/float64(v.flT), v.name+"-desk2r/floor")
	}
}

// txPathStore is a bunstore.Store without storage.ChangeUpdater (its
// field ChangeUpdate hides the promoted method): a Desk over it changes
// tickets in a transaction, the path before the optimistic one.
type txPathStore struct {
	*bunstore.Store
	ChangeUpdate struct{}
}

// twoReadStore is a bunstore.Store without
// storage.WatchedTicketGetter (its field TicketGetWatched hides the
// promoted method): a Desk over it reads a ticket and its watchers in
// two statements, the optimistic path before the one read.
type twoReadStore struct {
	*bunstore.Store
	TicketGetWatched struct{}
}

// writeFloor holds the floor statements of BenchmarkWritePaths.
type writeFloor struct {
	db      *sql.DB
	prefix  string
	payload []byte
}

func newWriteFloor(db *sql.DB, prefix string, payload []byte) *writeFloor {
	return &writeFloor{db: db, prefix: prefix, payload: payload}
}

// reply adds a message to a ticket in one statement: the ticket's
// version and time, the message and its outbox entry.
func (f *writeFloor) reply(ctx context.Context, id, body string) error {
	q := `WITH t AS (
  UPDATE ` + f.prefix + `tickets SET updated_at = $1, version = version + 1 WHERE tenant_id = 'acme' AND id = $2 RETURNING id
), m AS (
  INSERT INTO ` + f.prefix + `messages (id, tenant_id, ticket_id, kind, author_id, author_role, body, attachments, created_at)
  SELECT $3, 'acme', id, 'reply', 'agent-1', 'agent', $4, 'null', $1 FROM t
)
INSERT INTO ` + f.prefix + `outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at)
SELECT $5, 'acme', id, 'ticket.message_added', $6::bytea, $1, $1 FROM t`
	return f.exec(ctx, q, time.Now().UTC(), id, ids.New(), body, ids.New(), f.payload)
}

// set changes one column of a ticket in one statement: the row at its
// version, a history line and an outbox entry.
func (f *writeFloor) set(ctx context.Context, id, column, value string) error {
	q := `WITH old AS (
  SELECT ` + column + ` AS v, version FROM ` + f.prefix + `tickets WHERE tenant_id = 'acme' AND id = $2
), t AS (
  UPDATE ` + f.prefix + `tickets AS t SET ` + column + ` = $3, updated_at = $1, version = t.version + 1
  FROM old WHERE t.tenant_id = 'acme' AND t.id = $2 AND t.version = old.version RETURNING t.id, old.v
), e AS (
  INSERT INTO ` + f.prefix + `events (id, tenant_id, ticket_id, actor_id, actor_role, at, field, old, new)
  SELECT $4, 'acme', id, 'agent-1', 'agent', $1, '` + column + `', v, $3 FROM t
)
INSERT INTO ` + f.prefix + `outbox (id, tenant_id, ticket_id, kind, payload, created_at, next_attempt_at)
SELECT $5, 'acme', id, 'ticket.changed', $6::bytea, $1, $1 FROM t`
	return f.exec(ctx, q, time.Now().UTC(), id, value, ids.New(), ids.New(), f.payload)
}

// exec runs q and checks it changed a row.
func (f *writeFloor) exec(ctx context.Context, q string, args ...any) error {
	res, err := f.db.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("floor wrote %d rows, want 1", n)
	}
	return nil
}

// benchPostgres returns a migrated bunstore over a PostgreSQL schema of
// the benchmark's own, and its database.
func benchPostgres(b *testing.B) (*bun.DB, *bunstore.Store) {
	b.Helper()
	db := dbtest.Postgres(b)
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db, store
}
