package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
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
// SQLite the single writer serializes the sweepers' transactions. On
// PostgreSQL the claim goes through database/sql with its time and limit
// bound (see claimDueBound), out of view of Bun's query hooks unless
// Config.ThroughBunOnly.
func (s *Store) TicketClaimDue(ctx context.Context, p storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	const op = "claim due tickets"
	if err := storage.CheckClaimDue(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	var rows []ticketRow
	if raw := s.rawSQL(); raw != nil {
		if err := s.claimDueBound(ctx, raw, p, &rows); err != nil {
			return nil, translate(op, err)
		}
		return s.claimed(rows)
	}
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
	return s.claimed(rows)
}

// claimDueBound runs the claim of TicketClaimDue on PostgreSQL through
// raw, database/sql under the host's bun.IDB, into rows: one text for
// every claim, the time and limit bound, so that pgx prepares it once
// per connection instead of before every claim (Bun inlines the time,
// which makes the text new each time). Bun's query hooks do not see it
// (Config.ThroughBunOnly keeps it in Bun).
func (s *Store) claimDueBound(ctx context.Context, raw bun.IConn, p storage.TicketClaimDueParams, rows *[]ticketRow) error {
	text := s.texts.claimDue.get(func() string {
		return "SELECT " + string(s.columns) + ", " + slaColumns +
			" FROM " + string(s.tables.sla) + " AS s JOIN " + string(s.tables.tickets) + " AS t ON t.id = s.ticket_id" +
			" WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= $1" +
			" ORDER BY s.next_check_at ASC, s.ticket_id ASC LIMIT $2 FOR UPDATE OF s SKIP LOCKED"
	})
	return s.queryBound(ctx, raw, rows, text, utc(p.Now), storage.ClampClaimDueLimit(p.Limit))
}

// claimed returns the tickets of the claimed rows, remembering them.
func (s *Store) claimed(rows []ticketRow) ([]*ticket.Ticket, error) {
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
