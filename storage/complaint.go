package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrComplaintsUnsupported is wrapped by errors of code that needs a
// [ComplaintStore] and was given a store or [Tx] that does not implement
// it. It wraps [ErrUnsupported]. A decorator of a store (tracing,
// metrics) must forward the capability on the Tx its RunInTx hands out
// as well.
var ErrComplaintsUnsupported = fmt.Errorf("%w: complaints (storage.ComplaintStore)", ErrUnsupported)

// ComplaintStore is implemented by a [Tx] that keeps complaint documents:
// a ticket row plus its complaint section ([ticket.ComplaintDetails]),
// keyed by the ticket's ID. It is optional: a store without it keeps
// plain tickets only, and the Desk's complaint methods refuse to run on
// it. Both the memory and the Bun store implement it.
//
// The section shares the ticket's version: ComplaintUpdate checks and
// increments the ticket row's version, so a complaint changed through
// either path conflicts as a ticket does.
type ComplaintStore interface {
	// ComplaintCreate stores the complaint section of c, whose ticket
	// must already exist in the same tenant: call TicketCreate with
	// &c.Ticket first, in the same transaction. It sets the stored
	// ticket's Kind, and c.Kind, to ticket.KindComplaint, so that
	// TicketGet tells a complaint from a plain ticket in one read. An
	// unknown ticket gives ErrNotFound; a ticket that already has a
	// section gives ErrConflict.
	ComplaintCreate(ctx context.Context, c *ticket.Complaint) error
	// ComplaintGet returns a complaint by its ticket ID. A ticket that
	// does not exist, or that has no complaint section, gives
	// ErrNotFound.
	ComplaintGet(ctx context.Context, params TicketGetParams) (*ticket.Complaint, error)
	// ComplaintUpdate stores a changed complaint: the ticket row as
	// TicketUpdate does (c.Version must be the version that was read and
	// is set to the new one) and the section with it. A stored complaint
	// that is posted is immutable: the error then wraps
	// [ticket.ErrPosted] and nothing is written. An unknown complaint
	// gives ErrNotFound, a stale version ErrConflict.
	ComplaintUpdate(ctx context.Context, c *ticket.Complaint) error
	// ComplaintList returns one page of a tenant's complaints matching a
	// filter, by date of issue (oldest first, or newest first with
	// Desc), then ticket ID.
	ComplaintList(ctx context.Context, params ComplaintListParams) (*ComplaintListResult, error)
}

// ComplaintLocker is implemented by a [ComplaintStore] Tx that can lock
// a complaint for the rest of its transaction. The Desk reads every
// complaint it changes through it when the Tx offers it, so that the
// host's remedy handler runs at most once per posting: a second writer
// waits for the first to commit, then reads what it committed. A store
// whose transactions already run one writer at a time (the memory
// store; SQLite) may implement it as ComplaintGet, and a store without
// it must serialize writers itself. Both the memory and the Bun store
// implement it.
type ComplaintLocker interface {
	// ComplaintLock returns a complaint as ComplaintGet does, and locks
	// it until the transaction ends: another ComplaintLock of the same
	// complaint waits until then (on PostgreSQL, SELECT ... FOR
	// UPDATE). A ticket that does not exist, or that is no complaint,
	// gives ErrNotFound. Outside a transaction nothing stays locked.
	ComplaintLock(ctx context.Context, params TicketGetParams) (*ticket.Complaint, error)
}

// ComplaintFilter selects complaints of one tenant: the complaint
// journal's filter. Empty fields do not filter; list fields match any of
// their values; all set fields must match.
type ComplaintFilter struct {
	TenantID string
	// Reasons are reason codes (Ticket.Reason); a complaint logged
	// without a reason has the empty code.
	Reasons []string
	// Statuses are status codes (Ticket.Status). A caller that filters
	// by status category passes the category's codes.
	Statuses []string
	// Priorities are priority codes (Ticket.Priority).
	Priorities []string
	// Severities are severities (ComplaintDetails.Severity).
	Severities []ticket.Severity
	// CustomerID limits the result to one counterparty's complaints
	// (Ticket.Customer.ID).
	CustomerID string
	// Counterparty is the accounting counterparty
	// (Accounting.Counterparty).
	Counterparty string
	// BusinessUnits, Employees and Salespersons match the
	// Responsibility of a complaint.
	BusinessUnits []string
	Employees     []string
	Salespersons  []string
	// SourceKind and SourceID match the source document
	// (ComplaintDetails.Source); either may be set alone.
	SourceKind ticket.RefKind
	SourceID   string
	// AmountFrom and AmountTo bound the claimed amount
	// (Accounting.Amount) to [AmountFrom, AmountTo]; nil does not bound.
	// Amounts of every currency are compared unless Currency is set.
	// On SQLite, which stores amounts as text, the comparison is
	// numeric at double precision (15 significant digits).
	AmountFrom *decimal.Decimal
	AmountTo   *decimal.Decimal
	// Currency is the ISO 4217 code of the claimed amount.
	Currency string
	// IssuedFrom and IssuedTo bound the date of issue
	// (ComplaintDetails.IssuedAt) to [IssuedFrom, IssuedTo).
	IssuedFrom time.Time
	IssuedTo   time.Time
	// Text matches complaints whose subject holds it, ignoring case, as
	// TicketFilter.Text does.
	Text string
}

// ComplaintListParams selects one page of complaints.
type ComplaintListParams struct {
	ComplaintFilter
	// Desc lists the newest date of issue first; the default is oldest
	// first.
	Desc bool
	// Limit is the page size (see ClampLimit).
	Limit int
	// After is the Next cursor of the previous page; empty for the first
	// page. A cursor is only valid with the same Desc.
	After string
}

// ComplaintListResult is one page of complaints.
type ComplaintListResult struct {
	Complaints []*ticket.Complaint
	// Next is the cursor of the following page, empty on the last page.
	Next string
}

// SortIssuedAt is the sort of [ComplaintStore.ComplaintList]: by date of
// issue, then ticket ID. Adapters make their cursors with it.
const SortIssuedAt SortField = "complaint_issued_at"
