package bunstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.CustomerEraser = (*Store)(nil)

// erasureRow is a row of the erasures table (migration
// 20261204000502_erasures).
type erasureRow struct {
	bun.BaseModel `bun:"table:erasures,alias:er"`

	ID          string    `bun:"id,pk"`
	TenantID    string    `bun:"tenant_id"`
	CustomerID  string    `bun:"customer_id"`
	ActorID     string    `bun:"actor_id"`
	ActorRole   string    `bun:"actor_role"`
	At          time.Time `bun:"at"`
	Reason      string    `bun:"reason"`
	Tickets     int       `bun:"tickets"`
	Messages    int       `bun:"messages"`
	Attachments int       `bun:"attachments"`
	Events      int       `bun:"events"`
	Outbox      int       `bun:"outbox"`
	Inbound     int       `bun:"inbound"`
}

// erasuresTable returns the prefixed name of the erasures table.
func (s *Store) erasuresTable() bun.Ident { return bun.Ident(s.prefix + "erasures") }

// CustomerErase erases the personal data kept beside the tickets
// p.TicketIDs (see storage.CustomerEraser): one statement per table,
// each selecting the tickets' rows by (tenant_id, ticket_id), which the
// tables' indexes lead with. Call it inside RunInTx with the tickets'
// own changes.
func (s *Store) CustomerErase(ctx context.Context, p storage.CustomerEraseParams) (*storage.CustomerEraseResult, error) {
	const op = "erase customer"
	switch {
	case p.TenantID == "":
		return nil, errNoTenant(op)
	case p.At.IsZero():
		return nil, errors.New("bunstore: " + op + ": At is required")
	}
	res := &storage.CustomerEraseResult{}
	if len(p.TicketIDs) == 0 {
		return res, nil
	}
	ids := bun.List(p.TicketIDs)
	var msgs []messageRow
	err := s.db.NewSelect().Model(&msgs).ModelTableExpr("? AS m", s.tables.messages).
		Column("id", "attachments").
		Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids).
		Where("(body <> '' OR attachments NOT IN ('null', '[]'))").
		Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	for _, m := range msgs {
		var atts []ticket.Attachment
		if err := unmarshal("attachments", m.Attachments, &atts); err != nil {
			return nil, err
		}
		for _, a := range atts {
			res.BlobKeys = append(res.BlobKeys, a.Key)
		}
		res.Attachments += len(atts)
	}
	res.Messages = len(msgs)
	if len(msgs) > 0 {
		msgIDs := make([]string, len(msgs))
		for i, m := range msgs {
			msgIDs[i] = m.ID
		}
		_, err = s.db.NewUpdate().ModelTableExpr("?", s.tables.messages).
			Set("body = ''").Set("attachments = 'null'").
			Where("id IN (?)", bun.List(msgIDs)).
			Exec(ctx)
		if err != nil {
			return nil, translate(op, err)
		}
	}
	q := s.db.NewUpdate().ModelTableExpr("?", s.tables.events).
		Set("old = ''").Set("new = ''").
		Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids).
		Where("(old <> '' OR new <> '')")
	if len(p.KeepFields) > 0 {
		q = q.Where("field NOT IN (?)", bun.List(p.KeepFields))
	}
	if res.Events, err = rowsAffected(q.Exec(ctx)); err != nil {
		return nil, translate(op, err)
	}
	ts := "?"
	if s.dialect == DialectPostgres {
		ts = "?::timestamptz"
	}
	at := utc(p.At)
	q = s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
		Set("payload = ?", []byte("{}")).
		Set("last_error = CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 'erased' ELSE last_error END").
		Set("locked_until = CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN NULL ELSE locked_until END").
		Set("dead_at = CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN "+ts+" ELSE dead_at END", at).
		Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids)
	if res.Outbox, err = rowsAffected(q.Exec(ctx)); err != nil {
		return nil, translate(op, err)
	}
	d := s.db.NewDelete().ModelTableExpr("?", s.inboundTable()).
		Where("tenant_id = ?", p.TenantID).Where("ticket_id IN (?)", ids)
	if res.Inbound, err = rowsAffected(d.Exec(ctx)); err != nil {
		return nil, translate(op, err)
	}
	return res, nil
}

// rowsAffected returns the rows a statement changed.
func rowsAffected(res interface{ RowsAffected() (int64, error) }, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ErasureCreate stores a tombstone.
func (s *Store) ErasureCreate(ctx context.Context, e *storage.Erasure) error {
	const op = "create erasure"
	switch {
	case e == nil:
		return errors.New("bunstore: " + op + ": erasure is nil")
	case e.TenantID == "":
		return errNoTenant(op)
	case e.ID == "":
		return errors.New("bunstore: " + op + ": ID is required")
	}
	r := erasureRow{ID: e.ID, TenantID: e.TenantID, CustomerID: e.CustomerID, ActorID: e.ActorID, ActorRole: e.ActorRole,
		At: utc(e.At), Reason: e.Reason, Tickets: e.Tickets, Messages: e.Messages, Attachments: e.Attachments,
		Events: e.Events, Outbox: e.Outbox, Inbound: e.Inbound}
	_, err := s.db.NewInsert().Model(&r).ModelTableExpr("?", s.erasuresTable()).Returning("NULL").Exec(ctx)
	return translate(fmt.Sprintf("%s %s", op, e.ID), err)
}

// ErasureList returns a tenant's tombstones, oldest first.
func (s *Store) ErasureList(ctx context.Context, p storage.ErasureListParams) ([]*storage.Erasure, error) {
	const op = "list erasures"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []erasureRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS er", s.erasuresTable()).
		Where("tenant_id = ?", p.TenantID).
		OrderExpr("at ASC, id ASC").
		Limit(int64(storage.ClampLimit(p.Limit)))
	if p.CustomerID != "" {
		q = q.Where("customer_id = ?", p.CustomerID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}
	out := make([]*storage.Erasure, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = &storage.Erasure{ID: r.ID, TenantID: r.TenantID, CustomerID: r.CustomerID, ActorID: r.ActorID, ActorRole: r.ActorRole,
			At: r.At.UTC(), Reason: r.Reason, Tickets: r.Tickets, Messages: r.Messages, Attachments: r.Attachments,
			Events: r.Events, Outbox: r.Outbox, Inbound: r.Inbound}
	}
	return out, nil
}
