package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ComplaintDecideParams is the decision on a complaint.
type ComplaintDecideParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	Justified   bool   `json:"justified"`
	Notes       string `json:"notes,omitempty" validate:"max=4000"`
	// Remedy is the outcome: a rejection with feedback for an
	// unjustified complaint, another kind for a justified one.
	Remedy ticket.Remedy `json:"remedy"`
	// CreditRequired adds a follow-up action for the salesperson named
	// in the complaint's responsibility.
	CreditRequired bool  `json:"credit_required,omitempty"`
	Version        int64 `json:"version,omitempty"`
}

// ComplaintDecide records the decision on a complaint (see
// ticket.Complaint.Decide for the rules; problems are named under
// "complaint.decision."). When a credit is required, a follow-up action
// is added for the salesperson; deciding again replaces the previous
// decision and the open follow-up it added. The customer is told through the
// outbox: the decision is posted as a reply on the complaint's thread,
// which notifies the customer as any reply does. A complaint in a
// terminal status cannot be decided.
func (d *Desk) ComplaintDecide(ctx context.Context, actor ticket.Actor, p ComplaintDecideParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintDecide", actor)
	defer func() { end(err) }()
	return d.decideComplaint(ctx, nil, actor, p)
}

// decideComplaint is ComplaintDecide in the host's transaction host, or
// in the Desk's own when host is nil.
func (d *Desk) decideComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintDecideParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, func(ctx context.Context, tx storage.Tx, c *ticket.Complaint, b *batch) error {
		if s, _ := cs.catalog.Status(c.Status); s.Terminal {
			return &workflow.TransitionError{From: c.Status, Role: actor.Role, Reason: "a closed complaint cannot be decided", Err: ErrNoTransition}
		}
		dec := ticket.ComplaintDecision{
			Justified: p.Justified, Notes: p.Notes, By: actor.ID, At: c.UpdatedAt,
			Remedy: p.Remedy, CreditRequired: p.CreditRequired,
		}
		if _, err := c.Decide(dec, newID); err != nil {
			return err
		}
		msg := &ticket.Message{
			ID: newID(), TenantID: c.TenantID, TicketID: c.ID, Kind: ticket.MessageReply,
			AuthorID: actor.ID, AuthorRole: actor.Role, Body: decisionText(c), CreatedAt: c.UpdatedAt,
		}
		if err := tx.MessageCreate(ctx, msg); err != nil {
			return fmt.Errorf("ticketkit: tell the customer about %s: %w", c.Number, err)
		}
		b.message, b.touched = msg, true
		b.noticeComplaint(notify.KindComplaintDecided, c, nil)
		return nil
	})
}

// decisionText is the message telling the customer about c's decision.
func decisionText(c *ticket.Complaint) string {
	dec := c.Details.Decision
	if !dec.Justified {
		return fmt.Sprintf("We have examined your complaint %s and cannot accept it: %s", c.Number, dec.Remedy.Feedback)
	}
	r := dec.Remedy
	what := map[ticket.RemedyKind]string{
		ticket.RemedyCreditNote: "a credit note", ticket.RemedyRefund: "a refund",
		ticket.RemedyReplacement: "a replacement", ticket.RemedyRepair: "a repair",
	}[r.Kind]
	if r.Kind.Monetary() {
		digits, _ := ticket.CurrencyDigits(r.Currency)
		what += fmt.Sprintf(" of %s %s", r.Amount.StringFixed(int32(digits)), r.Currency)
	}
	return fmt.Sprintf("Your complaint %s is justified. We will settle it with %s.", c.Number, what)
}

// ComplaintTransitionParams asks for a complaint's status change.
type ComplaintTransitionParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// To is the status code to move to, from the complaint catalog.
	To string `json:"to" validate:"required"`
	// Reason is the closure reason, required to post or reject when
	// workflow.ComplaintRules.ClosureReason is set.
	Reason string `json:"reason,omitempty" validate:"max=2000"`
	// EndDate, when set, becomes the complaint's end date before the
	// workflow decides (fulfilling needs one).
	EndDate time.Time `json:"end_date,omitzero"`
	Version int64     `json:"version,omitempty"`
}

