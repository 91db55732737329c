package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// The 8D / quality structure of a complaint: its root cause, its 8D
// steps and the effectiveness checks of its actions. The action types
// (containment, corrective, preventive), owners and due dates are set
// with [Desk.ComplaintPlan]. Only staff change any of it, every change
// has its history line, and customers never see it (complaintView).

// ComplaintRootCauseParams sets the root cause of a complaint.
type ComplaintRootCauseParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Cause is a cause code of the complaint catalog
	// (ticket.Catalog.CauseCode); required.
	Cause ticket.CodeRef `json:"cause"`
	// Defect is a defect code of the complaint catalog
	// (ticket.Catalog.DefectCode); optional.
	Defect ticket.CodeRef `json:"defect,omitzero"`
	// Text describes the cause.
	Text string `json:"text,omitempty" validate:"max=4000"`
}

// ComplaintRootCauseSet sets (or replaces) the root cause of a complaint, by the
// actor and now, with a history line (ticket.FieldRootCause). A code the
// complaint catalog does not hold is a validation error naming "cause"
// or "defect".
func (d *Desk) ComplaintRootCauseSet(ctx context.Context, actor ticket.Actor, p ComplaintRootCauseParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintRootCauseSet", actor)
	defer func() { end(err) }()
	return d.setRootCause(ctx, nil, actor, p)
}

// ComplaintRootCauseSetTx is [Desk.ComplaintRootCauseSet] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintRootCauseSetTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintRootCauseParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintRootCauseSetTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.setRootCause(ctx, tx, actor, p)
}

// setRootCause is ComplaintRootCauseSet in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) setRootCause(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintRootCauseParams) (*ticket.Complaint, error) {
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if _, ok := cs.catalog.CauseCode(p.Cause); !ok {
		v.Add("cause", "oneof", fmt.Sprintf("%q is not a cause code of the complaint catalog", p.Cause.String()))
	}
	if _, ok := cs.catalog.DefectCode(p.Defect); !p.Defect.IsZero() && !ok {
		v.Add("defect", "oneof", fmt.Sprintf("%q is not a defect code of the complaint catalog", p.Defect.String()))
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		c.Details.RootCause = &ticket.RootCause{
			Cause: p.Cause, Defect: p.Defect, Text: strings.TrimSpace(p.Text), By: actor.ID, At: c.UpdatedAt,
		}
		return nil
	})
}

// ComplaintStepParams completes an 8D step of a complaint.
type ComplaintStepParams struct {
	ComplaintID string      `json:"complaint_id" validate:"required"`
	Step        ticket.Step `json:"step" validate:"required"`
	// Notes summarise the step's outcome.
	Notes string `json:"notes,omitempty" validate:"max=4000"`
}

// ComplaintStepComplete records an 8D step of a complaint as complete, by the
// actor and now, with a history line (ticket.FieldSteps). The 8D is
// optional, but once used its steps complete in order:
// [workflow.CheckStep] refuses a step whose predecessor is open, a step
// completed already, D4 without a root cause and D6 before every
// corrective action is done and checked effective, with a
// *[workflow.StepError] (ErrStepOrder) naming the step.
func (d *Desk) ComplaintStepComplete(ctx context.Context, actor ticket.Actor, p ComplaintStepParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintStepComplete", actor)
	defer func() { end(err) }()
	return d.completeStep(ctx, nil, actor, p)
}

// ComplaintStepCompleteTx is [Desk.ComplaintStepComplete] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintStepCompleteTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintStepParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintStepCompleteTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.completeStep(ctx, tx, actor, p)
}

// completeStep is ComplaintStepComplete in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) completeStep(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintStepParams) (*ticket.Complaint, error) {
	v := asValidation(ticket.Validate(p))
	if p.Step != "" && !p.Step.Valid() {
		v.Add("step", "oneof", fmt.Sprintf("must be one of %v", ticket.Steps()))
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		if err := workflow.CheckStep(c, p.Step); err != nil { // on the complaint as locked
			return fmt.Errorf("ticketkit: complaint %s: %w", c.Number, err)
		}
		c.Details.Steps = append(c.Details.Steps, ticket.StepRecord{
			Step: p.Step, By: actor.ID, At: c.UpdatedAt, Notes: strings.TrimSpace(p.Notes),
		})
		return nil
	})
}

// ComplaintEffectivenessParams records whether a done action of a complaint's
// plan worked.
type ComplaintEffectivenessParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	ActionID    string `json:"action_id" validate:"required"`
	// Effective is the verdict; false asks for another action.
	Effective bool `json:"effective"`
	// Notes say how effectiveness was verified.
	Notes string `json:"notes,omitempty" validate:"max=4000"`
}

// ComplaintEffectivenessRecord records the effectiveness check of a done action
// of a complaint's plan, by the actor and now, replacing an earlier
// check, with the action's history line (ticket.FieldAction). An unknown
// action gives ErrNotFound; an action not done yet is a validation error
// naming "action_id". Reopening the action with [Desk.ComplaintPlan]
// clears its check.
func (d *Desk) ComplaintEffectivenessRecord(ctx context.Context, actor ticket.Actor, p ComplaintEffectivenessParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintEffectivenessRecord", actor)
	defer func() { end(err) }()
	return d.recordEffectiveness(ctx, nil, actor, p)
}

// ComplaintEffectivenessRecordTx is [Desk.ComplaintEffectivenessRecord] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintEffectivenessRecordTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintEffectivenessParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintEffectivenessRecordTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.recordEffectiveness(ctx, tx, actor, p)
}

// recordEffectiveness is ComplaintEffectivenessRecord in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) recordEffectiveness(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintEffectivenessParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		i := slices.IndexFunc(c.Actions, func(a ticket.Action) bool { return a.ID == p.ActionID })
		if i < 0 {
			return fmt.Errorf("ticketkit: complaint %s: action %q: %w", c.Number, p.ActionID, ErrNotFound)
		}
		a := &c.Actions[i]
		if !a.Done {
			v := &ticket.ValidationError{}
			v.Add("action_id", "action_open", fmt.Sprintf("action %q is not done yet: its effectiveness cannot be checked", a.Title))
			return v
		}
		a.Effectiveness = ticket.EffectivenessCheck{
			By: actor.ID, At: c.UpdatedAt, Effective: p.Effective, Notes: strings.TrimSpace(p.Notes),
		}
		return nil
	})
}
