package bunstore

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.TicketAssigneeCounter = (*Store)(nil)

// TicketCountByAssignee counts the tickets of several assignees in one
// statement (see storage.TicketAssigneeCounter): SELECT assignee,
// count(*) … GROUP BY assignee over the tenant's rows of those assignees
// in those statuses, which the (tenant_id, assignee, status) index
// serves without reading the table; counts above p.Max are reported as
// p.Max+1.
func (s *Store) TicketCountByAssignee(ctx context.Context, p storage.TicketCountByAssigneeParams) (map[string]int, error) {
	const op = "count tickets by assignee"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	if p.Max <= 0 {
		return nil, fmt.Errorf("bunstore: %s: Max %d is not positive", op, p.Max)
	}
	if len(p.Assignees) > storage.MaxLimit {
		return nil, fmt.Errorf("bunstore: %s: %d assignees, at most %d", op, len(p.Assignees), storage.MaxLimit)
	}
	out := make(map[string]int, len(p.Assignees))
	if len(p.Assignees) == 0 {
		return out, nil
	}
	f := storage.TicketFilter{TenantID: p.TenantID, Assignees: p.Assignees, Statuses: p.Statuses}
	if p.Department != "" {
		f.Departments = []string{p.Department}
	}
	var rows []struct {
		Assignee string `bun:"assignee"`
		N        int    `bun:"n"`
	}
	q := s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).ColumnExpr("t.assignee, count(*) AS n")
	q = s.filterTickets(q, &f, textPlan{}, false).GroupExpr("t.assignee")
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, translate(op, err)
	}
	for _, r := range rows {
		out[r.Assignee] = min(r.N, p.Max+1)
	}
	return out, nil
}
