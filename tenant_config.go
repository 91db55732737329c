package ticketkit

import (
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TenantConfig is one tenant's configuration as data: its catalog, its
// workflow and its SLA, which replace the Desk's (see [Config]) for the
// tenant's tickets once an admin saves it with [Desk.ConfigureTenant]. It
// reads and writes as JSON; the store keeps every saved version.
//
// Later parts add fields (templates, notification switches, number
// formats), each optional, so that a configuration saved today stays
// valid: a field a configuration does not set means the documented
// default.
type TenantConfig struct {
	// Catalog holds the tenant's statuses, priorities, categories,
	// departments, reason codes and custom fields; it is checked as
	// [ticket.NewCatalog] checks it, and every label must have a
	// default text. Required.
	Catalog ticket.CatalogSpec `json:"catalog"`
	// Workflow is the tenant's workflow on Catalog. It may use the
	// built-in guards only (see [workflow.BuiltinGuards]). nil means
	// [workflow.DefaultDefinition] when it fits Catalog, else
	// [workflow.FreeDefinition] of Catalog: staff move freely between
	// the statuses.
	Workflow *workflow.Definition `json:"workflow,omitempty"`
	// SLA is the tenant's SLA calendars and policies on Catalog; nil
	// means the tenant's tickets carry no SLA clocks.
	SLA *workflow.SLAConfig `json:"sla,omitempty"`
}
