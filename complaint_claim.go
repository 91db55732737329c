package ticketkit

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintClaimParams raises a supplier or carrier claim (a back-charge) from a
// customer complaint.
type ComplaintClaimParams struct {
	// ComplaintID is the customer complaint the claim is raised from.
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Role is the claim's counterparty role: ticket.CounterpartySupplier
	// or ticket.CounterpartyCarrier.
	Role ticket.CounterpartyRole `json:"role"`
	// Counterparty is the supplier or carrier claimed against.
	Counterparty ticket.Customer `json:"counterparty"`
	// Subject defaults to the customer complaint's.
	Subject     string `json:"subject,omitempty" validate:"max=200,singleline"`
	Description string `json:"description,omitempty" validate:"max=20000"`
	// Reason defaults to the customer complaint's reason code.
	Reason string `json:"reason,omitempty"`
	// Lines are the numbers (ticket.ComplaintLine.No) of the customer
	// complaint's lines the claim is about; nil takes them all. The
	// claim numbers its own lines from 1. Products, serials, batches and
	// quantities are copied, not the decisions, returns or notes.
	Lines []int `json:"lines,omitempty" validate:"max=1000"`
	// RemedySought defaults to ticket.RemedyCreditNote.
	RemedySought ticket.RemedyKind `json:"remedy_sought,omitempty"`
	// Accounting is the back-charge: company, counterparty account,
	// amount and currency.
	Accounting ticket.Accounting `json:"accounting"`
	// Version, when set, is the customer complaint's expected version.
	Version int64 `json:"version,omitempty"`
}

// ComplaintClaimRaise opens a supplier or carrier claim (back-charge)
// from a customer complaint, in one transaction: a new complaint
// document whose counterparty role is p.Role, numbered and stored as
// [Desk.ComplaintOpen] does, linked both ways — the claim's
// Details.ClaimOf names the customer complaint, whose Details.Claims
// gets the claim, each with its history line — and the claim's "opened"
// notification. The employee and business unit in charge are the
// customer complaint's. It returns the claim; customers never see
// claims on their complaint (see complaintView). Only staff raise
// claims; a claim cannot raise another, a posted complaint cannot
// change (ErrPosted), and problems with the claim are named as by
// ComplaintOpen ("customer" is the counterparty), except "role" and
// "lines[N]".
func (d *Desk) ComplaintClaimRaise(ctx context.Context, actor ticket.Actor, p ComplaintClaimParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintClaimRaise", actor)
	defer func() { end(err) }()
	return d.raiseComplaintClaim(ctx, nil, actor, p)
}

// ComplaintClaimRaiseTx is [Desk.ComplaintClaimRaise] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintClaimRaiseTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintClaimParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintClaimRaiseTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.raiseComplaintClaim(ctx, tx, actor, p)
}

// raiseComplaintClaim is ComplaintClaimRaise in the host's transaction
// host, or in the Desk's own when host is nil. The claim is created
// inside the change of the customer complaint; its history lines are
// written apart so that the customer complaint's notifications do not
// list them.
func (d *Desk) raiseComplaintClaim(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintClaimParams) (*ticket.Complaint, error) {
	v := asValidation(ticket.Validate(p))
	if !p.Role.Claim() {
		v.Add("role", "oneof", "must be one of: supplier carrier")
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	d, _, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	var claim *ticket.Complaint
	_, err = d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, func(ctx context.Context, tx storage.Tx, c *ticket.Complaint, b *batch) error {
		if c.Details.CounterpartyRole.Claim() {
			return ticket.NewValidationError(ticket.FieldError{Field: "complaint_id", Rule: "claim",
				Message: fmt.Sprintf("%s is a %s claim itself; raise claims from customer complaints", c.Number, c.Details.CounterpartyRole)})
		}
		cl, err := d.newClaim(ctx, actor, c, p)
		if err != nil {
			return err
		}
		cs := d.complaints
		cb := &batch{actor: actor}
		if err := d.createComplaint(ctx, tx, cs, cl, cb); err != nil {
			return err
		}
		store, err := complaintTx(tx)
		if err != nil {
			return err
		}
		if err := store.ComplaintCreate(ctx, cl); err != nil {
			return fmt.Errorf("ticketkit: create claim: %w", err)
		}
		if err := tx.EventCreate(ctx, cb.events); err != nil {
			return fmt.Errorf("ticketkit: write the claim's history: %w", err)
		}
		b.notices = append(b.notices, cb.notices...)
		c.Details.Claims = append(c.Details.Claims, ticket.ClaimLink{ID: cl.ID, Number: cl.Number, Role: p.Role})
		claim = cl
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claim, nil
}

// newClaim builds and validates the claim p raises from the customer
// complaint c.
func (d *Desk) newClaim(ctx context.Context, actor ticket.Actor, c *ticket.Complaint, p ComplaintClaimParams) (*ticket.Complaint, error) {
	cp := ComplaintOpenParams{
		Subject: p.Subject, Description: p.Description, Channel: c.Channel, Customer: p.Counterparty,
		Reason: p.Reason, RemedySought: p.RemedySought, CounterpartyRole: p.Role, Accounting: p.Accounting,
		Responsibility: ticket.Responsibility{BusinessUnit: c.Details.Responsibility.BusinessUnit, Employee: c.Details.Responsibility.Employee},
	}
	if cp.Subject == "" {
		cp.Subject = c.Subject
	}
	if cp.Reason == "" {
		cp.Reason = c.Reason
	}
	if cp.RemedySought == "" {
		cp.RemedySought = ticket.RemedyCreditNote
	}
	v := asValidation(ticket.Validate(cp))
	c.Details.NumberLines()
	nos := p.Lines
	if nos == nil {
		for _, l := range c.Details.Lines {
			nos = append(nos, l.No)
		}
	}
	for n, no := range nos {
		i := c.Details.LineIndex(no)
		if i < 0 {
			v.Add(fmt.Sprintf("lines[%d]", n), "not_found", fmt.Sprintf("complaint %s has no line %d", c.Number, no))
			continue
		}
		l := c.Details.Lines[i]
		cp.Lines = append(cp.Lines, ticket.ComplaintLine{
			Product: l.Product, Description: l.Description, Serial: l.Serial, Batch: l.Batch, Quantity: l.Quantity, Unit: l.Unit,
		})
	}
	cl, err := d.newComplaint(ctx, d.complaints, actor, cp, c.UpdatedAt, v)
	if err != nil {
		return nil, err
	}
	cl.Details.ClaimOf = &ticket.ClaimLink{ID: c.ID, Number: c.Number, Role: p.Role}
	return cl, nil
}
