package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.IdempotencyStore = (*Store)(nil)

// idempotencyRow is a row of the idempotency table (migration
// 20260605000001_idempotency).
type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency,alias:i"`

	TenantID    string    `bun:"tenant_id,pk"`
	Key         string    `bun:"key,pk"`
	RequestHash string    `bun:"request_hash"`
	Status      int       `bun:"status"`
	Response    []byte    `bun:"response"`
	At          time.Time `bun:"at"`
	ExpiresAt   time.Time `bun:"expires_at"`
}

// idempotencyTable returns the prefixed name of the idempotency table.
func (s *Store) idempotencyTable() bun.Ident { return bun.Ident(s.prefix + "idempotency") }

// checkIdempotency validates the keys of an idempotency record.
func checkIdempotency(op, tenantID, key string) error {
	switch {
	case tenantID == "":
		return errNoTenant(op)
	case key == "" || len(key) > storage.MaxIdempotencyKey:
		return fmt.Errorf("bunstore: %s: key must be 1 to %d bytes", op, storage.MaxIdempotencyKey)
	}
	return nil
}

// IdempotencyClaim inserts a pending record, or returns the live record
// the key has. The claim is one INSERT ... ON CONFLICT DO UPDATE that
// replaces only an expired record: on PostgreSQL a concurrent claim of
// the same key waits for the first transaction on its row and then sees
// its outcome; on SQLite write transactions run one at a time.
func (s *Store) IdempotencyClaim(ctx context.Context, p storage.IdempotencyClaimParams) (*storage.IdempotencyClaimResult, error) {
	const op = "claim idempotency key"
	if err := checkIdempotency(op, p.TenantID, p.Key); err != nil {
		return nil, err
	}
	at, expires := utc(p.At), utc(p.ExpiresAt)
	if expires.Before(at) {
		return nil, fmt.Errorf("bunstore: %s: ExpiresAt is before At", op)
	}
	if s.dialect == DialectMySQL {
		return s.idempotencyClaimMySQL(ctx, p, at, expires)
	}
	res, err := s.db.NewRaw(`INSERT INTO ? AS i (tenant_id, key, request_hash, status, response, at, expires_at)
VALUES (?, ?, ?, 0, ?, ?, ?)
ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = 0,
    response = EXCLUDED.response, at = EXCLUDED.at, expires_at = EXCLUDED.expires_at
WHERE i.expires_at <= EXCLUDED.at`,
		s.idempotencyTable(), p.TenantID, p.Key, p.RequestHash, []byte{}, at, expires).Exec(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, translate(op, err)
	}
	return s.idempotencyClaimed(ctx, op, p, at, expires, n == 1)
}

// idempotencyClaimed returns the result of a claim that wrote the
// record (claimed), or else the live record the key has.
func (s *Store) idempotencyClaimed(ctx context.Context, op string, p storage.IdempotencyClaimParams, at, expires time.Time, claimed bool) (*storage.IdempotencyClaimResult, error) {
	if claimed {
		return &storage.IdempotencyClaimResult{Claimed: true, Record: storage.Idempotency{
			TenantID: p.TenantID, Key: p.Key, RequestHash: p.RequestHash, At: at, ExpiresAt: expires,
		}}, nil
	}
	var r idempotencyRow
	err := s.db.NewSelect().Model(&r).ModelTableExpr("? AS i", s.idempotencyTable()).
		Where("i.tenant_id = ?", p.TenantID).Where("i.key = ?", p.Key).Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	return &storage.IdempotencyClaimResult{Record: storage.Idempotency{
		TenantID: r.TenantID, Key: r.Key, RequestHash: r.RequestHash, Status: r.Status,
		Response: r.Response, At: fromDB(r.At), ExpiresAt: fromDB(r.ExpiresAt),
	}}, nil
}

// idempotencyClaimMySQL is IdempotencyClaim on MySQL: ON DUPLICATE KEY
// UPDATE, each column replaced only when the stored record has expired.
// MySQL assigns left to right, each assignment seeing the ones before,
// so expires_at, which every condition reads, comes last. Which branch
// ran comes back as the statement's insert ID through LAST_INSERT_ID(x):
// 1 for a new or replaced record, 2 for a live one (the row count would
// tell them apart only without the clientFoundRows setting the store
// needs elsewhere).
func (s *Store) idempotencyClaimMySQL(ctx context.Context, p storage.IdempotencyClaimParams, at, expires time.Time) (*storage.IdempotencyClaimResult, error) {
	const op = "claim idempotency key"
	res, err := s.db.NewRaw(`INSERT INTO ? (tenant_id, `+"`key`"+`, request_hash, status, response, at, expires_at)
VALUES (?, ?, ?, LAST_INSERT_ID(1) * 0, ?, ?, ?)
ON DUPLICATE KEY UPDATE
    request_hash = IF(expires_at <= VALUES(at), VALUES(request_hash), request_hash),
    status = IF(expires_at <= VALUES(at), LAST_INSERT_ID(1) * 0, status + LAST_INSERT_ID(2) * 0),
    response = IF(expires_at <= VALUES(at), VALUES(response), response),
    at = IF(expires_at <= VALUES(at), VALUES(at), at),
    expires_at = IF(expires_at <= VALUES(at), VALUES(expires_at), expires_at)`,
		s.idempotencyTable(), p.TenantID, p.Key, p.RequestHash, []byte{}, at, expires).Exec(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, translate(op, err)
	}
	return s.idempotencyClaimed(ctx, op, p, at, expires, id == 1)
}

// IdempotencyComplete stores the answer of the pending record made at
// p.At.
func (s *Store) IdempotencyComplete(ctx context.Context, p storage.IdempotencyCompleteParams) error {
	const op = "complete idempotency key"
	if err := checkIdempotency(op, p.TenantID, p.Key); err != nil {
		return err
	}
	if p.Status <= 0 {
		return fmt.Errorf("bunstore: %s: status %d is not an answer's status", op, p.Status)
	}
	response := p.Response
	if response == nil {
		response = []byte{}
	}
	res, err := s.db.NewUpdate().ModelTableExpr("? AS i", s.idempotencyTable()).
		Set("status = ?", p.Status).Set("response = ?", response).
		Where("i.tenant_id = ?", p.TenantID).Where("i.key = ?", p.Key).
		Where("i.at = ?", utc(p.At)).Where("i.status = 0").Exec(ctx)
	return s.oneRow(op, p.Key, res, err)
}

// IdempotencyPurge deletes the records of every tenant that expired at
// or before p.Before, with one statement that the index on expires_at
// serves.
func (s *Store) IdempotencyPurge(ctx context.Context, p storage.IdempotencyPurgeParams) (int64, error) {
	const op = "purge idempotency keys"
	res, err := s.deleteAs(s.idempotencyTable(), "i").
		Where("i.expires_at <= ?", utc(p.Before)).Exec(ctx)
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return n, nil
}
