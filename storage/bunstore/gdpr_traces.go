package bunstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.CustomerTraceEraser = (*Store)(nil)

// CustomerTracesErase erases a customer's traces beside their tickets
// (see storage.CustomerTraceEraser): one statement per table. The
// idempotency records are matched by a case-insensitive search of
// their responses for each text, which reads the tenant's records:
// they are few and short-lived. Call it inside RunInTx.
func (s *Store) CustomerTracesErase(ctx context.Context, p storage.CustomerTracesParams) (*storage.CustomerTracesResult, error) {
	const op = "erase customer traces"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	res := &storage.CustomerTracesResult{}
	err := s.atomic(ctx, func(s *Store) error {
		var err error
		if len(p.TicketIDs) > 0 || len(p.Emails) > 0 {
			q := s.db.NewDelete().ModelTableExpr("?", s.watchersTable()).
				Where("tenant_id = ?", p.TenantID).Where("kind = ?", string(ticket.WatcherCC)).
				WhereGroup(" AND ", func(q *bun.DeleteQuery) *bun.DeleteQuery {
					if len(p.TicketIDs) > 0 {
						q = q.WhereOr("ticket_id IN (?)", bun.List(p.TicketIDs))
					}
					if len(p.Emails) > 0 {
						q = q.WhereOr("watcher_key IN (?)", bun.List(p.Emails))
					}
					return q
				})
			if res.Watchers, err = rowsAffected(q.Exec(ctx)); err != nil {
				return translate(op, err)
			}
		}
		if len(p.TicketIDs) > 0 {
			ids := bun.List(p.TicketIDs)
			if res.Ratings, err = rowsAffected(s.db.NewUpdate().ModelTableExpr("?", s.ratingsTable()).Set("comment = ''").
				Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids).Where("comment <> ''").Exec(ctx)); err != nil {
				return translate(op, err)
			}
			if res.TimeEntries, err = rowsAffected(s.db.NewUpdate().ModelTableExpr("?", s.timeEntriesTable()).Set("note = ''").
				Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids).Where("note <> ''").Exec(ctx)); err != nil {
				return translate(op, err)
			}
		}
		var texts []string
		for _, t := range p.Texts {
			if t != "" {
				texts = append(texts, strings.ToLower(t))
			}
		}
		if len(texts) > 0 {
			var found string
			switch s.dialect {
			case DialectPostgres:
				found = "strpos(lower(convert_from(response, 'UTF8')), ?) > 0"
			case DialectMySQL:
				found = "LOCATE(?, LOWER(CONVERT(response USING utf8mb4))) > 0"
			default:
				found = "instr(lower(CAST(response AS TEXT)), ?) > 0"
			}
			q := s.db.NewDelete().ModelTableExpr("?", s.idempotencyTable()).Where("tenant_id = ?", p.TenantID).
				WhereGroup(" AND ", func(q *bun.DeleteQuery) *bun.DeleteQuery {
					for _, t := range texts {
						q = q.WhereOr(found, t)
					}
					return q
				})
			if res.Idempotency, err = rowsAffected(q.Exec(ctx)); err != nil {
				return translate(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ComplaintErase stores an erased complaint section, posted or not: its
// JSON and the columns kept from it.
func (s *Store) ComplaintErase(ctx context.Context, c *ticket.Complaint) error {
	const op = "erase complaint"
	r, err := complaintRowOf(op, c)
	if err != nil {
		return err
	}
	n, err := rowsAffected(s.db.NewUpdate().Model(r).ModelTableExpr("?", s.complaintsTable()).
		Column("details", "counterparty", "source_kind", "source_id").
		Where("tenant_id = ?", c.TenantID).Where("ticket_id = ?", c.ID).
		Returning("NULL").Exec(ctx))
	if err != nil {
		return translate(fmt.Sprintf("%s %s", op, c.ID), err)
	}
	if n != 1 {
		return fmt.Errorf("bunstore: %s %s: %w", op, c.ID, storage.ErrNotFound)
	}
	return nil
}
