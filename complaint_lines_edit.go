package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Errors of the changes to complaint lines; see [ticket.ErrLineDecided]
// and [ticket.ErrLineReturned].
var (
	// ErrLineDecided: a change would drop the decision on a line (a new
	// product, quantity or unit, or removing the line) without
	// DropDecision.
	ErrLineDecided = ticket.ErrLineDecided
	// ErrLineReturned: a line linked to a return (RMA) document is
	// never removed.
	ErrLineReturned = ticket.ErrLineReturned
)

// ComplaintLineAddParams adds lines to a complaint after it was opened,
// such as a product the customer forgot to name.
type ComplaintLineAddParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Lines are the lines to add, in order: product, description, serial,
	// batch, quantity, unit and internal note. The Desk numbers them
	// (ticket.ComplaintLine.No); a number, a return or a decision given
	// here is refused: link and decide with their own methods.
	Lines   []ticket.ComplaintLine `json:"lines" validate:"required,min=1"`
	Version int64                  `json:"version,omitempty"`
}

// ComplaintLineAdd adds lines to a complaint, numbered after the highest
// number the complaint ever gave (a removed line's number is never given
// again), with one history line each (ticket.FieldLines, "line 3 KET-9:
// KET-9 batch B-7 2 pcs"). Texts are trimmed. Problems are named by the
// line's position in p.Lines, such as "lines[2].quantity"; one call adds
// at most ticket.MaxItems lines, as many as a complaint is opened with,
// and a complaint holds at most ticket.MaxComplaintLines ("lines").
// Version, when set, is the complaint's expected version (ErrConflict
// otherwise). Only staff add lines; a posted complaint is immutable
// (ErrPosted). It returns the complaint as stored.
func (d *Desk) ComplaintLineAdd(ctx context.Context, actor ticket.Actor, p ComplaintLineAddParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineAdd", actor)
	defer func() { end(err) }()
	return d.addComplaintLines(ctx, nil, actor, p)
}

// ComplaintLineAddTx is [Desk.ComplaintLineAdd] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintLineAddTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintLineAddParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineAddTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addComplaintLines(ctx, tx, actor, p)
}

// addComplaintLines is ComplaintLineAdd in the host's transaction host,
// or in the Desk's own when host is nil.
func (d *Desk) addComplaintLines(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintLineAddParams) (*ticket.Complaint, error) {
	v := asValidation(ticket.Validate(p))
	lines := make([]ticket.ComplaintLine, len(p.Lines))
	for i, l := range p.Lines {
		at := fmt.Sprintf("lines[%d].", i)
		if l.No != 0 {
			v.Add(at+"no", "excluded", "is given by the desk")
		}
		if l.Return != nil {
			v.Add(at+"return", "excluded", "link it with ComplaintLineReturnLink")
		}
		if l.Decision != nil {
			v.Add(at+"decision", "excluded", "decide it with ComplaintLineDecide")
		}
		lines[i] = ticket.ComplaintLine{
			Product: strings.TrimSpace(l.Product), Description: strings.TrimSpace(l.Description),
			Serial: strings.TrimSpace(l.Serial), Batch: strings.TrimSpace(l.Batch),
			Quantity: l.Quantity, Unit: strings.TrimSpace(l.Unit), Note: strings.TrimSpace(l.Note),
		}
	}
	for _, f := range asValidation(ticket.ValidateLines("", lines)).Fields { // the trimmed lines
		if !v.Has(f.Field) {
			v.Fields = append(v.Fields, f)
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		det := &c.Details
		if n := len(det.Lines) + len(lines); n > ticket.MaxComplaintLines {
			return ticket.NewValidationError(ticket.FieldError{Field: "lines", Rule: "max",
				Message: fmt.Sprintf("complaint %s has %d lines; %d more would make %d, more than %d", c.Number, len(det.Lines), len(lines), n, ticket.MaxComplaintLines)})
		}
		det.Lines = append(det.Lines, lines...)
		det.NumberLines() // lines stored before numbers existed get 1, 2, 3 … first
		return nil
	})
}

// ComplaintLineUpdateParams corrects one line of a complaint; fields left
// nil stay as they are.
type ComplaintLineUpdateParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Line is the line's number (ticket.ComplaintLine.No).
	Line        int              `json:"line" validate:"min=1"`
	Product     *string          `json:"product,omitempty"`
	Description *string          `json:"description,omitempty"`
	Serial      *string          `json:"serial,omitempty"`
	Batch       *string          `json:"batch,omitempty"`
	Quantity    *decimal.Decimal `json:"quantity,omitempty"`
	Unit        *string          `json:"unit,omitempty"`
	// Note, when not nil, replaces the line's internal note.
	Note *string `json:"note,omitempty"`
	// DropDecision allows a new product, quantity or unit for a decided
	// line, and drops the decision, which must then be made again;
	// without it such a change is refused with ErrLineDecided.
	DropDecision bool  `json:"drop_decision,omitempty"`
	Version      int64 `json:"version,omitempty"`
}

