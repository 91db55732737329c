// Package storage defines the contract between the ticketkit Desk and the
// databases it runs on: the [Store] interface, the parameters of its
// methods and the sentinel errors every adapter returns.
//
// Adapters live in sub-packages: storage/memory for tests and demos,
// storage/bunstore for PostgreSQL and SQLite. storage/storagetest is the
// conformance suite every adapter must pass, a host's own included.
//
// Every method is scoped to a tenant: a method given one tenant's ID never
// reads or writes another tenant's rows.
//
// Stores keep times in UTC at microsecond precision and return them in
// UTC. Values passed in and returned are the caller's: a store copies
// what it keeps, so that changing a returned ticket never changes the
// stored one.
//
// # Optional capabilities
//
// The [Store] contract stays small; a store offers more through optional
// interfaces, each implemented by the Store and by the [Tx] its RunInTx
// hands out: [ComplaintStore] and [ComplaintLocker] (complaint
// documents), [ComplaintOverdueStore] ("action overdue" notices),
// [InboundStore] (mail intake), [AttachmentRefChecker] (blob
// reconciliation), [TicketSLAUpdater], [TicketBatchUpdater] and
// [SLAChangeWriter] (faster escalation sweeps), [ChangeWriter] and [ChangeUpdater] (the rows of a change in one
// statement), [IdempotencyStore] (answers of requests sent with
// an idempotency key), [OutboxStatsStore] (outbox backlog and dead
// letters, for metrics), [ConfigStore] (tenants' configurations,
// versioned), [HostTxStore] (running in the host's transaction), for
// merges, splits and links [TicketLocker], [MessageMover] and
// [LinkStore], [PresenceStore] (who of the staff is viewing or
// replying to a ticket), and [WatcherStore] and [WatchedTicketGetter]
// (watchers and CC addresses, and a ticket read with them).
//
// Callers find them with a checked type assertion, never one that can
// panic. Code that cannot work without a capability returns an error
// wrapping [ErrUnsupported] (for complaints, [ErrComplaintsUnsupported]);
// code for which a capability is only faster falls back to the [Tx]
// methods.
//
// A decorator of a store (tracing, metrics, retries) must forward every
// optional interface its inner store implements, on the Store and on the
// Tx its RunInTx hands out: a decorator that embeds only Store or Tx
// hides them, and the Desk then refuses complaints and mail intake, or
// sweeps more slowly. There is deliberately no Unwrap: a call through an
// unwrapped store would bypass the decorator, untraced. The conformance
// suite (storagetest.Run with its Features) fails a store whose
// declared capabilities are missing on either.
package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// Store is a ticket database. Its [Tx] methods, called on the Store
// itself, each run in their own transaction; RunInTx groups several into
// one.
type Store interface {
	Tx
	// RunInTx runs fn in a transaction. The transaction commits when fn
	// returns nil and rolls back when fn returns an error or panics; the
	// error is returned as is.
	//
	// fn may hand tx to the ...Tx methods of ticketkit.Desk, to run use
	// cases in its transaction. An adapter whose database the host also
	// uses directly can bind itself to a transaction the host began
	// (bunstore.Store.WithTx); a handle that is a Store too nests
	// RunInTx in that transaction (a savepoint) and commits nothing.
	RunInTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
}

