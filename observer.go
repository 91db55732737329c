package ticketkit

import (
	"context"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Observer watches the work of a [Desk], a [Dispatcher] and the
// escalation sweeps, for tracing and metrics: set it as
// Config.Observer and DispatcherConfig.Observer. The module
// github.com/ticketkit/ticketkit/otelticketkit implements it with
// OpenTelemetry spans and metrics; the library itself depends on no
// telemetry package (as Bun's bunotel and River's otelriver).
//
// Each method is called when a piece of work starts, with the caller's
// context, and returns the context the work runs in (one carrying a
// span, say) and a function the work calls once when it ends, with its
// outcome. Every method must return a non-nil context and a non-nil
// function, must be safe for concurrent use, and must not block: it runs
// on the caller's path. A method that panics fails the work it watches.
//
// The work is nested: the store transactions of a use case run in the
// context ObserveUseCase returned, the deliveries of a dispatch round in
// the one ObserveDispatch returned, and the transactions of a sweep in
// the one ObserveSweep returned.
//
// Observations carry identifiers (tenant, ticket ID and number, event
// kind, use case name), never personal data: no subject, message body,
// name, email or phone number reaches an Observer through them.
//
// New kinds of observation come as optional interfaces an Observer may
// implement, so that adding one never breaks an implementation.
type Observer interface {
	// ObserveUseCase is called when a use case of the Desk starts: a
	// method of Desk that takes a context, such as Open, Reply or
	// ComplaintDecide (u.Name), whether or not it succeeds, validation
	// failures included. The Desk fills u.TicketID and u.TicketNumber
	// while the use case runs, once it knows the ticket: read them in
	// the end function, which gets the use case's error (nil on
	// success). [Desk.RunEscalations] is observed as a sweep
	// (ObserveSweep), not as a use case.
	ObserveUseCase(ctx context.Context, u *UseCase) (context.Context, func(err error))
	// ObserveTx is called when the Desk begins a store transaction (or
	// a savepoint in the host's transaction, for a ...Tx method); end
	// gets its error, nil when it committed. A use case that loses a
	// race for a ticket runs its transaction again: each attempt is
	// observed.
	ObserveTx(ctx context.Context, t TxInfo) (context.Context, func(err error))
	// ObserveDispatch is called when a Dispatcher round starts
	// ([Dispatcher.RunOnce]); end gets the round's counts and error.
	ObserveDispatch(ctx context.Context) (context.Context, func(res DispatchResult, err error))
	// ObserveDelivery is called when a Dispatcher hands one outbox
	// entry to its Notifier, and when the Desk hands one to
	// Config.Notifier right after its change committed (e.Inline, inside
	// the use case's observation; a failure there is left to a
	// Dispatcher: outcome DeliveryRetry). end gets the outcome and the
	// Notifier's error (nil when delivered).
	ObserveDelivery(ctx context.Context, e DeliveryInfo) (context.Context, func(outcome DeliveryOutcome, err error))
	// ObserveSweep is called when an escalation sweep starts
	// ([Desk.RunEscalations], also from an EscalationWorker); end gets
	// what the sweep fired and its error.
	ObserveSweep(ctx context.Context) (context.Context, func(res EscalationResult, err error))
}

// UseCase describes a use case of the Desk to an [Observer].
type UseCase struct {
	// Name is the Desk method's name, such as "Open", "Reply" or
	// "ComplaintDecide".
	Name string
	// TenantID is the actor's tenant; empty for work without an actor
	// (ReconcileBlobs).
	TenantID string
	// TicketID and TicketNumber identify the ticket or complaint the use
	// case works on, once the Desk knows it: after the ticket is read,
	// or, for Open, after it is stored. Empty for use cases over many
	// tickets (Search) and for those that failed before.
	TicketID     string
	TicketNumber string
}

// TxInfo describes a store transaction to an [Observer].
type TxInfo struct {
	// UseCase is the name of the use case the transaction runs for (see
	// UseCase.Name), or "RunEscalations" for a sweep's.
	UseCase string
	// InHostTx says that the transaction is the host's (a ...Tx
	// method): the Desk runs a savepoint in it, or only its statements
	// when the host's transaction offers no savepoints.
	InHostTx bool
}

// DeliveryInfo describes the delivery of one outbox entry to an
// [Observer].
type DeliveryInfo struct {
	// EntryID is the outbox entry's ID, the event's ID.
	EntryID string
	// TenantID and TicketID are the entry's.
	TenantID string
	TicketID string
	// Kind is the notification event kind, such as "ticket.opened".
	Kind string
	// Attempt counts the entry's attempts, this one included.
	Attempt int
	// Inline says that the Desk delivers the entry right after its
	// change committed, to Config.Notifier, rather than a Dispatcher.
	Inline bool
}

// DeliveryOutcome is how one delivery of a [Dispatcher] ended.
type DeliveryOutcome string

// The outcomes of a delivery.
const (
	// DeliveryDelivered: the Notifier accepted the entry.
	DeliveryDelivered DeliveryOutcome = "delivered"
	// DeliveryRetry: the Notifier failed; the entry is tried again later.
	DeliveryRetry DeliveryOutcome = "retry"
	// DeliveryDead: the entry was given up on, a dead letter.
	DeliveryDead DeliveryOutcome = "dead"
	// DeliveryReleased: the Dispatcher stopped during the delivery; the
	// entry returns for a later round.
	DeliveryReleased DeliveryOutcome = "released"
)

// DeliveryOutcomes lists the outcomes of a delivery.
func DeliveryOutcomes() []DeliveryOutcome {
	return []DeliveryOutcome{DeliveryDelivered, DeliveryRetry, DeliveryDead, DeliveryReleased}
}

// useCaseKey keys the *UseCase of the running use case in its context.
type useCaseKey struct{}

// endNothing is the end function of work no Observer watches.
func endNothing(error) {}

// begin starts the observation of the use case name of actor; the use
// case runs in the returned context and calls end with its error. With
// no Observer it costs nothing but the call.
func (d *Desk) begin(ctx context.Context, name string, actor ticket.Actor) (context.Context, func(error)) {
	if d.obs == nil {
		return ctx, endNothing
	}
	u := &UseCase{Name: name, TenantID: actor.TenantID}
	return d.obs.ObserveUseCase(context.WithValue(ctx, useCaseKey{}, u), u)
}

// noteTicket tells the observation of the running use case, if any,
// which ticket it works on.
func noteTicket(ctx context.Context, t *ticket.Ticket) {
	if u, ok := ctx.Value(useCaseKey{}).(*UseCase); ok && t != nil {
		u.TicketID, u.TicketNumber = t.ID, t.Number
	}
}

// observeDelivery starts the observation of the inline delivery of e.
func (d *Desk) observeDelivery(ctx context.Context, e notify.Event) (context.Context, func(DeliveryOutcome, error)) {
	if d.obs == nil {
		return ctx, endDeliveryNothing
	}
	info := DeliveryInfo{EntryID: e.ID, TenantID: e.TenantID, Kind: string(e.Kind), Attempt: 1, Inline: true}
	if e.Ticket != nil {
		info.TicketID = e.Ticket.ID
	}
	return d.obs.ObserveDelivery(ctx, info)
}

// runTx runs fn in a transaction of the Desk's store, observed.
func (d *Desk) runTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if d.obs == nil {
		return d.store.RunInTx(ctx, fn)
	}
	ctx, end := d.obs.ObserveTx(ctx, TxInfo{UseCase: useCaseName(ctx)})
	err := d.store.RunInTx(ctx, fn)
	end(err)
	return err
}

// observeTx runs fn, a change written in one statement without a
// transaction of its own, observed as runTx observes a transaction.
func (d *Desk) observeTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if d.obs == nil {
		return fn(ctx)
	}
	ctx, end := d.obs.ObserveTx(ctx, TxInfo{UseCase: useCaseName(ctx)})
	err := fn(ctx)
	end(err)
	return err
}

// inHostTx runs fn in the host's transaction, observed.
func (d *Desk) inHostTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if d.obs == nil {
		return fn(ctx)
	}
	ctx, end := d.obs.ObserveTx(ctx, TxInfo{UseCase: useCaseName(ctx), InHostTx: true})
	err := fn(ctx)
	end(err)
	return err
}

// useCaseName returns the name of the use case ctx runs, or
// "RunEscalations" outside of one (a sweep).
func useCaseName(ctx context.Context) string {
	if u, ok := ctx.Value(useCaseKey{}).(*UseCase); ok {
		return u.Name
	}
	return sweepName
}

// sweepName is the name of the escalation sweep's work.
const sweepName = "RunEscalations"
