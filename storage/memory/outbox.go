package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
)

// cloneEntry returns a deep copy of e.
func cloneEntry(e *storage.OutboxEntry) *storage.OutboxEntry {
	c := *e
	c.Payload = bytes.Clone(e.Payload)
	return &c
}

// OutboxCreate stores copies of outbox entries.
func (x *tx) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.ended {
		return errEnded
	}
	batch := make(map[string]struct{}, len(entries))
	for _, e := range entries {
		if e == nil {
			return errors.New("memory: create outbox entries: entry is nil")
		}
		if err := x.check(ctx, e.TenantID); err != nil {
			return fmt.Errorf("memory: create outbox entries: %w", err)
		}
		if e.ID == "" {
			return errors.New("memory: create outbox entries: entry ID is required")
		}
		_, taken := x.db.outIdx[e.ID]
		if _, dup := batch[e.ID]; taken || dup {
			return fmt.Errorf("memory: create outbox entry %s: ID taken: %w", e.ID, storage.ErrConflict)
		}
		batch[e.ID] = struct{}{}
	}
	for _, e := range entries {
		c := cloneEntry(e)
		c.CreatedAt = utc(c.CreatedAt)
		c.DeliveredAt = utc(c.DeliveredAt)
		n := len(x.db.outbox)
		x.db.outbox = append(x.db.outbox, c)
		x.db.outIdx[c.ID] = n
		x.onUndo(func() {
			x.db.outbox[n] = nil
			x.db.outbox = x.db.outbox[:n]
			delete(x.db.outIdx, c.ID)
		})
	}
	return nil
}

// OutboxPending returns copies of undelivered entries, oldest first.
func (x *tx) OutboxPending(ctx context.Context, p storage.OutboxPendingParams) ([]*storage.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if x.ended {
		return nil, errEnded
	}
	var pending []*storage.OutboxEntry
	for _, e := range x.db.outbox {
		if e.DeliveredAt.IsZero() {
			pending = append(pending, e)
		}
	}
	slices.SortStableFunc(pending, func(a, b *storage.OutboxEntry) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	pending = pending[:min(len(pending), storage.ClampLimit(p.Limit))]
	out := make([]*storage.OutboxEntry, len(pending))
	for i, e := range pending {
		out[i] = cloneEntry(e)
	}
	return out, nil
}

// OutboxMarkDelivered sets the delivery time of entries; unknown IDs are
// ignored.
func (x *tx) OutboxMarkDelivered(ctx context.Context, p storage.OutboxMarkDeliveredParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.ended {
		return errEnded
	}
	if p.At.IsZero() {
		return errors.New("memory: mark outbox entries delivered: delivery time is required")
	}
	at := utc(p.At)
	for _, id := range p.IDs {
		i, ok := x.db.outIdx[id]
		if !ok {
			continue
		}
		old := x.db.outbox[i]
		c := cloneEntry(old)
		c.DeliveredAt = at
		x.db.outbox[i] = c
		x.onUndo(func() { x.db.outbox[i] = old })
	}
	return nil
}
