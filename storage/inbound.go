package storage

import (
	"context"
	"time"
)

// InboundStore is implemented by a [Store] that remembers which inbound
// messages, such as emails, a tenant has ingested, so that a message
// delivered twice (a mail server retrying, two mailboxes forwarding the
// same mail) opens or updates a ticket only once. It is optional: hosts
// that take no mail need not implement it. Both the memory and the Bun
// store do.
//
// A record is keyed by tenant and Key, such as a Message-ID. Its life is
// a claim followed by a completion:
//
//  1. InboundRecord inserts the key before the message is acted on;
//     exactly one of several concurrent callers succeeds, the others get
//     ErrConflict.
//  2. InboundComplete stores the ticket the message went to, once it
//     did.
//  3. InboundDelete takes a claim back when acting on the message failed
//     (so that a redelivery may try again) or when a claim was abandoned
//     by a crashed process. It deletes only the claim made at the given
//     time, so two processes taking over one abandoned claim cannot
//     delete each other's.
type InboundStore interface {
	// InboundRecord stores a new record. A key the tenant already has
	// gives an error wrapping ErrConflict, and nothing is written.
	InboundRecord(ctx context.Context, params InboundRecordParams) error
	// InboundGet returns the record of a key, or an error wrapping
	// ErrNotFound.
	InboundGet(ctx context.Context, params InboundGetParams) (*Inbound, error)
	// InboundComplete sets the TicketID of the record made at params.At.
	// An unknown key, or a record made at another time, gives
	// ErrNotFound.
	InboundComplete(ctx context.Context, params InboundCompleteParams) error
	// InboundDelete deletes the record made at params.At. An unknown key,
	// or a record made at another time, gives ErrNotFound.
	InboundDelete(ctx context.Context, params InboundDeleteParams) error
}

// Inbound is the record of one ingested inbound message.
type Inbound struct {
	TenantID string
	// Key identifies the message within the tenant, such as its
	// Message-ID. At most 998 bytes (the longest header line of RFC
	// 5322).
	Key string
	// TicketID is the ticket the message went to; empty while the
	// message is being acted on, and for messages that went to no
	// ticket.
	TicketID string
	// At is when the record was made (the claim's time), in UTC at
	// microsecond precision.
	At time.Time
}

// InboundRecordParams is a record to store: see [Inbound].
type InboundRecordParams struct {
	TenantID string
	Key      string
	// TicketID may be set at once when it is known; usually it is set
	// later with InboundComplete.
	TicketID string
	At       time.Time
}

// InboundGetParams selects a record by key.
type InboundGetParams struct {
	TenantID string
	Key      string
}

// InboundCompleteParams names a record by its key and time and the
// ticket to store in it.
type InboundCompleteParams struct {
	TenantID string
	Key      string
	At       time.Time
	TicketID string
}

// InboundDeleteParams names a record by its key and time.
type InboundDeleteParams struct {
	TenantID string
	Key      string
	At       time.Time
}
