package ticketkit

import (
	"context"
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// This file holds the use cases' variants that run in the host's
// transaction (River's Insert and InsertTx): each public method and its
// ...Tx variant call one private function with the transaction to run in,
// nil for the Desk's own. Only the Desk's own transactions are followed
// by post-commit work (inline delivery) and by the retry of a lost race.

// ErrNoTx is returned by the ...Tx methods when they are given no
// transaction.
var ErrNoTx = errors.New("ticketkit: no transaction given to a ...Tx method")

// inTx runs one attempt of a use case: in a transaction of the Desk's
// store when host is nil, else in the host's transaction host. fn gets
// the transaction and until when the change's outbox entries are claimed
// for the Desk's inline delivery (zero in the host's transaction: they
// wait, unclaimed, for a Dispatcher).
//
// In the host's transaction fn runs in a savepoint when host offers one,
// that is when it is also a storage.Store, whose RunInTx nests (the Bun
// store's handle, bunstore.Store.WithTx, sets a SAVEPOINT): a use case
// that fails then leaves the host's transaction as it was. Over another
// handle (the memory store's transaction) the writes made before a
// failure stay in the host's transaction, which the host then rolls back.
func (d *Desk) inTx(ctx context.Context, host storage.Tx, fn func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error) error {
	if host == nil {
		lockUntil := d.lockUntil()
		return d.runTx(ctx, func(ctx context.Context, tx storage.Tx) error { return fn(ctx, tx, lockUntil) })
	}
	var lockUntil time.Time // the host's: the entries wait for a Dispatcher
	if c := bulkFrom(ctx, host); c != nil {
		lockUntil = c.lockUntil // a bulk chunk's: delivered once it commits
	}
	return d.inHostTx(ctx, func(ctx context.Context) error {
		if s, ok := host.(storage.Store); ok {
			return s.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return fn(ctx, tx, lockUntil) })
		}
		return fn(ctx, host, lockUntil)
	})
}

// afterCommit does the post-commit work of a use case that succeeded:
// inline delivery after the Desk's own transaction, nothing after the
// host's, which has not committed yet (a Dispatcher delivers once it
// has; after a rollback there is nothing to deliver). In a chunk of
// [Desk.Bulk] the notifications wait for the chunk's commit.
func (d *Desk) afterCommit(ctx context.Context, host storage.Tx, notices []notify.Event) {
	if host == nil {
		d.deliver(ctx, notices)
	} else if c := bulkFrom(ctx, host); c != nil {
		c.notices = append(c.notices, notices...)
	}
}

// checkTx refuses a nil transaction given to a ...Tx method.
func checkTx(tx storage.Tx) error {
	if tx == nil {
		return ErrNoTx
	}
	return nil
}

// OpenTx is [Desk.Open] in the host's transaction tx: the ticket, its
// history and its notifications are written through tx and commit or
// roll back with the host's own rows.
//
// # Host transactions
//
// Every use case that changes data has a ...Tx variant that runs in a
// transaction the host began, as River's InsertTx does, instead of one
// of its own. tx is a storage.Tx of the Desk's store bound to the host's
// transaction: with the Bun store, bunstore.Store.WithTx(tx) of the
// host's bun.Tx; with any store, the transaction its RunInTx hands the
// host's function. It must be a transaction of the database the Desk's
// store is on (not checked).
//
// Inside the host's transaction the Desk announces nothing: it delivers
// nothing inline, even with Config.Notifier set, and writes the
// change's outbox entries unclaimed. A [Dispatcher] delivers them once
// the host commits; a host rollback takes them back with the change, and
// nothing is announced.
//
// A change that loses a version race (another writer stored the ticket
// between its read and its write) is not run again inside the host's
// transaction, as the Desk's own methods do: it fails with an error
// wrapping ErrConflict, also without a version, and the host retries its
// transaction. Running it again in there cannot be relied on: under
// REPEATABLE READ or SERIALIZABLE it would read the same stale snapshot
// again, on PostgreSQL a failed statement aborts the transaction, and the
// waits between attempts would hold the host's locks.
//
// When tx offers savepoints (it is a storage.Store too, as the Bun
// store's handle is), the use case runs in one, and a use case that
// fails leaves the host's transaction as it was. Otherwise some of its
// writes may remain: roll the transaction back on an error.
func (d *Desk) OpenTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p OpenParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "OpenTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.open(ctx, tx, actor, p)
}

// TransitionTx is [Desk.Transition] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) TransitionTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p TransitionParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "TransitionTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.transition(ctx, tx, actor, p)
}

// AssignTx is [Desk.Assign] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) AssignTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p AssignParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "AssignTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.assign(ctx, tx, actor, p)
}

// UpdateTx is [Desk.Update] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) UpdateTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p UpdateParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "UpdateTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.update(ctx, tx, actor, p)
}

// ReplyTx is [Desk.Reply] in the host's transaction tx; see
// [Desk.OpenTx] for what differs. Attachment content is stored before
// the message, as with Reply: after a host rollback it is left for
// [Desk.ReconcileBlobs].
func (d *Desk) ReplyTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MessageParams) (_ *ticket.Message, err error) {
	ctx, end := d.begin(ctx, "ReplyTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addMessage(ctx, tx, actor, replyKind(actor), p)
}

// AddNoteTx is [Desk.AddNote] in the host's transaction tx; see
// [Desk.OpenTx] and [Desk.ReplyTx] for what differs.
func (d *Desk) AddNoteTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MessageParams) (_ *ticket.Message, err error) {
	ctx, end := d.begin(ctx, "AddNoteTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addNote(ctx, tx, actor, p)
}
