package storage

import (
	"context"
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// TicketPurger is implemented by a [Tx] (and the [Store] whose RunInTx
// hands it out) that deletes closed tickets with everything kept about
// them, for the Desk's retention of closed tickets (RunRetention). It is
// optional; the memory and the Bun store implement it.
//
// The Desk calls TicketClaimClosed and TicketPurge in one transaction:
// the claimed tickets stay locked until it ends, so that two processes
// running retention at once never claim the same ticket (on PostgreSQL
// and MySQL FOR UPDATE SKIP LOCKED; on SQLite the single writer, taken
// before the claim reads), and a writer changing a claimed ticket waits
// for the purge and then finds the ticket gone. Complaint tickets
// (kind complaint) are never claimed: complaints are accounting records
// whose retention the host decides.
type TicketPurger interface {
	// TicketClaimClosed locks and returns up to params.Limit tickets, of
	// any tenant, whose ClosedAt is set and before their tenant's cutoff
	// (see ClosedTicketClaimParams), those closed first, skipping the
	// tickets another transaction holds and those in params.Exclude.
	TicketClaimClosed(ctx context.Context, params ClosedTicketClaimParams) ([]*ticket.Ticket, error)
	// TicketPurge deletes the tickets params.TicketIDs of
	// params.TenantID and every row kept about them: messages and their
	// attachment references, history, SLA state, watchers, links (from
	// and to them), ratings, time entries, tags, references, presence,
	// inbound-mail records and outbox entries. It returns what it
	// deleted and the blob keys of the deleted attachments, for the
	// caller to delete after the commit. Unknown IDs are no error.
	TicketPurge(ctx context.Context, params TicketPurgeParams) (*TicketPurgeResult, error)
	// ConfigTenantList returns the IDs of the tenants that have a stored
	// configuration (see ConfigStore), each once, sorted; empty for a
	// store without tenant configurations.
	ConfigTenantList(ctx context.Context) ([]string, error)
}

// ClosedTicketClaimParams selects the closed tickets TicketClaimClosed
// claims.
type ClosedTicketClaimParams struct {
	// Before is the cutoff of the tenants not in Tenants: their tickets
	// closed before it are claimed. Zero claims none of theirs.
	Before time.Time
	// Tenants are the tenants with a cutoff of their own; a zero Before
	// keeps all of that tenant's tickets.
	Tenants []TenantCutoff
	// Exclude are ticket IDs not to claim (those whose archive failed
	// earlier in the pass). At most MaxPruneLimit.
	Exclude []string
	// Limit is the most tickets to claim; see [ClampClosedClaimLimit].
	Limit int
}

// TenantCutoff is one tenant's cutoff of a [ClosedTicketClaimParams].
type TenantCutoff struct {
	TenantID string
	// Before: the tenant's tickets closed before it are claimed; zero
	// claims none.
	Before time.Time
}

// Sizes of TicketClaimClosed's batches: a Limit of zero means
// DefaultClosedClaimLimit, above MaxClosedClaimLimit it is
// MaxClosedClaimLimit.
const (
	DefaultClosedClaimLimit = 100
	MaxClosedClaimLimit     = 1000
)

// ClampClosedClaimLimit returns the batch size TicketClaimClosed uses
// for n.
func ClampClosedClaimLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultClosedClaimLimit
	case n > MaxClosedClaimLimit:
		return MaxClosedClaimLimit
	}
	return n
}

// Latest returns the latest cutoff of p, the zero time when p claims
// nothing: no ticket closed at or after it is claimed.
func (p ClosedTicketClaimParams) Latest() time.Time {
	latest := p.Before
	for _, c := range p.Tenants {
		if c.Before.After(latest) {
			latest = c.Before
		}
	}
	return latest
}

// CutoffOf returns the cutoff of tenantID under p: zero when none of its
// tickets is claimed.
func (p ClosedTicketClaimParams) CutoffOf(tenantID string) time.Time {
	for _, c := range p.Tenants {
		if c.TenantID == tenantID {
			return c.Before
		}
	}
	return p.Before
}

// CheckClosedClaim returns an error naming what is wrong with p, for
// adapters.
func CheckClosedClaim(p ClosedTicketClaimParams) error {
	switch {
	case p.Limit < 0:
		return errors.New("claim closed tickets: Limit must not be negative")
	case len(p.Exclude) > MaxPruneLimit:
		return errors.New("claim closed tickets: too many Exclude IDs")
	}
	seen := make(map[string]bool, len(p.Tenants))
	for _, c := range p.Tenants {
		if c.TenantID == "" || seen[c.TenantID] {
			return errors.New("claim closed tickets: Tenants need distinct, non-empty tenant IDs")
		}
		seen[c.TenantID] = true
	}
	return nil
}

// TicketPurgeParams names the tickets TicketPurge deletes.
type TicketPurgeParams struct {
	TenantID  string
	TicketIDs []string
}

// TicketPurgeResult counts what TicketPurge deleted.
type TicketPurgeResult struct {
	Tickets     int
	Messages    int
	Attachments int
	Events      int
	// BlobKeys are the content keys of the deleted attachments, each
	// once.
	BlobKeys []string
}
