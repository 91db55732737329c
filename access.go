package ticketkit

import (
	"context"
	"fmt"
	"maps"

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

// load reads a ticket the actor may see, or returns ErrNotFound. A
// customer asking for someone else's ticket learns nothing more than
// that it does not exist.
func load(ctx context.Context, tx storage.Tx, a ticket.Actor, id string) (*ticket.Ticket, error) {
	t, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: a.TenantID, ID: id})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, err)
	}
	if !canSee(a, t) {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, ErrNotFound)
	}
	return t, nil
}

// view returns t as the actor may see it. Staff see the ticket as it is.
// Customers get a copy without what is internal to the help desk: the
// assignee and the creator (host user IDs), tags, the action plan, the
// SLA state and the custom fields the catalog marks Internal. The Desk
// applies it to every ticket it returns, never to one it stores.
func (d *Desk) view(a ticket.Actor, t *ticket.Ticket) *ticket.Ticket {
	if a.Role != ticket.RoleCustomer || t == nil {
		return t
	}
	c := t.Clone()
	c.Assignee, c.CreatedBy = "", ""
	c.Tags, c.Actions = nil, nil
	c.SLA, c.SLAVersion = ticket.SLAState{}, 0
	maps.DeleteFunc(c.Fields, func(key, _ string) bool {
		def, ok := d.catalog.Field(key)
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
// internal comments, reviews and review results, the decision's notes,
// author and credit flag, and the remedy's internal notes. The decision itself and its
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
	det.Comments, det.Reviews, det.ReviewResults = nil, nil, nil
	if det.Decision != nil {
		det.Decision.Notes, det.Decision.By, det.Decision.CreditRequired = "", "", false
		det.Decision.Remedy.Notes = ""
	}
	return out
}
