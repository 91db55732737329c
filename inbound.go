package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
)

// ErrNoInboundStore is wrapped by the error of a change carrying an
// InboundClaim when the Desk's store, or the transaction its RunInTx
// hands out, does not record inbound messages (storage.InboundStore). It
// wraps storage.ErrUnsupported.
var ErrNoInboundStore = fmt.Errorf("ticketkit: the store does not record inbound messages: %w", storage.ErrUnsupported)

// InboundClaim is an inbound message a mail intake has claimed in the
// Desk's store (storage.InboundStore.InboundRecord, made at At). Passed
// with the change the message causes (OpenParams.Inbound,
// MessageParams.Inbound), it is completed with the ticket the message
// went to in the change's own transaction: the message is then acted on
// exactly once, even when the process dies right after the change. A
// claim another process has taken over meanwhile fails the change.
type InboundClaim struct {
	Key string
	At  time.Time
}

// Store returns the store the Desk works on.
func (d *Desk) Store() storage.Store { return d.store }

// completeInbound completes c, when set, with the ticket ticketID in tx.
func completeInbound(ctx context.Context, tx storage.Tx, tenantID, ticketID string, c *InboundClaim) error {
	if c == nil {
		return nil
	}
	ib, ok := tx.(storage.InboundStore)
	if !ok {
		return fmt.Errorf("ticketkit: %T: %w", tx, ErrNoInboundStore)
	}
	err := ib.InboundComplete(ctx, storage.InboundCompleteParams{TenantID: tenantID, Key: c.Key, At: c.At, TicketID: ticketID})
	if err != nil {
		return fmt.Errorf("ticketkit: complete inbound message %q: %w", c.Key, err)
	}
	return nil
}
