package ticketkit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// batch collects what one use case writes besides the ticket itself: its
// history lines and its notifications. It is written inside the ticket's
// transaction, so the three commit or roll back together.
type batch struct {
	actor   ticket.Actor
	events  []*ticket.Event
	notices []notify.Event
	// message is the message a use case added, if any.
	message *ticket.Message
	// muteCustomer keeps message from the customer (see
	// MessageParams.NotifyCustomer).
	muteCustomer bool
	// extra lists notification kinds the use case asks for besides the
	// ones derived from the change.
	extra []notify.Kind
	// touched forces a write when no tracked field changed, such as when
	// a message was added.
	touched bool
	// later queues notifications a use case asks for that must see the
	// change as stored, such as the complaint events (noticeComplaint);
	// derive runs them last.
	later []func()
	// at is when the change happened, for its history lines and
	// notifications; zero means the ticket's UpdatedAt. The escalation
	// sweep sets it: a firing that changes only the SLA state leaves
	// UpdatedAt as it was.
	at time.Time
	// watchersRead reports that the notices carry their tickets'
	// watchers and CC addresses already (readWatchers).
	watchersRead bool
	// rules is what the event rules of an opening did (see openRules);
	// rulesRan says they ran already.
	rules    *ruleRun
	rulesRan bool
}

// when returns when the change of t happened.
func (b *batch) when(t *ticket.Ticket) time.Time {
	if b.at.IsZero() {
		return t.UpdatedAt
	}
	return b.at
}

// history turns field changes into history lines of t.
func (b *batch) history(t *ticket.Ticket, changes []ticket.Event) {
	for _, c := range changes {
		c.ID = newID()
		c.TenantID = t.TenantID
		c.TicketID = t.ID
		if c.ActorID == "" { // lines of automation rules carry the rule's actor
			c.ActorID, c.ActorRole = b.actor.ID, b.actor.Role
		}
		c.At = b.when(t)
		b.events = append(b.events, &c)
	}
}

// notice queues a notification carrying a snapshot of t.
func (b *batch) notice(kind notify.Kind, t *ticket.Ticket, fill func(*notify.Event)) {
	e := notify.Event{
		ID:       newID(),
		Kind:     kind,
		TenantID: t.TenantID,
		At:       b.when(t),
		Actor:    b.actor,
		Ticket:   t.Clone(),
		Changes:  b.events,
	}
	if fill != nil {
		fill(&e)
	}
	b.notices = append(b.notices, e)
}

// write stores the history lines and the outbox entries in tx, in one
// statement when tx is a storage.ChangeWriter. When
// lockUntil is set, the entries are written already claimed by this
// process until then, for the Desk's own delivery after the commit: no
// Dispatcher takes them meanwhile, and they come back to the
// Dispatchers if this process dies before delivering them.
func (b *batch) write(ctx context.Context, tx storage.Tx, lockUntil time.Time) ([]*storage.OutboxEntry, error) {
	if err := b.readWatchers(ctx, tx); err != nil {
		return nil, err
	}
	if cw, ok := tx.(storage.ChangeWriter); ok {
		// History and outbox in one statement where the store can.
		entries, err := b.entries(lockUntil)
		if err != nil {
			return nil, err
		}
		if err := cw.ChangeWrite(ctx, &storage.Change{Events: b.events, Outbox: entries}); err != nil {
			return nil, fmt.Errorf("ticketkit: write history and outbox: %w", err)
		}
		return entries, nil
	}
	if len(b.events) > 0 {
		if err := tx.EventCreate(ctx, b.events); err != nil {
			return nil, fmt.Errorf("ticketkit: write history: %w", err)
		}
	}
	entries, err := b.entries(lockUntil)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	if err := tx.OutboxCreate(ctx, entries); err != nil {
		return nil, fmt.Errorf("ticketkit: write outbox: %w", err)
	}
	return entries, nil
}

