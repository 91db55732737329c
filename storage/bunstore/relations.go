package bunstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.TicketLocker = (*Store)(nil)
	_ storage.MessageMover = (*Store)(nil)
	_ storage.LinkStore    = (*Store)(nil)
)

// linksTable returns the prefixed name of the links table.
func (s *Store) linksTable() bun.Ident { return bun.Ident(s.prefix + "links") }

// TicketLock returns the tenant's tickets of p.IDs, ordered by ID, and
// on PostgreSQL locks their rows in that order (SELECT ... ORDER BY id
// FOR UPDATE OF t; on MySQL and MariaDB, which have no OF, FOR UPDATE)
// until the transaction ends, so that lockers of overlapping sets wait
// for each other instead of deadlocking. SQLite
// transactions write one at a time, so a plain read serves there.
func (s *Store) TicketLock(ctx context.Context, p storage.TicketLockParams) ([]*ticket.Ticket, error) {
	const op = "lock tickets"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	ids := slices.Clone(p.IDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []ticketRow
	q := s.selectTickets(&rows).
		Where("t.tenant_id = ?", p.TenantID).
		Where("t.id IN (?)", bun.List(ids)).
		OrderExpr("t.id")
	switch s.dialect {
	case DialectPostgres:
		q = q.For("UPDATE OF t")
	case DialectMySQL: // MariaDB has no OF: the joined SLA rows are locked too, in the same ID order
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*ticket.Ticket, len(rows))
	for i := range rows {
		t, err := toTicket(&rows[i])
		if err != nil {
			return nil, err
		}
		s.remember(t.TenantID, t.ID)
		out[i] = t
	}
	return out, nil
}

// MessageMove moves messages to another ticket of the tenant with one
// UPDATE of their ticket_id.
func (s *Store) MessageMove(ctx context.Context, p storage.MessageMoveParams) (int, error) {
	const op = "move messages"
	if p.TenantID == "" {
		return 0, errNoTenant(op)
	}
	if err := s.ticketExists(ctx, op, p.TenantID, p.ToTicketID); err != nil {
		return 0, err
	}
	if len(p.FromTicketIDs) == 0 {
		return 0, nil
	}
	q := s.db.NewUpdate().ModelTableExpr("? AS m", s.tables.messages).
		Set("ticket_id = ?", p.ToTicketID).
		Where("m.tenant_id = ?", p.TenantID).
		Where("m.ticket_id IN (?)", bun.List(p.FromTicketIDs))
	if len(p.MessageIDs) > 0 {
		q = q.Where("m.id IN (?)", bun.List(p.MessageIDs))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return int(n), nil
}

// LinkCreate stores a link; the same link twice gives ErrConflict.
func (s *Store) LinkCreate(ctx context.Context, l *ticket.Link) error {
	const op = "create link"
	switch {
	case l == nil:
		return fmt.Errorf("bunstore: %s: link is nil", op)
	case l.TenantID == "":
		return errNoTenant(op)
	}
	r := &linkRow{
		TenantID: l.TenantID, FromID: l.FromID, Type: string(l.Type), ToID: l.ToID,
		FromNumber: l.FromNumber, ToNumber: l.ToNumber, CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt.UTC(),
	}
	_, err := s.db.NewInsert().Model(r).ModelTableExpr("?", s.linksTable()).Returning("NULL").Exec(ctx)
	return translate(op, err)
}

// LinkDelete removes a link, or returns ErrNotFound.
func (s *Store) LinkDelete(ctx context.Context, p storage.LinkDeleteParams) error {
	const op = "delete link"
	if p.TenantID == "" {
		return errNoTenant(op)
	}
	// No table alias: MariaDB's single-table DELETE takes none.
	q := s.db.NewDelete().ModelTableExpr("?", s.linksTable()).
		Where("tenant_id = ?", p.TenantID).
		Where("from_id = ?", p.FromID).
		Where("type = ?", string(p.Type)).
		Where("to_id = ?", p.ToID)
	return deleteOne(ctx, q, fmt.Sprintf("%s %s %s %s", op, p.FromID, p.Type, p.ToID))
}

// LinkList returns a ticket's links, oldest first, reading those from it
// by the primary key and those to it by links_to_idx.
func (s *Store) LinkList(ctx context.Context, p storage.LinkListParams) ([]*ticket.Link, error) {
	const op = "list links"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	out, in := p.Outgoing || !p.Incoming, p.Incoming || !p.Outgoing
	var rows []linkRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS l", s.linksTable()).
		Where("l.tenant_id = ?", p.TenantID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if out {
				q = q.WhereOr("l.from_id = ?", p.TicketID)
			}
			if in {
				q = q.WhereOr("l.to_id = ?", p.TicketID)
			}
			return q
		}).
		OrderExpr("l.created_at, l.type, l.from_id, l.to_id").
		Limit(int64(storage.ClampLimit(p.Limit)))
	if len(p.Types) > 0 {
		q = q.Where("l.type IN (?)", bun.List(p.Types))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}
	res := make([]*ticket.Link, len(rows))
	for i, r := range rows {
		res[i] = &ticket.Link{
			TenantID: r.TenantID, Type: ticket.LinkType(r.Type), FromID: r.FromID, FromNumber: r.FromNumber,
			ToID: r.ToID, ToNumber: r.ToNumber, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(),
		}
	}
	return res, nil
}

// filterLinked limits q to the tickets linked to f.TicketID: those whose
// links go to it, read by links_to_idx, and unless f.Outgoing those its
// links go to, read by the primary key.
func (s *Store) filterLinked(q *bun.SelectQuery, tenantID string, f *storage.LinkFilter) *bun.SelectQuery {
	side := func(col, other string) *bun.SelectQuery {
		sub := s.db.NewSelect().ColumnExpr("l."+col).ModelTableExpr("? AS l", s.linksTable()).
			Where("l.tenant_id = ?", tenantID).
			Where("l."+other+" = ?", f.TicketID)
		if len(f.Types) > 0 {
			sub = sub.Where("l.type IN (?)", bun.List(f.Types))
		}
		return sub
	}
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.WhereOr("t.id IN (?)", side("from_id", "to_id"))
		if !f.Outgoing {
			q = q.WhereOr("t.id IN (?)", side("to_id", "from_id"))
		}
		return q
	})
}
