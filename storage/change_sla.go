package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// SLAChangeWriter is implemented by a [Tx] that stores tickets' SLA
// states together with history lines and outbox entries in one write:
// the escalation sweep's batch (the clocks of the due tickets, their
// history lines and notifications) in one round trip instead of two.
// The Bun store implements it: in one statement on PostgreSQL, with
// TicketSLAUpdate and ChangeWrite in turn elsewhere. Without it the Desk
// calls [TicketSLAUpdater] and [ChangeWriter] in turn.
type SLAChangeWriter interface {
	// ChangeWriteSLA stores the SLA state of each of tickets as
	// [TicketSLAUpdater.TicketSLAUpdate] does, and the history lines and
	// outbox entries of c as [ChangeWriter.ChangeWrite] does, atomically:
	// when a ticket is unknown or its SLA version stale the error wraps
	// ErrConflict and nothing is stored. On success each ticket's
	// SLAVersion is the new one. c may hold only Events and Outbox.
	ChangeWriteSLA(ctx context.Context, tickets []*ticket.Ticket, c *Change) error
}
