package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/ticketkit/ticketkit/storage"
)

// OutboxCreate stores notifications in one INSERT; a taken ID gives
// ErrConflict and nothing is written then.
func (s *Store) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	const op = "create outbox entries"
	if len(entries) == 0 {
		return nil
	}
	rows := make([]outboxRow, len(entries))
	for i, e := range entries {
		switch {
		case e == nil:
			return fmt.Errorf("bunstore: %s: entry is nil", op)
		case e.TenantID == "":
			return errNoTenant(op)
		case e.ID == "":
			return fmt.Errorf("bunstore: %s: entry ID is required", op)
		}
		rows[i] = toOutboxRow(e)
	}
	if _, err := s.db.NewInsert().Model(&rows).ModelTableExpr("?", s.tables.outbox).Returning("NULL").Exec(ctx); err != nil {
		return translate(op, err)
	}
	return nil
}

// OutboxClaim claims the claimable entries due first with one UPDATE
// of the IDs a CTE selects (materialized on PostgreSQL, so that they
// are chosen once). On PostgreSQL the CTE takes row
// locks with FOR UPDATE SKIP LOCKED, so concurrent claimers pass over
// each other's rows instead of waiting or claiming them twice; on
// SQLite the single writer serializes claims. MySQL has neither UPDATE
// ... RETURNING nor a LIMIT in an IN sub-select: see claimRoundMySQL.
//
// The same UPDATE makes dead letters of the selected entries whose
// attempts reached p.MaxAttempts instead of claiming them; when it
// found any, another round claims in their place, so that they do not
// count against p.Limit.
func (s *Store) OutboxClaim(ctx context.Context, p storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	if err := storage.CheckClaim(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	limit := storage.ClampLimit(p.Limit)
	var out []*storage.OutboxEntry
	for len(out) < limit {
		claimed, exhausted, err := s.claimRound(ctx, p, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, claimed...)
		if exhausted == 0 {
			break
		}
	}
	slices.SortFunc(out, storage.CompareClaimOrder)
	return out, nil
}

// claimRound selects up to limit due entries, claims those with
// attempts left and makes dead letters of the others, in one statement.
// It returns the claimed entries and the number of dead letters made.
func (s *Store) claimRound(ctx context.Context, p storage.OutboxClaimParams, limit int) ([]*storage.OutboxEntry, int, error) {
	now := utc(p.Now)
	maxAttempts := p.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = math.MaxInt32 // no limit: attempts is an integer column
	}
	if s.dialect == DialectMySQL {
		return s.claimRoundMySQL(ctx, p, limit, maxAttempts)
	}
	due := s.db.NewSelect().ColumnExpr("id").TableExpr("?", s.tables.outbox).
		Where("delivered_at IS NULL").
		Where("dead_at IS NULL").
		Where("next_attempt_at <= ?", now).
		Where("(locked_until IS NULL OR locked_until <= ?)", now).
		OrderExpr("next_attempt_at ASC, created_at ASC, id ASC").
		Limit(int64(limit))
	// PostgreSQL types the literals of a CASE as text, which a
	// timestamptz column does not take without a cast.
	ts := "?"
	if s.db.Dialect().Name() == dialect.PG {
		due = due.For("UPDATE SKIP LOCKED")
		ts = "?::timestamptz"
	}
	var rows []outboxRow
	err := s.db.NewUpdate().Model(&rows).ModelTableExpr("?", s.tables.outbox).
		Set("attempts = CASE WHEN attempts >= ? THEN attempts ELSE attempts + 1 END", maxAttempts).
		Set("locked_until = CASE WHEN attempts >= ? THEN NULL ELSE "+ts+" END", maxAttempts, utc(now.Add(p.LockFor))).
		Set("dead_at = CASE WHEN attempts >= ? THEN "+ts+" END", maxAttempts, now).
		// last_error as storage.ExhaustedError(last_error) writes it.
		Set("last_error = CASE WHEN attempts < ? THEN last_error WHEN last_error = '' THEN ? ELSE ? || last_error END",
			maxAttempts, storage.OutboxExhausted, storage.OutboxExhausted+"; last error: ").
		// MATERIALIZED: the batch is chosen once. A subquery under IN
		// may be run again by PostgreSQL's plan (a nested loop rescans
		// it), and on a rescan SKIP LOCKED passes over the rows this
		// statement already updated and picks others: a claim of n
		// could take more than n entries.
		WithQuery(bun.NewWithQuery("due", due).Materialized()).
		Where("id IN (SELECT id FROM due)").
		Returning("*").
		Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, translate("claim outbox entries", err)
	}
	out := make([]*storage.OutboxEntry, 0, len(rows))
	for i := range rows {
		if !rows[i].DeadAt.IsZero() {
			continue
		}
		out = append(out, toOutboxEntry(&rows[i]))
	}
	return out, len(rows) - len(out), nil
}

