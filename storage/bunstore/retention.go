package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.Pruner = (*Store)(nil)

// OutboxPrune deletes up to p.Limit outbox entries delivered before
// p.Before, those delivered first, in one statement: on PostgreSQL and
// SQLite a DELETE by primary key of the IDs outbox_delivered_idx gives
// (on PostgreSQL FOR UPDATE SKIP LOCKED, so that it never waits for a
// dispatcher's transaction); on MySQL a DELETE ... ORDER BY delivered_at
// LIMIT, which reads the same index (MySQL takes no LIMIT in an IN
// subquery).
func (s *Store) OutboxPrune(ctx context.Context, p storage.PruneParams) (int, error) {
	const op = "prune outbox"
	if err := storage.CheckPrune(p); err != nil {
		return 0, fmt.Errorf("bunstore: %w", err)
	}
	limit, before := storage.ClampPruneLimit(p.Limit), utc(p.Before)
	var q *bun.RawQuery
	switch s.dialect {
	case DialectMySQL:
		q = s.db.NewRaw("DELETE FROM ? WHERE delivered_at < ? ORDER BY delivered_at LIMIT ?",
			s.tables.outbox, before, limit)
	default:
		// MATERIALIZED: the batch is chosen once; a subquery under IN
		// may be run again by PostgreSQL's plan and, with SKIP LOCKED,
		// pick other rows, deleting more than limit.
		q = s.db.NewRaw("WITH batch AS MATERIALIZED (SELECT id FROM ? WHERE delivered_at IS NOT NULL AND delivered_at < ?"+
			" ORDER BY delivered_at LIMIT ?"+s.skipLocked()+") DELETE FROM ? WHERE id IN (SELECT id FROM batch)",
			s.tables.outbox, before, limit, s.tables.outbox)
	}
	return s.execCount(ctx, op, q)
}

// InboundPrune deletes up to p.Limit inbound records made before
// p.Before, the oldest first, in one statement as OutboxPrune does,
// reading inbound_at_idx and deleting by primary key.
func (s *Store) InboundPrune(ctx context.Context, p storage.PruneParams) (int, error) {
	const op = "prune inbound messages"
	if err := storage.CheckPrune(p); err != nil {
		return 0, fmt.Errorf("bunstore: %w", err)
	}
	limit, before := storage.ClampPruneLimit(p.Limit), utc(p.Before)
	var q *bun.RawQuery
	switch s.dialect {
	case DialectMySQL:
		q = s.db.NewRaw("DELETE FROM ? WHERE at < ? ORDER BY at LIMIT ?", s.inboundTable(), before, limit)
	default:
		q = s.db.NewRaw(`WITH batch AS MATERIALIZED (SELECT tenant_id, "key" FROM ? WHERE at < ?`+
			" ORDER BY at LIMIT ?"+s.skipLocked()+`) DELETE FROM ? WHERE (tenant_id, "key") IN (SELECT tenant_id, "key" FROM batch)`,
			s.inboundTable(), before, limit, s.inboundTable())
	}
	return s.execCount(ctx, op, q)
}

// skipLocked returns the locking clause of a prune's subquery: FOR
// UPDATE SKIP LOCKED on PostgreSQL, nothing on SQLite, whose writers
// take turns.
func (s *Store) skipLocked() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// execCount runs a DELETE and returns how many rows it deleted.
func (s *Store) execCount(ctx context.Context, op string, q *bun.RawQuery) (int, error) {
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return int(n), nil
}
