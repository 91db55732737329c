package ticketkit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// mergeMessages is how many messages each ticket of a benchmarked merge
// holds.
const mergeMessages = 200

// BenchmarkMerge measures Desk.Merge of two tickets of 200 messages each
// on each store against a floor, round-robin in one loop (a floor merge,
// then a Desk merge, each of a fresh pair set up untimed), each timed on
// its own and reported as p50/p95 in ms with the ratio of the p50s.
//
// The floor on SQLite and PostgreSQL is what a careful engineer writes
// by hand, in one transaction: one set-based UPDATE of the messages'
// ticket_id, one UPDATE of both tickets (the source closed and marked,
// both versions bumped), one multi-row INSERT of the history lines and
// one of the outbox entries. It reads nothing and checks nothing. On the
// memory store the floor is the same writes through the store's methods
// (MessageMove, TicketUpdate ×2, EventCreate, OutboxCreate).
//
//	CI=true TICKETKIT_TEST_POSTGRES=... go test -run '^$' -bench BenchmarkMerge -benchtime 100x .
func BenchmarkMerge(b *testing.B) {
	ctx := context.Background()
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	benchStores(b, func(b *testing.B, st storage.Store, db *bun.DB) {
		floor := func(target, source *ticket.Ticket) error { return mergeFloorStore(ctx, st, target, source) }
		fill := func(t *ticket.Ticket) error { return fillMessagesStore(ctx, st, t) }
		if db != nil {
			floor = func(target, source *ticket.Ticket) error { return mergeFloorSQL(ctx, db, target, source) }
			fill = func(t *ticket.Ticket) error { return fillMessagesSQL(ctx, db, t) }
		}
		benchMerge(b, st, agent, floor, fill)
	})
}

// benchStores runs fn in a sub-benchmark per store: the memory store
// (db nil), then the Bun store, migrated, on each database of
// dbtest.Backends (db its handle, for a floor written in SQL).
func benchStores(b *testing.B, fn func(b *testing.B, st storage.Store, db *bun.DB)) {
	b.Run("memory", func(b *testing.B) { fn(b, memory.New(), nil) })
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			db := be.Open(b)
			st, err := bunstore.New(db, bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			fn(b, st, db)
		})
	}
}

// benchMerge runs the interleaved loop on st: floor merges a pair by
// hand, fill gives a ticket its messages.
func benchMerge(b *testing.B, st storage.Store, agent ticketkit.Actor, floor func(target, source *ticket.Ticket) error, fill func(*ticket.Ticket) error) {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	pair := func() (*ticket.Ticket, *ticket.Ticket) {
		var out [2]*ticket.Ticket
		for i := range out {
			t, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: fmt.Sprintf("c%d", i)}})
			if err != nil {
				b.Fatal(err)
			}
			if err := fill(t); err != nil {
				b.Fatal(err)
			}
			out[i] = t
		}
		return out[0], out[1]
	}
	var floorT, deskT []time.Duration
	for b.Loop() {
		target, source := pair()
		start := time.Now()
		if err := floor(target, source); err != nil {
			b.Fatal(err)
		}
		floorT = append(floorT, time.Since(start))

		target, source = pair()
		start = time.Now()
		res, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: target.ID, SourceIDs: []string{source.ID}})
		deskT = append(deskT, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if res.Moved != mergeMessages {
			b.Fatalf("moved %d messages, want %d", res.Moved, mergeMessages)
		}
	}
	reportVsFloor(b, floorT, deskT)
}

// reportVsFloor reports the p50 and p95 in ms of the floor's and the
// Desk's timings and the ratio of their p50s.
func reportVsFloor(b *testing.B, floorT, deskT []time.Duration) {
	q := quantileMS
	b.ReportMetric(q(floorT, 0.5), "floor-p50-ms")
	b.ReportMetric(q(floorT, 0.95), "floor-p95-ms")
	b.ReportMetric(q(deskT, 0.5), "desk-p50-ms")
	b.ReportMetric(q(deskT, 0.95), "desk-p95-ms")
	b.ReportMetric(q(deskT, 0.5)/q(floorT, 0.5), "desk/floor-p50")
}

