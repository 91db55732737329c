package bunstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.TicketPurger = (*Store)(nil)

// TicketClaimClosed locks and returns the closed tickets past their
// tenant's cutoff, those closed first (see storage.TicketPurger),
// reading tickets_closed_idx (migration
// 20261205000101_closed_ticket_retention) up to the latest cutoff. On
// PostgreSQL and MySQL the SELECT of the IDs locks the ticket rows FOR
// UPDATE SKIP LOCKED, and a second one their SLA rows the same way: a
// ticket whose SLA row another transaction holds (a writer of the
// ticket, who locks that row first, see TicketUpdate) is left out, so
// that the purge never waits for a writer who waits for it. On SQLite
// a no-op write first takes the database's single write lock, so that
// the claim reads only what no other transaction can change until the
// caller's transaction ends. Call it inside RunInTx.
func (s *Store) TicketClaimClosed(ctx context.Context, p storage.ClosedTicketClaimParams) ([]*ticket.Ticket, error) {
	const op = "claim closed tickets"
	if err := storage.CheckClosedClaim(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	latest := p.Latest()
	if latest.IsZero() {
		return []*ticket.Ticket{}, nil
	}
	var out []*ticket.Ticket
	err := s.atomic(ctx, func(s *Store) error {
		if s.dialect == DialectSQLite {
			if _, err := s.db.NewRaw("UPDATE ? SET version = version WHERE 1 = 0", s.tables.tickets).Exec(ctx); err != nil {
				return translate(op, err)
			}
		}
		var ids []string
		q := s.db.NewSelect().TableExpr("? AS t", s.tables.tickets).Column("t.id").
			Where("t.closed_at IS NOT NULL").
			Where("t.closed_at < ?", utc(latest)).
			Where("t.kind <> ?", string(ticket.KindComplaint)).
			OrderExpr("t.closed_at ASC, t.id ASC").
			Limit(int64(storage.ClampClosedClaimLimit(p.Limit)))
		if expr, args := s.cutoffExpr(p); expr != "" {
			q = q.Where("t.closed_at < "+expr, args...)
		}
		if len(p.Exclude) > 0 {
			q = q.Where("t.id NOT IN (?)", bun.List(p.Exclude))
		}
		if s.dialect != DialectSQLite {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx, &ids); err != nil {
			return translate(op, err)
		}
		if len(ids) == 0 {
			out = []*ticket.Ticket{}
			return nil
		}
		if s.dialect != DialectSQLite {
			var held, locked []string
			if err := s.db.NewSelect().TableExpr("?", s.tables.sla).Column("ticket_id").
				Where("ticket_id IN (?)", bun.List(ids)).Scan(ctx, &held); err != nil {
				return translate(op, err)
			}
			if len(held) > 0 {
				if err := s.db.NewSelect().TableExpr("?", s.tables.sla).Column("ticket_id").
					Where("ticket_id IN (?)", bun.List(held)).For("UPDATE SKIP LOCKED").Scan(ctx, &locked); err != nil {
					return translate(op, err)
				}
				busy := map[string]bool{}
				for _, id := range held {
					busy[id] = true
				}
				for _, id := range locked {
					delete(busy, id)
				}
				kept := ids[:0]
				for _, id := range ids {
					if !busy[id] {
						kept = append(kept, id)
					}
				}
				ids = kept
			}
		}
		if len(ids) == 0 {
			out = []*ticket.Ticket{}
			return nil
		}
		var rows []ticketRow
		if err := s.selectTickets(&rows).Where("t.id IN (?)", bun.List(ids)).
			OrderExpr("t.closed_at ASC, t.id ASC").Scan(ctx); err != nil {
			return translate(op, err)
		}
		out = make([]*ticket.Ticket, len(rows))
		for i := range rows {
			t, err := toTicket(&rows[i])
			if err != nil {
				return err
			}
			out[i] = t
		}
		return nil
	})
	return out, err
}

// cutoffExpr returns the SQL of each tenant's cutoff when p has tenants
// of their own: a CASE over tenant_id whose NULL (no cutoff) claims
// nothing.
func (s *Store) cutoffExpr(p storage.ClosedTicketClaimParams) (string, []any) {
	if len(p.Tenants) == 0 {
		if p.Before.IsZero() {
			return "NULL", nil
		}
		return "", nil // the latest cutoff is Before
	}
	ts := "?"
	if s.dialect == DialectPostgres {
		ts = "CAST(? AS timestamptz)"
	}
	value := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return utc(t)
	}
	var b strings.Builder
	args := make([]any, 0, 2*len(p.Tenants)+1)
	b.WriteString("CASE t.tenant_id")
	for _, c := range p.Tenants {
		b.WriteString(" WHEN ? THEN " + ts)
		args = append(args, c.TenantID, value(c.Before))
	}
	b.WriteString(" ELSE " + ts + " END")
	args = append(args, value(p.Before))
	return b.String(), args
}

