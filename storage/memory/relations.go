package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.TicketLocker = (*Store)(nil)
	_ storage.MessageMover = (*Store)(nil)
	_ storage.LinkStore    = (*Store)(nil)
	_ storage.TicketLocker = (*tx)(nil)
	_ storage.MessageMover = (*tx)(nil)
	_ storage.LinkStore    = (*tx)(nil)
)

// TicketLock returns copies of the tickets of params.IDs that exist,
// ordered by ID. Transactions of the memory store run one at a time, so
// holding the store's lock is holding the tickets'.
func (s *Store) TicketLock(ctx context.Context, params storage.TicketLockParams) ([]*ticket.Ticket, error) {
	return read(s, func(x *tx) ([]*ticket.Ticket, error) { return x.TicketLock(ctx, params) })
}

// MessageMove moves messages to another ticket in one transaction.
func (s *Store) MessageMove(ctx context.Context, params storage.MessageMoveParams) (int, error) {
	var n int
	err := s.write(ctx, func(x *tx) (err error) {
		n, err = x.MessageMove(ctx, params)
		return err
	})
	return n, err
}

// LinkCreate stores a copy of a link.
func (s *Store) LinkCreate(ctx context.Context, l *ticket.Link) error {
	return s.write(ctx, func(x *tx) error { return x.LinkCreate(ctx, l) })
}

// LinkDelete removes a link.
func (s *Store) LinkDelete(ctx context.Context, params storage.LinkDeleteParams) error {
	return s.write(ctx, func(x *tx) error { return x.LinkDelete(ctx, params) })
}

// LinkList returns copies of a ticket's links, oldest first.
func (s *Store) LinkList(ctx context.Context, params storage.LinkListParams) ([]*ticket.Link, error) {
	return read(s, func(x *tx) ([]*ticket.Link, error) { return x.LinkList(ctx, params) })
}

// TicketLock returns copies of the tickets of p.IDs that exist, by ID.
func (x *tx) TicketLock(ctx context.Context, p storage.TicketLockParams) ([]*ticket.Ticket, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: lock tickets: %w", err)
	}
	ids := slices.Clone(p.IDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []*ticket.Ticket
	for _, id := range ids {
		if t := x.ticket(p.TenantID, id); t != nil {
			out = append(out, t.Clone())
		}
	}
	return out, nil
}

// MessageMove sets the ticket of the selected messages to p.ToTicketID.
func (x *tx) MessageMove(ctx context.Context, p storage.MessageMoveParams) (int, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return 0, fmt.Errorf("memory: move messages: %w", err)
	}
	if x.ticket(p.TenantID, p.ToTicketID) == nil {
		return 0, fmt.Errorf("memory: move messages to %s: %w", p.ToTicketID, storage.ErrNotFound)
	}
	var only map[string]bool
	if len(p.MessageIDs) > 0 {
		only = make(map[string]bool, len(p.MessageIDs))
		for _, id := range p.MessageIDs {
			only[id] = true
		}
	}
	n := 0
	for i, m := range x.db.messages {
		if m.TenantID != p.TenantID || !slices.Contains(p.FromTicketIDs, m.TicketID) || (only != nil && !only[m.ID]) {
			continue
		}
		c := m.Clone() // rows are replaced, never changed in place
		c.TicketID = p.ToTicketID
		x.db.messages[i] = c
		x.onUndo(func() { x.db.messages[i] = m })
		n++
	}
	return n, nil
}

// sameLink reports whether a and b name the same link.
func sameLink(a *ticket.Link, tenantID string, typ ticket.LinkType, from, to string) bool {
	return a.TenantID == tenantID && a.Type == typ && a.FromID == from && a.ToID == to
}

// LinkCreate stores a copy of l.
func (x *tx) LinkCreate(ctx context.Context, l *ticket.Link) error {
	if l == nil {
		return errors.New("memory: create link: link is nil")
	}
	if err := x.check(ctx, l.TenantID); err != nil {
		return fmt.Errorf("memory: create link: %w", err)
	}
	for _, have := range x.db.links {
		if sameLink(have, l.TenantID, l.Type, l.FromID, l.ToID) {
			return fmt.Errorf("memory: create link %s %s %s: %w", l.FromID, l.Type, l.ToID, storage.ErrConflict)
		}
	}
	c := *l
	c.CreatedAt = utc(c.CreatedAt)
	insertRow(x, &x.db.links, &c)
	return nil
}

// LinkDelete removes a link.
func (x *tx) LinkDelete(ctx context.Context, p storage.LinkDeleteParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: delete link: %w", err)
	}
	i := slices.IndexFunc(x.db.links, func(l *ticket.Link) bool { return sameLink(l, p.TenantID, p.Type, p.FromID, p.ToID) })
	if i < 0 {
		return fmt.Errorf("memory: delete link %s %s %s: %w", p.FromID, p.Type, p.ToID, storage.ErrNotFound)
	}
	deleteRow(x, &x.db.links, i)
	return nil
}

// LinkList returns copies of a ticket's links, oldest first.
func (x *tx) LinkList(ctx context.Context, p storage.LinkListParams) ([]*ticket.Link, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list links: %w", err)
	}
	out, in := p.Outgoing || !p.Incoming, p.Incoming || !p.Outgoing
	var res []*ticket.Link
	for _, l := range x.db.links {
		if l.TenantID != p.TenantID || (len(p.Types) > 0 && !slices.Contains(p.Types, l.Type)) {
			continue
		}
		if (out && l.FromID == p.TicketID) || (in && l.ToID == p.TicketID) {
			c := *l
			res = append(res, &c)
		}
	}
	slices.SortStableFunc(res, compareLinks)
	if limit := storage.ClampLimit(p.Limit); len(res) > limit {
		res = res[:limit]
	}
	return res, nil
}

// compareLinks orders links as LinkList lists them.
func compareLinks(a, b *ticket.Link) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Type, b.Type),
		cmp.Compare(a.FromID, b.FromID), cmp.Compare(a.ToID, b.ToID))
}

// matchLinked reports whether t passes the link filter f (nil passes
// every ticket).
func (x *tx) matchLinked(t *ticket.Ticket, f *storage.LinkFilter) bool {
	if f == nil {
		return true
	}
	return slices.ContainsFunc(x.db.links, func(l *ticket.Link) bool {
		if l.TenantID != t.TenantID || (len(f.Types) > 0 && !slices.Contains(f.Types, l.Type)) {
			return false
		}
		return (l.FromID == t.ID && l.ToID == f.TicketID) || (!f.Outgoing && l.ToID == t.ID && l.FromID == f.TicketID)
	})
}
