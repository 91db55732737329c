package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
)

var (
	_ storage.TicketAssigneeCounter = (*Store)(nil)
	_ storage.TicketAssigneeCounter = (*tx)(nil)
)

// TicketCountByAssignee counts the tickets of several assignees at once
// (see storage.TicketAssigneeCounter).
func (s *Store) TicketCountByAssignee(ctx context.Context, p storage.TicketCountByAssigneeParams) (map[string]int, error) {
	return read(s, func(x *tx) (map[string]int, error) { return x.TicketCountByAssignee(ctx, p) })
}

// TicketCountByAssignee counts the tickets of several assignees at once
// (see storage.TicketAssigneeCounter).
func (x *tx) TicketCountByAssignee(ctx context.Context, p storage.TicketCountByAssigneeParams) (map[string]int, error) {
	const op = "memory: count tickets by assignee"
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if p.Max <= 0 {
		return nil, fmt.Errorf("%s: Max %d is not positive", op, p.Max)
	}
	if len(p.Assignees) > storage.MaxLimit {
		return nil, fmt.Errorf("%s: %d assignees, at most %d", op, len(p.Assignees), storage.MaxLimit)
	}
	out := make(map[string]int, len(p.Assignees))
	if len(p.Assignees) == 0 {
		return out, nil
	}
	for _, t := range x.db.tickets {
		switch {
		case t.TenantID != p.TenantID, !slices.Contains(p.Assignees, t.Assignee),
			len(p.Statuses) > 0 && !slices.Contains(p.Statuses, t.Status),
			p.Department != "" && t.Department != p.Department:
			continue
		}
		if out[t.Assignee] <= p.Max {
			out[t.Assignee]++
		}
	}
	return out, nil
}
