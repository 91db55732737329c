package bunstore

import (
	"context"

	"github.com/ticketkit/ticketkit/storage"
)

// SequenceNext increments the counter of a tenant and scope and returns
// its new value, starting at 1. It is one upsert,
//
//	INSERT ... VALUES (tenant, scope, 1)
//	ON CONFLICT (tenant_id, scope) DO UPDATE SET value = value + 1
//	RETURNING value
//
// which locks the counter row until the transaction ends: concurrent
// transactions drawing from the same counter wait for each other, and a
// rolled-back transaction gives its number back, so numbers stay
// gap-free. It needs PostgreSQL 9.5 or SQLite 3.35. MySQL has neither
// ON CONFLICT nor RETURNING: see sequenceNextMySQL.
func (s *Store) SequenceNext(ctx context.Context, p storage.SequenceNextParams) (int64, error) {
	if p.TenantID == "" {
		return 0, errNoTenant("next sequence value")
	}
	if s.dialect == DialectMySQL {
		return s.sequenceNextMySQL(ctx, p)
	}
	var n int64
	err := s.db.NewRaw(
		"INSERT INTO ? AS c (tenant_id, scope, value) VALUES (?, ?, 1) "+
			"ON CONFLICT (tenant_id, scope) DO UPDATE SET value = c.value + 1 RETURNING value",
		s.tables.counters, p.TenantID, p.Scope,
	).Scan(ctx, &n)
	if err != nil {
		return 0, translate("next sequence value", err)
	}
	return n, nil
}

// sequenceNextMySQL is SequenceNext on MySQL and MariaDB: one upsert
// that passes the new value through LAST_INSERT_ID(expr),
//
//	INSERT ... VALUES (tenant, scope, LAST_INSERT_ID(1))
//	ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)
//
// which the server reports as the statement's insert ID (MySQL's own
// sequence idiom), so the value comes back with the statement's result,
// on the same connection, in one round trip. The row lock is held until
// the transaction ends, as on the other databases.
func (s *Store) sequenceNextMySQL(ctx context.Context, p storage.SequenceNextParams) (int64, error) {
	res, err := s.db.NewRaw(
		"INSERT INTO ? (tenant_id, scope, value) VALUES (?, ?, LAST_INSERT_ID(1)) "+
			"ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)",
		s.tables.counters, p.TenantID, p.Scope).Exec(ctx)
	if err != nil {
		return 0, translate("next sequence value", err)
	}
	n, err := res.LastInsertId()
	if err != nil {
		return 0, translate("next sequence value", err)
	}
	return n, nil
}
