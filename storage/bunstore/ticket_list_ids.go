package bunstore

import (
	"reflect"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

// idsFromIndex reports whether TicketList reads the page of p, sorted by
// sort, as its IDs from one covering index alone, then only the page's
// rows: the index holds every column the filter, the order and the
// cursor need, so the entries that fail the filter are skipped in the
// index and never fetched from the table. Two shapes are read that way
// (prefixByCreation and deptCategoryByUpdate).
func idsFromIndex(p *storage.TicketListParams, sort storage.SortField) bool {
	return prefixByCreation(p, sort) || deptCategoryByUpdate(p, sort)
}

// deptCategoryByUpdate reports whether a page of p, sorted by sort, is
// one department's tickets of one category sorted by last update, with
// at most a creation range and an updated-since bound besides: its IDs
// are then read from the (tenant_id, department, category, updated_at,
// id, created_at) index of migration 20261205000401 in the page's order,
// the creation range checked on the index entries. No b-tree orders by
// last update and bounds the creation time too (an old ticket may have
// been updated yesterday), so the tickets created after the range are
// skipped, but as index entries: reading them from the (tenant,
// department, updated_at, id) index fetched each one from the table, a
// year's range of a three-year department cost hundreds of milliseconds
// at a million tickets.
func deptCategoryByUpdate(p *storage.TicketListParams, sort storage.SortField) bool {
	f := p.TicketFilter
	if sort != storage.SortUpdatedAt || len(f.Departments) != 1 || len(f.Categories) != 1 {
		return false
	}
	f.TenantID, f.Departments, f.Categories = "", nil, nil
	f.CreatedFrom, f.CreatedTo, f.UpdatedSince = time.Time{}, time.Time{}, time.Time{}
	return reflect.ValueOf(f).IsZero()
}

// idsFilter returns the filter of idsFromIndex's query of the page's IDs
// and a function that adds what that filter leaves out. On SQLite the
// creation range of deptCategoryByUpdate is written +t.created_at, which
// keeps it out of index choice: with its statistics, SQLite's planner
// would read the range from the department's (tenant, department,
// created_at) index, fetch each ticket for its category and sort them
// all, where the covering index gives the page's order.
func (s *Store) idsFilter(p *storage.TicketListParams, sort storage.SortField) (storage.TicketFilter, func(*bun.SelectQuery) *bun.SelectQuery) {
	f := p.TicketFilter
	if s.dialect != DialectSQLite || !deptCategoryByUpdate(p, sort) {
		return f, func(q *bun.SelectQuery) *bun.SelectQuery { return q }
	}
	from, to := f.CreatedFrom, f.CreatedTo
	f.CreatedFrom, f.CreatedTo = time.Time{}, time.Time{}
	return f, func(q *bun.SelectQuery) *bun.SelectQuery {
		if !from.IsZero() {
			q = q.Where("+t.created_at >= ?", utc(from))
		}
		if !to.IsZero() {
			q = q.Where("+t.created_at < ?", utc(to))
		}
		return q
	}
}
