package memory

import (
	"context"
	"errors"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// EventCreate appends copies of history lines to their tickets'
// histories. Every line must belong to an existing ticket of its tenant.
func (x *tx) EventCreate(ctx context.Context, events []*ticket.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.ended {
		return errEnded
	}
	batch := make(map[string]struct{}, len(events))
	for _, e := range events {
		if e == nil {
			return errors.New("memory: create events: event is nil")
		}
		if err := x.check(ctx, e.TenantID); err != nil {
			return fmt.Errorf("memory: create events: %w", err)
		}
		if e.ID == "" {
			return errors.New("memory: create events: event ID is required")
		}
		if x.ticket(e.TenantID, e.TicketID) == nil {
			return fmt.Errorf("memory: create event %s: ticket %s: %w", e.ID, e.TicketID, storage.ErrNotFound)
		}
		_, taken := x.db.eventIDs[e.ID]
		if _, dup := batch[e.ID]; taken || dup {
			return fmt.Errorf("memory: create event %s: ID taken: %w", e.ID, storage.ErrConflict)
		}
		batch[e.ID] = struct{}{}
	}
	for _, e := range events {
		c := *e
		c.At = utc(c.At)
		k := key{c.TenantID, c.TicketID}
		n := len(x.db.events[k])
		x.db.events[k] = append(x.db.events[k], &c)
		x.db.eventIDs[c.ID] = struct{}{}
		x.onUndo(func() {
			h := x.db.events[k]
			h[n] = nil
			if n == 0 {
				delete(x.db.events, k)
			} else {
				x.db.events[k] = h[:n]
			}
			delete(x.db.eventIDs, c.ID)
		})
	}
	return nil
}

// EventList returns copies of a ticket's history in append order.
func (x *tx) EventList(ctx context.Context, p storage.EventListParams) ([]*ticket.Event, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list events: %w", err)
	}
	h := x.db.events[key{p.TenantID, p.TicketID}]
	out := make([]*ticket.Event, len(h))
	for i, e := range h {
		c := *e
		out[i] = &c
	}
	return out, nil
}
