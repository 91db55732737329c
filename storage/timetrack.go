package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// TimeEntryStore is implemented by a [Tx] that keeps the time agents
// spend on tickets ([ticket.TimeEntry]). The Desk's AddTimeEntry,
// DeleteTimeEntry, TimeEntries and TimeReport, and the workflow guard
// time_entry_required, need it.
type TimeEntryStore interface {
	// TimeEntryAdd stores a time entry of an existing ticket of the
	// tenant (ErrNotFound otherwise); an ID stored already gives
	// ErrConflict.
	TimeEntryAdd(ctx context.Context, e *ticket.TimeEntry) error
	// TimeEntryDelete removes a time entry of a ticket, or returns
	// ErrNotFound.
	TimeEntryDelete(ctx context.Context, params TimeEntryDeleteParams) error
	// TimeEntryList returns the time entries of a ticket by date, then
	// creation time and ID, at most params.Limit of them (ClampLimit
	// applies).
	TimeEntryList(ctx context.Context, params TimeEntryListParams) ([]*ticket.TimeEntry, error)
	// TimeEntryReport aggregates the time entries of a tenant dated
	// from params.From to params.To by params.GroupBy, ordered by key.
	TimeEntryReport(ctx context.Context, params TimeReportParams) ([]TimeGroup, error)
}

// TimeEntryDeleteParams names one time entry.
type TimeEntryDeleteParams struct {
	TenantID string
	TicketID string
	ID       string
}

// TimeEntryListParams selects the time entries of a ticket.
type TimeEntryListParams struct {
	TenantID string
	TicketID string
	Limit    int
}

// TimeReportParams selects and groups time entries; From and To bound
// TimeEntry.Date as in [RatingReportParams].
type TimeReportParams = RatingReportParams

// TimeGroup is one line of a time report.
type TimeGroup struct {
	// Key is the agent, customer, organisation, day or month; "" for
	// entries without one.
	Key string
	// Entries is the number of time entries, Seconds their total
	// duration, BillableSeconds that of the billable ones.
	Entries, Seconds, BillableSeconds int64
}
