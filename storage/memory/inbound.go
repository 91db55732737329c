package memory

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.InboundStore = (*Store)(nil)

// InboundRecord stores a new inbound record; a known key gives
// ErrConflict.
func (s *Store) InboundRecord(ctx context.Context, p storage.InboundRecordParams) error {
	return s.write(ctx, func(x *tx) error { return x.InboundRecord(ctx, p) })
}

// InboundGet returns the record of a key.
func (s *Store) InboundGet(ctx context.Context, p storage.InboundGetParams) (*storage.Inbound, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	x := &tx{db: &s.db}
	return x.InboundGet(ctx, p)
}

// InboundComplete sets the ticket of the record made at p.At.
func (s *Store) InboundComplete(ctx context.Context, p storage.InboundCompleteParams) error {
	return s.write(ctx, func(x *tx) error { return x.InboundComplete(ctx, p) })
}

// InboundDelete deletes the record made at p.At.
func (s *Store) InboundDelete(ctx context.Context, p storage.InboundDeleteParams) error {
	return s.write(ctx, func(x *tx) error { return x.InboundDelete(ctx, p) })
}

// InboundRecord stores a new inbound record; a known key gives
// ErrConflict.
func (x *tx) InboundRecord(ctx context.Context, p storage.InboundRecordParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: record inbound message: %w", err)
	}
	if x.db.inbound == nil {
		x.db.inbound = map[key]storage.Inbound{}
	}
	k := key{p.TenantID, p.Key}
	if _, ok := x.db.inbound[k]; ok {
		return fmt.Errorf("memory: record inbound message %q: %w", p.Key, storage.ErrConflict)
	}
	x.db.inbound[k] = storage.Inbound{TenantID: p.TenantID, Key: p.Key, TicketID: p.TicketID, At: utc(p.At)}
	x.onUndo(func() { delete(x.db.inbound, k) })
	return nil
}

// InboundGet returns the record of a key.
func (x *tx) InboundGet(ctx context.Context, p storage.InboundGetParams) (*storage.Inbound, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: get inbound message: %w", err)
	}
	r, ok := x.db.inbound[key{p.TenantID, p.Key}]
	if !ok {
		return nil, fmt.Errorf("memory: inbound message %q: %w", p.Key, storage.ErrNotFound)
	}
	return &r, nil
}

// InboundComplete sets the ticket of the record made at p.At.
func (x *tx) InboundComplete(ctx context.Context, p storage.InboundCompleteParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: complete inbound message: %w", err)
	}
	k := key{p.TenantID, p.Key}
	old, ok := x.db.inbound[k]
	if !ok || !old.At.Equal(utc(p.At)) {
		return fmt.Errorf("memory: complete inbound message %q: %w", p.Key, storage.ErrNotFound)
	}
	r := old
	r.TicketID = p.TicketID
	x.db.inbound[k] = r
	x.onUndo(func() { x.db.inbound[k] = old })
	return nil
}

// InboundDelete deletes the record made at p.At.
func (x *tx) InboundDelete(ctx context.Context, p storage.InboundDeleteParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: delete inbound message: %w", err)
	}
	k := key{p.TenantID, p.Key}
	old, ok := x.db.inbound[k]
	if !ok || !old.At.Equal(utc(p.At)) {
		return fmt.Errorf("memory: delete inbound message %q: %w", p.Key, storage.ErrNotFound)
	}
	delete(x.db.inbound, k)
	x.onUndo(func() { x.db.inbound[k] = old })
	return nil
}
