package ticketkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// bulkTickets is how many tickets a benchmarked bulk transition moves.
const bulkTickets = 500

// BenchmarkBulkTransition measures Desk.Bulk moving 500 tickets between
// in_progress and waiting on each store (memory, SQLite, PostgreSQL,
// MySQL) against a floor, round-robin in one loop (a floor move of its
// 500 tickets, then a Desk move of its own 500), each timed on its own
// and reported as p50/p95 in ms with the ratio of the p50s.
//
// The floor on the SQL databases is what a careful engineer writes
// by hand, in one transaction: one set-based UPDATE of the 500 tickets'
// status, version and time, one multi-row INSERT of the 500 history
// lines and one of the 500 outbox entries (each the JSON of the
// notification, as the Desk's). It reads nothing and checks nothing: no
// workflow, no versions, no per-ticket results. On the memory store the
// floor is the same writes through the store's methods.
//
//	CI=true TICKETKIT_TEST_POSTGRES=... go test -run '^$' -bench BenchmarkBulkTransition -benchtime 20x .
func BenchmarkBulkTransition(b *testing.B) {
	ctx := context.Background()
	benchStores(b, func(b *testing.B, st storage.Store, db *bun.DB) {
		floor := func(ts []*ticket.Ticket, to string) error { return bulkFloorStore(ctx, st, ts, to) }
		if db != nil {
			floor = func(ts []*ticket.Ticket, to string) error { return bulkFloorSQL(ctx, db, ts, to) }
		}
		benchBulk(b, st, floor)
	})
}

// benchBulk runs the interleaved loop on st: floor moves its tickets by
// hand, the Desk its own through Desk.Bulk.
func benchBulk(b *testing.B, st storage.Store, floor func(ts []*ticket.Ticket, to string) error) {
	ctx := context.Background()
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	desk, err := ticketkit.New(ticketkit.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	open := func() []*ticket.Ticket {
		out := make([]*ticket.Ticket, bulkTickets)
		for i := range out {
			t, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Kettle %d", i), Customer: ticket.Customer{ID: "c"}})
			if err != nil {
				b.Fatal(err)
			}
			if t, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusInProgress}); err != nil {
				b.Fatal(err)
			}
			out[i] = t
		}
		return out
	}
	floorSet, deskSet := open(), open()
	deskIDs := make([]string, len(deskSet))
	for i, t := range deskSet {
		deskIDs[i] = t.ID
	}
	to := ticket.StatusWaiting
	var floorT, deskT []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := floor(floorSet, to); err != nil {
			b.Fatal(err)
		}
		floorT = append(floorT, time.Since(start))

		start = time.Now()
		res, err := desk.Bulk(ctx, agent, ticketkit.BulkParams{Action: ticketkit.BulkTransition, To: to, TicketIDs: deskIDs})
		deskT = append(deskT, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if n := res.Count(ticketkit.BulkDone); n != bulkTickets {
			b.Fatalf("%d tickets done, want %d: %v", n, bulkTickets, res.Items[0].Err)
		}
		to = map[string]string{ticket.StatusWaiting: ticket.StatusInProgress, ticket.StatusInProgress: ticket.StatusWaiting}[to]
	}
	reportVsFloor(b, floorT, deskT)
}

// bulkFloorRows moves ts to status to in memory and returns their
// history lines and outbox entries.
func bulkFloorRows(ts []*ticket.Ticket, to string, now time.Time) ([]*ticket.Event, []*storage.OutboxEntry, error) {
	events := make([]*ticket.Event, len(ts))
	entries := make([]*storage.OutboxEntry, len(ts))
	for i, t := range ts {
		from := t.Status
		t.Status, t.UpdatedAt = to, now
		events[i] = &ticket.Event{ID: ids.New(), TenantID: t.TenantID, TicketID: t.ID, ActorID: "agent-1", ActorRole: ticket.RoleAgent,
			At: now, Field: ticket.FieldStatus, Old: from, New: to}
		e := notify.Event{ID: ids.New(), Kind: notify.KindStatusChanged, TenantID: t.TenantID, Ticket: t, From: from, To: to, At: now}
		payload, err := json.Marshal(e)
		if err != nil {
			return nil, nil, err
		}
		entries[i] = &storage.OutboxEntry{ID: e.ID, TenantID: t.TenantID, TicketID: t.ID, Kind: string(e.Kind), Payload: payload, CreatedAt: now}
	}
	return events, entries, nil
}

// bulkFloorStore is the memory store's floor: the writes through the
// store's methods, in one transaction.
func bulkFloorStore(ctx context.Context, st storage.Store, ts []*ticket.Ticket, to string) error {
	return st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, entries, err := bulkFloorRows(ts, to, time.Now().UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		for _, t := range ts {
			if err := tx.TicketUpdate(ctx, t); err != nil {
				return err
			}
		}
		if err := tx.EventCreate(ctx, events); err != nil {
			return err
		}
		return tx.OutboxCreate(ctx, entries)
	})
}

// bulkFloorSQL is the hand-written floor: three set-based statements in
// one transaction.
func bulkFloorSQL(ctx context.Context, db *bun.DB, ts []*ticket.Ticket, to string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := time.Now().UTC().Truncate(time.Microsecond)
		ids := make([]string, len(ts))
		for i, t := range ts {
			ids[i] = t.ID
		}
		if _, err := tx.NewUpdate().TableExpr("ticketkit_tickets").
			Set("status = ?", to).Set("version = version + 1").Set("updated_at = ?", now).
			Where("tenant_id = ? AND id IN (?)", ts[0].TenantID, bun.List(ids)).Exec(ctx); err != nil {
			return err
		}
		events, entries, err := bulkFloorRows(ts, to, now)
		if err != nil {
			return err
		}
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
		_, err = tx.NewInsert().Model(&obs).Exec(ctx)
		return err
	})
}
