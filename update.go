package ticketkit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TransitionParams asks for a status change.
type TransitionParams struct {
	TicketID string `json:"ticket_id" validate:"required"`
	// To is the status code to move to.
	To string `json:"to" validate:"required"`
	// Reason explains the change; transitions with the
	// "reason_required" guard (closing, by default) need one.
	Reason string `json:"reason,omitempty" validate:"max=2000"`
	// Version, when set, makes the change fail with ErrConflict unless
	// the ticket is still at this version.
	Version int64 `json:"version,omitempty"`
	// PendingUntil, for a move into a status that pauses SLA clocks
	// (waiting on the customer, say), is when the escalation sweep wakes
	// the ticket again: it returns to Config.WakeStatus. It needs
	// Config.SLA.
	PendingUntil time.Time `json:"pending_until,omitzero"`
}

// Transition moves a ticket to another status if the workflow allows the
// actor to, applies the transition's effects, and records the change.
// A refusal is a *TransitionError wrapping ErrForbidden, ErrNoTransition,
// ErrGuard or ErrReopenWindow; a parent ticket (see [Desk.Link]) is not
// resolved or closed while a child is open, unless
// Config.CloseParentsWithOpenChildren is set (a *TransitionError
// wrapping ErrOpenChildren, which wraps ErrGuard), and a merged ticket
// keeps its status (ErrMerged). [Desk.TransitionTx] runs it in the
// host's transaction.
func (d *Desk) Transition(ctx context.Context, actor ticket.Actor, p TransitionParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "Transition", actor)
	defer func() { end(err) }()
	return d.transition(ctx, nil, actor, p)
}

// transition is Transition in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) transition(ctx context.Context, host storage.Tx, actor ticket.Actor, p TransitionParams) (*ticket.Ticket, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	refs := statusRefs(d.catalog, p.To)
	if len(refs) > 0 && d.complaints == nil { // no complaint catalog to try
		return nil, ticket.NewValidationError(refs...)
	}
	if d.optimisticTransition(p.To) {
		ctx = withOptimistic(ctx)
	}
	doc, _, err := d.changeDoc(ctx, host, actor, p.TicketID, p.Version, func(ctx context.Context, tx storage.Tx, doc *document, b *batch) error {
		if doc.c != nil { // complaints follow the complaint workflow
			return d.transitionComplaint(ctx, tx, actor, p, doc, b)
		}
		if len(refs) > 0 {
			return ticket.NewValidationError(refs...)
		}
		t := doc.t
		if t.MergedInto != "" {
			return fmt.Errorf("ticketkit: ticket %s was merged into another ticket; its status stays: %w", t.Number, ErrMerged)
		}
		logged, err := d.timeEntryCount(ctx, tx, t)
		if err != nil {
			return err
		}
		dec, err := d.workflow.Decide(ctx, workflow.Request{Ticket: t, Actor: actor, To: p.To, Reason: p.Reason, Now: t.UpdatedAt, TimeEntries: logged})
		if err != nil {
			return err
		}
		if err := d.checkChildren(ctx, tx, actor, t, dec.To); err != nil {
			return err
		}
		dec.Apply(t, actor, t.UpdatedAt, newID)
		if !p.PendingUntil.IsZero() {
			if err := d.setPendingUntil(t, dec.To, p.PendingUntil); err != nil {
				return err
			}
		}
		b.emit(dec.Effects)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.view(actor, doc.t), nil
}

// AssignParams routes a ticket to a department and/or an assignee. A nil
// field is left as it is; an empty string clears it.
type AssignParams struct {
	TicketID   string  `json:"ticket_id" validate:"required"`
	Department *string `json:"department,omitempty"`
	Assignee   *string `json:"assignee,omitempty" validate:"omitempty,max=200"`
	Version    int64   `json:"version,omitempty"`
}

// Assign routes a ticket to a department and/or assignee. Only staff may
// assign, and the workflow's routing rules (see [workflow.RoutingRule])
// decide who may route a ticket where, in which status, behind which
// guards: a refusal is a *TransitionError whose Route names the field
// and whose Rule names the rule, wrapping ErrNoRoute, ErrForbidden or
// ErrGuard. The department is routed first, then the assignee; a
// workflow without routing rules allows every change. [Desk.AssignTx]
// runs it in the host's transaction.
func (d *Desk) Assign(ctx context.Context, actor ticket.Actor, p AssignParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "Assign", actor)
	defer func() { end(err) }()
	return d.assign(ctx, nil, actor, p)
}

// assign is Assign in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) assign(ctx context.Context, host storage.Tx, actor ticket.Actor, p AssignParams) (*ticket.Ticket, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := requireStaff(actor, "assign tickets"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if p.Department != nil {
		v.Fields = append(v.Fields, d.catalog.CheckRefs(ticket.Refs{Department: *p.Department})...)
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	t, _, err := d.change(withOptimistic(ctx), host, actor, p.TicketID, p.Version, func(ctx context.Context, _ storage.Tx, t *ticket.Ticket, b *batch) error {
		if p.Department != nil {
			if err := d.route(ctx, t, actor, workflow.RouteDepartment, *p.Department, b); err != nil {
				return err
			}
		}
		if p.Assignee != nil {
			return d.route(ctx, t, actor, workflow.RouteAssignee, *p.Assignee, b)
		}
		return nil
	})
	return t, err
}

