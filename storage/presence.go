package storage

import (
	"context"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// PresenceStore is implemented by a [Store] (and the [Tx] its RunInTx
// hands out) that keeps presence leases ([ticket.Presence]): who of the
// staff is viewing or replying to a ticket, each lease until it expires.
// ticketkit's Desk.TakePresence, ReleasePresence and Presence need it.
// A lease whose ExpiresAt has passed is as good as absent: listings leave
// it out, a take replaces it, and PresencePurge deletes such leases.
type PresenceStore interface {
	// PresenceTake stores or renews the lease of (tenant, ticket, user):
	// activity and expiry are replaced; Since stays when the lease was
	// live at params.At and is params.At otherwise.
	PresenceTake(ctx context.Context, params PresenceTakeParams) error
	// PresenceRelease deletes the lease of (tenant, ticket, user), if any.
	PresenceRelease(ctx context.Context, params PresenceReleaseParams) error
	// PresenceList returns the leases of a ticket live at params.At
	// (ExpiresAt after it), ordered by Since, then user ID, at most
	// params.Limit of them (ClampLimit applies).
	PresenceList(ctx context.Context, params PresenceListParams) ([]*ticket.Presence, error)
	// PresencePurge deletes the leases of every tenant that expired at or
	// before params.Before and returns how many it deleted.
	PresencePurge(ctx context.Context, params PresencePurgeParams) (int64, error)
}

// PresenceTakeParams is a lease to take or renew.
type PresenceTakeParams struct {
	TenantID string
	TicketID string
	UserID   string
	Activity ticket.PresenceActivity
	// At is the time of the take; ExpiresAt, after At, when the lease
	// ends unless renewed.
	At        time.Time
	ExpiresAt time.Time
}

// PresenceReleaseParams names one lease.
type PresenceReleaseParams struct {
	TenantID string
	TicketID string
	UserID   string
}

// PresenceListParams selects the live leases of one ticket.
type PresenceListParams struct {
	TenantID string
	TicketID string
	At       time.Time
	Limit    int
}

// PresencePurgeParams selects the expired leases to delete.
type PresencePurgeParams struct {
	Before time.Time
}
