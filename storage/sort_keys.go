package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// TicketSortKeyUpdater is implemented by stores that can rewrite the
// stored sort keys of tickets alone, for ticketkit's Desk.RerankTickets
// after a catalog's order changed (or once after a store upgrade that
// added the keys). A transaction of such a store implements it too.
type TicketSortKeyUpdater interface {
	// TicketSortKeysUpdate stores, for each ticket still at its
	// Version, its SortKeys and the due key of its SLA state
	// (ticket.SLAState.DueKey), and nothing else: Version, UpdatedAt
	// and the history stay as they are, since the ticket did not
	// change. A ticket changed since it was read (another Version) or
	// gone is skipped: whatever changed it stored its keys. It returns
	// how many tickets' stored keys it changed.
	TicketSortKeysUpdate(ctx context.Context, tickets []*ticket.Ticket) (int, error)
}

// TicketCounter is implemented by stores that count the tickets a
// filter selects, up to a bound, so that a count costs at most what
// reading Max index entries costs. A transaction of such a store
// implements it too.
type TicketCounter interface {
	// TicketCount returns how many tickets p selects when that is at
	// most p.Max, and p.Max+1 otherwise ("more than Max").
	TicketCount(ctx context.Context, p TicketCountParams) (int, error)
}

// TicketCountParams selects the tickets TicketCount counts.
type TicketCountParams struct {
	TicketFilter
	// Max is the largest count reported exactly; it must be positive.
	Max int
}
