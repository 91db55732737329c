package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/dialect"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// TicketClaimDue returns the tickets whose sla_next_check_at (their
// SLA.WakeAt()) has come, those due first, reading only the partial
// index on that column. On PostgreSQL the SELECT takes row locks with
// FOR UPDATE SKIP LOCKED, held until the caller's transaction ends, so
// that concurrent sweepers pass over each other's tickets instead of
// waiting for them or taking them twice; a row another sweeper updated
// meanwhile is checked again against the wake time. On SQLite the single
// writer serializes the sweepers' transactions.
func (s *Store) TicketClaimDue(ctx context.Context, p storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	const op = "claim due tickets"
	if err := storage.CheckClaimDue(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	var rows []ticketRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS t", s.tables.tickets).
		Where("t.sla_next_check_at IS NOT NULL").
		Where("t.sla_next_check_at <= ?", utc(p.Now)).
		OrderExpr("t.sla_next_check_at ASC, t.id ASC").
		Limit(int64(storage.ClampLimit(p.Limit)))
	if s.db.Dialect().Name() == dialect.PG {
		q = q.For("UPDATE OF t SKIP LOCKED")
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
	}
	return out, nil
}