// OutboxMarkDelivered sets the delivery time of entries and releases
// them; unknown IDs are ignored.
func (s *Store) OutboxMarkDelivered(ctx context.Context, p storage.OutboxMarkDeliveredParams) error {
	const op = "mark outbox entries delivered"
	if p.At.IsZero() {
		return errors.New("bunstore: " + op + ": delivery time is required")
	}
	if len(p.IDs) == 0 {
		return nil
	}
	_, err := s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
		Set("delivered_at = ?", utc(p.At)).
		Set("locked_until = NULL").
		Where("id IN (?)", bun.List(p.IDs)).
		Exec(ctx)
	return translate(op, err)
}

// OutboxFail records a failed attempt of an entry.
func (s *Store) OutboxFail(ctx context.Context, p storage.OutboxFailParams) error {
	if err := storage.CheckFail(p); err != nil {
		return fmt.Errorf("bunstore: %w", err)
	}
	op := "fail outbox entry " + p.ID
	q := s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
		Set("last_error = ?", p.Error).
		Set("locked_until = NULL").
		Where("id = ?", p.ID)
	if p.Untried {
		q = q.Set("attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END")
	}
	if p.Dead {
		q = q.Set("dead_at = ?", utc(p.At))
	} else {
		q = q.Set("next_attempt_at = ?", utc(p.RetryAt))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return translate(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(op, err)
	} else if n == 0 {
		return fmt.Errorf("bunstore: %s: %w", op, storage.ErrNotFound)
	}
	return nil
}

// OutboxDeadList returns one page of dead letters, by ID.
func (s *Store) OutboxDeadList(ctx context.Context, p storage.OutboxDeadListParams) ([]*storage.OutboxEntry, error) {
	var rows []outboxRow
	q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS o", s.tables.outbox).
		Where("o.dead_at IS NOT NULL").
		Where("o.id > ?", p.After).
		OrderExpr("o.id ASC").
		Limit(int64(storage.ClampLimit(p.Limit)))
	if p.TenantID != "" {
		q = q.Where("o.tenant_id = ?", p.TenantID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate("list dead outbox entries", err)
	}
	out := make([]*storage.OutboxEntry, len(rows))
	for i := range rows {
		out[i] = toOutboxEntry(&rows[i])
	}
	return out, nil
}

// OutboxRetry makes dead letters pending again.
func (s *Store) OutboxRetry(ctx context.Context, p storage.OutboxRetryParams) (int, error) {
	const op = "retry outbox entries"
	if p.At.IsZero() {
		return 0, errors.New("bunstore: " + op + ": time is required")
	}
	if len(p.IDs) == 0 {
		return 0, nil
	}
	res, err := s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
		Set("dead_at = NULL").
		Set("attempts = 0").
		Set("next_attempt_at = ?", utc(p.At)).
		Where("id IN (?)", bun.List(p.IDs)).
		Where("dead_at IS NOT NULL").
		Exec(ctx)
	if err != nil {
		return 0, translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, translate(op, err)
	}
	return int(n), nil
}

var _ storage.OutboxStatsStore = (*Store)(nil)

// outboxStatsRow is what OutboxStats reads.
type outboxStatsRow struct {
	Pending int64     `bun:"pending"`
	Oldest  time.Time `bun:"oldest,nullzero"`
	Dead    int64     `bun:"dead"`
}

// OutboxStats counts the pending entries and the dead letters in one
// statement. Its conditions are those of the partial indexes
// outbox_claim_idx (pending entries, with created_at) and outbox_dead_idx
// (dead letters), so that it reads those indexes and never the
// delivered entries (see TestOutboxStatsExplain).
func (s *Store) OutboxStats(ctx context.Context, _ storage.OutboxStatsParams) (storage.OutboxStats, error) {
	var row outboxStatsRow
	err := s.db.NewRaw(`SELECT
  (SELECT count(*) FROM ? WHERE delivered_at IS NULL AND dead_at IS NULL) AS pending,
  (SELECT min(created_at) FROM ? WHERE delivered_at IS NULL AND dead_at IS NULL) AS oldest,
  (SELECT count(*) FROM ? WHERE dead_at IS NOT NULL) AS dead`,
		s.tables.outbox, s.tables.outbox, s.tables.outbox).Scan(ctx, &row)
	if err != nil {
		return storage.OutboxStats{}, translate("outbox stats", err)
	}
	return storage.OutboxStats{Pending: row.Pending, OldestPending: utc(row.Oldest), Dead: row.Dead}, nil
}

// claimRoundMySQL is claimRound on MySQL and MariaDB, in three
// statements of one transaction (the caller's, or one of its own): a
// SELECT of the due IDs with FOR UPDATE SKIP LOCKED (MySQL 8, MariaDB
// 10.6+), the UPDATE of those rows by primary key, and a SELECT of them
// as updated. MySQL assigns SET columns left to right, each seeing the
// ones before, so attempts, which the other assignments test, comes
// last.
func (s *Store) claimRoundMySQL(ctx context.Context, p storage.OutboxClaimParams, limit, maxAttempts int) ([]*storage.OutboxEntry, int, error) {
	const op = "claim outbox entries"
	now := utc(p.Now)
	var rows []outboxRow
	err := s.atomic(ctx, func(s *Store) error {
		var ids []string
		err := s.db.NewSelect().ColumnExpr("id").TableExpr("?", s.tables.outbox).
			Where("delivered_at IS NULL").
			Where("dead_at IS NULL").
			Where("next_attempt_at <= ?", now).
			Where("(locked_until IS NULL OR locked_until <= ?)", now).
			OrderExpr("next_attempt_at ASC, created_at ASC, id ASC").
			Limit(int64(limit)).
			For("UPDATE SKIP LOCKED").
			Scan(ctx, &ids)
		if err != nil || len(ids) == 0 {
			return translate(op, err)
		}
		_, err = s.db.NewUpdate().ModelTableExpr("?", s.tables.outbox).
			Set("locked_until = CASE WHEN attempts >= ? THEN NULL ELSE ? END", maxAttempts, utc(now.Add(p.LockFor))).
			Set("dead_at = CASE WHEN attempts >= ? THEN ? END", maxAttempts, now).
			Set("last_error = CASE WHEN attempts < ? THEN last_error WHEN last_error = '' THEN ? ELSE CONCAT(?, last_error) END",
				maxAttempts, storage.OutboxExhausted, storage.OutboxExhausted+"; last error: ").
			Set("attempts = CASE WHEN attempts >= ? THEN attempts ELSE attempts + 1 END", maxAttempts).
			Where("id IN (?)", bun.List(ids)).
			Exec(ctx)
		if err != nil {
			return translate(op, err)
		}
		err = s.db.NewSelect().Model(&rows).ModelTableExpr("? AS o", s.tables.outbox).
			Where("o.id IN (?)", bun.List(ids)).
			Scan(ctx)
		return translate(op, err)
	})
	if err != nil {
		return nil, 0, err
	}
	out := make([]*storage.OutboxEntry, 0, len(rows))
	for i := range rows {
		if !rows[i].DeadAt.IsZero() {
			continue
		}
		out = append(out, toOutboxEntry(&rows[i]))
	}
	return out, len(rows) - len(out), nil
}
