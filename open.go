package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// OpenParams is what a new ticket is opened with. Codes refer to the
// desk's catalog; empty codes take the catalog's defaults.
//
// What a customer may set: when the actor is a customer, the staff-owned
// properties (Priority, Department, Assignee, Tags, internal Fields) and
// contact addresses the host did not supply (Customer.Email,
// Customer.Mobile, Contacts' Email and Phone) are refused with a
// *ValidationError naming each field with rule "forbidden"; nothing is
// silently dropped, except that Config.Customers, when set, replaces the
// customer's contact data, and Vouched keeps what the host vouches for.
// Tier is the host's to set, also for a customer's ticket.
type OpenParams struct {
	Subject     string `json:"subject" validate:"required,max=200,singleline"`
	Description string `json:"description,omitempty" validate:"max=20000"`
	// Priority defaults to the catalog's default priority. It selects
	// the SLA policy: customers may not set it.
	Priority string `json:"priority,omitempty"`
	Category string `json:"category,omitempty"`
	// Department defaults to the category's department. Customers may
	// not set it.
	Department string `json:"department,omitempty"`
	// Channel is how the ticket arrived; a customer's ticket defaults
	// to the portal and may not claim a staff-only channel such as
	// ticket.ChannelManual ("channel": rule "forbidden").
	Channel ticket.Channel `json:"channel,omitempty" validate:"omitempty,channel"`
	// Customer is the party the ticket is about, and who gets its mail.
	// For a customer actor, Customer.ID is always the actor's CustomerID
	// and the contact data comes from the host, never from what the
	// customer typed: with Config.Customers, its answer replaces Name,
	// Email and Mobile; without it, an Email or Mobile is refused
	// (customer.email, customer.mobile: rule "forbidden") and only the
	// Name is kept. Staff set it as they like.
	Customer ticket.Customer `json:"customer"`
	// Contacts are people on the customer's side. A customer actor may
	// name contacts but give them no address: contacts[i].email and
	// contacts[i].phone are refused ("forbidden").
	Contacts   []ticket.Contact   `json:"contacts,omitempty" validate:"max=20,dive"`
	References []ticket.Reference `json:"references,omitempty" validate:"max=50,dive"`
	// Assignee is a host user ID. Customers may not set it.
	Assignee string `json:"assignee,omitempty" validate:"max=200"`
	// Tags are the help desk's labels. Customers may not set them.
	Tags []string `json:"tags,omitempty" validate:"max=50,dive,required,max=50"`
	// Fields holds custom field values. Customers may not set internal
	// fields (FieldDef.Internal), and an internal field marked Required
	// is not required of them: staff fill it in later.
	Fields map[string]string `json:"fields,omitempty"`
	// Reason is a complaint reason code from the catalog.
	Reason string `json:"reason,omitempty"`
	// Tier is the customer's service tier, such as "gold", that SLA
	// policies may select by (see workflow.Conditions). The host sets it
	// from its own customer data, also for tickets a customer opens;
	// never pass on a tier the customer chose (httpapi refuses one from
	// customers).
	Tier string `json:"tier,omitempty" validate:"max=100"`
	// Message, when set, is posted as the ticket's first message, with
	// Attachments, in the transaction that opens the ticket: a customer
	// message when the actor is a customer, a reply for staff. With
	// Attachments but no Message, the description is posted with them.
	// The "opened" notification carries the message.
	Message     string            `json:"message,omitempty" validate:"max=100000"`
	Attachments []AttachmentInput `json:"attachments,omitempty" validate:"dive"`
	// Inbound, for a mail intake, is the claim of the message that opens
	// the ticket, completed in the same transaction (see InboundClaim).
	Inbound *InboundClaim `json:"-"`
	// Vouched, for host code that opens a ticket on a customer's behalf
	// with data of its own, says the host vouches for Customer, Contacts
	// and Department: it took them from its records or its routing (a
	// mail intake: the sender's address and the route's department),
	// not from what the customer typed. They are then kept as given,
	// without asking Config.Customers; Customer.ID is still the actor's
	// CustomerID, and the other staff-owned properties are still
	// refused. Never set it from a request: httpapi never does.
	Vouched bool `json:"-"`
}

