package ticketkit

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// CustomerDirectory supplies the host's own contact data for its
// customers, so that mail goes only to addresses the host vouches for.
// ticketkit keeps no customer table: the host implements it (see
// Config.Customers).
type CustomerDirectory interface {
	// Customer returns the name, email, mobile and organisation
	// (OrganisationID) of a customer of a tenant; the ID of the answer
	// is ignored (the Desk keeps the
	// actor's CustomerID). A customer the host does not know is the zero
	// Customer with a nil error: the ticket then carries no contact
	// data. An error fails the call that asked. The answer is validated
	// like input (a single-line name, a plain email address): an invalid
	// one refuses the call with a *ValidationError naming customer.name
	// or customer.email.
	Customer(ctx context.Context, tenantID, customerID string) (ticket.Customer, error)
}

// CustomerDirectoryFunc adapts a function to the [CustomerDirectory]
// interface.
type CustomerDirectoryFunc func(ctx context.Context, tenantID, customerID string) (ticket.Customer, error)

// Customer calls f(ctx, tenantID, customerID).
func (f CustomerDirectoryFunc) Customer(ctx context.Context, tenantID, customerID string) (ticket.Customer, error) {
	return f(ctx, tenantID, customerID)
}

// forbidden is the rule of the FieldErrors that refuse what a customer
// may not set.
const forbidden = "forbidden"

// customerOpen applies, to p opened by a customer actor, the one rule
// of what a customer may set (documented at OpenParams):
//
//   - staff-owned properties are refused in v, each under its own name:
//     priority, department, assignee, tags and internal custom fields
//     ("fields.<key>"), and a staff-only channel such as
//     [ticket.ChannelManual] ("channel");
//   - the customer's contact data comes from the host: with
//     Config.Customers its answer replaces p.Customer's name, email and
//     mobile; without it a customer.email or customer.mobile is refused;
//   - contact addresses (contacts[i].email, contacts[i].phone) are
//     refused: nobody vouches for them;
//   - the customer's organisation is the host's: the directory's
//     answer, else the actor's OrganisationID; without a directory, a
//     customer.organisation_id other than the actor's is refused;
//   - with p.Vouched, the host vouches for the customer, the contacts
//     and the department, which are kept as given.
//
// It returns p with Customer.ID set to the actor's CustomerID and the
// channel defaulted to the portal. Tier is the host's to set (see
// OpenParams.Tier) and is left alone.
func (d *Desk) customerOpen(ctx context.Context, actor ticket.Actor, p OpenParams, v *ticket.ValidationError) (OpenParams, error) {
	refuse := func(field string) { v.Add(field, forbidden, "may not be set by a customer") }
	if p.Priority != "" {
		refuse("priority")
	}
	if p.Department != "" && !p.Vouched {
		refuse("department")
	}
	if p.Assignee != "" {
		refuse("assignee")
	}
	if p.Channel.StaffOnly() {
		refuse("channel")
	}
	if len(p.Tags) > 0 {
		refuse("tags")
	}
	for _, key := range slices.Sorted(maps.Keys(p.Fields)) {
		if def, ok := d.catalog.Field(key); ok && def.Internal && p.Fields[key] != "" {
			refuse(ticket.FieldCustomPrefix + key)
		}
	}
	switch {
	case p.Vouched: // the host's own data: kept as given
	case d.customers != nil:
		c, err := d.customers.Customer(ctx, actor.TenantID, actor.CustomerID)
		if err != nil {
			return p, fmt.Errorf("ticketkit: look up customer %s of tenant %s: %w", actor.CustomerID, actor.TenantID, err)
		}
		p.Customer = c
		// The directory may hold what the customer typed elsewhere, such
		// as a name with a line break: checked like any input, so that
		// no mail to the customer breaks on it.
		if err := ticket.Validate(c); err != nil {
			for _, fe := range asValidation(err).Fields {
				v.Add("customer."+fe.Field, fe.Rule, fe.Message)
			}
		}
	default:
		if strings.TrimSpace(p.Customer.Email) != "" {
			v.Add("customer.email", forbidden, "may not be set by a customer: the host supplies it (Config.Customers)")
		}
		if strings.TrimSpace(p.Customer.Mobile) != "" {
			v.Add("customer.mobile", forbidden, "may not be set by a customer: the host supplies it (Config.Customers)")
		}
		if o := p.Customer.OrganisationID; o != "" && o != actor.OrganisationID {
			v.Add("customer.organisation_id", forbidden, "may not be set by a customer: the host supplies it (ticket.Actor.OrganisationID)")
		}
	}
	// The organisation is the host's too: its directory's answer or, when
	// that names none, the actor's.
	p.Customer.OrganisationID = cmp.Or(p.Customer.OrganisationID, actor.OrganisationID)
	if !p.Vouched {
		for i, c := range p.Contacts {
			if strings.TrimSpace(c.Email) != "" {
				refuse(fmt.Sprintf("contacts[%d].email", i))
			}
			if strings.TrimSpace(c.Phone) != "" {
				refuse(fmt.Sprintf("contacts[%d].phone", i))
			}
		}
	}
	p.Customer.ID = actor.CustomerID
	if p.Channel == "" {
		p.Channel = ticket.ChannelPortal
	}
	return p, nil
}

// customerFieldErrors drops, from the catalog's custom field errors of a
// customer's ticket, those of internal fields: a customer may not set
// them (customerOpen refuses a value), so an internal field marked
// Required is for staff to fill later, not a reason to refuse the
// customer.
func (d *Desk) customerFieldErrors(errs []ticket.FieldError) []ticket.FieldError {
	return slices.DeleteFunc(errs, func(fe ticket.FieldError) bool {
		key, ok := strings.CutPrefix(fe.Field, ticket.FieldCustomPrefix)
		def, known := d.catalog.Field(key)
		return ok && known && def.Internal
	})
}
