// Package memory is a [storage.Store] that keeps everything in maps in
// the process's memory, for tests, demos and hosts that need no
// persistence.
//
// # Transactions
//
// [Store.RunInTx] holds the store's write lock for the whole transaction:
// transactions run one at a time and see each other's writes only once
// committed. Writes are applied at once and recorded in an undo log that
// is replayed backwards when fn returns an error or panics. fn must use
// the [storage.Tx] it is given and not the Store itself, which would wait
// for the lock fn holds.
//
// Methods called on the Store directly each lock the store for their own
// duration, so a Store is safe for concurrent use.
//
// # Copies and times
//
// The store copies every value it is given and every value it returns,
// and keeps times in UTC truncated to the microsecond, as the SQL stores
// do.
package memory

import (
	"context"
	"sync"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.Store                = (*Store)(nil)
	_ storage.TicketBatchUpdater   = (*Store)(nil)
	_ storage.TicketSLAUpdater     = (*Store)(nil)
	_ storage.TicketSortKeyUpdater = (*Store)(nil)
	_ storage.TicketCounter        = (*Store)(nil)
)

// Store is an in-memory ticket database. The zero value is not usable;
// call [New].
type Store struct {
	mu sync.RWMutex
	db db
}

// New returns an empty store.
func New() *Store {
	return &Store{db: newDB()}
}

// RunInTx runs fn in a transaction: fn's writes are kept when it returns
// nil and undone when it returns an error or panics. The error is
// returned as is and a panic goes on after the undo.
func (s *Store) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.runInTx(ctx, func(ctx context.Context, x *tx) error { return fn(ctx, x) })
}

// runInTx is RunInTx handing fn the store's own transaction type.
func (s *Store) runInTx(ctx context.Context, fn func(ctx context.Context, x *tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := &tx{db: &s.db}
	committed := false
	defer func() {
		if !committed {
			x.rollback()
		}
		x.ended = true
	}()
	if err := fn(ctx, x); err != nil {
		return err
	}
	committed = true
	return nil
}

// write runs one write method in its own transaction, so that a method
// failing half-way leaves nothing behind.
func (s *Store) write(ctx context.Context, fn func(x *tx) error) error {
	return s.runInTx(ctx, func(_ context.Context, x *tx) error { return fn(x) })
}

// read runs one read method under the read lock.
func read[T any](s *Store, fn func(x *tx) (T, error)) (T, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&tx{db: &s.db})
}

// SequenceNext increments a tenant's counter for a scope and returns its
// new value, starting at 1.
func (s *Store) SequenceNext(ctx context.Context, params storage.SequenceNextParams) (int64, error) {
	var n int64
	err := s.write(ctx, func(x *tx) error {
		var err error
		n, err = x.SequenceNext(ctx, params)
		return err
	})
	return n, err
}

// TicketCreate stores a copy of t with Version 1 and sets t.Version to 1.
func (s *Store) TicketCreate(ctx context.Context, t *ticket.Ticket) error {
	return s.write(ctx, func(x *tx) error { return x.TicketCreate(ctx, t) })
}

// TicketGet returns a copy of a ticket by ID.
func (s *Store) TicketGet(ctx context.Context, params storage.TicketGetParams) (*ticket.Ticket, error) {
	return read(s, func(x *tx) (*ticket.Ticket, error) { return x.TicketGet(ctx, params) })
}

// TicketGetByNumber returns a copy of a ticket by number.
func (s *Store) TicketGetByNumber(ctx context.Context, params storage.TicketGetByNumberParams) (*ticket.Ticket, error) {
	return read(s, func(x *tx) (*ticket.Ticket, error) { return x.TicketGetByNumber(ctx, params) })
}

// TicketUpdate stores a copy of t if t.Version is the stored version,
// and increments t.Version.
func (s *Store) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	return s.write(ctx, func(x *tx) error { return x.TicketUpdate(ctx, t) })
}

// TicketSLAUpdate stores tickets' SLA states alone in one transaction:
// all of them or, on an error, none.
func (s *Store) TicketSLAUpdate(ctx context.Context, tickets []*ticket.Ticket) error {
	return s.write(ctx, func(x *tx) error { return x.TicketSLAUpdate(ctx, tickets) })
}

