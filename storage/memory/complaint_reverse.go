package memory

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.ComplaintReverser = (*Store)(nil)

// ComplaintReverse links the posted complaint c to its reversal
// (c.Details.Reversal) and c.UpdatedAt to its ticket row; nothing else
// of the stored complaint changes.
func (x *tx) ComplaintReverse(ctx context.Context, c *ticket.Complaint) error {
	const op = "memory: reverse complaint"
	if err := x.checkTicket(ctx, &c.Ticket); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	old := x.complaint(c.TenantID, c.ID)
	switch {
	case old == nil:
		return fmt.Errorf("%s %s: %w", op, c.ID, storage.ErrNotFound)
	case !old.Details.Posted:
		return fmt.Errorf("%s %s: not posted: %w", op, c.ID, storage.ErrConflict)
	case old.Details.Reversal != nil:
		return fmt.Errorf("%s %s: already reversed: %w", op, c.ID, storage.ErrConflict)
	case c.Details.Reversal == nil:
		return fmt.Errorf("%s %s: no reversal to store", op, c.ID)
	}
	if err := x.touch(ctx, &old.Ticket, c); err != nil {
		return err
	}
	prev := x.db.complaints[c.ID]
	d := storedDetails(old)
	d.Reversal = storedDetails(c).Reversal
	d.Reversal.At = utc(d.Reversal.At)
	x.db.complaints[c.ID] = d
	x.onUndo(func() { x.db.complaints[c.ID] = prev })
	return nil
}

// touch stores the ticket stored, as it is but for c's UpdatedAt, at
// c's version, and gives c the new version.
func (x *tx) touch(ctx context.Context, stored *ticket.Ticket, c *ticket.Complaint) error {
	stored.UpdatedAt, stored.Version = c.UpdatedAt, c.Version
	if err := x.TicketUpdate(ctx, stored); err != nil {
		return err
	}
	c.Version, c.SLAVersion = stored.Version, stored.SLAVersion
	return nil
}

// ComplaintReverse links the posted complaint c to its reversal.
func (s *Store) ComplaintReverse(ctx context.Context, c *ticket.Complaint) error {
	return s.write(ctx, func(x *tx) error { return x.ComplaintReverse(ctx, c) })
}
