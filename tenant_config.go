package ticketkit

import (
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TenantConfig is one tenant's configuration as data: its catalog, its
// workflow and its SLA, which replace the Desk's (see [Config]) for the
// tenant's tickets once an admin saves it with [Desk.ConfigureTenant]. It
// reads and writes as JSON; the store keeps every saved version.
//
// Every field but Catalog is optional, so that a configuration saved
// earlier stays valid: a field a configuration does not set means the
// documented default.
type TenantConfig struct {
	// Catalog holds the tenant's statuses, priorities, categories,
	// departments, reason codes and custom fields; it is checked as
	// [ticket.NewCatalog] checks it, and every label must have a
	// default text. Required.
	Catalog ticket.CatalogSpec `json:"catalog"`
	// Workflow is the tenant's workflow on Catalog. It may use the
	// built-in guards (see [workflow.BuiltinGuards]) and the guards the
	// host registered on the Desk's workflow (Config.Workflow, see
	// [workflow.Machine.HostGuards]), by name; an unknown guard is a
	// problem under "workflow". nil means
	// [workflow.DefaultDefinition] when it fits Catalog, else
	// [workflow.FreeDefinition] of Catalog: staff move freely between
	// the statuses.
	Workflow *workflow.Definition `json:"workflow,omitempty"`
	// SLA is the tenant's SLA calendars and policies on Catalog; nil
	// means the tenant's tickets carry no SLA clocks.
	SLA *workflow.SLAConfig `json:"sla,omitempty"`
	// Notifications are the tenant's notification rules and switches;
	// nil means the notifier's (see [TenantNotifications]).
	Notifications *TenantNotifications `json:"notifications,omitempty"`
	// Templates are the tenant's mail templates, each replacing the
	// notifier's for one event kind, variant and locale, such as a French
	// "ticket.opened". Each must parse and name only fields of
	// notify.TemplateData (problems under "templates[i]"); one kind,
	// variant and locale at most once.
	Templates []notify.TemplateSpec `json:"templates,omitempty"`
	// Numbers is the format of the tenant's new ticket numbers (and of
	// complaint numbers when complaints are numbered like tickets); nil
	// means Config.Numberer. Numbers given before a change keep their
	// form and are still found.
	Numbers *TenantNumberFormat `json:"numbers,omitempty"`
	// Tags is the tenant's optional tag catalog: the tags its staff
	// pick from, with labels and colours. When it is not empty, every tag
	// the workflow's effects add or remove must be in it, and so must
	// the tags [Desk.Open] and [Desk.Update] set (a *ValidationError
	// under "tags[i]" otherwise); tickets keep the tags they had.
	Tags []TagDef `json:"tags,omitempty"`
	// Complaints is the tenant's complaint catalog and workflow (see
	// [ComplaintTenantConfig]); nil means the Desk's (Config.Complaints).
	// A Desk without complaints refuses it.
	Complaints *ComplaintTenantConfig `json:"complaints,omitempty"`
	// Automation is the tenant's event and time rules (see
	// [AutomationConfig]), checked against the tenant's catalog, SLA, tag
	// catalog and the host's actions (problems under "automation...");
	// nil means Config.Automation, compiled on the tenant's catalog and
	// SLA: when it does not fit them (a code the tenant's catalog lacks),
	// the tenant runs no rules.
	Automation *AutomationConfig `json:"automation,omitempty"`
	// Macros are the tenant's canned responses (see [Macro]), checked
	// against Catalog and Tags (problems under "macros[i].<field>",
	// naming the macro); nil means Config.Macros, and an empty list none.
	Macros []Macro `json:"macros,omitzero"`
	// Assignment is the tenant's automatic assignment (see
	// [AssignmentConfig]), checked on Catalog (problems under
	// "assignment.<path>"); nil means the Desk's (Config.Assignment).
	Assignment *AssignmentConfig `json:"assignment,omitempty"`
	// Retention is the tenant's retention period of closed tickets (see
	// [TenantRetention]); nil means the Desk's
	// (Config.Retention.ClosedTicketsAfter).
	Retention *TenantRetention `json:"retention,omitempty"`
}

// TenantNotifications are a tenant's notification rules and switches,
// which its events follow through a notify.Resolver whose Tenants is the
// Desk (see [Desk.NotifySetup]).
type TenantNotifications struct {
	// Rules replace the notifier's rules for the tenant (see
	// notify.Rules; keys are event kinds or notify.MessageRule keys such
	// as "ticket.message_added/customer"); nil keeps the notifier's.
	Rules notify.Rules `json:"rules,omitempty"`
	// Off switches event kinds off: they notify no one, whatever the
	// rules. "ticket.message_added/customer" switches off the mails of
	// customer comments only, "ticket.message_added" those of every
	// message.
	Off []notify.Kind `json:"off,omitempty"`
}

// TenantNumberFormat is the format of a tenant's ticket numbers: a
// ticket.NumberFormat as data, checked as [ticket.NewNumberer] checks it
// (problems under "numbers.<field>").
type TenantNumberFormat struct {
	// Prefix starts every number: 1 to 10 ASCII letters or digits.
	// Default "TK".
	Prefix string `json:"prefix,omitempty"`
	// OmitYear leaves the year out.
	OmitYear bool `json:"omit_year,omitempty"`
	// Digits is the least number of sequence digits, 1 to 12. Default 6.
	Digits int `json:"digits,omitempty"`
	// CheckDigit appends a Luhn check digit.
	CheckDigit bool `json:"check_digit,omitempty"`
	// Separator goes between the parts: "-", "/" or ".". Default "-".
	Separator string `json:"separator,omitempty"`
	// NoSeparator renders the parts with no separator.
	NoSeparator bool `json:"no_separator,omitempty"`
}

// TagDef is one tag of a tenant's tag catalog.
type TagDef struct {
	// Code is the tag as tickets carry it: 1 to 50 bytes, unique in the
	// catalog.
	Code string `json:"code"`
	// Label is what people see; its Text is required, Color (a CSS
	// colour "#rgb" or "#rrggbb") and Icon optional.
	Label ticket.Label `json:"label"`
}
