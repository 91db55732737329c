package memory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	errNoTenant = errors.New("memory: tenant ID is required")
	errEnded    = errors.New("memory: transaction has ended")
)

// key names a row within a tenant: a ticket number, a ticket's history or
// a sequence scope.
type key struct{ tenant, name string }

// db is the store's data. Rows are never changed in place: a write
// replaces a row's pointer, so that returned and undo copies stay valid.
type db struct {
	tickets  map[string]*ticket.Ticket // by ID
	numbers  map[key]string            // (tenant, number) → ticket ID
	messages []*ticket.Message         // in insertion order
	msgIDs   map[string]struct{}
	events   map[key][]*ticket.Event // (tenant, ticket ID) → history
	eventIDs map[string]struct{}
	outbox   []*storage.OutboxEntry // in insertion order
	outIdx   map[string]int         // ID → index in outbox
	seqs     map[key]int64          // (tenant, scope) → last value
	// complaints holds complaint sections by ticket ID (complaint.go).
	complaints map[string]*ticket.ComplaintDetails
	// inbound holds ingested message keys (inbound.go); made on first use.
	inbound map[key]storage.Inbound
	// marks holds the overdue marks of complaints' actions by ticket ID
	// (complaint_overdue.go); made on first use.
	marks map[string]storage.ActionMarks
	// idem holds the idempotency records (idempotency.go); made on first
	// use.
	idem map[key]storage.Idempotency
	// configs holds each tenant's configuration versions, oldest first
	// (config.go); made on first use.
	configs map[string][]storage.TenantConfig
	// links holds the typed links between tickets (relations.go), in
	// insertion order.
	links []*ticket.Link
	// presence holds the presence leases (presence.go); made on first
	// use.
	presence map[presenceKey]ticket.Presence
	// watchers holds the agents and CC addresses following tickets
	// (watchers.go), in the order they were added.
	watchers []*ticket.Watcher
	// ratings and timeEntries hold the satisfaction ratings (csat.go)
	// and time entries (timetrack.go), in the order they were added.
	ratings     []*ticket.Rating
	timeEntries []*ticket.TimeEntry
	// erasures holds the tombstones of erased customers (gdpr.go), in
	// insertion order.
	erasures []*storage.Erasure
}

func newDB() db {
	return db{
		tickets:    map[string]*ticket.Ticket{},
		numbers:    map[key]string{},
		msgIDs:     map[string]struct{}{},
		events:     map[key][]*ticket.Event{},
		eventIDs:   map[string]struct{}{},
		outIdx:     map[string]int{},
		seqs:       map[key]int64{},
		complaints: map[string]*ticket.ComplaintDetails{},
	}
}

// tx is the [storage.Tx] of the memory store. Its methods assume the
// caller holds the store's lock: the write lock for writes, at least the
// read lock for reads.
type tx struct {
	db    *db
	undo  []func()
	ended bool
}

// onUndo records how to take back a write.
func (x *tx) onUndo(f func()) { x.undo = append(x.undo, f) }

// rollback undoes the recorded writes, newest first.
func (x *tx) rollback() {
	for i := len(x.undo) - 1; i >= 0; i-- {
		x.undo[i]()
	}
	x.undo = nil
}

// check returns the error that stops any method: a done context, an
// ended transaction or a missing tenant.
func (x *tx) check(ctx context.Context, tenantID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.ended {
		return errEnded
	}
	if tenantID == "" {
		return errNoTenant
	}
	return nil
}

// utc returns t as the store keeps it: UTC, microsecond precision. The
// zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// SequenceNext increments the counter of a tenant and scope.
func (x *tx) SequenceNext(ctx context.Context, p storage.SequenceNextParams) (int64, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return 0, fmt.Errorf("memory: next sequence value: %w", err)
	}
	k := key{p.TenantID, p.Scope}
	prev, had := x.db.seqs[k]
	x.db.seqs[k] = prev + 1
	x.onUndo(func() {
		if had {
			x.db.seqs[k] = prev
		} else {
			delete(x.db.seqs, k)
		}
	})
	return prev + 1, nil
}
