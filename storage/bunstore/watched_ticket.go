package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.WatchedTicketGetter = (*Store)(nil)

// watchedTicketRow is a ticket row with its watchers, read by
// TicketGetWatched on PostgreSQL: Watchers is a JSON array of
// [kind, key, created_by, created_at] arrays, oldest first, created_at
// in UTC without an offset (see watchedAtLayout).
type watchedTicketRow struct {
	ticketRow `bun:",extend"`

	Watchers string `bun:"watchers"`
}

// watchedColumn is the select-list entry of TicketGetWatched on
// PostgreSQL: the watchers of ticket t as WatcherList orders and limits
// them, aggregated into one JSON array (its primary key's index reads
// them). created_at goes in as a timestamp in UTC: PostgreSQL writes a
// timestamptz into JSON in the session's TimeZone, whose offset can have
// seconds (local mean time, such as +00:19:32 in Europe/Amsterdam before
// 1937, or in any zone for the zero time), which is not RFC 3339.
const watchedColumn = "(SELECT coalesce(json_agg(json_build_array(w.kind, w.watcher_key, w.created_by, w.created_at AT TIME ZONE 'UTC')" +
	" ORDER BY w.created_at, w.kind, w.watcher_key), '[]') FROM (SELECT * FROM ? AS w" +
	" WHERE w.tenant_id = t.tenant_id AND w.ticket_id = t.id" +
	" ORDER BY w.created_at, w.kind, w.watcher_key LIMIT ?) AS w) AS watchers"

// TicketGetWatched returns a ticket and its watchers (see
// storage.WatchedTicketGetter). On PostgreSQL it is one statement: the
// ticket's row, its SLA state and its watchers aggregated into a JSON
// array by a subquery on the watchers' primary key. Its text is the same
// for every ticket, its values bind parameters, sent through
// database/sql (pgx prepares it once per connection), which bypasses
// Bun's query hooks as ChangeUpdate does; with Config.ThroughBunOnly it
// goes through Bun, its values inlined. Elsewhere it is TicketGet, then
// WatcherList.
func (s *Store) TicketGetWatched(ctx context.Context, p storage.TicketGetParams) (*ticket.Ticket, []*ticket.Watcher, error) {
	op := "get watched ticket " + p.ID
	if p.TenantID == "" {
		return nil, nil, errNoTenant(op)
	}
	if s.dialect != DialectPostgres {
		t, err := s.TicketGet(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		ws, err := s.WatcherList(ctx, storage.WatcherListParams{TenantID: p.TenantID, TicketIDs: []string{p.ID}, Limit: storage.MaxLimit})
		if err != nil {
			return nil, nil, err
		}
		return t, ws, nil
	}
	var r watchedTicketRow
	if raw := s.rawSQL(); raw != nil {
		text := s.texts.watched.get(func() string {
			return s.selectWatched(&r, bun.Safe("$1"), bun.Safe("$2")).String()
		})
		if err := s.queryBound(ctx, raw, &r, text, p.TenantID, p.ID); err != nil {
			return nil, nil, translate(op, err)
		}
		if r.ID == "" {
			return nil, nil, translate(op, sql.ErrNoRows)
		}
	} else if err := s.selectWatched(&r, p.TenantID, p.ID).Scan(ctx); err != nil {
		return nil, nil, translate(op, err)
	}
	t, err := toTicket(&r.ticketRow)
	if err != nil {
		return nil, nil, err
	}
	ws, err := decodeWatchers(t, r.Watchers)
	if err != nil {
		return nil, nil, fmt.Errorf("bunstore: %s: %w", op, err)
	}
	return t, ws, nil
}

// selectWatched returns the SELECT of TicketGetWatched on PostgreSQL
// into r: the ticket of tenantID and id (values or placeholders).
func (s *Store) selectWatched(r *watchedTicketRow, tenantID, id any) *bun.SelectQuery {
	return s.selectTickets(r).
		ColumnExpr(watchedColumn, s.watchersTable(), storage.MaxLimit).
		Where("t.tenant_id = ?", tenantID).
		Where("t.id = ?", id)
}

// watchedAtLayout is how PostgreSQL writes a timestamp (without time
// zone) into JSON: ISO 8601 whatever the session's DateStyle, the
// fraction only when there is one.
const watchedAtLayout = "2006-01-02T15:04:05.999999999"

// decodeWatchers returns the watchers of t from their JSON array (see
// watchedTicketRow).
func decodeWatchers(t *ticket.Ticket, raw string) ([]*ticket.Watcher, error) {
	var rows [][4]string
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		return nil, fmt.Errorf("watchers: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ws := make([]*ticket.Watcher, len(rows))
	for i, r := range rows {
		at, err := time.Parse(watchedAtLayout, r[3])
		if err != nil {
			return nil, fmt.Errorf("watcher %s %s: created_at: %w", r[0], r[1], err)
		}
		ws[i] = &ticket.Watcher{TenantID: t.TenantID, TicketID: t.ID, Kind: ticket.WatcherKind(r[0]), Key: r[1],
			CreatedBy: r[2], CreatedAt: fromDB(at)}
	}
	return ws, nil
}

// pgStalePlan is the SQLSTATE (feature_not_supported) and message
// PostgreSQL answers a prepared statement with when a schema change (a
// migration changing a selected column's type) changed its result type.
const (
	pgFeatureNotSupported = "0A000"
	pgStalePlanMessage    = "cached plan must not change result type"
)

// isStalePlan reports whether err is PostgreSQL's refusal to run a
// statement prepared before a schema change changed its result type.
// pgx drops the statement from its cache on any error, so the next run
// prepares it again and succeeds.
func isStalePlan(err error) bool {
	pe, ok := errors.AsType[sqlStateError](err)
	return ok && pe.SQLState() == pgFeatureNotSupported && strings.Contains(err.Error(), pgStalePlanMessage)
}