// UpdateParams changes a ticket's fields. A nil field is left as it is.
// Fields are merged into the ticket's custom fields; an empty value
// removes a field.
type UpdateParams struct {
	TicketID    string             `json:"ticket_id" validate:"required"`
	Subject     *string            `json:"subject,omitempty" validate:"omitempty,min=1,max=200,singleline"`
	Description *string            `json:"description,omitempty" validate:"omitempty,max=20000"`
	Priority    *string            `json:"priority,omitempty"`
	Category    *string            `json:"category,omitempty"`
	Channel     *ticket.Channel    `json:"channel,omitempty" validate:"omitempty,channel"`
	Customer    *ticket.Customer   `json:"customer,omitempty"`
	Contacts    []ticket.Contact   `json:"contacts,omitempty" validate:"max=20,dive"`
	References  []ticket.Reference `json:"references,omitempty" validate:"max=50,dive"`
	Tags        []string           `json:"tags,omitempty" validate:"max=50,dive,required,max=50"`
	Fields      map[string]string  `json:"fields,omitempty"`
	Reason      *string            `json:"reason,omitempty"`
	Version     int64              `json:"version,omitempty"`
	// SetContacts, SetReferences and SetTags replace the lists even when
	// they are empty, to clear them; otherwise an empty list leaves the
	// ticket's list as it is.
	SetContacts   bool `json:"set_contacts,omitempty"`
	SetReferences bool `json:"set_references,omitempty"`
	SetTags       bool `json:"set_tags,omitempty"`

	// Department routes the ticket as Desk.Assign does, under the
	// workflow's routing rules; "" clears it.
	Department *string `json:"department,omitempty"`
}

// Update changes a ticket's fields and records one history line per
// changed field. Only staff may update; a new category adds its
// checklist actions; a new department is routed as [Desk.Assign] routes
// it, under the workflow's routing rules. [Desk.UpdateTx] runs it in the
// host's transaction.
func (d *Desk) Update(ctx context.Context, actor ticket.Actor, p UpdateParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "Update", actor)
	defer func() { end(err) }()
	return d.update(ctx, nil, actor, p)
}

// update is Update in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) update(ctx context.Context, host storage.Tx, actor ticket.Actor, p UpdateParams) (*ticket.Ticket, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := requireStaff(actor, "edit tickets"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	var refs ticket.Refs
	if p.Priority != nil {
		refs.Priority = *p.Priority
		if refs.Priority == "" {
			v.Add("priority", "required", "may not be empty")
		}
	}
	if p.Category != nil {
		refs.Category = *p.Category
	}
	if p.Reason != nil {
		refs.Reason = *p.Reason
	}
	if p.Department != nil {
		refs.Department = *p.Department
	}
	v.Fields = append(v.Fields, d.catalog.CheckRefs(refs)...)
	d.checkTags(v, p.Tags)
	if p.Customer != nil {
		c := d.normalizeCustomer(*p.Customer, "customer", v)
		p.Customer = &c
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	t, _, err := d.change(withOptimistic(ctx), host, actor, p.TicketID, p.Version, func(ctx context.Context, _ storage.Tx, t *ticket.Ticket, b *batch) error {
		if d.complaints != nil && t.Kind == ticket.KindComplaint { // its fields follow the complaint rules and catalog
			return fmt.Errorf("ticketkit: ticket %s: edit it with Desk.ComplaintUpdate or Desk.ComplaintPlan: %w", t.Number, ErrComplaint)
		}
		setIf(&t.Subject, p.Subject, strings.TrimSpace)
		setIf(&t.Description, p.Description, nil)
		setIf(&t.Priority, p.Priority, nil)
		setIf(&t.Reason, p.Reason, nil)
		if p.Channel != nil {
			t.Channel = *p.Channel
		}
		if p.Customer != nil {
			t.Customer = *p.Customer
		}
		if p.Department != nil {
			if err := d.route(ctx, t, actor, workflow.RouteDepartment, *p.Department, b); err != nil {
				return err
			}
		}
		if p.Category != nil && *p.Category != t.Category {
			t.Category = *p.Category
			cat, _ := d.catalog.Category(t.Category)
			addCategoryActions(t, cat, t.UpdatedAt)
		}
		if len(p.Contacts) > 0 || p.SetContacts {
			t.Contacts = slices.Clone(p.Contacts)
		}
		if len(p.References) > 0 || p.SetReferences {
			t.References = slices.Clone(p.References)
		}
		if len(p.Tags) > 0 || p.SetTags {
			t.Tags = slices.Clone(p.Tags)
		}
		if len(p.Fields) > 0 {
			merged := maps.Clone(t.Fields)
			if merged == nil {
				merged = map[string]string{}
			}
			for k, val := range p.Fields {
				if val == "" {
					delete(merged, k)
				} else {
					merged[k] = val
				}
			}
			if fe := d.catalog.ValidateFields(merged); len(fe) > 0 {
				return ticket.NewValidationError(fe...)
			}
			t.Fields = merged
		}
		return nil
	})
	return t, err
}

// setIf sets *dst to *src, cleaned by clean when given, if src is set.
func setIf(dst *string, src *string, clean func(string) string) {
	if src == nil {
		return
	}
	if clean != nil {
		*dst = clean(*src)
		return
	}
	*dst = *src
}
