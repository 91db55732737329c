package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// TicketLocker is implemented by a [Tx] that can lock several tickets
// for the rest of its transaction, such as the Bun store (on
// PostgreSQL, SELECT ... ORDER BY id FOR UPDATE). The Desk reads the
// tickets of a merge or a split through it, so that two merges of
// crossing pairs (A into B and B into A at once) wait for each other
// rather than deadlock: every locker takes its locks in ID order. A
// store whose transactions run one writer at a time (the memory store;
// SQLite) implements it as TicketGet per ID. Without it the Desk reads
// with TicketGet and relies on the tickets' versions.
type TicketLocker interface {
	// TicketLock returns the tickets of params.IDs that exist in the
	// tenant, ordered by ID, and locks them, in ID order, until the
	// transaction ends. An unknown ID is left out of the result (the
	// caller tells which are missing); duplicates count once. Outside a
	// transaction nothing stays locked.
	TicketLock(ctx context.Context, params TicketLockParams) ([]*ticket.Ticket, error)
}

// TicketLockParams names the tickets to lock.
type TicketLockParams struct {
	TenantID string
	IDs      []string
}

// MessageMover is implemented by a [Tx] that can move messages from
// tickets to another ticket of the same tenant in one statement, for
// [ticketkit.Desk.Merge] and Split, which refuse to run without it
// (their errors wrap ErrUnsupported). Messages keep their IDs, creation
// times and attachments: a ticket's thread, listed oldest first, takes
// the moved messages in their time order among its own.
type MessageMover interface {
	// MessageMove sets the ticket of the messages of params.FromTicketIDs
	// (only those of params.MessageIDs among them, when set) to
	// params.ToTicketID and returns how many it moved. Messages of other
	// tickets or tenants are never touched.
	MessageMove(ctx context.Context, params MessageMoveParams) (int, error)
}

// MessageMoveParams selects the messages to move and where to.
type MessageMoveParams struct {
	TenantID      string
	FromTicketIDs []string
	// MessageIDs, when set, limits the move to these messages of
	// FromTicketIDs; otherwise every message of FromTicketIDs moves.
	MessageIDs []string
	ToTicketID string
}

// LinkStore is implemented by a [Tx] that keeps typed links between
// tickets ([ticket.Link]): parent and child, related, duplicate of,
// caused by, split from. The Desk's Link, Unlink and Links need it; so
// does Split, which links the new ticket to its origin.
type LinkStore interface {
	// LinkCreate stores a link. The same link (tenant, type, from, to)
	// stored twice gives ErrConflict.
	LinkCreate(ctx context.Context, l *ticket.Link) error
	// LinkDelete removes a link, or returns ErrNotFound.
	LinkDelete(ctx context.Context, params LinkDeleteParams) error
	// LinkList returns the links of a ticket, both those from it and
	// those to it, oldest first (then by type, from and to), at most
	// params.Limit of them (ClampLimit applies).
	LinkList(ctx context.Context, params LinkListParams) ([]*ticket.Link, error)
}

// LinkDeleteParams names one link.
type LinkDeleteParams struct {
	TenantID string
	Type     ticket.LinkType
	FromID   string
	ToID     string
}

// LinkListParams selects the links of one ticket.
type LinkListParams struct {
	TenantID string
	TicketID string
	// Types, when set, selects links of these types only.
	Types []ticket.LinkType
	// Outgoing selects only the links from the ticket; Incoming only
	// those to it; neither or both select both.
	Outgoing, Incoming bool
	Limit              int
}
