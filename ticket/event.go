package ticket

import "time"

// Event is one line of a ticket's history: who changed which field when,
// from what to what. The ticket's creation is recorded as an event on
// [FieldCreated] with the ticket number as its new value.
type Event struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	TicketID  string    `json:"ticket_id"`
	ActorID   string    `json:"actor_id,omitempty"`
	ActorRole Role      `json:"actor_role,omitempty"`
	At        time.Time `json:"at"`
	Field     string    `json:"field"`
	Old       string    `json:"old,omitempty"`
	New       string    `json:"new,omitempty"`
	// ActorName is the display name customers see for a staff
	// actor, whose ActorID they are not shown. It is set only on the
	// copies the Desk returns to customers and never stored.
	ActorName string `json:"actor_name,omitempty"`
}

// History field names. Each tracked change of a ticket produces one
// [Event] whose Field is one of these (custom fields use "fields.<key>").
const (
	FieldCreated       = "created"
	FieldSubject       = "subject"
	FieldDescription   = "description"
	FieldStatus        = "status"
	FieldPriority      = "priority"
	FieldCategory      = "category"
	FieldDepartment    = "department"
	FieldChannel       = "channel"
	FieldAssignee      = "assignee"
	FieldCustomer      = "customer"
	FieldContract      = "contract"
	FieldReferences    = "references"
	FieldContacts      = "contacts"
	FieldTags          = "tags"
	FieldReason        = "reason"
	FieldClosureReason = "closure_reason"
	FieldActions       = "actions"
	FieldCustomPrefix  = "fields."
	// FieldConfig marks the lines of a ticket moved by a change of its
	// tenant's configuration: New names the configuration version.
	FieldConfig = "config"
)
