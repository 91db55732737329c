package ticketkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// This file holds the optimistic path of a change (changeDoc): when the
// store is a storage.ChangeUpdater, the Desk owns the transaction and
// the use case asked for it (withOptimistic), the ticket is read outside
// a transaction (one statement; with its watchers when the store is a
// storage.WatchedTicketGetter), the change is checked and made in Go
// (rights, workflow, version, event rules), and every row it writes,
// the version-checked ticket and SLA state, the message, the history
// lines and the outbox entries, goes to the store at once: on
// PostgreSQL one statement, with no BEGIN or COMMIT; on SQLite and
// MySQL (and wherever bunstore's ChangeUpdate falls back) the per-row
// writes in one short transaction, after a read outside it. A lost race is an
// ErrConflict, and changeDoc reads again as it does after a
// transaction that lost one.
//
// What needs a transaction takes the transactional path: a complaint,
// an event rule with effects on the stored ticket, a mutation that
// writes anything but its one message (errNeedsTx), a function of
// withBeforeLoad, a host's transaction.

// errNeedsTx is returned by the writes of optimisticTx other than one
// message: the change must run in a transaction.
var errNeedsTx = errors.New("ticketkit: the change needs a transaction")

// optimisticKey is the context key of withOptimistic.
type optimisticKey struct{}

// withOptimistic returns ctx letting the change of a use case take the
// optimistic path (see changeOptimistic). A use case asks for it only
// when its mutation reads through nothing but the storage.Tx methods
// (no optional capability, which optimisticTx hides).
func withOptimistic(ctx context.Context) context.Context {
	return context.WithValue(ctx, optimisticKey{}, true)
}

// changeUpdater returns the store's storage.ChangeUpdater when a change
// in ctx, in the host's transaction host (nil: the Desk's own), may take
// the optimistic path, else nil.
func (d *Desk) changeUpdater(ctx context.Context, host storage.Tx) storage.ChangeUpdater {
	if host != nil || ctx.Value(optimisticKey{}) == nil || ctx.Value(beforeLoadKey{}) != nil {
		return nil
	}
	cu, _ := d.store.(storage.ChangeUpdater)
	return cu
}

// optimisticTx is the storage.Tx a mutation gets on the optimistic
// path: reads go to the store outside a transaction, one message is
// kept for the change's write, any other write fails with errNeedsTx
// before it reaches the store.
type optimisticTx struct {
	storage.Tx
	message *ticket.Message
}

func (x *optimisticTx) SequenceNext(context.Context, storage.SequenceNextParams) (int64, error) {
	return 0, errNeedsTx
}

func (x *optimisticTx) TicketCreate(context.Context, *ticket.Ticket) error { return errNeedsTx }

func (x *optimisticTx) TicketUpdate(context.Context, *ticket.Ticket) error { return errNeedsTx }

func (x *optimisticTx) TicketClaimDue(context.Context, storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	return nil, errNeedsTx
}

// MessageCreate keeps m for the change's write; a second message needs
// a transaction.
func (x *optimisticTx) MessageCreate(_ context.Context, m *ticket.Message) error {
	if x.message != nil || m == nil {
		return errNeedsTx
	}
	x.message = m
	return nil
}

func (x *optimisticTx) EventCreate(context.Context, []*ticket.Event) error { return errNeedsTx }

func (x *optimisticTx) OutboxCreate(context.Context, []*storage.OutboxEntry) error { return errNeedsTx }

func (x *optimisticTx) OutboxClaim(context.Context, storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	return nil, errNeedsTx
}

func (x *optimisticTx) OutboxMarkDelivered(context.Context, storage.OutboxMarkDeliveredParams) error {
	return errNeedsTx
}

func (x *optimisticTx) OutboxFail(context.Context, storage.OutboxFailParams) error { return errNeedsTx }

func (x *optimisticTx) OutboxRetry(context.Context, storage.OutboxRetryParams) (int, error) {
	return 0, errNeedsTx
}

