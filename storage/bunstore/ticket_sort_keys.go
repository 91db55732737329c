package bunstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.TicketSortKeyUpdater = (*Store)(nil)

// TicketSortKeysUpdate stores the sort keys of each ticket still at its
// Version (see storage.TicketSortKeyUpdater): one UPDATE per tenant and
// set of catalog positions, which sets those positions and, by a CASE on
// the ID with bound values, each ticket's SLA due key, for the tickets
// whose version is the one read and whose keys differ (so that every
// dialect counts the rows it changed alike). Nothing else of the rows
// changes.
func (s *Store) TicketSortKeysUpdate(ctx context.Context, tickets []*ticket.Ticket) (int, error) {
	const op = "update sort keys"
	for _, t := range tickets {
		if err := checkTicket(op, t); err != nil {
			return 0, err
		}
	}
	type group struct {
		tenant string
		keys   ticket.SortKeys
	}
	groups := map[group][]*ticket.Ticket{}
	for _, t := range tickets {
		g := group{t.TenantID, t.SortKeys}
		groups[g] = append(groups[g], t)
	}
	order := slices.SortedFunc(func(yield func(group) bool) {
		for g := range groups {
			if !yield(g) {
				return
			}
		}
	}, func(a, b group) int {
		return cmp.Or(strings.Compare(a.tenant, b.tenant), cmp.Compare(a.keys.Priority, b.keys.Priority),
			cmp.Compare(a.keys.Status, b.keys.Status), cmp.Compare(a.keys.Category, b.keys.Category))
	})
	n := 0
	err := s.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		st := tx.(*Store)
		for _, g := range order {
			for chunk := range slices.Chunk(groups[g], importBatch) {
				var due, version strings.Builder
				ids := make([]string, len(chunk))
				var dueArgs, versionArgs []any
				for i, t := range chunk {
					ids[i] = t.ID
					due.WriteString(" WHEN ? THEN ?")
					dueArgs = append(dueArgs, t.ID, t.SLA.DueKey())
					version.WriteString(" WHEN ? THEN ?")
					versionArgs = append(versionArgs, t.ID, t.Version)
				}
				res, err := st.db.NewUpdate().ModelTableExpr("?", st.tables.tickets).
					Set("priority_rank = ?", g.keys.Priority).
					Set("status_rank = ?", g.keys.Status).
					Set("category_rank = ?", g.keys.Category).
					Set("sla_due = CASE id"+due.String()+" END", dueArgs...).
					Where("tenant_id = ?", g.tenant).
					Where("id IN (?)", bun.List(ids)).
					Where("version = CASE id"+version.String()+" END", versionArgs...).
					Where("(priority_rank <> ? OR status_rank <> ? OR category_rank <> ? OR sla_due <> CASE id"+due.String()+" END)",
						append([]any{g.keys.Priority, g.keys.Status, g.keys.Category}, dueArgs...)...).
					Exec(ctx)
				if err != nil {
					return translate(op, err)
				}
				m, err := res.RowsAffected()
				if err != nil {
					return translate(op, err)
				}
				n += int(m)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

var _ storage.TicketCounter = (*Store)(nil)

// TicketCount counts the tickets a filter selects, up to p.Max+1 (see
// storage.TicketCounter): SELECT count(*) over the filter's rows cut at
// p.Max+1, which the database reads from the same indexes as a page of
// TicketList, so that a count costs at most p.Max+1 index entries (and
// their rows, for filters no index holds).
func (s *Store) TicketCount(ctx context.Context, p storage.TicketCountParams) (int, error) {
	const op = "count tickets"
	if p.TenantID == "" {
		return 0, errNoTenant(op)
	}
	if p.Max <= 0 {
		return 0, fmt.Errorf("bunstore: %s: Max %d is not positive", op, p.Max)
	}
	text, err := s.ticketTextPlan(ctx, p.TenantID, strings.ToLower(p.Text))
	if err != nil {
		return 0, translate(op, err)
	}
	q := s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).ColumnExpr("1")
	q = s.filterTickets(q, &p.TicketFilter, text, false).Limit(int64(p.Max + 1))
	var n int
	if err := s.db.NewSelect().TableExpr("(?) AS c", q).ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
		return 0, translate(op, err)
	}
	return n, nil
}
