package storage

import "time"

// OutboxEntry is a notification written in the same transaction as the
// change that caused it, so that no committed change loses its
// notification and no rolled-back change sends one.
type OutboxEntry struct {
	ID       string
	TenantID string
	TicketID string
	// Kind is the notification event kind, such as "ticket.opened".
	Kind string
	// Payload is the JSON-encoded event.
	Payload     []byte
	CreatedAt   time.Time
	DeliveredAt time.Time
	Attempts    int
}

// OutboxPendingParams selects undelivered outbox entries.
type OutboxPendingParams struct {
	Limit int
}

// OutboxMarkDeliveredParams marks outbox entries delivered.
type OutboxMarkDeliveredParams struct {
	IDs []string
	At  time.Time
}
