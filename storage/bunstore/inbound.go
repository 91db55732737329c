package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.InboundStore = (*Store)(nil)

// maxInboundKey bounds an inbound key: the longest header line RFC 5322
// allows.
const maxInboundKey = 998

// inboundRow is a row of the inbound table (migration
// 20260601000003_inbound).
type inboundRow struct {
	bun.BaseModel `bun:"table:inbound,alias:i"`

	TenantID string    `bun:"tenant_id,pk"`
	Key      string    `bun:"key,pk"`
	TicketID string    `bun:"ticket_id"`
	At       time.Time `bun:"at"`
}

// inboundTable returns the prefixed name of the inbound table.
func (s *Store) inboundTable() bun.Ident { return bun.Ident(s.prefix + "inbound") }

// checkInbound validates the keys of an inbound record.
func checkInbound(op, tenantID, key string) error {
	switch {
	case tenantID == "":
		return errNoTenant(op)
	case key == "":
		return fmt.Errorf("bunstore: %s: key is required", op)
	case len(key) > maxInboundKey:
		return fmt.Errorf("bunstore: %s: key is longer than %d bytes", op, maxInboundKey)
	}
	return nil
}

// InboundRecord stores a new inbound record. It is one INSERT ... ON
// CONFLICT DO NOTHING, so a known key gives ErrConflict without aborting
// a surrounding PostgreSQL transaction. On MySQL, where a failed
// statement leaves the transaction usable, it is a plain INSERT.
func (s *Store) InboundRecord(ctx context.Context, p storage.InboundRecordParams) error {
	const op = "record inbound message"
	if err := checkInbound(op, p.TenantID, p.Key); err != nil {
		return err
	}
	r := &inboundRow{TenantID: p.TenantID, Key: p.Key, TicketID: p.TicketID, At: p.At.UTC().Truncate(time.Microsecond)}
	q := s.db.NewInsert().Model(r).ModelTableExpr("?", s.inboundTable())
	if s.dialect != DialectMySQL {
		// MySQL: a taken key fails the statement (ER_DUP_ENTRY, which
		// translate makes ErrConflict) and leaves the transaction usable.
		q = q.On("CONFLICT (tenant_id, key) DO NOTHING")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return translate(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(op, err)
	} else if n == 0 {
		return fmt.Errorf("bunstore: %s %q: %w", op, p.Key, storage.ErrConflict)
	}
	return nil
}

// InboundGet returns the record of a key.
func (s *Store) InboundGet(ctx context.Context, p storage.InboundGetParams) (*storage.Inbound, error) {
	const op = "get inbound message"
	if err := checkInbound(op, p.TenantID, p.Key); err != nil {
		return nil, err
	}
	var r inboundRow
	err := s.db.NewSelect().Model(&r).ModelTableExpr("? AS i", s.inboundTable()).
		Where("i.tenant_id = ?", p.TenantID).Where("i.key = ?", p.Key).Scan(ctx)
	if err != nil {
		return nil, translate(fmt.Sprintf("%s %q", op, p.Key), err)
	}
	return &storage.Inbound{TenantID: r.TenantID, Key: r.Key, TicketID: r.TicketID, At: r.At.UTC()}, nil
}

// InboundComplete sets the ticket of the record made at p.At.
func (s *Store) InboundComplete(ctx context.Context, p storage.InboundCompleteParams) error {
	const op = "complete inbound message"
	if err := checkInbound(op, p.TenantID, p.Key); err != nil {
		return err
	}
	res, err := s.db.NewUpdate().ModelTableExpr("? AS i", s.inboundTable()).
		Set("ticket_id = ?", p.TicketID).
		Where("i.tenant_id = ?", p.TenantID).Where("i.key = ?", p.Key).
		Where("i.at = ?", p.At.UTC().Truncate(time.Microsecond)).Exec(ctx)
	return s.oneRow(op, p.Key, res, err)
}

// InboundDelete deletes the record made at p.At.
func (s *Store) InboundDelete(ctx context.Context, p storage.InboundDeleteParams) error {
	const op = "delete inbound message"
	if err := checkInbound(op, p.TenantID, p.Key); err != nil {
		return err
	}
	res, err := s.deleteAs(s.inboundTable(), "i").
		Where("i.tenant_id = ?", p.TenantID).Where("i.key = ?", p.Key).
		Where("i.at = ?", p.At.UTC().Truncate(time.Microsecond)).Exec(ctx)
	return s.oneRow(op, p.Key, res, err)
}

// oneRow turns the result of a statement that must change one row into
// an error: ErrNotFound when it changed none.
func (s *Store) oneRow(op, key string, res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(op, err)
	}
	if n == 0 {
		return fmt.Errorf("bunstore: %s %q: %w", op, key, storage.ErrNotFound)
	}
	return nil
}
