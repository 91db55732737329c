package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintUpdateParams changes a complaint's fields. A nil field is
// left as it is.
type ComplaintUpdateParams struct {
	ComplaintID string  `json:"complaint_id" validate:"required"`
	Subject     *string `json:"subject,omitempty" validate:"omitempty,min=1,max=200,singleline"`
	Description *string `json:"description,omitempty" validate:"omitempty,max=20000"`
	Priority    *string `json:"priority,omitempty"`
	// Category, when it changes, adds the new category's template
	// actions (Config.Complaints.ConfirmActions is asked first).
	Category *string `json:"category,omitempty"`
	// Reason sets the reason code of a complaint logged without one, or
	// changes it; a reason code once set cannot be cleared.
	Reason       *string            `json:"reason,omitempty"`
	Severity     *ticket.Severity   `json:"severity,omitempty"`
	RemedySought *ticket.RemedyKind `json:"remedy_sought,omitempty"`
	Contacts     []ticket.Contact   `json:"contacts,omitempty" validate:"max=20,dive"`
	Accounting   *ticket.Accounting `json:"accounting,omitempty"`
	// Responsibility replaces who is in charge; the ticket's assignee
	// follows its Employee.
	Responsibility *ticket.Responsibility `json:"responsibility,omitempty"`
	// EndDate is when the remedy was carried out; fulfilling needs it.
	EndDate *time.Time `json:"end_date,omitempty"`
	Version int64      `json:"version,omitempty"`
}

// ComplaintUpdate changes a complaint's fields, validates the result,
// stores it at a new Version and records one history line per changed
// field (every field of the complaint has one; see ticket.ComplaintDiff).
// A call that changes nothing is a no-op: nothing is stored or
// recorded, and the complaint comes back at the Version it had, so a
// caller tells a no-op by comparing the returned Version with the one it
// read (or sent as p.Version). A posted complaint gives ErrPosted.
func (d *Desk) ComplaintUpdate(ctx context.Context, actor ticket.Actor, p ComplaintUpdateParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintUpdate", actor)
	defer func() { end(err) }()
	return d.updateComplaint(ctx, nil, actor, p)
}

// updateComplaint is ComplaintUpdate in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) updateComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintUpdateParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, func(ctx context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		setIf(&c.Subject, p.Subject, strings.TrimSpace)
		setIf(&c.Description, p.Description, nil)
		setIf(&c.Priority, p.Priority, nil)
		if p.Reason != nil && strings.TrimSpace(*p.Reason) == "" && c.Reason != "" {
			return ticket.NewValidationError(ticket.FieldError{Field: "reason", Rule: "required", Message: "cannot be cleared once set"})
		}
		setIf(&c.Reason, p.Reason, strings.TrimSpace)
		if p.Severity != nil {
			c.Details.Severity = *p.Severity
		}
		if p.RemedySought != nil {
			c.Details.RemedySought = *p.RemedySought
		}
		if p.Contacts != nil {
			c.Contacts = slices.Clone(p.Contacts)
		}
		if p.Accounting != nil {
			c.Details.Accounting = *p.Accounting
		}
		if p.Responsibility != nil {
			c.Details.Responsibility = *p.Responsibility
		}
		if p.EndDate != nil {
			c.Details.EndDate = p.EndDate.UTC()
		}
		if p.Category != nil && *p.Category != c.Category {
			cat, ok := cs.catalog.Category(*p.Category)
			if !ok {
				c.Category = *p.Category // reported by the validation
				return nil
			}
			return d.setCategory(ctx, c, cat, c.UpdatedAt)
		}
		return nil
	})
}

// ActionInput is a new action of a complaint's action plan.
type ActionInput struct {
	Title string    `json:"title" validate:"required,max=500"`
	Owner string    `json:"owner,omitempty" validate:"max=200"`
	DueAt time.Time `json:"due_at,omitzero"`
	// Type is the action's quality type (containment, corrective,
	// preventive); empty for a plain action.
	Type ticket.ActionType `json:"type,omitempty"`
}

// ActionChange changes an action of the plan; a nil field is left as it
// is. Done sets or clears the action's completion time.
type ActionChange struct {
	ID     string     `json:"id" validate:"required"`
	Owner  *string    `json:"owner,omitempty" validate:"omitempty,max=200"`
	DueAt  *time.Time `json:"due_at,omitempty"`
	Done   *bool      `json:"done,omitempty"`
	Result *string    `json:"result,omitempty" validate:"omitempty,max=4000"`
	// Type changes the action's quality type.
	Type *ticket.ActionType `json:"type,omitempty"`
}

// ComplaintPlanParams changes a complaint's action plan.
type ComplaintPlanParams struct {
	ComplaintID string         `json:"complaint_id" validate:"required"`
	Add         []ActionInput  `json:"add,omitempty" validate:"max=100,dive"`
	Change      []ActionChange `json:"change,omitempty" validate:"max=100,dive"`
	Version     int64          `json:"version,omitempty"`
}