// changeOptimistic is one attempt of changeDoc on the optimistic path,
// writing through cu and collecting in b. taken is false when the change
// needs the transactional path: then nothing was written, and b must be
// discarded. A lost race gives an error wrapping ErrConflict, a stale
// version one that is also a staleVersion, as on the transactional path.
func (d *Desk) changeOptimistic(ctx context.Context, cu storage.ChangeUpdater, actor ticket.Actor, id string, version int64, mutate docMutation, b *batch) (_ *document, taken bool, _ error) {
	lockUntil := d.lockUntil()
	x := &optimisticTx{Tx: d.store}
	var (
		t     *ticket.Ticket
		known map[watchedKey][]*ticket.Watcher // the watchers read with t
		err   error
	)
	if g, ok := d.store.(storage.WatchedTicketGetter); ok {
		t, known, err = loadWatched(ctx, g, actor, id)
	} else {
		t, err = load(ctx, d.store, actor, id)
	}
	if err != nil {
		return nil, true, err
	}
	if d.complaints != nil && t.Kind == ticket.KindComplaint {
		return nil, false, nil // read again under its lock (loadDoc)
	}
	doc := &document{t: t}
	if version != 0 && t.Version != version {
		return nil, true, staleVersion{fmt.Errorf("ticketkit: ticket %s is at version %d, not %d: %w", t.Number, t.Version, version, ErrConflict)}
	}
	before := doc.clone()
	t.UpdatedAt = d.now()
	if err := mutate(ctx, x, doc, b); err != nil {
		if errors.Is(err, errNeedsTx) {
			return nil, false, nil
		}
		return nil, true, err
	}
	doc.settle(before)
	rules, err := d.runEventRules(ctx, before.t, t, actor, b.message != nil)
	if err != nil {
		return nil, true, err
	}
	if rules != nil && len(rules.effects) > 0 {
		return nil, false, nil // effects write through the transaction
	}
	d.observeSLA(before.t, t, observation(b), t.UpdatedAt)
	d.trackTimers(before.t.SLA.Timers, t, t.UpdatedAt)
	changes := doc.diff(before)
	if rules != nil {
		changes = rules.split(changes)
	}
	if len(changes) == 0 && !b.touched {
		return before, true, nil // nothing to store
	}
	t.ConfigVersion = d.configVersion
	d.stampSortKeys(t)
	// The notifications carry the ticket as stored: at the versions the
	// write gives it.
	readVersion, readSLA := t.Version, t.SLAVersion
	t.Version, t.SLAVersion = readVersion+1, storage.NextSLAVersion(readSLA, t.SLA)
	b.history(t, changes)
	b.derive(before.t, t, d.catalogOf(doc))
	if err := d.noticeSurvey(ctx, d.store, b, before.t, t); err != nil {
		return nil, true, err
	}
	if err := b.readWatchersKnown(ctx, d.store, known); err != nil {
		return nil, true, err
	}
	entries, err := b.entries(lockUntil)
	if err != nil {
		return nil, true, err
	}
	t.Version, t.SLAVersion = readVersion, readSLA
	c := &storage.Change{Update: t, Message: x.message, Events: b.events, Outbox: entries}
	if err := d.observeTx(ctx, func(ctx context.Context) error { return cu.ChangeUpdate(ctx, c) }); err != nil {
		return nil, true, fmt.Errorf("ticketkit: update ticket %s: %w", t.Number, err)
	}
	return doc, true, nil
}

// loadWatched is load through g: the ticket and its watchers in one
// read (one statement on the Bun store on PostgreSQL). The watchers are
// returned by tenant and ticket, for readWatchersKnown: the optimistic
// path's mutations cannot change them (optimisticTx hides
// storage.WatcherStore).
func loadWatched(ctx context.Context, g storage.WatchedTicketGetter, a ticket.Actor, id string) (*ticket.Ticket, map[watchedKey][]*ticket.Watcher, error) {
	var ws []*ticket.Watcher
	t, err := loadBy(ctx, a, id, func(ctx context.Context, p storage.TicketGetParams) (*ticket.Ticket, error) {
		t, got, err := g.TicketGetWatched(ctx, p)
		ws = got
		return t, err
	})
	if err != nil {
		return nil, nil, err
	}
	return t, map[watchedKey][]*ticket.Watcher{{t.TenantID, t.ID}: ws}, nil
}

// optimisticTransition reports whether a transition to the status to
// may take the optimistic path: its guards read no time entries and it
// checks no children (see timeEntryCount and checkChildren), which are
// read through optional capabilities.
func (d *Desk) optimisticTransition(to string) bool {
	if d.workflow.UsesGuard(workflow.GuardTimeEntryRequired) {
		return false
	}
	st, ok := d.catalog.Status(to)
	return ok && (d.closeOpenParents || st.Category != ticket.CategoryResolved && st.Category != ticket.CategoryClosed)
}
