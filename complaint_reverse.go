package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Errors of [Desk.ComplaintReverse].
var (
	// ErrNotPosted: only a posted complaint can be reversed.
	ErrNotPosted = errors.New("ticketkit: complaint is not posted")
	// ErrReversed: the complaint is already reversed; a complaint is
	// reversed at most once.
	ErrReversed = errors.New("ticketkit: complaint is already reversed")
)

// ComplaintReverseParams asks to reverse a posted complaint.
type ComplaintReverseParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Reason says why the posting is reversed; it is required and kept
	// in the reversal, its history line and its notification.
	Reason  string `json:"reason" validate:"required,max=2000"`
	Version int64  `json:"version,omitempty"`
}

// ComplaintReverse reverses a posted complaint. A posted complaint is
// never edited: the configured reversal handler (ComplaintConfig.Reversals)
// posts the reversing entry in the host's ERP, such as a debit note
// cancelling the posting's credit note, INSIDE the reversal's store
// transaction, and the complaint is linked to it
// (ComplaintDetails.Reversal: the entry, who, when and why). Nothing else
// of the complaint changes: it stays posted and immutable. The reversal
// gets its history lines (ticket.FieldReversal, with the reason and
// the entry, and ticket.FieldReversedBy) and a
// notify.KindComplaintReversed event, in the same transaction.
//
// Only staff reverse; a complaint that is not posted gives ErrNotPosted,
// one already reversed ErrReversed, and a handler's error rolls
// everything back and is returned.
//
// # What a reversal handler may assume
//
// What a remedy handler may assume of a posting (see
// [Desk.ComplaintPost]) holds for a reversal: the complaint is locked
// (storage.ComplaintLocker) before it is read, so the handler runs at
// most once at a time per complaint, and a concurrent reversal waits,
// then fails with ErrReversed without calling it; once a reversal has
// committed the handler is never called for that complaint again; a
// reversal rolled back after the handler returned is retried with the
// same ReversalRequest.IdempotencyKey, which is one per complaint.
func (d *Desk) ComplaintReverse(ctx context.Context, actor ticket.Actor, p ComplaintReverseParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReverse", actor)
	defer func() { end(err) }()
	return d.reverseComplaint(ctx, nil, actor, p)
}

// ComplaintReverseTx is [Desk.ComplaintReverse] in the host's transaction
// tx; see [Desk.OpenTx] for what differs. The reversal handler runs in
// tx (ReversalRequest.Tx), and the complaint's lock is held until the
// host's transaction ends.
func (d *Desk) ComplaintReverseTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintReverseParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReverseTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.reverseComplaint(ctx, tx, actor, p)
}

// reverseComplaint is ComplaintReverse in the host's transaction host,
// or in the Desk's own when host is nil. It does not take the changeDoc
// path, which refuses every change of a posted complaint: it stores the
// link alone, through storage.ComplaintReverser.
func (d *Desk) reverseComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintReverseParams) (*ticket.Complaint, error) {
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "reverse complaints"); err != nil {
		return nil, err
	}
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	var out *ticket.Complaint
	b := &batch{actor: actor}
	err = d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error {
		b = &batch{actor: actor}
		rs, ok := tx.(storage.ComplaintReverser)
		if !ok {
			return fmt.Errorf("ticketkit: %T does not implement storage.ComplaintReverser: %w", tx, storage.ErrUnsupported)
		}
		doc, err := d.loadDoc(ctx, tx, actor, p.ComplaintID) // locks the complaint
		if err != nil {
			return err
		}
		c := doc.c
		switch {
		case c == nil:
			return fmt.Errorf("ticketkit: ticket %s is not a complaint: %w", doc.t.Number, ErrNotFound)
		case p.Version != 0 && c.Version != p.Version:
			return fmt.Errorf("ticketkit: complaint %s is at version %d, not %d: %w", c.Number, c.Version, p.Version, ErrConflict)
		case !c.Details.Posted:
			return fmt.Errorf("ticketkit: reverse complaint %s: %w", c.Number, ErrNotPosted)
		case c.Reversed():
			return fmt.Errorf("ticketkit: reverse complaint %s: %w", c.Number, ErrReversed)
		}
		before := c.Clone()
		c.UpdatedAt = d.now()
		rev := &ticket.ComplaintReversal{
			By: actor.ID, Role: actor.Role, At: c.UpdatedAt, Reason: p.Reason, IdempotencyKey: reversalKey(c),
		}
		if err := d.postReversal(ctx, tx, cs, c, rev, actor); err != nil {
			return err
		}
		c.Details.Reversal = rev
		if err := rs.ComplaintReverse(ctx, c); err != nil {
			return fmt.Errorf("ticketkit: reverse complaint %s: %w", c.Number, err)
		}
		b.history(&c.Ticket, ticket.ComplaintDiff(before, c))
		b.noticeComplaint(notify.KindComplaintReversed, c, nil)
		b.runLater()
		if _, err := b.write(ctx, tx, lockUntil); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.afterCommit(ctx, host, b.notices)
	return out, nil
}

// postReversal hands the reversal of the posted complaint c to the
// host's handler, with the reversal's transaction tx, and keeps the
// entry it returns in rev.
func (d *Desk) postReversal(ctx context.Context, tx storage.Tx, cs *complaints, c *ticket.Complaint, rev *ticket.ComplaintReversal, actor ticket.Actor) error {
	h := cs.cfg.Reversals
	if h == nil {
		h, _ = cs.cfg.Remedies.(ticket.ReversalHandler)
	}
	if h == nil {
		return nil
	}
	req := ticket.ReversalRequest{
		Complaint: c.Clone(), Reason: rev.Reason, Actor: actor, At: rev.At,
		IdempotencyKey: rev.IdempotencyKey, Tx: tx,
	}
	if dec := c.Details.Decision; dec != nil && dec.Remedy.Document != nil {
		orig := *dec.Remedy.Document
		req.Original = &orig
	}
	res, err := h.HandleReversal(ctx, req)
	if err != nil {
		return fmt.Errorf("ticketkit: reverse the posting of %s: %w", c.Number, err)
	}
	if res.Document != nil {
		doc := *res.Document
		if err := doc.Check(); err != nil {
			return fmt.Errorf("ticketkit: the reversal handler's document for %s (the reversal is rolled back; a retry passes the same idempotency key): %w", c.Number, err)
		}
		rev.Document = &doc
	}
	return nil
}

// reversalKey is the idempotency key of reversing c: one per complaint,
// which is reversed at most once.
func reversalKey(c *ticket.Complaint) string {
	return fmt.Sprintf("ticketkit:%s:complaint:%s:reverse", c.TenantID, c.ID)
}