// TicketCount counts the tickets a filter selects, up to p.Max+1 (see
// storage.TicketCounter).
func (s *Store) TicketCount(ctx context.Context, p storage.TicketCountParams) (int, error) {
	return read(s, func(x *tx) (int, error) { return x.TicketCount(ctx, p) })
}

// TicketSortKeysUpdate stores tickets' sort keys alone in one
// transaction (see storage.TicketSortKeyUpdater).
func (s *Store) TicketSortKeysUpdate(ctx context.Context, tickets []*ticket.Ticket) (n int, err error) {
	err = s.write(ctx, func(x *tx) error {
		n, err = x.TicketSortKeysUpdate(ctx, tickets)
		return err
	})
	return n, err
}

// TicketUpdateBatch stores changed tickets in one transaction: all of
// them or, on an error, none.
func (s *Store) TicketUpdateBatch(ctx context.Context, tickets []*ticket.Ticket) error {
	return s.write(ctx, func(x *tx) error { return x.TicketUpdateBatch(ctx, tickets) })
}

// TicketList returns one page of the tickets matching a filter.
func (s *Store) TicketList(ctx context.Context, params storage.TicketListParams) (*storage.TicketListResult, error) {
	return read(s, func(x *tx) (*storage.TicketListResult, error) { return x.TicketList(ctx, params) })
}

// TicketClaimDue returns the tickets whose wake time has come, those due
// first. Called on the Store, it holds them only while it runs: call it
// on the [storage.Tx] of RunInTx.
func (s *Store) TicketClaimDue(ctx context.Context, params storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	var out []*ticket.Ticket
	err := s.write(ctx, func(x *tx) (err error) {
		out, err = x.TicketClaimDue(ctx, params)
		return err
	})
	return out, err
}

// MessageCreate stores a copy of a message of an existing ticket.
func (s *Store) MessageCreate(ctx context.Context, m *ticket.Message) error {
	return s.write(ctx, func(x *tx) error { return x.MessageCreate(ctx, m) })
}

// MessageList returns one page of messages, oldest first.
func (s *Store) MessageList(ctx context.Context, params storage.MessageListParams) (*storage.MessageListResult, error) {
	return read(s, func(x *tx) (*storage.MessageListResult, error) { return x.MessageList(ctx, params) })
}

// EventCreate appends copies of history lines.
func (s *Store) EventCreate(ctx context.Context, events []*ticket.Event) error {
	return s.write(ctx, func(x *tx) error { return x.EventCreate(ctx, events) })
}

// EventList returns a ticket's history in append order.
func (s *Store) EventList(ctx context.Context, params storage.EventListParams) ([]*ticket.Event, error) {
	return read(s, func(x *tx) ([]*ticket.Event, error) { return x.EventList(ctx, params) })
}

// OutboxCreate stores copies of outbox entries.
func (s *Store) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	return s.write(ctx, func(x *tx) error { return x.OutboxCreate(ctx, entries) })
}

// OutboxClaim claims the claimable entries due first.
func (s *Store) OutboxClaim(ctx context.Context, params storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	var out []*storage.OutboxEntry
	err := s.write(ctx, func(x *tx) (err error) {
		out, err = x.OutboxClaim(ctx, params)
		return err
	})
	return out, err
}

// OutboxMarkDelivered marks entries delivered; unknown IDs are ignored.
func (s *Store) OutboxMarkDelivered(ctx context.Context, params storage.OutboxMarkDeliveredParams) error {
	return s.write(ctx, func(x *tx) error { return x.OutboxMarkDelivered(ctx, params) })
}

// OutboxFail records a failed delivery attempt.
func (s *Store) OutboxFail(ctx context.Context, params storage.OutboxFailParams) error {
	return s.write(ctx, func(x *tx) error { return x.OutboxFail(ctx, params) })
}

// OutboxDeadList returns one page of dead letters.
func (s *Store) OutboxDeadList(ctx context.Context, params storage.OutboxDeadListParams) ([]*storage.OutboxEntry, error) {
	return read(s, func(x *tx) ([]*storage.OutboxEntry, error) { return x.OutboxDeadList(ctx, params) })
}

// OutboxRetry makes dead letters pending again.
func (s *Store) OutboxRetry(ctx context.Context, params storage.OutboxRetryParams) (int, error) {
	var n int
	err := s.write(ctx, func(x *tx) (err error) {
		n, err = x.OutboxRetry(ctx, params)
		return err
	})
	return n, err
}
