package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.CustomerEraser = (*Store)(nil)

// CustomerErase erases the personal data kept beside tickets; see
// storage.CustomerEraser.
func (s *Store) CustomerErase(ctx context.Context, p storage.CustomerEraseParams) (res *storage.CustomerEraseResult, err error) {
	err = s.write(ctx, func(x *tx) error {
		res, err = x.CustomerErase(ctx, p)
		return err
	})
	return res, err
}

// ErasureCreate stores a tombstone.
func (s *Store) ErasureCreate(ctx context.Context, e *storage.Erasure) error {
	return s.write(ctx, func(x *tx) error { return x.ErasureCreate(ctx, e) })
}

// ErasureList returns a tenant's tombstones, oldest first.
func (s *Store) ErasureList(ctx context.Context, p storage.ErasureListParams) ([]*storage.Erasure, error) {
	return read(s, func(x *tx) ([]*storage.Erasure, error) { return x.ErasureList(ctx, p) })
}

// CustomerErase erases the personal data kept beside tickets.
func (x *tx) CustomerErase(ctx context.Context, p storage.CustomerEraseParams) (*storage.CustomerEraseResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: erase customer: %w", err)
	}
	if p.At.IsZero() {
		return nil, errors.New("memory: erase customer: At is required")
	}
	res := &storage.CustomerEraseResult{}
	of := make(map[string]bool, len(p.TicketIDs))
	for _, id := range p.TicketIDs {
		of[id] = true
	}
	for i, m := range x.db.messages {
		if m.TenantID != p.TenantID || !of[m.TicketID] || (m.Body == "" && len(m.Attachments) == 0) {
			continue
		}
		c := m.Clone()
		for _, a := range c.Attachments {
			res.BlobKeys = append(res.BlobKeys, a.Key)
		}
		res.Messages++
		res.Attachments += len(c.Attachments)
		c.Body, c.Attachments = "", nil
		x.db.messages[i] = c
		x.onUndo(func() { x.db.messages[i] = m })
	}
	for _, id := range p.TicketIDs {
		k := key{p.TenantID, id}
		old := x.db.events[k]
		var now []*ticket.Event
		changed := false
		for _, e := range old {
			if slices.Contains(p.KeepFields, e.Field) || (e.Old == "" && e.New == "") {
				now = append(now, e)
				continue
			}
			c := *e
			c.Old, c.New = "", ""
			now = append(now, &c)
			res.Events++
			changed = true
		}
		if changed {
			x.db.events[k] = now
			x.onUndo(func() { x.db.events[k] = old })
		}
	}
	at := utc(p.At)
	for i, e := range x.db.outbox {
		if e.TenantID != p.TenantID || !of[e.TicketID] {
			continue
		}
		x.replace(i, func(c *storage.OutboxEntry) {
			c.Payload = []byte("{}")
			if pending(c) {
				c.DeadAt, c.LockedUntil, c.LastError = at, time.Time{}, "erased"
			}
		})
		res.Outbox++
	}
	for k, r := range x.db.inbound {
		if r.TenantID == p.TenantID && of[r.TicketID] {
			delete(x.db.inbound, k)
			x.onUndo(func() { x.db.inbound[k] = r })
			res.Inbound++
		}
	}
	return res, nil
}

// ErasureCreate stores a tombstone.
func (x *tx) ErasureCreate(ctx context.Context, e *storage.Erasure) error {
	if e == nil {
		return errors.New("memory: create erasure: erasure is nil")
	}
	if err := x.check(ctx, e.TenantID); err != nil {
		return fmt.Errorf("memory: create erasure: %w", err)
	}
	if e.ID == "" {
		return errors.New("memory: create erasure: ID is required")
	}
	for _, o := range x.db.erasures {
		if o.ID == e.ID {
			return fmt.Errorf("memory: create erasure %s: %w", e.ID, storage.ErrConflict)
		}
	}
	c := *e
	c.At = utc(c.At)
	n := len(x.db.erasures)
	x.db.erasures = append(x.db.erasures, &c)
	x.onUndo(func() { x.db.erasures = x.db.erasures[:n] })
	return nil
}

// ErasureList returns a tenant's tombstones, oldest first.
func (x *tx) ErasureList(ctx context.Context, p storage.ErasureListParams) ([]*storage.Erasure, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list erasures: %w", err)
	}
	var out []*storage.Erasure
	for _, e := range x.db.erasures {
		if e.TenantID == p.TenantID && (p.CustomerID == "" || e.CustomerID == p.CustomerID) {
			c := *e
			out = append(out, &c)
		}
	}
	slices.SortStableFunc(out, func(a, b *storage.Erasure) int { return a.At.Compare(b.At) })
	return out[:min(len(out), storage.ClampLimit(p.Limit))], nil
}