// Tx is the set of operations a [Store] offers, inside or outside a
// transaction.
type Tx interface {
	// SequenceNext increments the counter of a tenant and scope and
	// returns its new value; the first value is 1. Inside a transaction
	// the increment commits or rolls back with it, so numbers stay
	// gap-free.
	SequenceNext(ctx context.Context, params SequenceNextParams) (int64, error)

	// TicketCreate stores a new ticket with Version 1 and Kind
	// ticket.KindTicket (whatever t.Kind says; see
	// ComplaintStore.ComplaintCreate), and its SLA state with SLAVersion
	// 1 when t.SLA is not zero (0 otherwise); it sets t's Version, Kind
	// and SLAVersion. It returns an error wrapping ErrConflict when the
	// ID or the tenant's number is taken.
	TicketCreate(ctx context.Context, t *ticket.Ticket) error
	// TicketGet returns a ticket by ID, or an error wrapping ErrNotFound.
	TicketGet(ctx context.Context, params TicketGetParams) (*ticket.Ticket, error)
	// TicketGetByNumber returns a ticket by number, or an error wrapping
	// ErrNotFound.
	TicketGetByNumber(ctx context.Context, params TicketGetByNumberParams) (*ticket.Ticket, error)
	// TicketUpdate stores a changed ticket. t.Version and t.SLAVersion
	// must be the versions that were read; the store writes t with
	// Version+1 and sets t.Version to it, and writes its SLA state with
	// SLAVersion+1 unless the ticket never had one (SLAVersion 0 and
	// t.SLA zero). When a stored version differs, the error wraps
	// ErrConflict; an unknown ticket gives ErrNotFound. A ticket's Kind
	// never changes: TicketUpdate ignores t.Kind. The ticket and
	// its SLA state may be two rows, written atomically; inside a
	// transaction, roll it back on an error (see RunInTx).
	TicketUpdate(ctx context.Context, t *ticket.Ticket) error
	// TicketList returns one page of the tickets matching a filter.
	TicketList(ctx context.Context, params TicketListParams) (*TicketListResult, error)
	// TicketClaimDue returns up to params.Limit tickets of all tenants
	// whose SLA.WakeAt() is set and at or before params.Now, those due
	// first (by wake time, then ID), for the escalation sweep. Call it
	// inside RunInTx and update the tickets in the same transaction: the
	// claimed rows stay locked until it ends, so two transactions never
	// hold the same ticket at once, and a ticket updated to a later wake
	// time is not due for the next claim. On PostgreSQL concurrent
	// claims skip each other's locked rows (FOR UPDATE SKIP LOCKED)
	// rather than wait for them; on SQLite and in memory transactions
	// write one at a time. Outside a transaction the rows are not held.
	TicketClaimDue(ctx context.Context, params TicketClaimDueParams) ([]*ticket.Ticket, error)

	// MessageCreate stores a new message of an existing ticket.
	MessageCreate(ctx context.Context, m *ticket.Message) error
	// MessageList returns one page of messages, oldest first.
	MessageList(ctx context.Context, params MessageListParams) (*MessageListResult, error)

	// EventCreate appends history lines. Lines are listed in the order
	// they were appended.
	EventCreate(ctx context.Context, events []*ticket.Event) error
	// EventList returns a ticket's history, oldest first.
	EventList(ctx context.Context, params EventListParams) ([]*ticket.Event, error)

	// OutboxCreate stores notifications to deliver once the transaction
	// commits.
	OutboxCreate(ctx context.Context, entries []*OutboxEntry) error
	// OutboxClaim claims up to params.Limit claimable entries of all
	// tenants, those due first, and returns them: each gets one more
	// attempt and is locked until params.Now+params.LockFor. Concurrent
	// claims never return the same entry; on PostgreSQL they skip each
	// other's locked rows rather than wait for them. Due entries whose
	// attempts reached params.MaxAttempts become dead letters instead.
	OutboxClaim(ctx context.Context, params OutboxClaimParams) ([]*OutboxEntry, error)
	// OutboxMarkDelivered marks entries delivered at the given time and
	// releases their claim; unknown IDs are ignored.
	OutboxMarkDelivered(ctx context.Context, params OutboxMarkDeliveredParams) error
	// OutboxFail records a failed attempt: the entry is released until
	// params.RetryAt, or becomes a dead letter. An unknown ID gives
	// ErrNotFound.
	OutboxFail(ctx context.Context, params OutboxFailParams) error
	// OutboxDeadList returns one page of dead letters, by ID.
	OutboxDeadList(ctx context.Context, params OutboxDeadListParams) ([]*OutboxEntry, error)
	// OutboxRetry makes dead letters pending again and returns how many
	// it revived.
	OutboxRetry(ctx context.Context, params OutboxRetryParams) (int, error)
}

// TicketSLAUpdater is implemented by a [Tx] that stores tickets' SLA
// states alone, such as the Bun store, whose tickets keep their SLA state
// in a narrow table of its own: the escalation sweep stores with it the
// tickets whose firings changed nothing but the SLA state, without
// rewriting their rows (and every index on them) or changing their
// Version. Without it the sweep calls TicketUpdate.
type TicketSLAUpdater interface {
	// TicketSLAUpdate stores the SLA state of each ticket and nothing
	// else: the stored ticket keeps its fields and Version. Every
	// t.SLAVersion must be the one that was read, and is set to the new
	// one. When a stored SLAVersion differs or a ticket is unknown, the
	// error wraps ErrConflict and some states may have been written:
	// call it inside RunInTx, which then rolls back.
	TicketSLAUpdate(ctx context.Context, tickets []*ticket.Ticket) error
}

// TicketBatchUpdater is implemented by a [Tx] that can store several
// changed tickets in one statement, such as the Bun store on PostgreSQL.
// The escalation sweep uses it when the store offers it and calls
// TicketUpdate per ticket otherwise.
type TicketBatchUpdater interface {
	// TicketUpdateBatch stores changed tickets as TicketUpdate stores
	// each: every t.Version and t.SLAVersion must be the one that was
	// read, and is set to the new one. When a stored version differs or
	// a ticket is unknown, the error wraps ErrConflict and some tickets
	// may have been written: call it inside RunInTx, which then rolls
	// back.
	TicketUpdateBatch(ctx context.Context, tickets []*ticket.Ticket) error
}
