package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.WatcherStore = (*Store)(nil)

// watchersTable returns the prefixed name of the watchers table.
func (s *Store) watchersTable() bun.Ident { return bun.Ident(s.prefix + "watchers") }

// WatcherAdd stores a watcher of an existing ticket of the tenant; the
// same watcher twice gives ErrConflict, an unknown ticket ErrNotFound.
func (s *Store) WatcherAdd(ctx context.Context, w *ticket.Watcher) error {
	const op = "add watcher"
	switch {
	case w == nil:
		return fmt.Errorf("bunstore: %s: watcher is nil", op)
	case w.TenantID == "":
		return errNoTenant(op)
	}
	if err := s.ticketExists(ctx, op, w.TenantID, w.TicketID); err != nil {
		return err
	}
	r := &watcherRow{
		TenantID: w.TenantID, TicketID: w.TicketID, Kind: string(w.Kind), Key: w.Key,
		CreatedBy: w.CreatedBy, CreatedAt: utc(w.CreatedAt),
	}
	_, err := s.db.NewInsert().Model(r).ModelTableExpr("?", s.watchersTable()).Returning("NULL").Exec(ctx)
	return translate(op, err)
}

// WatcherRemove removes a watcher, or returns ErrNotFound.
func (s *Store) WatcherRemove(ctx context.Context, p storage.WatcherRemoveParams) error {
	const op = "remove watcher"
	if p.TenantID == "" {
		return errNoTenant(op)
	}
	// No table alias: MariaDB's single-table DELETE takes none.
	q := s.db.NewDelete().ModelTableExpr("?", s.watchersTable()).
		Where("tenant_id = ?", p.TenantID).
		Where("ticket_id = ?", p.TicketID).
		Where("kind = ?", string(p.Kind)).
		Where("watcher_key = ?", p.Key)
	return deleteOne(ctx, q, fmt.Sprintf("%s %s %s of %s", op, p.Kind, p.Key, p.TicketID))
}

// deleteOne runs q, which deletes one row, and returns ErrNotFound when
// it deleted none; what names the operation and the row in errors.
func deleteOne(ctx context.Context, q *bun.DeleteQuery, what string) error {
	res, err := q.Exec(ctx)
	if err != nil {
		return translate(what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(what, err)
	} else if n == 0 {
		return fmt.Errorf("bunstore: %s: %w", what, storage.ErrNotFound)
	}
	return nil
}

// WatcherList returns the watchers of tickets by ticket, then oldest
// first, read through the primary key.
func (s *Store) WatcherList(ctx context.Context, p storage.WatcherListParams) ([]*ticket.Watcher, error) {
	const op = "list watchers"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	if len(p.TicketIDs) == 0 {
		return nil, nil
	}
	var rows []watcherRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS w", s.watchersTable()).
		Where("w.tenant_id = ?", p.TenantID).
		Where("w.ticket_id IN (?)", bun.List(p.TicketIDs)).
		OrderExpr("w.ticket_id, w.created_at, w.kind, w.watcher_key").
		Limit(int64(storage.ClampLimit(p.Limit)))
	if p.Kind != "" {
		q = q.Where("w.kind = ?", string(p.Kind))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}
	res := make([]*ticket.Watcher, len(rows))
	for i, r := range rows {
		res[i] = &ticket.Watcher{
			TenantID: r.TenantID, TicketID: r.TicketID, Kind: ticket.WatcherKind(r.Kind), Key: r.Key,
			CreatedBy: r.CreatedBy, CreatedAt: fromDB(r.CreatedAt),
		}
	}
	return res, nil
}
