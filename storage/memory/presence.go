package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.PresenceStore = (*Store)(nil)
	_ storage.PresenceStore = (*tx)(nil)
)

// presenceKey identifies a presence lease.
type presenceKey struct{ tenant, ticket, user string }

// PresenceTake stores or renews a presence lease.
func (s *Store) PresenceTake(ctx context.Context, p storage.PresenceTakeParams) error {
	return s.write(ctx, func(x *tx) error { return x.PresenceTake(ctx, p) })
}

// PresenceRelease deletes a presence lease.
func (s *Store) PresenceRelease(ctx context.Context, p storage.PresenceReleaseParams) error {
	return s.write(ctx, func(x *tx) error { return x.PresenceRelease(ctx, p) })
}

// PresenceList returns copies of a ticket's live leases.
func (s *Store) PresenceList(ctx context.Context, p storage.PresenceListParams) ([]*ticket.Presence, error) {
	return read(s, func(x *tx) ([]*ticket.Presence, error) { return x.PresenceList(ctx, p) })
}

// PresencePurge deletes the leases that expired at or before p.Before.
func (s *Store) PresencePurge(ctx context.Context, p storage.PresencePurgeParams) (int64, error) {
	var n int64
	err := s.write(ctx, func(x *tx) (err error) {
		n, err = x.PresencePurge(ctx, p)
		return err
	})
	return n, err
}

// PresenceTake stores or renews a presence lease.
func (x *tx) PresenceTake(ctx context.Context, p storage.PresenceTakeParams) error {
	const op = "take presence"
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	if p.TicketID == "" || p.UserID == "" || !p.ExpiresAt.After(p.At) {
		return fmt.Errorf("memory: %s: a ticket, a user and an ExpiresAt after At are required", op)
	}
	if x.db.presence == nil {
		x.db.presence = map[presenceKey]ticket.Presence{}
	}
	k := presenceKey{p.TenantID, p.TicketID, p.UserID}
	old, had := x.db.presence[k]
	lease := ticket.Presence{TenantID: p.TenantID, TicketID: p.TicketID, UserID: p.UserID, Activity: p.Activity,
		Since: utc(p.At), ExpiresAt: utc(p.ExpiresAt)}
	if had && old.ExpiresAt.After(utc(p.At)) {
		lease.Since = old.Since
	}
	x.db.presence[k] = lease
	x.onUndo(func() {
		if had {
			x.db.presence[k] = old
		} else {
			delete(x.db.presence, k)
		}
	})
	return nil
}

// PresenceRelease deletes a presence lease, if any.
func (x *tx) PresenceRelease(ctx context.Context, p storage.PresenceReleaseParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: release presence: %w", err)
	}
	k := presenceKey{p.TenantID, p.TicketID, p.UserID}
	if old, had := x.db.presence[k]; had {
		delete(x.db.presence, k)
		x.onUndo(func() { x.db.presence[k] = old })
	}
	return nil
}

// PresenceList returns copies of a ticket's leases live at p.At, by
// Since, then user.
func (x *tx) PresenceList(ctx context.Context, p storage.PresenceListParams) ([]*ticket.Presence, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list presence: %w", err)
	}
	var out []*ticket.Presence
	for k, l := range x.db.presence {
		if k.tenant == p.TenantID && k.ticket == p.TicketID && l.ExpiresAt.After(utc(p.At)) {
			out = append(out, &l)
		}
	}
	slices.SortFunc(out, func(a, b *ticket.Presence) int {
		return cmp.Or(a.Since.Compare(b.Since), strings.Compare(a.UserID, b.UserID))
	})
	return out[:min(len(out), storage.ClampLimit(p.Limit))], nil
}

// PresencePurge deletes the leases that expired at or before p.Before.
func (x *tx) PresencePurge(ctx context.Context, p storage.PresencePurgeParams) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if x.ended {
		return 0, fmt.Errorf("memory: purge presence: %w", errEnded)
	}
	var n int64
	for k, l := range x.db.presence {
		if l.ExpiresAt.After(utc(p.Before)) {
			continue
		}
		delete(x.db.presence, k)
		x.onUndo(func() { x.db.presence[k] = l })
		n++
	}
	return n, nil
}
