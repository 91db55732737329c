package storage

import (
	"errors"
	"strings"
	"time"
)

// OutboxEntry is a notification written in the same transaction as the
// change that caused it, so that no committed change loses its
// notification and no rolled-back change sends one.
//
// An entry is pending until it is delivered or dead. A pending entry is
// claimable once NextAttemptAt has passed and no dispatcher holds it
// (LockedUntil has passed too); claiming it counts an attempt and locks
// it for a while, so that two dispatchers never deliver it at once and
// a crashed dispatcher's entries come back when the lock runs out.
type OutboxEntry struct {
	ID       string
	TenantID string
	TicketID string
	// Kind is the notification event kind, such as "ticket.opened".
	Kind string
	// Payload is the JSON-encoded event.
	Payload   []byte
	CreatedAt time.Time
	// Attempts counts the claims of the entry, the Desk's own delivery
	// right after the commit included.
	Attempts int
	// NextAttemptAt is when the entry may next be claimed. Stores keep a
	// zero NextAttemptAt as CreatedAt.
	NextAttemptAt time.Time
	// LockedUntil is when the claim of the dispatcher delivering the
	// entry runs out. The zero time means unclaimed.
	LockedUntil time.Time
	// LastError is the error of the last failed attempt.
	LastError string
	// DeliveredAt is when the entry was delivered; zero while it is not.
	DeliveredAt time.Time
	// DeadAt is when the entry was given up on after too many failed
	// attempts (a dead letter); zero while it is not.
	DeadAt time.Time
}

// OutboxClaimParams claims pending entries for delivery.
type OutboxClaimParams struct {
	// Now is the current time: entries whose NextAttemptAt and
	// LockedUntil are not after it are claimable. Required.
	Now time.Time
	// LockFor is how long the claim holds: the entries' LockedUntil
	// becomes Now+LockFor. Required, positive.
	LockFor time.Duration
	// Limit is the most entries to claim; see [ClampLimit].
	Limit int
	// MaxAttempts, when positive, is the most attempts an entry gets.
	// A due entry whose Attempts has already reached it (its deliveries
	// kept ending without an outcome: the process delivering it died,
	// again and again) is not claimed: it becomes a dead letter at Now,
	// with a LastError that starts with [OutboxExhausted], and does not
	// count against Limit. Zero means no limit.
	MaxAttempts int
}

// OutboxExhausted starts the LastError of an entry that OutboxClaim made
// a dead letter because its attempts had reached
// OutboxClaimParams.MaxAttempts; the error of its last recorded failure,
// if any, follows after "; last error: ".
const OutboxExhausted = "attempts reached MaxAttempts without an outcome"

// ExhaustedError returns the LastError OutboxClaim gives an entry it
// makes a dead letter, from the entry's last error: for adapters that
// build it in Go rather than in SQL.
func ExhaustedError(last string) string {
	if last == "" {
		return OutboxExhausted
	}
	return OutboxExhausted + "; last error: " + last
}

// OutboxMarkDeliveredParams marks outbox entries delivered.
type OutboxMarkDeliveredParams struct {
	IDs []string
	At  time.Time
}

// OutboxFailParams records a failed delivery attempt of one entry.
type OutboxFailParams struct {
	ID string
	// Error describes the failure; it is kept as the entry's LastError.
	Error string
	// RetryAt is when the entry may be claimed again. Ignored when Dead.
	RetryAt time.Time
	// Dead gives up on the entry: it becomes a dead letter at At.
	Dead bool
	// At is the time of the failure.
	At time.Time
	// Untried hands back a claimed entry that was never handed to a
	// notifier (its dispatcher stopped first): the attempt its claim
	// counted is taken back, so that Attempts still counts deliveries
	// begun. It never takes Attempts below zero.
	Untried bool
}

// OutboxDeadListParams lists dead letters.
type OutboxDeadListParams struct {
	// TenantID restricts the list to one tenant; empty lists every
	// tenant's.
	TenantID string
	// After lists the entries after the one with this ID, for paging.
	After string
	// Limit is the page size; see [ClampLimit].
	Limit int
}

// OutboxRetryParams makes dead letters pending again.
type OutboxRetryParams struct {
	// IDs are the dead letters to retry; entries that are not dead are
	// left alone.
	IDs []string
	// At is when they become claimable. Their attempts start again at 0.
	At time.Time
}

// CheckClaim returns an error naming what is wrong with p, for adapters.
func CheckClaim(p OutboxClaimParams) error {
	switch {
	case p.Now.IsZero():
		return errors.New("claim outbox entries: Now is required")
	case p.LockFor <= 0:
		return errors.New("claim outbox entries: LockFor must be positive")
	case p.MaxAttempts < 0:
		return errors.New("claim outbox entries: MaxAttempts must not be negative")
	}
	return nil
}

// CheckFail returns an error naming what is wrong with p, for adapters.
func CheckFail(p OutboxFailParams) error {
	switch {
	case p.ID == "":
		return errors.New("fail outbox entry: ID is required")
	case p.At.IsZero():
		return errors.New("fail outbox entry: At is required")
	case !p.Dead && p.RetryAt.IsZero():
		return errors.New("fail outbox entry: RetryAt is required unless Dead")
	}
	return nil
}

// CompareClaimOrder orders entries the way OutboxClaim takes them: by
// NextAttemptAt, then CreatedAt, then ID.
func CompareClaimOrder(a, b *OutboxEntry) int {
	if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
