package bunstore

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.ComplaintReverser = (*Store)(nil)

// ComplaintReverse links the posted complaint c to its reversal: the
// stored section, read in the transaction, gets c.Details.Reversal and
// the stored ticket row c.UpdatedAt, with its version check; nothing
// else of c is written.
func (s *Store) ComplaintReverse(ctx context.Context, c *ticket.Complaint) error {
	const op = "reverse complaint"
	if c == nil || c.Details.Reversal == nil {
		return fmt.Errorf("bunstore: %s: no reversal to store", op)
	}
	if err := checkTicket(op, &c.Ticket); err != nil {
		return err
	}
	return s.atomic(ctx, func(s *Store) error {
		what := op + " " + c.ID
		old, err := s.complaintRow(ctx, what, c.TenantID, c.ID, false) // locked by the Desk (ComplaintLock)
		if err != nil {
			return err
		}
		var d ticket.ComplaintDetails
		if err := unmarshal("complaint", old.Details, &d); err != nil {
			return err
		}
		switch {
		case !old.Posted:
			return fmt.Errorf("bunstore: %s: not posted: %w", what, storage.ErrConflict)
		case d.Reversal != nil:
			return fmt.Errorf("bunstore: %s: already reversed: %w", what, storage.ErrConflict)
		}
		rev := *c.Details.Reversal
		rev.At = utc(rev.At)
		d.Reversal = &rev
		details, err := marshal("complaint", d)
		if err != nil {
			return err
		}
		t, err := s.TicketGet(ctx, storage.TicketGetParams{TenantID: c.TenantID, ID: c.ID})
		if err != nil {
			return err
		}
		t.UpdatedAt, t.Version = c.UpdatedAt, c.Version
		if err := s.TicketUpdate(ctx, t); err != nil {
			return err
		}
		c.Version, c.SLAVersion = t.Version, t.SLAVersion
		_, err = s.db.NewUpdate().TableExpr("?", s.complaintsTable()).
			Set("details = ?", details).
			Where("tenant_id = ?", c.TenantID).
			Where("ticket_id = ?", c.ID).
			Exec(ctx)
		return translate(what, err)
	})
}
