package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Errors of ticket relations: merge, split and links.
var (
	// ErrCannotMerge: the tickets of a merge or split cannot be merged
	// or split as asked: a complaint, a ticket merged already, a ticket
	// merged into itself. The error is also a *ValidationError naming
	// the field (target_id, source_ids[i], ticket_id) and wraps the
	// cause (ErrComplaint, ErrMerged).
	ErrCannotMerge = errors.New("ticketkit: tickets cannot be merged")
	// ErrMerged: the ticket was merged into another one (its MergedInto
	// is set): it cannot be merged into, merged again, split, linked or
	// moved to another status. Messages sent to it reach the ticket it
	// was merged into.
	ErrMerged = errors.New("ticketkit: ticket is merged")
	// ErrLinkCycle: a parent or duplicate-of link would close a cycle
	// (a ticket its own ancestor) or make a chain longer than
	// [MaxLinkDepth]. The error is also a *ValidationError naming
	// "other_id".
	ErrLinkCycle = errors.New("ticketkit: link would close a cycle")
	// ErrOpenChildren: a parent ticket cannot be resolved or closed
	// while a child is open (see Config.CloseParentsWithOpenChildren).
	// It wraps ErrGuard, so a host that handles refused transitions
	// handles it too.
	ErrOpenChildren = fmt.Errorf("%w: the ticket has open child tickets", workflow.ErrGuard)
	// ErrRelationsUnsupported: the store cannot move messages between
	// tickets or keep links (storage.MessageMover, storage.LinkStore);
	// it wraps storage.ErrUnsupported.
	ErrRelationsUnsupported = fmt.Errorf("ticketkit: the store does not support ticket relations: %w", storage.ErrUnsupported)
)

// Limits of ticket relations.
const (
	// MaxMergeSources is the most tickets one merge takes.
	MaxMergeSources = 50
	// MaxSplitMessages is the most messages one split moves.
	MaxSplitMessages = 500
	// MaxLinkDepth is the longest chain of parent or duplicate-of links
	// the Desk follows when it checks a new link for cycles; a link
	// that would make a longer one is refused with ErrLinkCycle.
	MaxLinkDepth = 100
	// MaxLinks is the most links one ticket may have; Desk.Links lists
	// them all.
	MaxLinks = storage.MaxLimit
	// maxMergeHops is how many merges GetByNumber and a message follow
	// from a merged ticket to the one that took it.
	maxMergeHops = 8
)

// MergeRoles returns the roles that may merge and split tickets: agents
// and supervisors. Customers may not, nor the system actor: a merge
// closes tickets and combines customers, which takes a person's
// judgement.
func MergeRoles() []ticket.Role { return []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor} }

// mayMerge refuses an actor whose role MergeRoles leaves out.
func (d *Desk) mayMerge(a ticket.Actor, what string) error {
	if !slices.Contains(MergeRoles(), a.Role) {
		return fmt.Errorf("ticketkit: %s may not %s: %w", a.Role, what, ErrForbidden)
	}
	return nil
}

// lockTickets reads the tenant's tickets of ids in tx, locked until tx
// ends when the store can lock them (storage.TicketLocker), each in ID
// order, so that two use cases over crossing sets wait for each other
// rather than deadlock. Unknown IDs are left out of the map.
func lockTickets(ctx context.Context, tx storage.Tx, tenantID string, ids []string) (map[string]*ticket.Ticket, error) {
	out := make(map[string]*ticket.Ticket, len(ids))
	if l, ok := tx.(storage.TicketLocker); ok {
		ts, err := l.TicketLock(ctx, storage.TicketLockParams{TenantID: tenantID, IDs: ids})
		if err != nil {
			return nil, fmt.Errorf("ticketkit: lock tickets: %w", err)
		}
		for _, t := range ts {
			out[t.ID] = t
		}
		return out, nil
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for _, id := range slices.Compact(sorted) {
		t, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantID, ID: id})
		switch {
		case err == nil:
			out[id] = t
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("ticketkit: read ticket %q: %w", id, err)
		}
	}
	return out, nil
}

