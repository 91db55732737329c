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
	_ storage.WatcherStore = (*Store)(nil)
	_ storage.WatcherStore = (*tx)(nil)
)

// WatcherAdd stores a copy of a watcher.
func (s *Store) WatcherAdd(ctx context.Context, w *ticket.Watcher) error {
	return s.write(ctx, func(x *tx) error { return x.WatcherAdd(ctx, w) })
}

// WatcherRemove removes a watcher.
func (s *Store) WatcherRemove(ctx context.Context, params storage.WatcherRemoveParams) error {
	return s.write(ctx, func(x *tx) error { return x.WatcherRemove(ctx, params) })
}

// WatcherList returns copies of the watchers of tickets.
func (s *Store) WatcherList(ctx context.Context, params storage.WatcherListParams) ([]*ticket.Watcher, error) {
	return read(s, func(x *tx) ([]*ticket.Watcher, error) { return x.WatcherList(ctx, params) })
}

// sameWatcher reports whether w is the watcher named.
func sameWatcher(w *ticket.Watcher, tenantID, ticketID string, kind ticket.WatcherKind, key string) bool {
	return w.TenantID == tenantID && w.TicketID == ticketID && w.Kind == kind && w.Key == key
}

// WatcherAdd stores a copy of w.
func (x *tx) WatcherAdd(ctx context.Context, w *ticket.Watcher) error {
	if w == nil {
		return errors.New("memory: add watcher: watcher is nil")
	}
	if err := x.check(ctx, w.TenantID); err != nil {
		return fmt.Errorf("memory: add watcher: %w", err)
	}
	if x.ticket(w.TenantID, w.TicketID) == nil {
		return fmt.Errorf("memory: add watcher to %s: %w", w.TicketID, storage.ErrNotFound)
	}
	if slices.ContainsFunc(x.db.watchers, func(h *ticket.Watcher) bool {
		return sameWatcher(h, w.TenantID, w.TicketID, w.Kind, w.Key)
	}) {
		return fmt.Errorf("memory: add watcher %s %s to %s: %w", w.Kind, w.Key, w.TicketID, storage.ErrConflict)
	}
	c := *w
	c.CreatedAt = utc(c.CreatedAt)
	insertRow(x, &x.db.watchers, &c)
	return nil
}

// WatcherRemove removes a watcher.
func (x *tx) WatcherRemove(ctx context.Context, p storage.WatcherRemoveParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: remove watcher: %w", err)
	}
	i := slices.IndexFunc(x.db.watchers, func(w *ticket.Watcher) bool { return sameWatcher(w, p.TenantID, p.TicketID, p.Kind, p.Key) })
	if i < 0 {
		return fmt.Errorf("memory: remove watcher %s %s of %s: %w", p.Kind, p.Key, p.TicketID, storage.ErrNotFound)
	}
	deleteRow(x, &x.db.watchers, i)
	return nil
}

// insertRow appends v to *rows, undone when the transaction rolls back.
func insertRow[T any](x *tx, rows *[]*T, v *T) {
	n := len(*rows)
	*rows = append(*rows, v)
	x.onUndo(func() {
		(*rows)[n] = nil
		*rows = (*rows)[:n]
	})
}

// deleteRow removes (*rows)[i], undone when the transaction rolls back.
func deleteRow[T any](x *tx, rows *[]*T, i int) {
	old := slices.Clone(*rows)
	*rows = slices.Delete(*rows, i, i+1)
	x.onUndo(func() { *rows = old })
}

// WatcherList returns copies of the watchers of tickets, by ticket, then
// oldest first.
func (x *tx) WatcherList(ctx context.Context, p storage.WatcherListParams) ([]*ticket.Watcher, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list watchers: %w", err)
	}
	var res []*ticket.Watcher
	for _, w := range x.db.watchers {
		if w.TenantID != p.TenantID || !slices.Contains(p.TicketIDs, w.TicketID) || (p.Kind != "" && w.Kind != p.Kind) {
			continue
		}
		c := *w
		res = append(res, &c)
	}
	slices.SortStableFunc(res, func(a, b *ticket.Watcher) int {
		return cmp.Or(cmp.Compare(a.TicketID, b.TicketID), a.CreatedAt.Compare(b.CreatedAt),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key))
	})
	if limit := storage.ClampLimit(p.Limit); len(res) > limit {
		res = res[:limit]
	}
	return res, nil
}
