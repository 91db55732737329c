package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/dialect"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TicketClaimDue returns the tickets whose SLA wake time (SLA.WakeAt(),
// the next_check_at column of their ticket_sla row) has come, those due
// first, reading only the partial index on that column. On PostgreSQL
// the SELECT locks the SLA rows with FOR UPDATE OF s SKIP LOCKED, held
// until the caller's transaction ends, so that concurrent sweepers pass
// over each other's tickets instead of waiting for them or taking them
// twice; a row another sweeper updated meanwhile is checked again
// against the wake time. On MySQL 8 and MariaDB 10.6+ it is FOR UPDATE
// SKIP LOCKED, which locks the joined ticket rows as well. Every writer of a ticket writes its SLA row
// first (see TicketUpdate), so a sweeper holding it owns the ticket. On
// SQLite the single writer serializes the sweepers' transactions.
func (s *Store) TicketClaimDue(ctx context.Context, p storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	const op = "claim due tickets"
	if err := storage.CheckClaimDue(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	var rows []ticketRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS s", s.tables.sla).
		ColumnExpr("?", s.columns).
		ColumnExpr(slaColumns).
		Join("JOIN ? AS t ON t.id = s.ticket_id", s.tables.tickets).
		Where("s.next_check_at IS NOT NULL").
		Where("s.next_check_at <= ?", utc(p.Now)).
		OrderExpr("s.next_check_at ASC, s.ticket_id ASC").
		Limit(int64(storage.ClampClaimDueLimit(p.Limit)))
	switch s.db.Dialect().Name() {
	case dialect.PG:
		q = q.For("UPDATE OF s SKIP LOCKED")
	case dialect.MySQL:
		// MariaDB has no FOR UPDATE OF: the ticket rows are locked too,
		// which writers of a ticket, who lock its SLA row first, wait
		// for anyway.
		q = q.For("UPDATE SKIP LOCKED")
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
		out[i] = t
		s.remember(t.TenantID, t.ID)
	}
	return out, nil
}
