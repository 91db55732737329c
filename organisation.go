package ticketkit

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Organisation is the host's customer organisation, as far as ticketkit
// needs it: a customer belongs to one (ticket.Customer.OrganisationID,
// ticket.Actor.OrganisationID) and the organisation decides whether its
// members see each other's tickets. ticketkit keeps no organisation
// table: the host supplies them (Config.Organisations).
type Organisation struct {
	// ID is the host's organisation ID.
	ID string `json:"id"`
	// MembersSeeTickets lets every customer of the organisation read
	// and search the tickets of the organisation's customers in the
	// portal (Desk.Get, Search, Messages, History), not only their own.
	// They still change only their own.
	MembersSeeTickets bool `json:"members_see_tickets"`
}

// OrganisationDirectory supplies the host's customer organisations.
type OrganisationDirectory interface {
	// Organisation returns the organisation of a tenant by its ID. An
	// organisation the host does not know is the zero Organisation with
	// a nil error (its members see only their own tickets). An error
	// fails the call that asked.
	Organisation(ctx context.Context, tenantID, organisationID string) (Organisation, error)
}

// OrganisationDirectoryFunc adapts a function to the
// [OrganisationDirectory] interface.
type OrganisationDirectoryFunc func(ctx context.Context, tenantID, organisationID string) (Organisation, error)

// Organisation calls f(ctx, tenantID, organisationID).
func (f OrganisationDirectoryFunc) Organisation(ctx context.Context, tenantID, organisationID string) (Organisation, error) {
	return f(ctx, tenantID, organisationID)
}

// sharesOrganisation reports whether the customer actor a may see the
// tickets of its organisation's customers: it names an organisation
// and Config.Organisations says that organisation lets its members see
// them. Staff and actors without an organisation get false.
func (d *Desk) sharesOrganisation(ctx context.Context, a ticket.Actor) (bool, error) {
	if a.Role != ticket.RoleCustomer || a.OrganisationID == "" || d.orgs == nil {
		return false, nil
	}
	o, err := d.orgs.Organisation(ctx, a.TenantID, a.OrganisationID)
	if err != nil {
		return false, fmt.Errorf("ticketkit: look up organisation %s of tenant %s: %w", a.OrganisationID, a.TenantID, err)
	}
	return o.MembersSeeTickets, nil
}

// loadRead is load for a use case that only reads the ticket: a
// customer also reads the tickets of their organisation's customers
// when the organisation allows it (sharesOrganisation).
func (d *Desk) loadRead(ctx context.Context, a ticket.Actor, id string) (*ticket.Ticket, error) {
	if err := checkKey("id", id); err != nil {
		return nil, err
	}
	t, err := d.store.TicketGet(ctx, storage.TicketGetParams{TenantID: a.TenantID, ID: id})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, err)
	}
	if ok, err := d.mayRead(ctx, a, t); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("ticketkit: ticket %q: %w", id, ErrNotFound)
		}
		return nil, err
	}
	noteTicket(ctx, t)
	return t, nil
}

// mayRead reports whether the actor may read t: staff any ticket of
// their tenant, a customer their own and, when their organisation
// allows it (sharesOrganisation), those of its customers.
func (d *Desk) mayRead(ctx context.Context, a ticket.Actor, t *ticket.Ticket) (bool, error) {
	if canSee(a, t) {
		return true, nil
	}
	if a.OrganisationID == "" || t.Customer.OrganisationID != a.OrganisationID {
		return false, nil
	}
	return d.sharesOrganisation(ctx, a)
}

// organisationScope widens the customer filter of f, a customer actor's
// search, to the tickets of the actor's organisation when the
// organisation lets its members see them.
func (d *Desk) organisationScope(ctx context.Context, a ticket.Actor, f *storage.TicketFilter) error {
	shared, err := d.sharesOrganisation(ctx, a)
	if err != nil || !shared {
		return err
	}
	f.CustomerID, f.OrganisationID, f.CustomerOrOrganisation = a.CustomerID, a.OrganisationID, true
	return nil
}
