package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// CustomerTraceEraser is implemented by a [Tx] that erases what a
// customer leaves beside their tickets' own rows, for the Desk's
// EraseCustomer, in the same transaction as [CustomerEraser]. It is
// optional; the memory and the Bun store implement it.
type CustomerTraceEraser interface {
	// CustomerTracesErase erases, in params.TenantID: the CC watchers
	// of the tickets params.TicketIDs and those, on any ticket, whose
	// address is one of params.Emails (deleted); the comments of the
	// tickets' satisfaction ratings and the notes of their time entries
	// (emptied: scores and durations stay, for statistics); and the
	// idempotency records whose stored response holds one of
	// params.Texts (deleted: a retry of such a request runs again).
	CustomerTracesErase(ctx context.Context, params CustomerTracesParams) (*CustomerTracesResult, error)
	// ComplaintErase stores c's complaint section as the erasure left it,
	// posted or not (ComplaintUpdate refuses posted complaints): the
	// section's JSON and the columns kept from it; the ticket row is
	// the caller's (TicketUpdate). An unknown complaint gives
	// ErrNotFound.
	ComplaintErase(ctx context.Context, c *ticket.Complaint) error
}

// CustomerTracesParams selects what CustomerTracesErase erases.
type CustomerTracesParams struct {
	TenantID  string
	TicketIDs []string
	// Emails are the customer's addresses, lower-cased.
	Emails []string
	// Texts are the customer's data searched for in stored responses
	// (email, mobile, name); empty strings are ignored.
	Texts []string
}

// CustomerTracesResult counts what CustomerTracesErase erased.
type CustomerTracesResult struct {
	Watchers    int
	Ratings     int
	TimeEntries int
	Idempotency int
}
