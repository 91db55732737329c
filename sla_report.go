package ticketkit

import (
	"context"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// SLAReportParams selects the tickets an SLA report covers, as a search
// does (its Sort, Desc, Limit and After are ignored: the report covers
// every match), and how it splits them.
type SLAReportParams struct {
	SearchParams
	// GroupBy splits the figures by one of SLAReportGroups, such as
	// "department"; empty gives the totals only.
	GroupBy string `json:"group_by,omitempty"`
}

// SLAReportGroups returns the values SLAReportParams.GroupBy accepts.
func SLAReportGroups() []string {
	return []string{"department", "priority", "category", "assignee", "channel", "status", "policy", "organisation"}
}

// slaGroupKey returns the group of t under one of SLAReportGroups.
func slaGroupKey(by string) func(*ticket.Ticket) string {
	return func(t *ticket.Ticket) string {
		switch by {
		case "department":
			return t.Department
		case "priority":
			return t.Priority
		case "category":
			return t.Category
		case "assignee":
			return t.Assignee
		case "channel":
			return string(t.Channel)
		case "status":
			return t.Status
		case "organisation":
			return t.Customer.OrganisationID
		default: // "policy"
			return t.SLA.Policy
		}
	}
}

// SLAReport is the SLA figures of a selection of tickets: the totals and,
// when asked, one row per group. See [ticket.SLAStats] for each figure.
type SLAReport struct {
	ticket.SLAStats
	GroupBy string               `json:"group_by,omitempty"`
	Groups  []ticket.SLAStatsRow `json:"groups,omitempty"`
	// FromHistory counts the tickets whose figures were computed from
	// their history and thread because no SLA state kept them: the Desk
	// has no Config.SLA, or had none while they lived. They count in
	// every figure like the others, with wall-clock paused time and no
	// breaches, since no target applied to them.
	FromHistory int `json:"from_history"`
}

// SLAReport returns the time to first response, the resolution time, the
// reopen rate and the breaches of the tenant's tickets matching p, from
// the metrics each ticket's SLA state keeps or, for a ticket no SLA state
// kept them for (no Config.SLA), from its history and thread (two more
// store reads per such ticket). Every matching ticket counts, with or
// without an SLA; SLAReport.FromHistory says how many were computed from
// history. It pages through the matching tickets with the store's
// TicketList, so it works on every backend; narrow it by creation time
// for large tenants. Only staff may read reports.
func (d *Desk) SLAReport(ctx context.Context, actor ticket.Actor, p SLAReportParams) (_ *SLAReport, err error) {
	ctx, end := d.begin(ctx, "SLAReport", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "read SLA reports"); err != nil {
		return nil, err
	}
	if p.GroupBy != "" && !slices.Contains(SLAReportGroups(), p.GroupBy) {
		return nil, ticket.NewValidationError(ticket.FieldError{Field: "group_by", Rule: "oneof",
			Message: fmt.Sprintf("must be one of %v", SLAReportGroups())})
	}
	search := p.SearchParams
	search.Sort, search.Desc, search.Limit, search.After = "", false, storage.MaxLimit, ""
	q, empty, err := d.searchQuery(actor, search)
	if err != nil {
		return nil, err
	}
	var all []*ticket.Ticket
	for !empty {
		page, err := d.store.TicketList(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("ticketkit: SLA report: %w", err)
		}
		all = append(all, page.Tickets...)
		empty = page.Next == ""
		q.After = page.Next
	}
	r := &SLAReport{GroupBy: p.GroupBy}
	for i, t := range all {
		var computed bool
		if all[i], computed, err = d.withHistoryMetrics(ctx, t); err != nil {
			return nil, err
		}
		if computed {
			r.FromHistory++
		}
	}
	r.SLAStats = ticket.SLAStatsOf(all)
	if p.GroupBy != "" {
		r.Groups = ticket.SLAStatsBy(all, slaGroupKey(p.GroupBy))
	}
	return r, nil
}
