package ticket

// Actor is whoever performs an operation: a customer, an agent, a
// supervisor or the system. The host authenticates users and hands the
// Desk an Actor; ticketkit keeps no user table.
type Actor struct {
	// ID is the host's user ID.
	ID string `json:"id"`
	// Role decides what the actor may do and see.
	Role Role `json:"role"`
	// TenantID scopes every operation: an actor never sees another
	// tenant's tickets.
	TenantID string `json:"tenant_id"`
	// CustomerID is the host's customer ID for actors with
	// [RoleCustomer]; they see only tickets whose Customer.ID matches.
	CustomerID string `json:"customer_id,omitempty"`
	// OrganisationID is the host's ID of the organisation a customer
	// actor belongs to, if any. The customer sees the tickets of the
	// organisation's customers too when the organisation allows it (see
	// ticketkit's Config.Organisations), and the tickets the customer
	// opens carry it (Customer.OrganisationID) unless the host's
	// customer directory says otherwise.
	OrganisationID string `json:"organisation_id,omitempty"`
}

// SystemActor returns the actor ticketkit uses for its own changes in a
// tenant, such as escalations.
func SystemActor(tenantID string) Actor {
	return Actor{ID: "system", Role: RoleSystem, TenantID: tenantID}
}