// ComplaintLineUpdate corrects one line of a complaint, addressed by its
// number, with a history line per changed field naming the line
// (ticket.FieldLineQuantity "line 2 KET-1: 12 pcs", ticket.FieldLineBatch
// …). Texts are trimmed; a call that changes nothing stores nothing and
// returns the complaint at its version.
//
// A decision is taken on a product and a quantity, and its remedies
// (such as 3 pieces replaced) count in the line's unit, so a decided
// line's product, quantity and unit are not changed under it: such a
// change is refused with ErrLineDecided unless DropDecision is set,
// which removes the decision (its history line shows it dropped) and
// leaves the line to be decided again. Serial and batch numbers, the
// description and the note are corrected freely. Problems are named by
// the params' fields ("quantity", "product"); an unknown line is a
// problem of "line". Only staff change lines; a posted complaint is
// immutable (ErrPosted); Version as for [Desk.ComplaintLineAdd].
func (d *Desk) ComplaintLineUpdate(ctx context.Context, actor ticket.Actor, p ComplaintLineUpdateParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineUpdate", actor)
	defer func() { end(err) }()
	return d.updateComplaintLine(ctx, nil, actor, p)
}

// ComplaintLineUpdateTx is [Desk.ComplaintLineUpdate] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintLineUpdateTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintLineUpdateParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineUpdateTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.updateComplaintLine(ctx, tx, actor, p)
}

// updateComplaintLine is ComplaintLineUpdate in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) updateComplaintLine(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintLineUpdateParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeLine(ctx, host, actor, p.ComplaintID, p.Line, p.Version, func(c *ticket.Complaint, l *ticket.ComplaintLine) error {
		next := *l
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&next.Product, p.Product)
		set(&next.Description, p.Description)
		set(&next.Serial, p.Serial)
		set(&next.Batch, p.Batch)
		set(&next.Unit, p.Unit)
		set(&next.Note, p.Note)
		if p.Quantity != nil {
			next.Quantity = *p.Quantity
		}
		decided := next.Product != l.Product || !next.Quantity.Equal(l.Quantity) || next.Unit != l.Unit
		if decided && l.Decision != nil {
			if !p.DropDecision {
				return fmt.Errorf("ticketkit: complaint %s line %d (%s) is decided: a new product, quantity or unit drops the decision; set DropDecision to drop it: %w",
					c.Number, l.No, l.Product, ErrLineDecided)
			}
			next.Decision = nil
		}
		if err := ticket.ValidateLine(next); err != nil {
			return err
		}
		*l = next
		return nil
	})
}

// ComplaintLineRemoveParams removes one line of a complaint.
type ComplaintLineRemoveParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Line is the line's number (ticket.ComplaintLine.No).
	Line int `json:"line" validate:"min=1"`
	// DropDecision allows removing a decided line, and its decision
	// with it; without it a decided line is refused with ErrLineDecided.
	DropDecision bool  `json:"drop_decision,omitempty"`
	Version      int64 `json:"version,omitempty"`
}

// ComplaintLineRemove removes a line keyed by mistake, addressed by its
// number, with a history line (ticket.FieldLines, the line as Old). The
// other lines keep their numbers, and the number is never given again.
// A line linked to a return (RMA) document is refused with
// ErrLineReturned: goods came back against it. A decided line is
// refused with ErrLineDecided unless DropDecision is set. An unknown
// line is a problem of "line". Only staff remove lines; a posted
// complaint is immutable (ErrPosted); Version as for
// [Desk.ComplaintLineAdd].
func (d *Desk) ComplaintLineRemove(ctx context.Context, actor ticket.Actor, p ComplaintLineRemoveParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineRemove", actor)
	defer func() { end(err) }()
	return d.removeComplaintLine(ctx, nil, actor, p)
}

// ComplaintLineRemoveTx is [Desk.ComplaintLineRemove] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintLineRemoveTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintLineRemoveParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintLineRemoveTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.removeComplaintLine(ctx, tx, actor, p)
}

// removeComplaintLine is ComplaintLineRemove in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) removeComplaintLine(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintLineRemoveParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeLine(ctx, host, actor, p.ComplaintID, p.Line, p.Version, func(c *ticket.Complaint, l *ticket.ComplaintLine) error {
		switch {
		case l.Return != nil:
			return fmt.Errorf("ticketkit: complaint %s line %d (%s) is linked to %s %s and cannot be removed: %w",
				c.Number, l.No, l.Product, l.Return.Kind, l.Return.ID, ErrLineReturned)
		case l.Decision != nil && !p.DropDecision:
			return fmt.Errorf("ticketkit: complaint %s line %d (%s) is decided; set DropDecision to remove it with its decision: %w",
				c.Number, l.No, l.Product, ErrLineDecided)
		}
		i := c.Details.LineIndex(l.No)
		c.Details.Lines = slices.Delete(c.Details.Lines, i, i+1)
		return nil
	})
}
