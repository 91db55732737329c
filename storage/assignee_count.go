package storage

import "context"

// TicketAssigneeCounter is implemented by stores that count the tickets
// of several assignees at once, in one statement grouped by assignee,
// such as the open tickets of a team's agents that least-open assignment
// and agent capacities compare. A transaction of such a store implements
// it too. Without it, callers count each assignee with [TicketCounter].
type TicketAssigneeCounter interface {
	// TicketCountByAssignee returns, for each assignee of p that holds
	// tickets p selects, how many it holds when that is at most p.Max,
	// and p.Max+1 otherwise ("more than Max"). Assignees holding none
	// are absent from the map.
	TicketCountByAssignee(ctx context.Context, p TicketCountByAssigneeParams) (map[string]int, error)
}

// TicketCountByAssigneeParams selects the tickets TicketCountByAssignee
// counts.
type TicketCountByAssigneeParams struct {
	// TenantID is required.
	TenantID string
	// Assignees are the user IDs to count for, at most [MaxLimit];
	// none gives an empty map.
	Assignees []string
	// Statuses, when set, are the statuses counted (such as a
	// catalog's open ones); empty counts any status.
	Statuses []string
	// Department, when set, counts only that department's tickets.
	Department string
	// Max is the largest count reported exactly; it must be positive.
	Max int
}