// fillMessagesStore gives t mergeMessages messages through the store.
func fillMessagesStore(ctx context.Context, st storage.Store, t *ticket.Ticket) error {
	for i := range mergeMessages {
		m := &ticket.Message{ID: ids.New(), TenantID: t.TenantID, TicketID: t.ID, Kind: ticket.MessageCustomer,
			Body: "message", CreatedAt: t.CreatedAt.Add(time.Duration(i) * time.Millisecond)}
		if err := st.MessageCreate(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// mergeFloorStore is the memory store's floor: the merge's writes
// through the store's methods, in one transaction.
func mergeFloorStore(ctx context.Context, st storage.Store, target, source *ticket.Ticket) error {
	return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := tx.(storage.MessageMover).MessageMove(ctx, storage.MessageMoveParams{
			TenantID: target.TenantID, FromTicketIDs: []string{source.ID}, ToTicketID: target.ID,
		}); err != nil {
			return err
		}
		now := time.Now().UTC()
		source.Status, source.MergedInto, source.ClosedAt, source.UpdatedAt = ticket.StatusClosed, target.ID, now, now
		target.UpdatedAt = now
		for _, t := range []*ticket.Ticket{source, target} {
			if err := tx.TicketUpdate(ctx, t); err != nil {
				return err
			}
		}
		events, entries := floorRows(target, source, now)
		if err := tx.EventCreate(ctx, events); err != nil {
			return err
		}
		return tx.OutboxCreate(ctx, entries)
	})
}

// floorRows returns the history lines and outbox entries of a merge.
func floorRows(target, source *ticket.Ticket, now time.Time) ([]*ticket.Event, []*storage.OutboxEntry) {
	ev := func(t *ticket.Ticket, field, old, new string) *ticket.Event {
		return &ticket.Event{ID: ids.New(), TenantID: t.TenantID, TicketID: t.ID, ActorID: "agent-1", ActorRole: ticket.RoleAgent,
			At: now, Field: field, Old: old, New: new}
	}
	out := func(t *ticket.Ticket) *storage.OutboxEntry {
		return &storage.OutboxEntry{ID: ids.New(), TenantID: t.TenantID, TicketID: t.ID, Kind: "ticket.merged",
			Payload: []byte(`{"from":"` + source.Number + `","to":"` + target.Number + `"}`), CreatedAt: now}
	}
	return []*ticket.Event{
			ev(source, ticket.FieldStatus, ticket.StatusOpen, ticket.StatusClosed),
			ev(source, ticket.FieldMergedInto, "", target.Number),
			ev(target, ticket.FieldMerged, "", source.Number),
		},
		[]*storage.OutboxEntry{out(target), out(source)}
}

// benchMessage is a row of the messages table, written by hand.
type benchMessage struct {
	bun.BaseModel `bun:"table:ticketkit_messages"`

	ID          string    `bun:"id,pk"`
	TenantID    string    `bun:"tenant_id"`
	TicketID    string    `bun:"ticket_id"`
	Kind        string    `bun:"kind"`
	Body        string    `bun:"body"`
	Attachments string    `bun:"attachments"`
	CreatedAt   time.Time `bun:"created_at"`
}

// fillMessagesSQL gives t mergeMessages messages with one INSERT.
func fillMessagesSQL(ctx context.Context, db *bun.DB, t *ticket.Ticket) error {
	rows := make([]benchMessage, mergeMessages)
	for i := range rows {
		rows[i] = benchMessage{ID: ids.New(), TenantID: t.TenantID, TicketID: t.ID, Kind: string(ticket.MessageCustomer),
			Body: "message", Attachments: "[]", CreatedAt: t.CreatedAt.Add(time.Duration(i) * time.Millisecond)}
	}
	_, err := db.NewInsert().Model(&rows).Exec(ctx)
	return err
}

// benchEvent and benchOutbox are rows of the events and outbox tables.
type benchEvent struct {
	bun.BaseModel `bun:"table:ticketkit_events"`

	ID        string    `bun:"id"`
	TenantID  string    `bun:"tenant_id"`
	TicketID  string    `bun:"ticket_id"`
	ActorID   string    `bun:"actor_id"`
	ActorRole string    `bun:"actor_role"`
	At        time.Time `bun:"at"`
	Field     string    `bun:"field"`
	Old       string    `bun:"old"`
	New       string    `bun:"new"`
}

type benchOutbox struct {
	bun.BaseModel `bun:"table:ticketkit_outbox"`

	ID            string    `bun:"id,pk"`
	TenantID      string    `bun:"tenant_id"`
	TicketID      string    `bun:"ticket_id"`
	Kind          string    `bun:"kind"`
	Payload       []byte    `bun:"payload"`
	CreatedAt     time.Time `bun:"created_at"`
	NextAttemptAt time.Time `bun:"next_attempt_at"`
}

// mergeFloorSQL is the hand-written floor: four set-based statements in
// one transaction.
func mergeFloorSQL(ctx context.Context, db *bun.DB, target, source *ticket.Ticket) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().TableExpr("ticketkit_messages").Set("ticket_id = ?", target.ID).
			Where("tenant_id = ? AND ticket_id = ?", target.TenantID, source.ID).Exec(ctx); err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		if _, err := tx.NewUpdate().TableExpr("ticketkit_tickets").
			Set("version = version + 1").Set("updated_at = ?", now).
			Set("status = CASE WHEN id = ? THEN ? ELSE status END", source.ID, ticket.StatusClosed).
			Set("merged_into = CASE WHEN id = ? THEN ? ELSE merged_into END", source.ID, target.ID).
			Set("closed_at = CASE WHEN id = ? THEN ? ELSE closed_at END", source.ID, now).
			Where("tenant_id = ? AND id IN (?, ?)", target.TenantID, source.ID, target.ID).Exec(ctx); err != nil {
			return err
		}
		events, entries := floorRows(target, source, now)
		evs := make([]benchEvent, len(events))
		for i, e := range events {
			evs[i] = benchEvent{ID: e.ID, TenantID: e.TenantID, TicketID: e.TicketID, ActorID: e.ActorID,
				ActorRole: string(e.ActorRole), At: e.At, Field: e.Field, Old: e.Old, New: e.New}
		}
		if _, err := tx.NewInsert().Model(&evs).Exec(ctx); err != nil {
			return err
		}
		obs := make([]benchOutbox, len(entries))
		for i, o := range entries {
			obs[i] = benchOutbox{ID: o.ID, TenantID: o.TenantID, TicketID: o.TicketID, Kind: o.Kind, Payload: o.Payload,
				CreatedAt: o.CreatedAt, NextAttemptAt: now}
		}
		_, err := tx.NewInsert().Model(&obs).Exec(ctx)
		return err
	})
}
