package storage

import (
	"context"
	"time"
)

// MaxIdempotencyKey is the longest [Idempotency] key, in bytes, a store
// must accept. Callers such as httpapi store a hash of the client's key
// and its scope, 64 hexadecimal digits.
const MaxIdempotencyKey = 255

// IdempotencyStore is implemented by a [Store] that remembers the answers
// of requests sent with an idempotency key (the HTTP Idempotency-Key
// header), so that a client retrying a request after a lost answer gets
// the first answer again instead of a second change. It is optional;
// both the memory and the Bun store implement it, on the Store and on
// the [Tx] its RunInTx hands out.
//
// A record lives in the transaction of the change it answers:
//
//  1. IdempotencyClaim, the transaction's first write, inserts a pending
//     record, or returns the record the key already has. A concurrent
//     claim of the same key waits until the first transaction ends (a
//     row lock, the store's write lock), so it then sees the completed
//     record, or nothing if the first rolled back.
//  2. The change runs in the same transaction.
//  3. IdempotencyComplete stores the answer; the commit makes change and
//     answer durable together, and a rollback takes back both.
//
// A record whose ExpiresAt has passed is as good as absent: a claim
// replaces it, and IdempotencyPurge deletes such records.
type IdempotencyStore interface {
	// IdempotencyClaim inserts a pending record for params.Key unless
	// the tenant has a record of that key that has not expired at
	// params.At. It returns the record that was there (Claimed false),
	// or the new one (Claimed true). An expired record is replaced.
	IdempotencyClaim(ctx context.Context, params IdempotencyClaimParams) (*IdempotencyClaimResult, error)
	// IdempotencyComplete stores the answer of the pending record made
	// at params.At. An unknown key, a record made at another time or one
	// already completed gives ErrNotFound.
	IdempotencyComplete(ctx context.Context, params IdempotencyCompleteParams) error
	// IdempotencyPurge deletes the records of every tenant that expired
	// at or before params.Before and returns how many it deleted. It is
	// maintenance for the host to run now and then; claims already
	// ignore expired records.
	IdempotencyPurge(ctx context.Context, params IdempotencyPurgeParams) (int64, error)
}

// Idempotency is the record of one request sent with an idempotency key.
type Idempotency struct {
	TenantID string
	// Key identifies the request within the tenant: the client's key
	// with its scope (actor, route), at most [MaxIdempotencyKey] bytes.
	Key string
	// RequestHash identifies the request's content, so that the same key
	// sent with another request can be refused.
	RequestHash string
	// Status is the answer's status code; 0 while the record is pending.
	Status int
	// Response is the stored answer, opaque to the store.
	Response []byte
	// At is when the record was claimed, and ExpiresAt when it expires,
	// in UTC at microsecond precision.
	At        time.Time
	ExpiresAt time.Time
}

// Pending reports whether the record has no answer yet.
func (r *Idempotency) Pending() bool { return r.Status == 0 }

// IdempotencyClaimParams is a record to claim.
type IdempotencyClaimParams struct {
	TenantID    string
	Key         string
	RequestHash string
	// At is the time of the claim; ExpiresAt, not before At, when the
	// record expires.
	At        time.Time
	ExpiresAt time.Time
}

// IdempotencyClaimResult is the answer of IdempotencyClaim.
type IdempotencyClaimResult struct {
	// Record is the new pending record when Claimed, else the record the
	// key already had.
	Record  Idempotency
	Claimed bool
}

// IdempotencyCompleteParams names a pending record by its key and claim
// time and gives its answer.
type IdempotencyCompleteParams struct {
	TenantID string
	Key      string
	At       time.Time
	// Status is the answer's status code, more than 0.
	Status   int
	Response []byte
}

// IdempotencyPurgeParams selects the expired records to delete.
type IdempotencyPurgeParams struct {
	Before time.Time
}
