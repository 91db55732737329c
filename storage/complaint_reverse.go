package storage

import (
	"context"

	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintReverser is implemented by a [ComplaintStore] Tx that can link
// a posted complaint to its reversal: the one write a posted complaint
// ever takes. Both the memory and the Bun store implement it.
type ComplaintReverser interface {
	// ComplaintReverse stores c.Details.Reversal on the posted complaint
	// c, and c.UpdatedAt on its ticket row with TicketUpdate's version
	// check (c.Version must be the version that was read and is set to
	// the new one). Nothing else of the stored complaint, ticket row or
	// section, is written, whatever c holds. A
	// complaint that is not posted, or already reversed, gives an error
	// wrapping ErrConflict and nothing is written; an unknown complaint
	// gives ErrNotFound.
	ComplaintReverse(ctx context.Context, c *ticket.Complaint) error
}