// Open opens a ticket: it validates p, draws the ticket's number, and
// stores the ticket, its first history line and the "opened"
// notification in one transaction. The ticket gets the catalog's initial
// status; its category's checklist actions are added. [Desk.OpenTx] opens
// it in the host's transaction.
//
// A ticket opened with a department (given, or its category's) or an
// assignee is routed there by actor in the initial status: the
// workflow's routing rules (see [workflow.RoutingRule]) must allow it,
// as for [Desk.Assign], and their effects apply. A refusal is a
// *TransitionError whose Route names the field, wrapping ErrNoRoute,
// ErrForbidden or ErrGuard; nothing is stored. The mail intake
// (package mailin/intake) opens a ticket whose route's department is
// refused without the department, with an internal note saying why.
//
// A ticket opened with no assignee in a department whose assignment
// pool assigns new tickets (AssignmentPool.OnOpen, see
// [AssignmentConfig]) gets its agent in the same transaction, with a
// history line ticket.FieldAssignment; when nobody can take it, it opens
// unassigned, and the line says why.
func (d *Desk) Open(ctx context.Context, actor ticket.Actor, p OpenParams) (_ *ticket.Ticket, err error) {
	ctx, end := d.begin(ctx, "Open", actor)
	defer func() { end(err) }()
	return d.open(ctx, nil, actor, p)
}

// open is Open in the host's transaction host, or in one of its own when
// host is nil (see inTx).
func (d *Desk) open(ctx context.Context, host storage.Tx, actor ticket.Actor, p OpenParams) (*ticket.Ticket, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	now := d.now()
	t, err := d.newTicket(ctx, actor, p, now)
	if err != nil {
		return nil, err
	}
	b := &batch{actor: actor}
	if err := d.routeOpen(ctx, t, actor, b); err != nil {
		return nil, err
	}
	first, err := d.firstMessage(ctx, actor, t, p)
	if err != nil {
		return nil, err
	}
	if err := d.openRules(ctx, t, b, first != nil); err != nil {
		if first != nil {
			d.deleteBlobs(ctx, first.Attachments)
		}
		return nil, err
	}
	layout, oneChange := d.numberLayout(t, p)
	oneChange = oneChange && (b.rules == nil || len(b.rules.effects) == 0) // effects need a transaction
	assign := d.assignsOnOpen(t)                                           // the pick needs a transaction
	if cw, ok := d.store.(storage.ChangeWriter); ok && oneChange && host == nil && !assign {
		// One statement, no transaction of the Desk's own.
		err = d.observeTx(ctx, func(ctx context.Context) error {
			return d.createChange(ctx, cw, t, b, first, layout, d.lockUntil())
		})
	} else {
		err = d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error {
			var lines []ticket.Event
			if assign {
				line, err := d.assignOpen(ctx, tx, t)
				if err != nil {
					return err
				}
				lines = append(lines, line)
			}
			if cw, ok := tx.(storage.ChangeWriter); ok && oneChange {
				return d.createChange(ctx, cw, t, b, first, layout, lockUntil, lines...)
			}
			return d.createRows(ctx, tx, t, b, first, p.Inbound, lockUntil, lines...)
		})
	}
	if err != nil {
		if first != nil {
			d.deleteBlobs(ctx, first.Attachments)
		}
		return nil, err
	}
	d.afterCommit(ctx, host, b.notices)
	return d.view(actor, t), nil
}

// numberLayout returns the layout of t's number when the rows of
// opening t can be written as one change (storage.ChangeWriter): the
// numberer has a layout (ticket.NumberLayouter) and p completes no
// inbound claim.
func (d *Desk) numberLayout(t *ticket.Ticket, p OpenParams) (ticket.NumberLayout, bool) {
	nl, ok := d.numberer.(ticket.NumberLayouter)
	if !ok || p.Inbound != nil {
		return ticket.NumberLayout{}, false
	}
	return nl.NumberLayout(t.CreatedAt)
}

// createChange is create as one change written by cw: the number is
// drawn by the write, which puts it in place of a placeholder in the
// ticket, its history line and its notification. The history lines
// lines follow the "created" one.
func (d *Desk) createChange(ctx context.Context, cw storage.ChangeWriter, t *ticket.Ticket, b *batch, first *ticket.Message, layout ticket.NumberLayout, lockUntil time.Time, lines ...ticket.Event) error {
	b.events, b.notices = nil, nil
	draw := &storage.NumberDraw{
		TenantID: t.TenantID, Scope: d.numberer.Scope(t.CreatedAt),
		Layout: layout, Placeholder: "ticketkit-number-" + newID(),
	}
	t.Number = draw.Placeholder
	d.stampSortKeys(t)
	queueCreated(t, b, first)
	if b.rules != nil {
		b.history(t, b.rules.lines)
	}
	if len(lines) > 0 {
		b.history(t, lines)
	}
	for _, k := range b.extra {
		b.notice(k, t, nil)
	}
	entries, err := b.entries(lockUntil)
	if err != nil {
		return err
	}
	c := &storage.Change{Number: draw, Create: t, Message: first, Events: b.events, Outbox: entries}
	if err := cw.ChangeWrite(ctx, c); err != nil {
		return fmt.Errorf("ticketkit: open ticket: %w", err)
	}
	for i := range b.notices { // the history lines got it from the write
		b.notices[i].Ticket.Number = t.Number
	}
	noteTicket(ctx, t)
	return nil
}

