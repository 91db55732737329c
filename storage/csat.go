package storage

import (
	"context"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// RatingStore is implemented by a [Tx] that keeps the satisfaction
// ratings of tickets ([ticket.Rating]), at most one per ticket. The
// Desk's Rate, RateTicket, Rating and SatisfactionReport need it.
type RatingStore interface {
	// RatingAdd stores the rating of an existing ticket of the tenant
	// (ErrNotFound otherwise). A second rating of the same ticket gives
	// ErrConflict, even from another transaction or process at the same
	// time: a unique key decides.
	RatingAdd(ctx context.Context, r *ticket.Rating) error
	// RatingGet returns the rating of a ticket, or ErrNotFound.
	RatingGet(ctx context.Context, params RatingGetParams) (*ticket.Rating, error)
	// RatingReport aggregates the ratings of a tenant rated from
	// params.From to params.To by params.GroupBy, ordered by key.
	RatingReport(ctx context.Context, params RatingReportParams) ([]RatingGroup, error)
}

// RatingGetParams names the rating of one ticket.
type RatingGetParams struct {
	TenantID string
	TicketID string
}

// ReportGroupBy names what a report of ratings or time entries groups
// by.
type ReportGroupBy string

// Groupings of [RatingStore.RatingReport] and
// [TimeEntryStore.TimeEntryReport]; which apply to which is said on
// each.
const (
	// GroupByAgent groups by agent: the assignee of a rated ticket, the
	// agent of a time entry. Both reports.
	GroupByAgent ReportGroupBy = "agent"
	// GroupByDepartment groups ratings by the ticket's department
	// (team).
	GroupByDepartment ReportGroupBy = "department"
	// GroupByCategory groups ratings by the ticket's category.
	GroupByCategory ReportGroupBy = "category"
	// GroupByCustomer groups time entries by customer ID.
	GroupByCustomer ReportGroupBy = "customer"
	// GroupByOrganisation groups time entries by organisation ID.
	GroupByOrganisation ReportGroupBy = "organisation"
	// GroupByDay groups by UTC day, "2006-01-02". Both reports.
	GroupByDay ReportGroupBy = "day"
	// GroupByMonth groups by UTC month, "2006-01". Both reports.
	GroupByMonth ReportGroupBy = "month"
)

// RatingGroupings returns the groupings of a ratings report.
func RatingGroupings() []ReportGroupBy {
	return []ReportGroupBy{GroupByAgent, GroupByDepartment, GroupByCategory, GroupByDay, GroupByMonth}
}

// TimeGroupings returns the groupings of a time report.
func TimeGroupings() []ReportGroupBy {
	return []ReportGroupBy{GroupByAgent, GroupByCustomer, GroupByOrganisation, GroupByDay, GroupByMonth}
}

// RatingReportParams selects and groups ratings.
type RatingReportParams struct {
	TenantID string
	// GroupBy is one of [RatingGroupings].
	GroupBy ReportGroupBy
	// From and To bound the UTC day of the rating: from From's day
	// included to To's day excluded. A zero bound is open.
	From, To time.Time
}

// RatingGroup is one line of a ratings report.
type RatingGroup struct {
	// Key is the agent, department, category, day or month; "" for
	// ratings without one (an unassigned ticket).
	Key string
	// Count is the number of ratings, ScoreSum the sum of their scores,
	// Satisfied the number scored 4 or 5 (the CSAT numerator).
	Count, ScoreSum, Satisfied int64
}

// ReportDay returns t's UTC day as "2006-01-02", the form stores keep
// the day of a rating and of a time entry in; the zero time gives "".
func ReportDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
