package storage

import (
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// TicketClaimDueParams claims the tickets the escalation sweep must look
// at.
type TicketClaimDueParams struct {
	// Now is the current time: tickets whose SLA.WakeAt() is set and not
	// after it are due. Required.
	Now time.Time
	// Limit is the most tickets to claim; see [ClampClaimDueLimit].
	Limit int
}

// MaxClaimDueLimit is the most tickets one TicketClaimDue claims: the
// escalation sweep handles up to this many per transaction, with one
// statement per kind of row. An adapter that claims fewer than asked
// makes a sweep stop early; the next one goes on.
const MaxClaimDueLimit = 1000

// ClampClaimDueLimit applies DefaultLimit and MaxClaimDueLimit to the
// Limit of a TicketClaimDue.
func ClampClaimDueLimit(n int) int {
	if n > MaxClaimDueLimit {
		return MaxClaimDueLimit
	}
	if n <= 0 {
		return DefaultLimit
	}
	return n
}

// CheckClaimDue returns an error naming what is wrong with p, for
// adapters.
func CheckClaimDue(p TicketClaimDueParams) error {
	if p.Now.IsZero() {
		return errors.New("claim due tickets: Now is required")
	}
	return nil
}

// StoredSLA returns s as stores keep it, for adapters: every time in UTC
// at microsecond precision, the zero time left zero, and the lists
// copied.
func StoredSLA(s ticket.SLAState) ticket.SLAState {
	s = s.Clone()
	for _, t := range []*time.Time{
		&s.Since, &s.PausedSince, &s.FirstResponseDue, &s.NextResponseDue, &s.ResolutionDue,
		&s.NextCheckAt, &s.FirstResponseAt, &s.ResolvedAt, &s.AwaitingReplySince,
		&s.PendingUntil, &s.AutoCloseAt,
	} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Microsecond)
		}
	}
	return s
}

// NextSLAVersion returns the SLAVersion a store gives a ticket's SLA
// state s when it stores it over version read, for adapters: read+1,
// except that a ticket that never had an SLA state (read 0) and still
// has none keeps 0, so that tickets on a Desk without SLA policies never
// store one.
func NextSLAVersion(read int64, s ticket.SLAState) int64 {
	if read == 0 && s.IsZero() {
		return 0
	}
	return read + 1
}