// createRows is create with its rows written one statement each in tx,
// completing the inbound claim c, with the history lines lines after
// the "created" one.
func (d *Desk) createRows(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch, first *ticket.Message, c *InboundClaim, lockUntil time.Time, lines ...ticket.Event) error {
	b.events, b.notices = nil, nil
	if err := d.create(ctx, tx, t, b, first); err != nil {
		return err
	}
	if len(lines) > 0 {
		b.history(t, lines)
	}
	for _, k := range b.extra {
		b.notice(k, t, nil)
	}
	if err := completeInbound(ctx, tx, t.TenantID, t.ID, c); err != nil {
		return err
	}
	_, err := b.write(ctx, tx, lockUntil)
	return err
}

// create draws the number of the new ticket t and stores it in tx,
// queuing its first history line and the "opened" notification in b.
// firstMessage returns the first message p asks for on t, nil when none,
// with its attachments stored (see putAttachments).
func (d *Desk) firstMessage(ctx context.Context, actor ticket.Actor, t *ticket.Ticket, p OpenParams) (*ticket.Message, error) {
	body := p.Message
	if body == "" && len(p.Attachments) > 0 {
		body = p.Description
	}
	if body == "" && len(p.Attachments) == 0 {
		return nil, nil
	}
	atts, err := d.putAttachments(ctx, p.Attachments)
	if err != nil {
		return nil, err
	}
	return newMessage(actor, t, replyKind(actor), body, atts, t.CreatedAt), nil
}

// create numbers and stores a new ticket and, when first is set, its
// first message, with the "created" history line and the "opened"
// notification.
func (d *Desk) create(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch, first *ticket.Message) error {
	return d.createWith(ctx, tx, d.numberer, t, b, first)
}

// createWith is create with the number drawn by numberer.
func (d *Desk) createWith(ctx context.Context, tx storage.Tx, numberer ticket.Numberer, t *ticket.Ticket, b *batch, first *ticket.Message) error {
	seq, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: t.TenantID, Scope: numberer.Scope(t.CreatedAt)})
	if err != nil {
		return fmt.Errorf("ticketkit: draw ticket number: %w", err)
	}
	t.Number = numberer.Format(t.CreatedAt, seq)
	return d.createNumbered(ctx, tx, t, b, first)
}

// createNumbered is create for a ticket whose number is drawn already,
// such as a complaint numbered from its own series.
func (d *Desk) createNumbered(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch, first *ticket.Message) error {
	if err := d.openRules(ctx, t, b, first != nil); err != nil {
		return err
	}
	d.stampSortKeys(t)
	if err := tx.TicketCreate(ctx, t); err != nil {
		return fmt.Errorf("ticketkit: create ticket: %w", err)
	}
	noteTicket(ctx, t)
	if first != nil {
		if err := tx.MessageCreate(ctx, first); err != nil {
			return fmt.Errorf("ticketkit: add the first message of %s: %w", t.Number, err)
		}
	}
	queueCreated(t, b, first)
	if b.rules != nil {
		b.history(t, b.rules.lines)
	}
	return b.rules.runEffects(ctx, tx, t, b)
}

// openRules runs the event rules on the opening of t, once: their field
// changes are made on t (whose SLA clocks start again on what they
// changed), the rest is kept in b for create.
func (d *Desk) openRules(ctx context.Context, t *ticket.Ticket, b *batch, message bool) error {
	if b.rulesRan {
		return nil
	}
	run, err := d.runEventRules(ctx, nil, t, b.actor, message)
	if err != nil {
		return err
	}
	b.rules, b.rulesRan = run, true
	if run != nil && len(run.fired) > 0 {
		d.observeSLA(nil, t, workflow.Observation{}, t.UpdatedAt)
	}
	d.trackTimers(nil, t, t.UpdatedAt)
	return nil
}

// queueCreated queues in b the "created" history line of the new ticket
// t and its "opened" notification, carrying first when set.
func queueCreated(t *ticket.Ticket, b *batch, first *ticket.Message) {
	b.history(t, []ticket.Event{{Field: ticket.FieldCreated, New: t.Number}})
	if first == nil {
		b.notice(notify.KindOpened, t, nil)
		return
	}
	m := first.Clone()
	b.notice(notify.KindOpened, t, func(e *notify.Event) { e.Message = m })
}

