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
