package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintOpenParams is what a complaint is opened with. Codes refer to the
// desk's complaint catalog ([Desk.ComplaintCatalog]).
type ComplaintOpenParams struct {
	// Subject is the working name.
	Subject     string `json:"subject" validate:"max=200,singleline"`
	Description string `json:"description,omitempty" validate:"max=20000"`
	// Priority defaults to the catalog's default priority.
	Priority string `json:"priority,omitempty"`
	// Category, when it carries template actions, adds them to the
	// action plan (Config.Complaints.ConfirmActions is asked first).
	Category string `json:"category,omitempty"`
	// Department defaults to the category's department.
	Department string         `json:"department,omitempty"`
	Channel    ticket.Channel `json:"channel,omitempty" validate:"omitempty,channel"`
	// Customer is the counterparty; filled from Source when empty.
	Customer   ticket.Customer    `json:"customer"`
	Contacts   []ticket.Contact   `json:"contacts,omitempty" validate:"max=20,dive"`
	References []ticket.Reference `json:"references,omitempty" validate:"max=50,dive"`
	// Assignee is the employee in charge, as Responsibility.Employee
	// (which it fills when empty); when both are set they must agree.
	Assignee string   `json:"assignee,omitempty" validate:"max=200"`
	Tags     []string `json:"tags,omitempty" validate:"max=50,dive,required,max=50"`
	// Reason is a reason code, such as "CR02". It may be left empty and
	// set later with ComplaintUpdate; the workflow requires it before
	// fulfilling (workflow.ComplaintRules.ReasonCodeFrom).
	Reason string `json:"reason,omitempty"`
	// IssuedAt is the date of issue; zero means now.
	IssuedAt     time.Time         `json:"issued_at,omitzero"`
	RemedySought ticket.RemedyKind `json:"remedy_sought"`
	Severity     ticket.Severity   `json:"severity,omitempty"`
	// CounterpartyRole says who Customer is: a customer (the default),
	// a supplier or a carrier. See also Desk.ComplaintClaimRaise.
	CounterpartyRole ticket.CounterpartyRole `json:"counterparty_role,omitempty"`
	// Source is the host document the complaint is about. With
	// Config.Complaints.Sources set, the document is resolved and fills
	// customer, contacts, accounting company, counterparty, contract,
	// currency, salesperson and, when Lines is empty, lines (see
	// ticket.Complaint.ApplySource); otherwise only the reference is
	// kept. Lines given are always kept.
	Source *ticket.Reference `json:"source,omitempty"`
	// Lines are the products complained about; the Desk numbers them
	// from 1 (ticket.ComplaintLine.No), and a number given is refused.
	Lines          []ticket.ComplaintLine `json:"lines,omitempty"`
	Accounting     ticket.Accounting      `json:"accounting"`
	Responsibility ticket.Responsibility  `json:"responsibility"`
}

// ComplaintOpen opens a complaint document: it resolves the source
// document, adds the category's template actions, validates the whole
// document (ticket.ValidateComplaint), draws its number and stores the
// ticket, its complaint section, the first history line and the "opened"
// notification in one transaction. Only staff may open complaints.
func (d *Desk) ComplaintOpen(ctx context.Context, actor ticket.Actor, p ComplaintOpenParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintOpen", actor)
	defer func() { end(err) }()
	return d.openComplaint(ctx, nil, actor, p)
}

// openComplaint is ComplaintOpen in the host's transaction host, or in
// the Desk's own when host is nil.
func (d *Desk) openComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintOpenParams) (*ticket.Complaint, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "open complaints"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	now := d.now()
	c, err := d.newComplaint(ctx, cs, actor, p, now, v)
	if err != nil {
		return nil, err
	}
	b := &batch{actor: actor}
	err = d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error {
		b.events, b.notices = nil, nil
		if err := d.createComplaint(ctx, tx, cs, c, b); err != nil {
			return err
		}
		cs, err := complaintTx(tx)
		if err != nil {
			return err
		}
		if err := cs.ComplaintCreate(ctx, c); err != nil {
			return fmt.Errorf("ticketkit: create complaint: %w", err)
		}
		b.noticeAssignedActions(c, nil)
		b.runLater()
		_, err = b.write(ctx, tx, lockUntil)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.afterCommit(ctx, host, b.notices)
	return c, nil
}

// createComplaint numbers and stores the ticket of c: from the
// complaint's numbering series when one is configured, like a ticket of
// its tenant otherwise (in the tenant's number format, see
// TenantConfig.Numbers).
func (d *Desk) createComplaint(ctx context.Context, tx storage.Tx, cs *complaints, c *ticket.Complaint, b *batch) error {
	series := cs.cfg.Numbering
	if series == nil {
		view, err := d.forTenant(ctx, tx, c.TenantID)
		if err != nil {
			return err
		}
		return d.createWith(ctx, tx, view.numberer, &c.Ticket, b, nil)
	}
	scope, err := series.Scope(c)
	if err != nil {
		return err
	}
	seq, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: c.TenantID, Scope: scope})
	if err != nil {
		return fmt.Errorf("ticketkit: draw complaint number: %w", err)
	}
	c.Number = series.Format(c, seq)
	return d.createNumbered(ctx, tx, &c.Ticket, b, nil)
}