// newTicket validates p and builds the ticket it describes, applying
// to a customer actor the rule of what a customer may set
// (customerOpen).
func (d *Desk) newTicket(ctx context.Context, actor ticket.Actor, p OpenParams, now time.Time) (*ticket.Ticket, error) {
	v := asValidation(ticket.Validate(p))
	fieldErrs := d.catalog.ValidateFields(p.Fields)
	if actor.Role == ticket.RoleCustomer {
		var err error
		if p, err = d.customerOpen(ctx, actor, p, v); err != nil {
			return nil, err
		}
		fieldErrs = d.customerFieldErrors(fieldErrs)
	}
	t, cat := newTicketCore(d.catalog, actor, p, now)
	t.ConfigVersion = d.configVersion
	v.Fields = append(v.Fields, d.catalog.CheckRefs(ticket.Refs{
		Priority: t.Priority, Category: t.Category, Department: t.Department, Reason: t.Reason,
	})...)
	v.Fields = append(v.Fields, fieldErrs...)
	d.checkTags(v, p.Tags)
	d.checkFileCount(v, len(p.Attachments))
	t.Customer = d.normalizeCustomer(t.Customer, "customer", v)
	if err := failed(v); err != nil {
		return nil, err
	}
	addCategoryActions(t, cat, now)
	d.startSLA(t, p.Tier, now)
	return t, nil
}

// newTicketCore builds the ticket p describes on catalog c, opened by
// actor at now: the catalog's initial status, its default priority and
// the category's department when p leaves them empty. It returns the
// ticket's category too. Nothing is validated or normalized here.
func newTicketCore(c *ticket.Catalog, actor ticket.Actor, p OpenParams, now time.Time) (*ticket.Ticket, ticket.Category) {
	if p.Priority == "" {
		p.Priority = c.DefaultPriority().Code
	}
	cat, _ := c.Category(p.Category)
	if p.Department == "" {
		p.Department = cat.Department
	}
	return &ticket.Ticket{
		ID:          newID(),
		TenantID:    actor.TenantID,
		Subject:     strings.TrimSpace(p.Subject),
		Description: p.Description,
		Status:      c.InitialStatus().Code,
		Priority:    p.Priority,
		Category:    p.Category,
		Department:  p.Department,
		Channel:     p.Channel,
		Customer:    p.Customer,
		Contacts:    slices.Clone(p.Contacts),
		References:  slices.Clone(p.References),
		Assignee:    p.Assignee,
		Tags:        slices.Clone(p.Tags),
		Fields:      p.Fields,
		Reason:      p.Reason,
		CreatedBy:   actor.ID,
		CreatedAt:   now,
		UpdatedAt:   now,
	}, cat
}

// normalizeCustomer trims the customer's fields and puts the mobile
// number in the form the store keeps and searches, reporting an invalid
// number under field+".mobile".
func (d *Desk) normalizeCustomer(c ticket.Customer, field string, v *ticket.ValidationError) ticket.Customer {
	c.Name = strings.TrimSpace(c.Name)
	c.Email = strings.TrimSpace(c.Email)
	c.Mobile = d.normalizeMobile(c.Mobile, field+".mobile", v)
	return c
}

// normalizeMobile normalizes a mobile number, reporting an invalid one
// under field.
func (d *Desk) normalizeMobile(raw, field string, v *ticket.ValidationError) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	n, err := d.phone.Normalize(raw)
	if err != nil {
		v.Add(field, "phone", err.Error())
		return raw
	}
	return n
}

// addCategoryActions appends the checklist actions a category carries.
func addCategoryActions(t *ticket.Ticket, c ticket.Category, now time.Time) {
	for _, a := range c.Actions {
		act := ticket.Action{ID: newID(), Title: a.Title, Owner: a.Owner}
		if dur, err := time.ParseDuration(a.DueIn); err == nil && a.DueIn != "" {
			act.DueAt = now.Add(dur)
		}
		t.Actions = append(t.Actions, act)
	}
}

// asValidation returns err as a ValidationError to add to; err is nil or
// the *ticket.ValidationError of ticket.Validate.
func asValidation(err error) *ticket.ValidationError {
	if v, ok := err.(*ticket.ValidationError); ok {
		return v
	}
	v := &ticket.ValidationError{}
	if err != nil {
		v.Add("", "invalid", err.Error())
	}
	return v
}

// failed returns v as an error when it lists any field, and nil
// otherwise.
func failed(v *ticket.ValidationError) error {
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}
