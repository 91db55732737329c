package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// MessageCreate stores a message of an existing ticket of its tenant; an
// unknown ticket gives ErrNotFound and a taken ID ErrConflict.
func (s *Store) MessageCreate(ctx context.Context, m *ticket.Message) error {
	const op = "create message"
	switch {
	case m == nil:
		return fmt.Errorf("bunstore: %s: message is nil", op)
	case m.TenantID == "":
		return errNoTenant(op)
	case m.ID == "":
		return fmt.Errorf("bunstore: %s: message ID is required", op)
	}
	if err := s.ticketExists(ctx, op+" "+m.ID, m.TenantID, m.TicketID); err != nil {
		return err
	}
	r, err := toMessageRow(m)
	if err != nil {
		return err
	}
	insert := func(s *Store) error {
		_, err := s.db.NewInsert().Model(r).ModelTableExpr("?", s.tables.messages).Returning("NULL").Exec(ctx)
		return translate(op+" "+m.ID, err)
	}
	refs := attachmentRefRows(m)
	if len(refs) == 0 {
		return insert(s)
	}
	// The message and the references of its attachments commit
	// together, or a blob reconciler could delete content the message
	// names (see AttachmentRefCheck).
	return s.atomic(ctx, func(s *Store) error {
		if err := insert(s); err != nil {
			return err
		}
		return s.insertAttachmentRefs(ctx, op+" "+m.ID, refs)
	})
}

// ticketExists returns nil if the tenant has the ticket and an error
// wrapping ErrNotFound if not. It asks the database unless the
// transaction wrote or claimed the ticket.
func (s *Store) ticketExists(ctx context.Context, op, tenantID, ticketID string) error {
	if s.isKnown(tenantID, ticketID) {
		return nil
	}
	ok, err := s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).
		Where("t.tenant_id = ?", tenantID).
		Where("t.id = ?", ticketID).
		Exists(ctx)
	if err != nil {
		return translate(op, err)
	}
	if !ok {
		return fmt.Errorf("bunstore: %s: ticket %s: %w", op, ticketID, storage.ErrNotFound)
	}
	return nil
}

// MessageList returns one page of messages ordered by creation time and
// ID, with keyset pagination on (created_at, id).
func (s *Store) MessageList(ctx context.Context, p storage.MessageListParams) (*storage.MessageListResult, error) {
	const op = "list messages"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	limit := storage.ClampLimit(p.Limit)
	var rows []messageRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS m", s.tables.messages).
		Where("m.tenant_id = ?", p.TenantID)
	if p.TicketID != "" {
		q = q.Where("m.ticket_id = ?", p.TicketID)
	}
	if p.CustomerID != "" {
		// The ticket's current customer, as the ticket may change hands.
		q = q.Where("m.ticket_id IN (?)", s.db.NewSelect().
			ModelTableExpr("? AS t", s.tables.tickets).
			Column("t.id").
			Where("t.tenant_id = ?", p.TenantID).
			Where("t.customer_id = ?", p.CustomerID))
	}
	if len(p.Kinds) > 0 {
		q = q.Where("m.kind IN (?)", bun.List(p.Kinds))
	}
	if !p.CreatedFrom.IsZero() {
		q = q.Where("m.created_at >= ?", utc(p.CreatedFrom))
	}
	if !p.CreatedTo.IsZero() {
		q = q.Where("m.created_at < ?", utc(p.CreatedTo))
	}
	if p.After != "" {
		c, err := storage.DecodeCursor(p.After, storage.SortCreatedAt, false)
		if err != nil {
			return nil, fmt.Errorf("bunstore: %s: %w", op, err)
		}
		q = q.Where("(m.created_at, m.id) > (?, ?)", utc(c.Time), c.ID)
	}
	err := q.OrderExpr("m.created_at ASC, m.id ASC").Limit(int64(limit + 1)).Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	res := &storage.MessageListResult{Messages: make([]*ticket.Message, 0, min(len(rows), limit))}
	for i := range rows[:min(len(rows), limit)] {
		m, err := toMessage(&rows[i])
		if err != nil {
			return nil, err
		}
		res.Messages = append(res.Messages, m)
	}
	if len(rows) > limit {
		last := res.Messages[limit-1]
		res.Next = storage.Cursor{Sort: storage.SortCreatedAt, Time: last.CreatedAt, ID: last.ID}.Encode()
	}
	return res, nil
}