// TicketPurge deletes the tickets p.TicketIDs of p.TenantID and every
// row kept about them (see storage.TicketPurger), one DELETE per table
// selecting the rows by (tenant_id, ticket_id), which the tables'
// indexes lead with, the tickets last. Complaint tickets are left
// alone: their rows stay. Call it inside RunInTx, after
// TicketClaimClosed.
func (s *Store) TicketPurge(ctx context.Context, p storage.TicketPurgeParams) (*storage.TicketPurgeResult, error) {
	const op = "purge tickets"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	res := &storage.TicketPurgeResult{}
	if len(p.TicketIDs) == 0 {
		return res, nil
	}
	err := s.atomic(ctx, func(s *Store) error {
		var ids []string
		if err := s.db.NewSelect().TableExpr("?", s.tables.tickets).Column("id").
			Where("tenant_id = ?", p.TenantID).Where("id IN (?)", bun.List(p.TicketIDs)).
			Where("kind <> ?", string(ticket.KindComplaint)).Scan(ctx, &ids); err != nil {
			return translate(op, err)
		}
		if len(ids) == 0 {
			return nil
		}
		list := bun.List(ids)
		var msgs []messageRow
		if err := s.db.NewSelect().Model(&msgs).ModelTableExpr("? AS m", s.tables.messages).Column("id", "attachments").
			Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", list).Scan(ctx); err != nil {
			return translate(op, err)
		}
		seen := map[string]bool{}
		msgIDs := make([]string, len(msgs))
		for i, m := range msgs {
			msgIDs[i] = m.ID
			var atts []ticket.Attachment
			if err := unmarshal("attachments", m.Attachments, &atts); err != nil {
				return err
			}
			res.Attachments += len(atts)
			for _, a := range atts {
				if a.Key != "" && !seen[a.Key] {
					seen[a.Key] = true
					res.BlobKeys = append(res.BlobKeys, a.Key)
				}
			}
		}
		res.Messages = len(msgs)
		for start := 0; start < len(msgIDs); start += storage.MaxLimit {
			chunk := msgIDs[start:min(start+storage.MaxLimit, len(msgIDs))]
			if _, err := s.db.NewDelete().ModelTableExpr("?", s.attachmentRefsTable()).
				Where("message_id IN (?)", bun.List(chunk)).Exec(ctx); err != nil {
				return translate(op, err)
			}
		}
		byTicket := []bun.Ident{s.tables.messages, s.tables.sla, s.watchersTable(), s.ratingsTable(),
			s.timeEntriesTable(), s.presenceTable(), bun.Ident(s.prefix + "ticket_tags"), bun.Ident(s.prefix + "ticket_refs"),
			s.inboundTable(), s.tables.outbox}
		for _, table := range byTicket {
			if _, err := s.db.NewDelete().ModelTableExpr("?", table).
				Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", list).Exec(ctx); err != nil {
				return translate(fmt.Sprintf("%s: %s", op, table), err)
			}
		}
		n, err := rowsAffected(s.db.NewDelete().ModelTableExpr("?", s.tables.events).
			Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", list).Exec(ctx))
		if err != nil {
			return translate(op, err)
		}
		res.Events = n
		if _, err := s.db.NewDelete().ModelTableExpr("?", s.linksTable()).
			Where("tenant_id = ?", p.TenantID).
			WhereGroup(" AND ", func(q *bun.DeleteQuery) *bun.DeleteQuery {
				return q.Where("from_id IN (?)", list).WhereOr("to_id IN (?)", list)
			}).Exec(ctx); err != nil {
			return translate(op, err)
		}
		if res.Tickets, err = rowsAffected(s.db.NewDelete().ModelTableExpr("?", s.tables.tickets).
			Where("tenant_id = ?", p.TenantID).Where("id IN (?)", list).Exec(ctx)); err != nil {
			return translate(op, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ConfigTenantList returns the tenants with a stored configuration,
// sorted.
func (s *Store) ConfigTenantList(ctx context.Context) ([]string, error) {
	out := []string{}
	err := s.db.NewSelect().TableExpr("?", s.tenantConfigTable()).Distinct().Column("tenant_id").
		OrderExpr("tenant_id ASC").Scan(ctx, &out)
	if err != nil {
		return nil, translate("list configured tenants", err)
	}
	return out, nil
}
