package bunstore

import (
	"time"

	"github.com/uptrace/bun"
)

// The row structs below mirror the tables of the migrations. They are
// unexported: the domain types in package ticket carry no ORM tags, and
// mapping.go converts between the two explicitly. Queries name the table
// with ModelTableExpr, since the table prefix is only known at run time;
// the table names in the tags are never used.

// ticketRow is a row of the tickets table. Filter and sort fields are
// columns of their own; lists and nested values are JSON text.
type ticketRow struct {
	bun.BaseModel `bun:"table:tickets,alias:t"`

	ID       string `bun:"id,pk"`
	TenantID string `bun:"tenant_id"`
	Number   string `bun:"number"`
	Subject  string `bun:"subject"`
	// SubjectLower is strings.ToLower(Subject), for the Text filter.
	SubjectLower string `bun:"subject_lower"`
	Description  string `bun:"description"`
	Status       string `bun:"status"`
	Priority     string `bun:"priority"`
	Category     string `bun:"category"`
	Department   string `bun:"department"`
	Channel      string `bun:"channel"`
	// Kind is ticket.Kind. Only reads name it (see selectTickets): the
	// column defaults to KindTicket, ComplaintCreate sets KindComplaint,
	// and no other write touches it.
	Kind       string `bun:"kind,scanonly"`
	Assignee   string `bun:"assignee"`
	CustomerID string `bun:"customer_id"`
	// CustomerEmail is strings.ToLower(Customer.Email), for the
	// CustomerEmail filter; Customer keeps the email as given.
	CustomerEmail  string `bun:"customer_email"`
	CustomerMobile string `bun:"customer_mobile"`
	// CustomerOrg is Customer.OrganisationID, for the OrganisationID
	// filter (migration 20261203000502_customer_org).
	CustomerOrg   string    `bun:"customer_org"`
	Customer      string    `bun:"customer"`
	Contacts      string    `bun:"contacts"`
	References    string    `bun:"refs"`
	Tags          string    `bun:"tags"`
	Fields        string    `bun:"fields"`
	Actions       string    `bun:"actions"`
	Reason        string    `bun:"reason"`
	ClosureReason string    `bun:"closure_reason"`
	FollowUpOf    string    `bun:"follow_up_of"`
	MergedInto    string    `bun:"merged_into"`
	CreatedBy     string    `bun:"created_by"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
	ClosedAt      time.Time `bun:"closed_at,nullzero"`
	Version       int64     `bun:"version"`
	// ConfigVersion is Ticket.ConfigVersion (migration
	// 20261203000002_ticket_config_version).
	ConfigVersion int64 `bun:"config_version"`
	// PriorityRank, StatusRank and CategoryRank are Ticket.SortKeys, and
	// SLADue is Ticket.SLA.DueKey(), the sort keys of SortPriority,
	// SortStatus, SortCategory (with CatalogOrder) and SortSLADue
	// (migration 20261203000101_ticket_sort_keys).
	PriorityRank int   `bun:"priority_rank"`
	StatusRank   int   `bun:"status_rank"`
	CategoryRank int   `bun:"category_rank"`
	SLADue       int64 `bun:"sla_due"`
	// SLA and SLAVersion are not columns of the tickets table: reads
	// join them from the ticket_sla table (see selectTickets), writes
	// store them with an slaRow.
	SLA        string `bun:"sla,scanonly"`
	SLAVersion int64  `bun:"sla_version,scanonly"`
}

// slaRow is a row of the ticket_sla table: a ticket's SLA state (the JSON
// of Ticket.SLA), its wake time (SLA.WakeAt(), NULL when zero, indexed
// for TicketClaimDue) and its revision (Ticket.SLAVersion).
type slaRow struct {
	bun.BaseModel `bun:"table:ticket_sla,alias:s"`

	TicketID    string    `bun:"ticket_id,pk"`
	TenantID    string    `bun:"tenant_id"`
	State       string    `bun:"state"`
	NextCheckAt time.Time `bun:"next_check_at,nullzero"`
	Revision    int64     `bun:"revision"`
}

// messageRow is a row of the messages table.
type messageRow struct {
	bun.BaseModel `bun:"table:messages,alias:m"`

	ID          string    `bun:"id,pk"`
	TenantID    string    `bun:"tenant_id"`
	TicketID    string    `bun:"ticket_id"`
	Kind        string    `bun:"kind"`
	Type        string    `bun:"type"`
	AuthorID    string    `bun:"author_id"`
	AuthorRole  string    `bun:"author_role"`
	Body        string    `bun:"body"`
	Attachments string    `bun:"attachments"`
	CreatedAt   time.Time `bun:"created_at"`
}

// eventRow is a row of the events table. The table's seq column, which
// keeps the append order, is filled by the database and only used in
// ORDER BY.
type eventRow struct {
	bun.BaseModel `bun:"table:events,alias:e"`

	ID        string    `bun:"id"`
	TenantID  string    `bun:"tenant_id"`
	TicketID  string    `bun:"ticket_id"`
	ActorID   string    `bun:"actor_id"`
	ActorRole string    `bun:"actor_role"`
	At        time.Time `bun:"at"`
	Field     string    `bun:"field"`
	Old       string    `bun:"old"`
	New       string    `bun:"new"`
}

// outboxRow is a row of the outbox table.
type outboxRow struct {
	bun.BaseModel `bun:"table:outbox,alias:o"`

	ID            string    `bun:"id,pk"`
	TenantID      string    `bun:"tenant_id"`
	TicketID      string    `bun:"ticket_id"`
	Kind          string    `bun:"kind"`
	Payload       []byte    `bun:"payload"`
	CreatedAt     time.Time `bun:"created_at"`
	Attempts      int       `bun:"attempts"`
	NextAttemptAt time.Time `bun:"next_attempt_at"`
	LockedUntil   time.Time `bun:"locked_until,nullzero"`
	LastError     string    `bun:"last_error"`
	DeliveredAt   time.Time `bun:"delivered_at,nullzero"`
	DeadAt        time.Time `bun:"dead_at,nullzero"`
}

// linkRow is a row of the links table.
type linkRow struct {
	bun.BaseModel `bun:"table:links,alias:l"`

	TenantID   string    `bun:"tenant_id,pk"`
	FromID     string    `bun:"from_id,pk"`
	Type       string    `bun:"type,pk"`
	ToID       string    `bun:"to_id,pk"`
	FromNumber string    `bun:"from_number"`
	ToNumber   string    `bun:"to_number"`
	CreatedBy  string    `bun:"created_by"`
	CreatedAt  time.Time `bun:"created_at"`
}

// watcherRow is a row of the watchers table.
type watcherRow struct {
	bun.BaseModel `bun:"table:watchers,alias:w"`

	TenantID  string    `bun:"tenant_id,pk"`
	TicketID  string    `bun:"ticket_id,pk"`
	Kind      string    `bun:"kind,pk"`
	Key       string    `bun:"watcher_key,pk"`
	CreatedBy string    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at"`
}

