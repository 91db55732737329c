package ticketkit

import (
	"context"
	"encoding/json"
	"fmt"

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
	// extra lists notification kinds the use case asks for besides the
	// ones derived from the change.
	extra []notify.Kind
	// touched forces a write when no tracked field changed, such as when
	// a message was added.
	touched bool
}

// history turns field changes into history lines of t.
func (b *batch) history(t *ticket.Ticket, changes []ticket.Event) {
	for _, c := range changes {
		c.ID = newID()
		c.TenantID = t.TenantID
		c.TicketID = t.ID
		c.ActorID = b.actor.ID
		c.ActorRole = b.actor.Role
		c.At = t.UpdatedAt
		b.events = append(b.events, &c)
	}
}

// notice queues a notification carrying a snapshot of t.
func (b *batch) notice(kind notify.Kind, t *ticket.Ticket, fill func(*notify.Event)) {
	e := notify.Event{
		ID:       newID(),
		Kind:     kind,
		TenantID: t.TenantID,
		At:       t.UpdatedAt,
		Actor:    b.actor,
		Ticket:   t.Clone(),
		Changes:  b.events,
	}
	if fill != nil {
		fill(&e)
	}
	b.notices = append(b.notices, e)
}

// write stores the history lines and the outbox entries in tx.
func (b *batch) write(ctx context.Context, tx storage.Tx) ([]*storage.OutboxEntry, error) {
	if len(b.events) > 0 {
		if err := tx.EventCreate(ctx, b.events); err != nil {
			return nil, fmt.Errorf("ticketkit: write history: %w", err)
		}
	}
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
			ID:        e.ID,
			TenantID:  e.TenantID,
			TicketID:  e.Ticket.ID,
			Kind:      string(e.Kind),
			Payload:   payload,
			CreatedAt: e.At,
		}
	}
	if err := tx.OutboxCreate(ctx, entries); err != nil {
		return nil, fmt.Errorf("ticketkit: write outbox: %w", err)
	}
	return entries, nil
}

// deliver hands committed notifications to the notifier, marks the
// delivered ones and returns how many were delivered. A failed delivery
// does not fail the use case, whose change has committed: the entry stays
// pending for [Desk.DeliverPending].
func (d *Desk) deliver(ctx context.Context, notices []notify.Event) int {
	var done []string
	for _, e := range notices {
		if err := d.notifier.Notify(ctx, e); err != nil {
			d.log.WarnContext(ctx, "ticketkit: notification left in the outbox", "event", e.ID, "kind", e.Kind, "err", err)
			continue
		}
		done = append(done, e.ID)
	}
	if len(done) == 0 {
		return 0
	}
	err := d.store.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: done, At: d.now()})
	if err != nil {
		d.log.WarnContext(ctx, "ticketkit: could not mark notifications delivered", "err", err)
	}
	return len(done)
}

// DeliverPending hands up to limit undelivered notifications of all
// tenants to the notifier, oldest first, and returns how many were
// delivered. Notifications are delivered right after their change
// commits; this picks up those whose delivery failed or was cut short by
// a crash. Delivery is at least once: use [notify.Event.ID] to
// deduplicate.
func (d *Desk) DeliverPending(ctx context.Context, limit int) (int, error) {
	entries, err := d.store.OutboxPending(ctx, storage.OutboxPendingParams{Limit: limit})
	if err != nil {
		return 0, fmt.Errorf("ticketkit: read outbox: %w", err)
	}
	notices := make([]notify.Event, 0, len(entries))
	for _, en := range entries {
		var e notify.Event
		if err := json.Unmarshal(en.Payload, &e); err != nil {
			d.log.ErrorContext(ctx, "ticketkit: undecodable outbox entry", "entry", en.ID, "err", err)
			continue
		}
		notices = append(notices, e)
	}
	return d.deliver(ctx, notices), nil
}