// ComplaintTransition moves a complaint through the complaint workflow:
// fulfilling is blocked while actions are open or without a decision or
// end date, closing may need a reason and a supervisor's review, and a
// posted complaint never moves (ErrPosted). Entering the posted status
// posts the complaint as [Desk.ComplaintPost] does. A refusal is a
// *TransitionError wrapping ErrForbidden, ErrNoTransition, ErrGuard or
// ErrPosted.
func (d *Desk) ComplaintTransition(ctx context.Context, actor ticket.Actor, p ComplaintTransitionParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintTransition", actor)
	defer func() { end(err) }()
	return d.complaintTransition(ctx, nil, actor, p)
}

// complaintTransition is ComplaintTransition in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) complaintTransition(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintTransitionParams) (*ticket.Complaint, error) {
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	v.Fields = append(v.Fields, statusRefs(cs.catalog, p.To)...)
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, d.complaintTransitionMutation(cs, actor, p))
}

// statusRefs returns the problems of the status code to in cat, named
// "to".
func statusRefs(cat *ticket.Catalog, to string) []ticket.FieldError {
	fes := cat.CheckRefs(ticket.Refs{Status: to})
	for i := range fes {
		fes[i].Field = "to"
	}
	return fes
}

// complaintTransitionMutation is the mutation of ComplaintTransition, which a
// generic Transition of a complaint runs too (see transitionComplaint).
func (d *Desk) complaintTransitionMutation(cs *complaints, actor ticket.Actor, p ComplaintTransitionParams) complaintMutation {
	return func(ctx context.Context, tx storage.Tx, c *ticket.Complaint, b *batch) error {
		if !p.EndDate.IsZero() {
			c.Details.EndDate = p.EndDate.UTC()
		}
		m := cs.machine
		dec, err := m.Decide(ctx, workflow.ComplaintRequest{Complaint: c, Actor: actor, To: p.To, Reason: p.Reason, Now: c.UpdatedAt})
		if err != nil {
			return err
		}
		if err := m.Apply(dec, c, actor, c.UpdatedAt, newID); err != nil {
			return err
		}
		for _, e := range dec.Effects {
			for _, k := range e.Emit {
				b.extra = append(b.extra, notify.Kind(k))
			}
		}
		if c.Details.Posted {
			b.noticeComplaint(notify.KindComplaintPosted, c, nil)
			return d.carryOutRemedy(ctx, tx, cs, c, actor)
		}
		return nil
	}
}

// ComplaintPostParams asks to post a complaint.
type ComplaintPostParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Reason is the closure reason.
	Reason  string `json:"reason,omitempty" validate:"max=2000"`
	Version int64  `json:"version,omitempty"`
}

// ComplaintPost posts a fulfilled complaint: the workflow moves it to
// the posted status (no open actions, a decision, and the configured
// closure reason and supervisor review), and the configured
// ticket.RemedyHandler carries out the decided remedy INSIDE the
// posting's store transaction. The host document it returns (a credit
// note, a return, a replacement or repair order, or a kind of the
// host's own; see ticket.RemedyDocument) is kept as the remedy's
// Document. When the handler fails, nothing is posted: the transaction
// rolls back and the error is returned. Once posted, the complaint is
// immutable: every change fails with ErrPosted.
//
// # What a remedy handler may assume
//
//   - It is called only for a complaint that passed every check the
//     posting makes before it: the workflow's guards and the whole
//     document's validation. What is left to fail after it returns is
//     the check of the document it returns
//     (ticket.RemedyDocument.Check) and the store's writes.
//   - It runs at most once at a time per complaint, whatever the
//     backend and however many goroutines or processes post: the
//     complaint is locked (storage.ComplaintLocker; SELECT ... FOR
//     UPDATE on PostgreSQL) before it is read, so a concurrent posting
//     waits, then finds the complaint posted and fails with ErrPosted
//     (or ErrConflict when it named a version) without calling the
//     handler. Once a posting has committed, the handler is never
//     called for that complaint again.
//   - A posting that failed after the handler returned (its document
//     did not pass the check, the commit failed) is rolled back, and a
//     retry calls the handler again with the same
//     RemedyRequest.IdempotencyKey. A handler that calls an external
//     system passes the key on, so that the retry finds the document
//     issued the first time. A new decision gives a new key.
//
// # The host's own transaction
//
// The handler receives the posting's transaction as RemedyRequest.Tx:
// rows it writes there (with the Bun store, through
// bunstore.TxDB(req.Tx)) commit with the posting or roll back with it.
// A host whose own transaction must hold the posting, its ERP rows and
// the handler's together posts with [Desk.ComplaintPostTx] on it: the
// handler then writes in the host's transaction, the host commits (or
// rolls back) all of it, and the complaint's lock is held until the
// host's transaction ends.
func (d *Desk) ComplaintPost(ctx context.Context, actor ticket.Actor, p ComplaintPostParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintPost", actor)
	defer func() { end(err) }()
	return d.postComplaint(ctx, nil, actor, p)
}