// ratingRow is a row of the ratings table.
type ratingRow struct {
	bun.BaseModel `bun:"table:ratings,alias:r"`

	TenantID   string    `bun:"tenant_id,pk"`
	TicketID   string    `bun:"ticket_id,pk"`
	Score      int       `bun:"score"`
	Comment    string    `bun:"comment"`
	CustomerID string    `bun:"customer_id"`
	AgentID    string    `bun:"agent_id"`
	Department string    `bun:"department"`
	Category   string    `bun:"category"`
	RatedOn    string    `bun:"rated_on"`
	CreatedAt  time.Time `bun:"created_at"`
}

// timeEntryRow is a row of the time_entries table.
type timeEntryRow struct {
	bun.BaseModel `bun:"table:time_entries,alias:te"`

	TenantID       string    `bun:"tenant_id,pk"`
	ID             string    `bun:"id,pk"`
	TicketID       string    `bun:"ticket_id"`
	AgentID        string    `bun:"agent_id"`
	Seconds        int64     `bun:"duration_s"`
	Billable       bool      `bun:"billable"`
	Note           string    `bun:"note"`
	WorkDate       string    `bun:"work_date"`
	CustomerID     string    `bun:"customer_id"`
	OrganisationID string    `bun:"organisation_id"`
	CreatedBy      string    `bun:"created_by"`
	CreatedAt      time.Time `bun:"created_at"`
}
