package ticket

import "time"

// Bounds of a time entry.
const (
	// MaxTimeEntryDuration is the longest time entry: one working day
	// of an agent cannot hold more.
	MaxTimeEntryDuration = 24 * time.Hour
	// MaxTimeEntryNote is the longest note of a time entry, in bytes.
	MaxTimeEntryNote = 2000
)

// FieldTimeEntry is the history field of time tracking: New holds the
// duration added ("1h30m0s billable"), Old the one deleted. Internal:
// customers never see it.
const FieldTimeEntry = "time_entry"

// TimeEntry is time an agent spent on a ticket. Internal: customers
// never see time entries. CustomerID and OrganisationID are the
// ticket's when the entry was made, kept so that reports need no join.
type TimeEntry struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	TicketID string `json:"ticket_id"`
	// AgentID is the host's user ID of the agent who did the work.
	AgentID string `json:"agent_id"`
	// Duration is the time spent, whole seconds, more than zero and at
	// most [MaxTimeEntryDuration].
	Duration time.Duration `json:"duration"`
	Billable bool          `json:"billable"`
	Note     string        `json:"note,omitempty"`
	// Date is the day the work was done, midnight UTC.
	Date           time.Time `json:"date"`
	CustomerID     string    `json:"customer_id,omitempty"`
	OrganisationID string    `json:"organisation_id,omitempty"`
	CreatedBy      string    `json:"created_by,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}