// postComplaint is ComplaintPost in the host's transaction host, or in
// the Desk's own when host is nil.
func (d *Desk) postComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintPostParams) (*ticket.Complaint, error) {
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	return d.complaintTransition(ctx, host, actor, ComplaintTransitionParams{
		ComplaintID: p.ComplaintID, To: cs.machine.PostedStatus(), Reason: p.Reason, Version: p.Version,
	})
}

// carryOutRemedy hands the decided remedy of the complaint being posted
// to the host's handler, with the posting's transaction tx, and keeps the
// document it returns. The complaint, as it will be stored, is validated
// before the handler runs, so that nothing the Desk can check fails after
// the side effect.
func (d *Desk) carryOutRemedy(ctx context.Context, tx storage.Tx, cs *complaints, c *ticket.Complaint, actor ticket.Actor) error {
	h := cs.cfg.Remedies
	if h == nil || c.Details.Decision == nil {
		return nil
	}
	if err := ticket.ValidateComplaint(c, cs.catalog); err != nil {
		return err
	}
	res, err := h.HandleRemedy(ctx, ticket.RemedyRequest{
		Complaint: c.Clone(), Remedy: c.Details.Decision.Remedy, LineRemedies: c.LineRemedies(), Actor: actor, At: c.UpdatedAt,
		IdempotencyKey: postingKey(c), Tx: tx,
	})
	if err != nil {
		return fmt.Errorf("ticketkit: carry out the remedy of %s: %w", c.Number, err)
	}
	if res.Document != nil {
		doc := *res.Document
		if err := doc.Check(); err != nil {
			return fmt.Errorf("ticketkit: the remedy handler's document for %s (the posting is rolled back; a retry passes the same idempotency key): %w", c.Number, err)
		}
		c.Details.Decision.Remedy.Document = &doc
	}
	return nil
}

// postingKey is the idempotency key of posting c's decision: the same
// for every attempt to post that decision, another for a new decision
// (which has another time) or another complaint.
func postingKey(c *ticket.Complaint) string {
	return fmt.Sprintf("ticketkit:%s:complaint:%s:post:%d", c.TenantID, c.ID, c.Details.Decision.At.UnixMicro())
}

// transitionComplaint runs a generic Transition of a loaded complaint as
// ComplaintTransition does, so the complaint rules and catalog apply.
func (d *Desk) transitionComplaint(ctx context.Context, tx storage.Tx, actor ticket.Actor, p TransitionParams, doc *document, b *batch) error {
	if err := requireStaff(actor, "change complaints"); err != nil {
		return err
	}
	cs := d.complaints
	if err := ticket.NewValidationError(statusRefs(cs.catalog, p.To)...); err != nil {
		return err
	}
	cp := ComplaintTransitionParams{ComplaintID: p.TicketID, To: p.To, Reason: p.Reason, Version: p.Version}
	return cs.mutate(ctx, tx, doc, b, d.complaintTransitionMutation(cs, actor, cp))
}
