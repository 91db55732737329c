package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// checkActor validates the actor every call starts from. Its error
// matches ErrInvalidActor and is a *ValidationError naming the fields:
// the host built the actor wrong, its user did nothing wrong.
func checkActor(a ticket.Actor) error {
	var v ticket.ValidationError
	if a.ID == "" {
		v.Add("actor.id", "required", "is required")
	}
	if a.TenantID == "" {
		v.Add("actor.tenant_id", "required", "is required")
	}
	if !a.Role.Valid() {
		v.Add("actor.role", "oneof", fmt.Sprintf("must be one of %v", ticket.Roles()))
	}
	if a.Role == ticket.RoleCustomer && a.CustomerID == "" {
		v.Add("actor.customer_id", "required", "is required for customers")
	}
	if len(v.Fields) > 0 {
		return fmt.Errorf("ticketkit: %w: %w", ErrInvalidActor, &v)
	}
	return nil
}

// requireStaff refuses customers.
func requireStaff(a ticket.Actor, what string) error {
	if !a.Role.Staff() {
		return fmt.Errorf("ticketkit: %s may not %s: %w", a.Role, what, ErrForbidden)
	}
	return nil
}

// canSee reports whether the actor may see the ticket. Tenants are
// already separated by the store; customers see only their own tickets.
func canSee(a ticket.Actor, t *ticket.Ticket) bool {
	return a.Role != ticket.RoleCustomer || t.Customer.ID == a.CustomerID
}

// maxKeyLen is the longest ticket ID or number a lookup accepts, in
// bytes: no ticket has a longer one, and a longer one would only be
// repeated in queries and error messages.
const maxKeyLen = 200

// checkKey reports an ID or number no store can hold or no ticket has
// (a NUL byte, invalid UTF-8, over maxKeyLen bytes) as a
// *ValidationError naming field.
func checkKey(field, key string) error {
	if err := ticket.CheckText(field, key); err != nil {
		return err
	}
	if len(key) > maxKeyLen {
		return ticket.NewValidationError(ticket.FieldError{Field: field, Rule: "max", Message: fmt.Sprintf("must be at most %d bytes", maxKeyLen)})
	}
	return nil
}

// load reads a ticket the actor may see, or returns ErrNotFound. A
// customer asking for someone else's ticket learns nothing more than
// that it does not exist. An ID no store can hold or no ticket has (see
// checkKey) is a *ValidationError of "id".
func load(ctx context.Context, tx storage.Tx, a ticket.Actor, id string) (*ticket.Ticket, error) {
	return loadBy(ctx, a, id, tx.TicketGet)
}

// loadBy is load with the ticket read by get.
func loadBy(ctx context.Context, a ticket.Actor, id string, get func(context.Context, storage.TicketGetParams) (*ticket.Ticket, error)) (*ticket.Ticket, error) {
	if err := checkKey("id", id); err != nil {
		return nil, err
	}
	t, err := get(ctx, storage.TicketGetParams{TenantID: a.TenantID, ID: id})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, err)
	}
	if !canSee(a, t) {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, ErrNotFound)
	}
	noteTicket(ctx, t)
	return t, nil
}

// view returns t as the actor may see it. Staff see the ticket as it is.
// Customers get a copy without what is internal to the help desk: the
// assignee and the creator (host user IDs), tags, the action plan, the
// SLA state, the ticket a merged ticket went into (MergedInto) and the
// custom fields the catalog marks Internal. The Desk
// applies it to every ticket it returns, never to one it stores.
func (d *Desk) view(a ticket.Actor, t *ticket.Ticket) *ticket.Ticket {
	if a.Role != ticket.RoleCustomer || t == nil {
		return t
	}
	c := t.Clone()
	c.Assignee, c.CreatedBy = "", ""
	c.MergedInto = "" // another customer's ticket, maybe: GetByNumber follows it when it may
	c.Tags, c.Actions = nil, nil
	c.SLA, c.SLAVersion = ticket.SLAState{}, 0
	// The ticket's tenant's catalog: use cases resolve (and cache) it
	// before they return tickets; a field it does not know is dropped.
	cat := d.cached(t.TenantID).catalog
	maps.DeleteFunc(c.Fields, func(key, _ string) bool {
		def, ok := cat.Field(key)
		return !ok || def.Internal
	})
	if len(c.Fields) == 0 {
		c.Fields = nil
	}
	return c
}

