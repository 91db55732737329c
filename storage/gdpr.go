package storage

import (
	"context"
	"time"
)

// CustomerEraser is implemented by a [Tx] that erases the personal data
// kept beside tickets, for the Desk's EraseCustomer: the Desk rewrites
// the tickets themselves with TicketUpdate (so that search structures
// follow) and calls CustomerErase and ErasureCreate in the same
// transaction.
type CustomerEraser interface {
	// CustomerErase erases, for the tickets params.TicketIDs of
	// params.TenantID: every message's body and attachments (emptied;
	// the messages, their kinds, authors and times stay, for
	// statistics), the Old and New values of their history lines but
	// those of the fields in params.KeepFields, the payloads of their
	// outbox entries (replaced by the JSON object {}; pending entries
	// become dead letters, so that nothing erased is ever sent), and the
	// inbound records that point at them (deleted). It returns what it
	// erased and the blob keys of the attachments it removed, for the
	// caller to delete after the commit.
	CustomerErase(ctx context.Context, params CustomerEraseParams) (*CustomerEraseResult, error)
	// ErasureCreate stores the tombstone of an erasure.
	ErasureCreate(ctx context.Context, e *Erasure) error
	// ErasureList returns a tenant's tombstones, oldest first, at most
	// params.Limit (ClampLimit applies), optionally of one customer.
	ErasureList(ctx context.Context, params ErasureListParams) ([]*Erasure, error)
}

// CustomerEraseParams selects what CustomerErase erases.
type CustomerEraseParams struct {
	TenantID  string
	TicketIDs []string
	// KeepFields are the history fields whose values stay (statuses,
	// priorities, categories: statistics, not personal data).
	KeepFields []string
	// At is the time of the erasure; pending outbox entries become
	// dead letters at it.
	At time.Time
}

// CustomerEraseResult counts what CustomerErase erased.
type CustomerEraseResult struct {
	Messages    int
	Attachments int
	Events      int
	Outbox      int
	Inbound     int
	// BlobKeys are the keys of the attachments' content.
	BlobKeys []string
}

// Erasure is the tombstone of one erasure of a customer's data: who
// erased whose data when, and how much; never the data itself.
type Erasure struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"tenant_id"`
	CustomerID string    `json:"customer_id"`
	ActorID    string    `json:"actor_id"`
	ActorRole  string    `json:"actor_role"`
	At         time.Time `json:"at"`
	// Reason is the host's reference of the request, such as a case
	// number.
	Reason      string `json:"reason,omitempty"`
	Tickets     int    `json:"tickets"`
	Messages    int    `json:"messages"`
	Attachments int    `json:"attachments"`
	Events      int    `json:"events"`
	Outbox      int    `json:"outbox"`
	Inbound     int    `json:"inbound"`
}

// ErasureListParams selects tombstones.
type ErasureListParams struct {
	TenantID string
	// CustomerID, when set, selects that customer's tombstones.
	CustomerID string
	Limit      int
}
