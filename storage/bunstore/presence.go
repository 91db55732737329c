package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.PresenceStore = (*Store)(nil)

// presenceRow is a row of the presence table (migration
// 20261203000601_presence).
type presenceRow struct {
	bun.BaseModel `bun:"table:presence,alias:p"`

	TenantID  string    `bun:"tenant_id,pk"`
	TicketID  string    `bun:"ticket_id,pk"`
	UserID    string    `bun:"user_id,pk"`
	Activity  string    `bun:"activity"`
	Since     time.Time `bun:"since"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// presenceTable returns the prefixed name of the presence table.
func (s *Store) presenceTable() bun.Ident { return bun.Ident(s.prefix + "presence") }

// PresenceTake stores or renews a lease with one upsert, which keeps
// since when the stored lease was live at p.At. On MySQL, which assigns
// left to right, since is set before expires_at, which it reads.
func (s *Store) PresenceTake(ctx context.Context, p storage.PresenceTakeParams) error {
	const op = "take presence"
	switch {
	case p.TenantID == "":
		return errNoTenant(op)
	case p.TicketID == "" || p.UserID == "" || !p.ExpiresAt.After(p.At):
		return fmt.Errorf("bunstore: %s: a ticket, a user and an ExpiresAt after At are required", op)
	}
	at, expires := utc(p.At), utc(p.ExpiresAt)
	q := `INSERT INTO ? AS p (tenant_id, ticket_id, user_id, activity, since, expires_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (tenant_id, ticket_id, user_id) DO UPDATE SET activity = EXCLUDED.activity,
    since = CASE WHEN p.expires_at > EXCLUDED.since THEN p.since ELSE EXCLUDED.since END,
    expires_at = EXCLUDED.expires_at`
	if s.dialect == DialectMySQL {
		q = `INSERT INTO ? (tenant_id, ticket_id, user_id, activity, since, expires_at) VALUES (?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE activity = VALUES(activity),
    since = IF(expires_at > VALUES(since), since, VALUES(since)),
    expires_at = VALUES(expires_at)`
	}
	_, err := s.db.NewRaw(q, s.presenceTable(), p.TenantID, p.TicketID, p.UserID, string(p.Activity), at, expires).Exec(ctx)
	return translate(op, err)
}

// PresenceRelease deletes a lease, if any.
func (s *Store) PresenceRelease(ctx context.Context, p storage.PresenceReleaseParams) error {
	const op = "release presence"
	if p.TenantID == "" {
		return errNoTenant(op)
	}
	_, err := s.deleteAs(s.presenceTable(), "p").Where("p.tenant_id = ?", p.TenantID).
		Where("p.ticket_id = ?", p.TicketID).Where("p.user_id = ?", p.UserID).Exec(ctx)
	return translate(op, err)
}

// PresenceList returns a ticket's leases live at p.At, through the
// primary key.
func (s *Store) PresenceList(ctx context.Context, p storage.PresenceListParams) ([]*ticket.Presence, error) {
	const op = "list presence"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []presenceRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS p", s.presenceTable()).
		Where("p.tenant_id = ?", p.TenantID).Where("p.ticket_id = ?", p.TicketID).
		Where("p.expires_at > ?", utc(p.At)).OrderExpr("p.since, p.user_id").
		Limit(int64(storage.ClampLimit(p.Limit))).Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	out := make([]*ticket.Presence, len(rows))
	for i, r := range rows {
		out[i] = &ticket.Presence{TenantID: r.TenantID, TicketID: r.TicketID, UserID: r.UserID,
			Activity: ticket.PresenceActivity(r.Activity), Since: fromDB(r.Since), ExpiresAt: fromDB(r.ExpiresAt)}
	}
	return out, nil
}

// PresencePurge deletes the leases of every tenant that expired at or
// before p.Before, through presence_expires_idx.
func (s *Store) PresencePurge(ctx context.Context, p storage.PresencePurgeParams) (int64, error) {
	const op = "purge presence"
	res, err := s.deleteAs(s.presenceTable(), "p").Where("p.expires_at <= ?", utc(p.Before)).Exec(ctx)
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return n, nil
}
