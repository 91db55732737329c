package workflow

import (
	"github.com/ticketkit/ticketkit/ticket"
)

// FreeDefinition returns a workflow in which staff (agents, supervisors
// and the system) move a ticket from any non-terminal status of c to any
// other status, and reopen a ticket in a terminal status at any time. It
// is the preset for a host that adds its own statuses and wants no
// workflow of its own: adding a status to the catalog needs no new
// transition. nil means [ticket.DefaultCatalog].
//
// Each transition is named "to_" followed by the target status's code and
// leads to it from every other non-terminal status, in catalog order, with
// no guards: a host that wants a reason on closing adds
// [GuardReasonRequired] to the returned transition, which is plain data.
// Reopening enters the first non-terminal status of category
// [ticket.CategoryOpen], or the initial status if there is none.
// Customers take no transitions.
func FreeDefinition(c *ticket.Catalog) Definition {
	if c == nil {
		c = ticket.DefaultCatalog()
	}
	staff := func() []ticket.Role {
		return []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}
	}
	statuses := c.Statuses()
	d := Definition{Name: "free"}
	reopenTo := ""
	for _, s := range statuses {
		if s.Initial && reopenTo == "" {
			reopenTo = s.Code
		}
	}
	for _, s := range statuses {
		if !s.Terminal && s.Category == ticket.CategoryOpen {
			reopenTo = s.Code
			break
		}
	}
	for _, to := range statuses {
		var from []string
		for _, s := range statuses {
			if !s.Terminal && s.Code != to.Code {
				from = append(from, s.Code)
			}
		}
		if len(from) == 0 {
			continue
		}
		d.Transitions = append(d.Transitions, Transition{Name: "to_" + to.Code, From: from, To: to.Code, Roles: staff()})
	}
	for _, s := range statuses {
		if s.Terminal {
			d.Reopen = &ReopenRule{To: reopenTo, Roles: staff()}
			break
		}
	}
	return d
}

// Free returns a Machine running [FreeDefinition] on c; nil means
// [ticket.DefaultCatalog].
func Free(c *ticket.Catalog) (*Machine, error) {
	if c == nil {
		c = ticket.DefaultCatalog()
	}
	return New(Config{Definition: FreeDefinition(c), Catalog: c})
}
