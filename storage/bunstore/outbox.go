package bunstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

// OutboxCreate stores notifications in one INSERT; a taken ID gives
// ErrConflict and nothing is written then.
func (s *Store) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	const op = "create outbox entries"
	if len(entries) == 0 {
		return nil
	}
	rows := make([]outboxRow, len(entries))
	for i, e := range entries {
		switch {
		case e == nil:
			return fmt.Errorf("bunstore: %s: entry is nil", op)
		case e.TenantID == "":
			return errNoTenant(op)
		case e.ID == "":
			return fmt.Errorf("bunstore: %s: entry ID is required", op)
		}
		rows[i] = toOutboxRow(e)
	}
	if _, err := s.db.NewInsert().Model(&rows).ModelTableExpr("?", s.tables.outbox).Returning("NULL").Exec(ctx); err != nil {
		return translate(op, err)
	}
	return nil
}

// OutboxPending returns undelivered entries of all tenants ordered by
// creation time and ID, at most storage.ClampLimit(p.Limit) of them.
func (s *Store) OutboxPending(ctx context.Context, p storage.OutboxPendingParams) ([]*storage.OutboxEntry, error) {
	var rows []outboxRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS o", s.tables.outbox).
		Where("o.delivered_at IS NULL").
		OrderExpr("o.created_at ASC, o.id ASC").
		Limit(int64(storage.ClampLimit(p.Limit))).
		Scan(ctx)
	if err != nil {
		return nil, translate("list pending outbox entries", err)
	}
	out := make([]*storage.OutboxEntry, len(rows))
	for i := range rows {
		out[i] = toOutboxEntry(&rows[i])
	}
	return out, nil
}

// OutboxMarkDelivered sets the delivery time of entries; unknown IDs are
// ignored.
func (s *Store) OutboxMarkDelivered(ctx context.Context, p storage.OutboxMarkDeliveredParams) error {
	const op = "mark outbox entries delivered"
	if p.At.IsZero() {
		return errors.New("bunstore: " + op + ": delivery time is required")
	}
	if len(p.IDs) == 0 {
		return nil
	}
	_, err := s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
		Set("delivered_at = ?", utc(p.At)).
		Where("id IN (?)", bun.List(p.IDs)).
		Exec(ctx)
	return translate(op, err)
}
