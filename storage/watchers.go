package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// WatcherStore is implemented by a [Tx] that keeps the people who follow
// tickets ([ticket.Watcher]): agents who watch a ticket and addresses
// copied on it (CC). The Desk's Watch, Unwatch, Watchers, AddCC, RemoveCC
// and CC need it; with it, every notification of a ticket carries its
// watchers and CC addresses (notify.Event.Watchers, CC).
type WatcherStore interface {
	// WatcherAdd stores a watcher. The same watcher (tenant, ticket,
	// kind, key) stored twice gives ErrConflict.
	WatcherAdd(ctx context.Context, w *ticket.Watcher) error
	// WatcherRemove removes a watcher, or returns ErrNotFound.
	WatcherRemove(ctx context.Context, params WatcherRemoveParams) error
	// WatcherList returns the watchers of the tickets of
	// params.TicketIDs, by ticket ID, then oldest first (then by kind
	// and key), at most params.Limit of them (ClampLimit applies).
	WatcherList(ctx context.Context, params WatcherListParams) ([]*ticket.Watcher, error)
}

// WatcherRemoveParams names one watcher.
type WatcherRemoveParams struct {
	TenantID string
	TicketID string
	Kind     ticket.WatcherKind
	Key      string
}

// WatcherListParams selects the watchers of tickets.
type WatcherListParams struct {
	TenantID  string
	TicketIDs []string
	// Kind, when set, selects watchers of this kind only.
	Kind  ticket.WatcherKind
	Limit int
}

// WatchedTicketGetter is implemented by a [Store] (and the [Tx] its
// RunInTx hands out) that is a [WatcherStore] and reads a ticket together
// with its watchers and CC addresses: in one statement where it can (the
// Bun store on PostgreSQL), so that a change the Desk makes outside a
// transaction ([ChangeUpdater]) reads what its notifications need in one
// round trip instead of two. Without it the Desk calls TicketGet, then
// WatcherList.
type WatchedTicketGetter interface {
	// TicketGetWatched returns what TicketGet returns for params and the
	// ticket's watchers as WatcherList returns them for that one ticket
	// with Limit MaxLimit (every kind, oldest first, then by kind and
	// key). An unknown ticket, or one of another tenant, gives an error
	// wrapping ErrNotFound.
	TicketGetWatched(ctx context.Context, params TicketGetParams) (*ticket.Ticket, []*ticket.Watcher, error)
}
