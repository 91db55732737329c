package storage

import (
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Page sizes for list methods. A limit of zero means DefaultLimit; a
// limit above MaxLimit is lowered to MaxLimit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ClampLimit applies DefaultLimit and MaxLimit to a requested page size.
func ClampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// SequenceNextParams names a ticket number counter.
type SequenceNextParams struct {
	TenantID string
	// Scope is the counter's key within the tenant, from
	// [ticket.Numberer.Scope].
	Scope string
}

// TicketGetParams selects a ticket by ID.
type TicketGetParams struct {
	TenantID string
	ID       string
}

// TicketGetByNumberParams selects a ticket by its human number.
type TicketGetByNumberParams struct {
	TenantID string
	Number   string
}

// TicketFilter selects tickets of one tenant. Empty fields do not filter;
// list fields match any of their values; all set fields must match.
type TicketFilter struct {
	TenantID string
	// CustomerID limits the result to one customer's tickets.
	CustomerID string
	// OrganisationID limits the result to the tickets of one
	// organisation's customers (ticket.Customer.OrganisationID).
	OrganisationID string
	// CustomerOrOrganisation, with both CustomerID and OrganisationID
	// set, selects the tickets of the customer or of the organisation
	// (a customer who may see their organisation's tickets), rather
	// than those of both.
	CustomerOrOrganisation bool
	Statuses               []string
	Priorities             []string
	Categories             []string
	Departments            []string
	Assignees              []string
	// Channels matches the ticket's channel (ticket.Channel codes).
	Channels []string
	// CreatedFrom and CreatedTo bound the creation time to
	// [CreatedFrom, CreatedTo).
	CreatedFrom time.Time
	CreatedTo   time.Time
	// CustomerMobile matches Customer.Mobile exactly; the Desk passes it
	// in the same normalized form it stores.
	CustomerMobile string
	// CustomerEmail matches Customer.Email, ignoring case.
	CustomerEmail string
	// Number matches the ticket number exactly.
	Number string
	// NumberPrefix matches the ticket numbers that start with it, in
	// their stored letter case, such as the first digits a clerk types.
	NumberPrefix string
	// Text matches tickets whose subject contains it, ignoring case.
	Text string
	// Query is a full-text query over the ticket's subject, its
	// description and its messages' bodies: a ticket matches when every
	// word of the query (QueryWords) occurs as a whole word in one of
	// them. Only a FullTextStore is given it.
	Query string
	// QueryPrefix lets the last word of Query also match the words that
	// start with it, as a search box does while one types.
	QueryPrefix bool
	// QueryPublic leaves internal notes (ticket.MessageNote) out of what
	// Query searches, for customers' searches.
	QueryPublic bool
	// References matches tickets holding any of these references, by
	// Kind and ID exactly (Label is not looked at).
	References []ticket.Reference
	// Tags matches tickets holding any of these tags, exactly.
	Tags []string
	// UpdatedSince matches tickets last changed at or after it, for
	// incremental sync (with SortUpdatedAt, ascending).
	UpdatedSince time.Time
	// Linked, when set, matches tickets linked to a ticket (see
	// LinkStore); only a store that implements LinkStore is given it.
	Linked *LinkFilter
}

// LinkFilter selects tickets by their links to one ticket.
type LinkFilter struct {
	// TicketID is the ticket at the other end of the links.
	TicketID string
	// Types, when set, selects links of these types only.
	Types []ticket.LinkType
	// Outgoing selects only tickets whose links go from them to
	// TicketID, such as the children of a parent (LinkParent) or the
	// duplicates of an original; otherwise links in either direction
	// count.
	Outgoing bool
}

// SortField is a whitelisted field tickets can be sorted by.
type SortField string

// Sort fields. Ties are broken by ticket ID in the same direction.
const (
	SortCreatedAt SortField = "created_at" // SortCreatedAt: creation time (the default).
	SortUpdatedAt SortField = "updated_at" // SortUpdatedAt: last change time.
	SortPriority  SortField = "priority"   // SortPriority: priority rank, per TicketListParams.PriorityOrder.
	SortStatus    SortField = "status"     // SortStatus: status code.
	SortCategory  SortField = "category"   // SortCategory: category code.
	SortNumber    SortField = "number"     // SortNumber: ticket number.
	// SortSLADue: the SLA due time, the earliest running target's
	// (ticket.SLAState.DueKey); tickets with no running target come
	// after every due one, ascending: "most urgent first".
	SortSLADue SortField = "sla_due"
)

// SortFields returns every sort field.
func SortFields() []SortField {
	return []SortField{SortCreatedAt, SortUpdatedAt, SortPriority, SortStatus, SortCategory, SortNumber, SortSLADue}
}

// TicketListParams selects one page of tickets.
type TicketListParams struct {
	TicketFilter
	// Sort is the field to sort by; empty means SortCreatedAt.
	Sort SortField
	// Desc sorts from highest to lowest.
	Desc bool
	// PriorityOrder lists priority codes from lowest to highest, for
	// SortPriority; codes not in it sort before all others.
	PriorityOrder []string
	// CatalogOrder sorts SortPriority, SortStatus and SortCategory by the
	// ticket's stored ticket.SortKeys, the catalog's order, which stores
	// read from an index, rather than by PriorityOrder and by the codes'
	// alphabet (which sorts "closed" before "open"). The Desk sets it.
	CatalogOrder bool
	// SortRanks, with CatalogOrder, are the stored ranks
	// (ticket.SortKeys) of the codes the filter selects on the sort's
	// own field: of Priorities for SortPriority, Statuses for SortStatus,
	// Categories for SortCategory. A store may then read only the range
	// of those ranks of the sort's index, so that a filter and a sort on
	// one field cost a page, not the tenant; the code filter still holds.
	// It is only correct when the tickets hold the ranks of the catalog
	// they come from: the Desk sets it from the catalog it stamps every
	// ticket with (see ticketkit's Desk.RerankTickets).
	SortRanks []int
	// Limit is the page size (see ClampLimit).
	Limit int
	// After is the Next cursor of the previous page; empty for the first
	// page. Pages stay stable while tickets are inserted.
	After string
}

// TicketListResult is one page of tickets.
type TicketListResult struct {
	Tickets []*ticket.Ticket
	// Next is the cursor of the following page, empty on the last page.
	Next string
}

// MessageListParams selects one page of messages, oldest first.
type MessageListParams struct {
	TenantID string
	// TicketID limits the result to one ticket's thread; empty lists
	// messages of all the tenant's tickets.
	TicketID string
	// CustomerID limits the result to messages of that customer's
	// tickets.
	CustomerID string
	// Kinds limits the result to these message kinds; empty means all.
	Kinds []ticket.MessageKind
	// CreatedFrom and CreatedTo bound the creation time to
	// [CreatedFrom, CreatedTo).
	CreatedFrom time.Time
	CreatedTo   time.Time
	Limit       int
	After       string
}

// MessageListResult is one page of messages.
type MessageListResult struct {
	Messages []*ticket.Message
	Next     string
}

// EventListParams selects a ticket's history.
type EventListParams struct {
	TenantID string
	TicketID string
}