// entries returns the outbox entries of b's notifications, claimed
// until lockUntil when it is set (see write).
func (b *batch) entries(lockUntil time.Time) ([]*storage.OutboxEntry, error) {
	if len(b.notices) == 0 {
		return nil, nil
	}
	entries := make([]*storage.OutboxEntry, len(b.notices))
	for i, e := range b.notices {
		payload, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("ticketkit: encode notification: %w", err)
		}
		entries[i] = &storage.OutboxEntry{
			ID:          e.ID,
			TenantID:    e.TenantID,
			TicketID:    e.Ticket.ID,
			Kind:        string(e.Kind),
			Payload:     payload,
			CreatedAt:   e.At,
			LockedUntil: lockUntil,
		}
		if !lockUntil.IsZero() {
			entries[i].Attempts = 1
		}
	}
	return entries, nil
}

// inlineLock is how long the outbox entries of a change stay claimed by
// the Desk's own delivery right after the commit, beyond InlineTimeout.
const inlineLock = time.Minute

// lockUntil returns until when a change's outbox entries are claimed for
// the Desk's own delivery: zero, unclaimed and left to the Dispatchers,
// without inline delivery.
func (d *Desk) lockUntil() time.Time {
	if d.notifier == nil {
		return time.Time{}
	}
	return d.now().Add(d.inlineFor + inlineLock)
}

// deliver hands committed notifications to the Desk's Notifier, if any,
// one attempt each within InlineTimeout, and marks the delivered ones. A
// failed delivery does not fail the use case, whose change has
// committed: the entry is released at once to the Dispatchers, which
// retry it. So is one that panicked: the Dispatchers, with their own
// notifier and MaxAttempts, decide whether it is a dead letter (the
// inline notifier need not be theirs).
func (d *Desk) deliver(ctx context.Context, notices []notify.Event) {
	if d.notifier == nil || len(notices) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.inlineFor)
	defer cancel()
	var done []string
	for i, e := range notices {
		if !d.holds(e) {
			// The claim may have run out (a notifier that ignored its
			// ctx, a sweep of many batches): the rest may be a
			// Dispatcher's now, or will be once their claim runs out.
			d.log.WarnContext(ctx, "ticketkit: inline claim may have run out; notifications left to the dispatcher", "left", len(notices)-i)
			break
		}
		if ctx.Err() != nil {
			// Never handed to the Notifier: the attempt is given back.
			d.release(ctx, notices[i:], ctx.Err(), true)
			break
		}
		ectx, end := d.observeDelivery(ctx, e)
		err := d.notifier.Notify(ectx, e)
		if err == nil {
			end(DeliveryDelivered, nil)
			done = append(done, e.ID)
			continue
		}
		end(DeliveryRetry, err)
		d.release(ctx, notices[i:i+1], err, false)
	}
	if len(done) == 0 {
		return
	}
	err := d.store.OutboxMarkDelivered(context.WithoutCancel(ctx), storage.OutboxMarkDeliveredParams{IDs: done, At: d.now()})
	if err != nil {
		d.log.WarnContext(ctx, "ticketkit: could not mark notifications delivered", "err", err)
	}
}

// holds reports whether the Desk's inline claim on e's outbox entry
// surely still holds: lockUntil set it, at e.At or later, to at least
// e.At plus InlineTimeout plus inlineLock.
func (d *Desk) holds(e notify.Event) bool {
	return d.now().Before(e.At.Add(d.inlineFor + inlineLock))
}

// release hands notifications the Desk did not deliver to the
// Dispatchers at once; untried ones get back the attempt their inline
// claim counted. One whose claim may have run out is left alone: a
// Dispatcher may hold it now, and it returns by itself otherwise.
func (d *Desk) release(ctx context.Context, notices []notify.Event, cause error, untried bool) {
	now := d.now()
	for _, e := range notices {
		if !d.holds(e) {
			continue
		}
		d.log.WarnContext(ctx, "ticketkit: notification left to the dispatcher", "event", e.ID, "kind", e.Kind, "err", cause)
		err := d.store.OutboxFail(context.WithoutCancel(ctx), storage.OutboxFailParams{
			ID: e.ID, Error: cause.Error(), RetryAt: now, At: now, Untried: untried,
		})
		if err != nil {
			d.log.WarnContext(ctx, "ticketkit: could not release notification", "event", e.ID, "err", err)
		}
	}
}