// newComplaint builds and validates the complaint p describes; v holds
// the problems found so far.
func (d *Desk) newComplaint(ctx context.Context, cs *complaints, actor ticket.Actor, p ComplaintOpenParams, now time.Time, v *ticket.ValidationError) (*ticket.Complaint, error) {
	if p.IssuedAt.IsZero() {
		p.IssuedAt = now
	}
	core, cat := newTicketCore(cs.catalog, actor, OpenParams{
		Subject: p.Subject, Description: p.Description, Priority: p.Priority, Category: p.Category,
		Department: p.Department, Channel: p.Channel, Customer: p.Customer, Contacts: p.Contacts,
		References: p.References, Assignee: p.Assignee, Tags: p.Tags, Reason: strings.TrimSpace(p.Reason),
	}, now)
	core.Customer = d.normalizeCustomer(core.Customer, "customer", v)
	c := &ticket.Complaint{
		Ticket: *core,
		Details: ticket.ComplaintDetails{
			IssuedAt: p.IssuedAt, RemedySought: p.RemedySought, Severity: p.Severity, Lines: slices.Clone(p.Lines),
			CounterpartyRole: p.CounterpartyRole,
			Accounting:       p.Accounting, Responsibility: p.Responsibility,
		},
	}
	for i, l := range p.Lines {
		if l.No != 0 {
			v.Add(fmt.Sprintf("lines[%d].no", i), "excluded", "is given by the desk")
		}
	}
	if p.Assignee != "" && p.Responsibility.Employee != "" && p.Assignee != p.Responsibility.Employee {
		v.Add("assignee", "employee_in_charge", "must be the employee in charge (responsibility.employee) when both are set")
	}
	c.SyncAssignee(nil)
	if p.Source != nil {
		if err := d.applySource(ctx, cs, c, *p.Source, v); err != nil {
			return nil, err
		}
	}
	// Lines are numbered 1, 2, 3 …, after a source document replaced them.
	c.Details.NumberLines()
	if cat.Code != "" { // a category of the catalog: add its template actions
		c.Category = ""
		if err := d.setCategory(ctx, c, cat, now); err != nil {
			return nil, err
		}
	}
	if err := ticket.ValidateComplaint(c, cs.catalog); err != nil {
		var ve *ticket.ValidationError
		if !errors.As(err, &ve) {
			return nil, err
		}
		v.Fields = append(v.Fields, ve.Fields...)
	}
	if series := cs.cfg.Numbering; series != nil {
		if _, err := series.Scope(c); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return c, nil
}

// applySource fills c from the host document ref through the configured
// resolver, or only keeps the reference without one. An unknown
// document is a validation problem of "complaint.source".
func (d *Desk) applySource(ctx context.Context, cs *complaints, c *ticket.Complaint, ref ticket.Reference, v *ticket.ValidationError) error {
	doc, resolved, err := d.resolveDocument(ctx, cs, ref, "complaint.source", v)
	switch {
	case err != nil:
		return err
	case !resolved && cs.cfg.Sources == nil:
		return c.ApplySource(doc)
	case !resolved:
		return nil
	}
	doc.Customer = d.normalizeCustomer(doc.Customer, "complaint.source.customer", v)
	return c.ApplySource(doc)
}

// confirmActions returns the keep function of ticket.Complaint.SetCategory
// for c: the host's confirm hook, or nil to keep all.
func (d *Desk) confirmActions(ctx context.Context, c *ticket.Complaint) func(ticket.ActionTemplate) bool {
	confirm := d.complaints.cfg.ConfirmActions
	if confirm == nil {
		return nil
	}
	return func(t ticket.ActionTemplate) bool { return confirm(ctx, c, t) }
}