// relate runs a use case over several tickets (merge, split, link) in one
// transaction: fn reads and writes through tx and queues its history
// and notifications in b, which are written with it. A race lost to
// another writer (ErrConflict without a stale version) runs it again in
// the Desk's own transaction, as change does; in the host's it fails.
func (d *Desk) relate(ctx context.Context, host storage.Tx, actor ticket.Actor, fn func(ctx context.Context, tx storage.Tx, b *batch) error) error {
	for attempt := 1; ; attempt++ {
		b := &batch{actor: actor}
		err := d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, lockUntil time.Time) error {
			if err := fn(ctx, tx, b); err != nil {
				return err
			}
			_, err := b.write(ctx, tx, lockUntil)
			return err
		})
		if err == nil {
			d.afterCommit(ctx, host, b.notices)
			return nil
		}
		if !errors.Is(err, ErrConflict) || errors.As(err, new(staleVersion)) || errors.As(err, new(settled)) {
			return err
		}
		if host != nil {
			return fmt.Errorf("ticketkit: lost a race inside the host's transaction, which is not run again (retry the transaction): %w", err)
		}
		if werr := waitToRetry(ctx, attempt); werr != nil {
			return fmt.Errorf("ticketkit: %w while retrying a lost race (last: %v)", werr, err)
		}
	}
}

// cannotMerge returns the refusal of a merge or split: ErrCannotMerge,
// the causes and the *ValidationError naming the fields.
func cannotMerge(v *ticket.ValidationError, causes ...error) error {
	return fmt.Errorf("ticketkit: %w: %w: %w", ErrCannotMerge, errors.Join(causes...), v)
}

// checkMergeable adds to v why t, named by field, cannot take part in a
// merge or split, and returns the cause, or nil.
func checkMergeable(v *ticket.ValidationError, field string, t *ticket.Ticket) error {
	switch {
	case t.Kind == ticket.KindComplaint:
		v.Add(field, "complaint", fmt.Sprintf("ticket %s is a complaint, which cannot be merged or split", t.Number))
		return ErrComplaint
	case t.MergedInto != "":
		v.Add(field, "merged", fmt.Sprintf("ticket %s was merged into another ticket", t.Number))
		return ErrMerged
	}
	return nil
}

// checkIDs adds to v the problems of a list of ticket or message IDs
// named field: none or more than limit, an ID no ticket has, the same ID
// twice.
func checkIDs(v *ticket.ValidationError, field string, ids []string, limit int) {
	switch {
	case len(ids) == 0:
		v.Add(field, "required", "is required")
		return
	case len(ids) > limit:
		if !slices.ContainsFunc(v.Fields, func(f ticket.FieldError) bool { return f.Field == field }) {
			v.Add(field, "max", fmt.Sprintf("must hold at most %d IDs, not %d", limit, len(ids)))
		}
		return
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		name := fmt.Sprintf("%s[%d]", field, i)
		if err := checkKey(name, id); err != nil {
			var ve *ticket.ValidationError
			if errors.As(err, &ve) {
				v.Fields = append(v.Fields, ve.Fields...)
			}
			continue
		}
		if id == "" {
			v.Add(name, "required", "is required")
			continue
		}
		if seen[id] {
			v.Add(name, "unique", "is listed twice")
		}
		seen[id] = true
	}
}

// distinct drops the repeated field errors of v (ticket.Validate and
// checkKey both report a NUL byte) and returns v.
func distinct(v *ticket.ValidationError) *ticket.ValidationError {
	seen := map[ticket.FieldError]bool{}
	v.Fields = slices.DeleteFunc(v.Fields, func(f ticket.FieldError) bool {
		dup := seen[f]
		seen[f] = true
		return dup
	})
	return v
}

// settled is an ErrConflict that no retry can help, such as a link
// that exists already: relate returns it at once.
type settled struct{ error }

func (e settled) Unwrap() error { return e.error }

// mergedRedirect is the error of a use case asked about a merged ticket
// that continues on the ticket it was merged into.
type mergedRedirect struct{ to string }

func (e mergedRedirect) Error() string { return "ticketkit: ticket merged into " + e.to }
