package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintLineDecideParams is the decision on one line of a complaint; see
// [ticket.LineDecision].
type ComplaintLineDecideParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Line is the line's number (ticket.ComplaintLine.No).
	Line int `json:"line" validate:"min=1"`
	// Justified says whether the complaint about the line is justified.
	Justified bool `json:"justified"`
	// Remedies settle a justified line, each for a part of it, such as
	// a credit of 40 % and the replacement of 3 pieces; an unjustified
	// line has none.
	Remedies []ticket.LineRemedy `json:"remedies,omitempty" validate:"max=20"`
	// Feedback is the explanation given to the customer; required for
	// an unjustified line.
	Feedback string `json:"feedback,omitempty" validate:"max=4000"`
	// Note, when not nil, replaces the line's internal note.
	Note    *string `json:"note,omitempty" validate:"omitempty,max=4000"`
	Version int64   `json:"version,omitempty"`
}

// ComplaintLineDecide records the decision on one line of a complaint,
// by the actor at the Desk's clock time, replacing an earlier decision
// on that line, with a history line (ticket.FieldLineDecision). The
// line remedies reach the remedy handler when the complaint is posted
// (ticket.RemedyRequest.LineRemedies), with the complaint's own
// decision: decide the complaint too. Problems are named under
// "complaint.lines[N].decision." (N the line's position); an unknown
// line number is a problem of "line". Only staff decide, and customers never see a line's internal
// notes (see complaintView). A posted complaint is immutable (ErrPosted).
func (d *Desk) ComplaintLineDecide(ctx context.Context, actor ticket.Actor, p ComplaintLineDecideParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineDecide", actor)
	defer func() { end(err) }()
	return d.decideComplaintLine(ctx, nil, actor, p)
}

// ComplaintLineDecideTx is [Desk.ComplaintLineDecide] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintLineDecideTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintLineDecideParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineDecideTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.decideComplaintLine(ctx, tx, actor, p)
}

// decideComplaintLine is ComplaintLineDecide in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) decideComplaintLine(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintLineDecideParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeLine(ctx, host, actor, p.ComplaintID, p.Line, p.Version, func(c *ticket.Complaint, l *ticket.ComplaintLine) error {
		l.Decision = &ticket.LineDecision{
			Justified: p.Justified, Remedies: p.Remedies, Feedback: strings.TrimSpace(p.Feedback), By: actor.ID, At: c.UpdatedAt,
		}
		if p.Note != nil {
			l.Note = strings.TrimSpace(*p.Note)
		}
		return nil
	})
}

// ComplaintLineReturnParams links one line of a complaint to the host's return
// (RMA) document.
type ComplaintLineReturnParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Line is the line's number (ticket.ComplaintLine.No).
	Line int `json:"line" validate:"min=1"`
	// Return is the return document; its kind is usually
	// ticket.RefReturn.
	Return  ticket.Reference `json:"return"`
	Version int64            `json:"version,omitempty"`
}

// ComplaintLineReturnLink links one line of a complaint to the host's
// return (RMA) document, with a history line (ticket.FieldLineReturn).
// With Config.Complaints.Sources set, the document is resolved through
// the same resolver as the source invoice: an unknown document is a
// problem of "return", and so is one made out to another counterparty
// than the complaint's. Otherwise only the reference is kept. Only staff
// link returns; a posted complaint is immutable (ErrPosted).
func (d *Desk) ComplaintLineReturnLink(ctx context.Context, actor ticket.Actor, p ComplaintLineReturnParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineReturnLink", actor)
	defer func() { end(err) }()
	return d.linkComplaintLineReturn(ctx, nil, actor, p)
}

// ComplaintLineReturnLinkTx is [Desk.ComplaintLineReturnLink] in the
// host's transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintLineReturnLinkTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintLineReturnParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineReturnLinkTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.linkComplaintLineReturn(ctx, tx, actor, p)
}

// linkComplaintLineReturn is ComplaintLineReturnLink in the host's
// transaction host, or in the Desk's own when host is nil. The document
// is resolved before the transaction: the resolver may call the host's
// ERP.
func (d *Desk) linkComplaintLineReturn(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintLineReturnParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	v := &ticket.ValidationError{}
	doc, _, err := d.resolveDocument(ctx, cs, p.Return, "return", v)
	if err != nil {
		return nil, err
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeLine(ctx, host, actor, p.ComplaintID, p.Line, p.Version, func(c *ticket.Complaint, l *ticket.ComplaintLine) error {
		if id := doc.Customer.ID; id != "" && c.Customer.ID != "" && id != c.Customer.ID {
			return ticket.NewValidationError(ticket.FieldError{Field: "return", Rule: "counterparty",
				Message: fmt.Sprintf("%s %s is made out to %s, not to the complaint's counterparty %s", doc.Ref.Kind, doc.Ref.ID, id, c.Customer.ID)})
		}
		ref := doc.Ref
		l.Return = &ref
		return nil
	})
}

// resolveDocument resolves the host document ref through the configured
// source resolver; without one, the document is ref alone. An unknown
// document is a problem of field in v, and gives ok false; so does a
// missing resolver, with the document ref alone.
func (d *Desk) resolveDocument(ctx context.Context, cs *complaints, ref ticket.Reference, field string, v *ticket.ValidationError) (doc ticket.SourceDocument, ok bool, err error) {
	if cs.cfg.Sources == nil {
		return ticket.SourceDocument{Ref: ref}, false, nil
	}
	doc, err = cs.cfg.Sources.ResolveSource(ctx, ref)
	switch {
	case errors.Is(err, ticket.ErrSourceNotFound):
		v.Add(field, "not_found", fmt.Sprintf("%s %s is not known", ref.Kind, ref.ID))
		return ticket.SourceDocument{}, false, nil
	case err != nil:
		return ticket.SourceDocument{}, false, fmt.Errorf("ticketkit: resolve %s %s: %w", ref.Kind, ref.ID, err)
	}
	if doc.Ref.ID == "" {
		doc.Ref = ref
	}
	return doc, true, nil
}

// changeLine is the path of the methods on one line of a complaint:
// changeComplaint, with mutate given the line of the complaint numbered
// no (a problem of "line" when there is none).
func (d *Desk) changeLine(ctx context.Context, host storage.Tx, actor ticket.Actor, id string, no int, version int64, mutate func(c *ticket.Complaint, l *ticket.ComplaintLine) error) (*ticket.Complaint, error) {
	return d.changeComplaint(ctx, host, actor, id, version, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		l, err := complaintLine(c, no)
		if err != nil {
			return err
		}
		return mutate(c, l)
	})
}

// complaintLine returns the line of c numbered no, or a problem of
// "line". It numbers lines stored without numbers first (see
// ticket.ComplaintDetails.NumberLines), so that they are stored with
// them.
func complaintLine(c *ticket.Complaint, no int) (*ticket.ComplaintLine, error) {
	c.Details.NumberLines()
	i := c.Details.LineIndex(no)
	if i < 0 {
		return nil, ticket.NewValidationError(ticket.FieldError{Field: "line", Rule: "not_found",
			Message: fmt.Sprintf("complaint %s has no line %d (removed, or never added)", c.Number, no)})
	}
	return &c.Details.Lines[i], nil
}