// complaintView returns c as the actor may see it: for a customer, the
// ticket part as view leaves it and the complaint section without the
// help desk's assessment — severity, accounting, responsibility,
// internal comments, reviews and review results, costs, the root cause
// and 8D steps, attachments not
// marked CustomerVisible, the decision's notes,
// author and credit flag, the remedy's internal notes, the lines'
// internal notes and the claims raised against suppliers or carriers
// (back-charges). The decision itself and its
// remedy (kind, amount, feedback, document) stay: they answer the
// customer.
func (d *Desk) complaintView(a ticket.Actor, c *ticket.Complaint) *ticket.Complaint {
	if a.Role != ticket.RoleCustomer || c == nil {
		return c
	}
	out := c.Clone()
	out.Ticket = *d.view(a, &out.Ticket)
	det := &out.Details
	det.Severity = ""
	det.Accounting = ticket.Accounting{}
	det.Responsibility = ticket.Responsibility{}
	det.Comments, det.Reviews, det.ReviewResults, det.Costs = nil, nil, nil, nil
	det.RootCause, det.Steps = nil, nil // the 8D is internal
	det.HideInternal()                  // line notes, line remedy notes, back-charge claims
	det.Attachments = slices.DeleteFunc(det.Attachments, func(a ticket.ComplaintAttachment) bool { return !a.CustomerVisible })
	if det.Decision != nil {
		det.Decision.Notes, det.Decision.By, det.Decision.CreditRequired = "", "", false
		det.Decision.Remedy.Notes = ""
	}
	if r := det.Reversal; r != nil { // the entry and its time, not who or why
		r.By, r.Role, r.Reason, r.IdempotencyKey = "", "", "", ""
	}
	return out
}

// customerHistory lists the history fields a customer may see.
var customerHistory = []string{
	ticket.FieldCreated, ticket.FieldStatus, ticket.FieldPriority, ticket.FieldCategory, ticket.FieldSubject,
	ticket.FieldCC,
}

// messagesView returns ms as the actor may see them. Staff see the
// messages as they are. Customers get copies in which an author who is
// not on the customer's side (staff, the system) is shown by the display
// name of staffNamer instead of a user ID. Which kinds a customer may
// read is the store query's business (visibleKinds).
func (d *Desk) messagesView(ctx context.Context, a ticket.Actor, ms []*ticket.Message) []*ticket.Message {
	if a.Role != ticket.RoleCustomer {
		return ms
	}
	name := d.staffNamer(ctx, a.TenantID)
	out := make([]*ticket.Message, len(ms))
	for i, m := range ms {
		c := m.Clone()
		if c.AuthorRole != ticket.RoleCustomer {
			c.AuthorName, c.AuthorID = name(c.AuthorID), ""
		}
		out[i] = c
	}
	return out
}

// eventsView returns a ticket's history as the actor may see it. Staff
// see every event as it is. Customers get copies of the events of the
// fields in customerHistory only, in which an actor who is not on the
// customer's side is shown by the display name of staffNamer instead of
// a user ID.
func (d *Desk) eventsView(ctx context.Context, a ticket.Actor, events []*ticket.Event) []*ticket.Event {
	if a.Role != ticket.RoleCustomer {
		return events
	}
	name := d.staffNamer(ctx, a.TenantID)
	var out []*ticket.Event
	for _, e := range events {
		if !slices.Contains(customerHistory, e.Field) {
			continue
		}
		c := *e
		if c.ActorRole != ticket.RoleCustomer {
			c.ActorName, c.ActorID = name(c.ActorID), ""
		}
		out = append(out, &c)
	}
	return out
}

// staffNamer returns the function that names a staff user of a tenant
// for customers: the Name Config.Staff gives, or Config.StaffLabel when
// there is no Staff directory, it does not know the user or it gives no
// name. It asks about each user once. A failed look-up shows the label
// and is logged: a customer's read does not fail because the host's
// directory does.
func (d *Desk) staffNamer(ctx context.Context, tenantID string) func(userID string) string {
	names := make(map[string]string)
	return func(userID string) string {
		if name, ok := names[userID]; ok {
			return name
		}
		name := d.staffLabel
		if d.staff != nil && userID != "" {
			r, err := d.staff.User(ctx, tenantID, userID)
			switch {
			case err == nil && strings.TrimSpace(r.Name) != "":
				name = strings.TrimSpace(r.Name)
			case err != nil && !errors.Is(err, notify.ErrUnknownUser):
				d.log.WarnContext(ctx, "ticketkit: could not look up a staff display name", "tenant", tenantID, "err", err)
			}
		}
		names[userID] = name
		return name
	}
}