// ComplaintPlan adds actions to a complaint's action plan and changes
// existing ones (owner, due date, done, result). An unknown action ID is
// a validation error naming "change[i].id".
func (d *Desk) ComplaintPlan(ctx context.Context, actor ticket.Actor, p ComplaintPlanParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintPlan", actor)
	defer func() { end(err) }()
	return d.planComplaint(ctx, nil, actor, p)
}

// planComplaint is ComplaintPlan in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) planComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintPlanParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, p.Version, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		for _, a := range p.Add {
			c.Actions = append(c.Actions, ticket.Action{ID: newID(), Title: strings.TrimSpace(a.Title), Owner: a.Owner, DueAt: a.DueAt.UTC(), Type: a.Type})
		}
		v := &ticket.ValidationError{}
		for i, ch := range p.Change {
			at := slices.IndexFunc(c.Actions, func(a ticket.Action) bool { return a.ID == ch.ID })
			if at < 0 {
				v.Add(fmt.Sprintf("change[%d].id", i), "not_found", fmt.Sprintf("no action %q in the plan", ch.ID))
				continue
			}
			a := &c.Actions[at]
			setIf(&a.Owner, ch.Owner, nil)
			setIf(&a.Result, ch.Result, nil)
			if ch.DueAt != nil {
				a.DueAt = ch.DueAt.UTC()
			}
			if ch.Type != nil {
				a.Type = *ch.Type
			}
			if ch.Done != nil && *ch.Done != a.Done {
				// A reopened action's effectiveness check no longer holds.
				a.Done, a.DoneAt, a.Effectiveness = *ch.Done, time.Time{}, ticket.EffectivenessCheck{}
				if a.Done {
					a.DoneAt = c.UpdatedAt
				}
			}
		}
		return failed(v)
	})
}

// ComplaintCommentParams is a remark on a complaint document.
type ComplaintCommentParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	Text        string `json:"text" validate:"required,max=4000"`
}

// ComplaintComment adds a comment by the actor to a complaint. Comments
// are internal remarks on the document; the conversation with the
// customer stays in the ticket's messages.
func (d *Desk) ComplaintComment(ctx context.Context, actor ticket.Actor, p ComplaintCommentParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintComment", actor)
	defer func() { end(err) }()
	return d.commentComplaint(ctx, nil, actor, p)
}

// commentComplaint is ComplaintComment in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) commentComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintCommentParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		c.Details.Comments = append(c.Details.Comments, ticket.Comment{Author: actor.ID, At: c.UpdatedAt, Text: p.Text})
		return nil
	})
}

// ComplaintReviewParams is the result of a review of a complaint.
type ComplaintReviewParams struct {
	ComplaintID string               `json:"complaint_id" validate:"required"`
	Outcome     ticket.ReviewOutcome `json:"outcome" validate:"required"`
	Notes       string               `json:"notes,omitempty" validate:"max=4000"`
}

// ComplaintReview records the actor's review of a complaint, in the
// actor's role. A supervisor's approving review is what the
// supervisor_review rule (workflow.ComplaintRules.SupervisorReview)
// waits for before a complaint is closed.
func (d *Desk) ComplaintReview(ctx context.Context, actor ticket.Actor, p ComplaintReviewParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReview", actor)
	defer func() { end(err) }()
	return d.reviewComplaint(ctx, nil, actor, p)
}

// reviewComplaint is ComplaintReview in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) reviewComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintReviewParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		c.Details.Reviews = append(c.Details.Reviews, ticket.Review{
			By: actor.ID, Role: actor.Role, At: c.UpdatedAt, Outcome: p.Outcome, Notes: p.Notes,
		})
		return nil
	})
}

// ComplaintReviewResultParams is the result of a review of a complaint.
type ComplaintReviewResultParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Text is the review's free text; required without Findings.
	Text string `json:"text,omitempty" validate:"max=4000"`
	// Findings are the review's findings, one short statement each.
	Findings []string `json:"findings,omitempty" validate:"max=50,dive,required,max=500"`
}

// ComplaintReviewResultAdd adds the actor's review result (free text and
// findings) to a complaint, as a record of its own: it approves nothing,
// unlike ComplaintReview, whose outcome the supervisor_review rule
// reads. Review results are internal to the help desk; only staff
// record them.
func (d *Desk) ComplaintReviewResultAdd(ctx context.Context, actor ticket.Actor, p ComplaintReviewResultParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReviewResultAdd", actor)
	defer func() { end(err) }()
	return d.recordReviewResult(ctx, nil, actor, p)
}

// recordReviewResult is ComplaintReviewResultAdd in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) recordReviewResult(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintReviewResultParams) (*ticket.Complaint, error) {
	v := asValidation(ticket.Validate(p))
	if strings.TrimSpace(p.Text) == "" && len(p.Findings) == 0 {
		v.Add("text", "required", "is required without findings")
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		findings := make([]string, 0, len(p.Findings))
		for _, f := range p.Findings {
			findings = append(findings, strings.TrimSpace(f))
		}
		c.Details.ReviewResults = append(c.Details.ReviewResults, ticket.ReviewResult{
			ID: newID(), By: actor.ID, At: c.UpdatedAt, Text: strings.TrimSpace(p.Text), Findings: findings,
		})
		return nil
	})
}
