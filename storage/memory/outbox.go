package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
)

// cloneEntry returns a deep copy of e.
func cloneEntry(e *storage.OutboxEntry) *storage.OutboxEntry {
	c := *e
	c.Payload = bytes.Clone(e.Payload)
	return &c
}

// OutboxCreate stores copies of outbox entries.
func (x *tx) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	if err := x.live(ctx); err != nil {
		return err
	}
	batch := make(map[string]struct{}, len(entries))
	for _, e := range entries {
		if e == nil {
			return errors.New("memory: create outbox entries: entry is nil")
		}
		if err := x.check(ctx, e.TenantID); err != nil {
			return fmt.Errorf("memory: create outbox entries: %w", err)
		}
		if e.ID == "" {
			return errors.New("memory: create outbox entries: entry ID is required")
		}
		_, taken := x.db.outIdx[e.ID]
		if _, dup := batch[e.ID]; taken || dup {
			return fmt.Errorf("memory: create outbox entry %s: ID taken: %w", e.ID, storage.ErrConflict)
		}
		batch[e.ID] = struct{}{}
	}
	for _, e := range entries {
		c := cloneEntry(e)
		c.CreatedAt = utc(c.CreatedAt)
		c.DeliveredAt = utc(c.DeliveredAt)
		if c.NextAttemptAt.IsZero() {
			c.NextAttemptAt = c.CreatedAt
		}
		c.NextAttemptAt = utc(c.NextAttemptAt)
		c.LockedUntil = utc(c.LockedUntil)
		c.DeadAt = utc(c.DeadAt)
		n := len(x.db.outbox)
		x.db.outbox = append(x.db.outbox, c)
		x.db.outIdx[c.ID] = n
		x.onUndo(func() {
			x.db.outbox[n] = nil
			x.db.outbox = x.db.outbox[:n]
			delete(x.db.outIdx, c.ID)
		})
	}
	return nil
}

// live checks ctx and that the transaction has not ended.
func (x *tx) live(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.ended {
		return errEnded
	}
	return nil
}

// replace swaps entry i for a changed copy, recording the undo.
func (x *tx) replace(i int, change func(c *storage.OutboxEntry)) {
	old := x.db.outbox[i]
	c := cloneEntry(old)
	change(c)
	x.db.outbox[i] = c
	x.onUndo(func() { x.db.outbox[i] = old })
}

// pending reports whether e is neither delivered nor dead.
func pending(e *storage.OutboxEntry) bool { return e.DeliveredAt.IsZero() && e.DeadAt.IsZero() }

// OutboxClaim claims the claimable entries due first, in (NextAttemptAt,
// CreatedAt, ID) order, after making dead letters of the due entries
// whose attempts reached p.MaxAttempts.
func (x *tx) OutboxClaim(ctx context.Context, p storage.OutboxClaimParams) ([]*storage.OutboxEntry, error) {
	if err := x.live(ctx); err != nil {
		return nil, err
	}
	if err := storage.CheckClaim(p); err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	now := utc(p.Now)
	var due []int
	for i, e := range x.db.outbox {
		if !pending(e) || e.NextAttemptAt.After(now) || e.LockedUntil.After(now) {
			continue
		}
		if p.MaxAttempts > 0 && e.Attempts >= p.MaxAttempts {
			x.replace(i, func(c *storage.OutboxEntry) {
				c.DeadAt = now
				c.LockedUntil = time.Time{}
				c.LastError = storage.ExhaustedError(c.LastError)
			})
			continue
		}
		due = append(due, i)
	}
	slices.SortFunc(due, func(a, b int) int { return storage.CompareClaimOrder(x.db.outbox[a], x.db.outbox[b]) })
	due = due[:min(len(due), storage.ClampLimit(p.Limit))]
	out := make([]*storage.OutboxEntry, len(due))
	until := utc(now.Add(p.LockFor))
	for k, i := range due {
		x.replace(i, func(c *storage.OutboxEntry) {
			c.Attempts++
			c.LockedUntil = until
		})
		out[k] = cloneEntry(x.db.outbox[i])
	}
	return out, nil
}

// OutboxMarkDelivered sets the delivery time of entries and releases
// them; unknown IDs are ignored.
func (x *tx) OutboxMarkDelivered(ctx context.Context, p storage.OutboxMarkDeliveredParams) error {
	if err := x.live(ctx); err != nil {
		return err
	}
	if p.At.IsZero() {
		return errors.New("memory: mark outbox entries delivered: delivery time is required")
	}
	at := utc(p.At)
	for _, id := range p.IDs {
		if i, ok := x.db.outIdx[id]; ok {
			x.replace(i, func(c *storage.OutboxEntry) {
				c.DeliveredAt = at
				c.LockedUntil = time.Time{}
			})
		}
	}
	return nil
}

// OutboxFail records a failed attempt of an entry.
func (x *tx) OutboxFail(ctx context.Context, p storage.OutboxFailParams) error {
	if err := x.live(ctx); err != nil {
		return err
	}
	if err := storage.CheckFail(p); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	i, ok := x.db.outIdx[p.ID]
	if !ok {
		return fmt.Errorf("memory: fail outbox entry %s: %w", p.ID, storage.ErrNotFound)
	}
	x.replace(i, func(c *storage.OutboxEntry) {
		c.LastError = p.Error
		c.LockedUntil = time.Time{}
		if p.Untried {
			c.Attempts = max(c.Attempts-1, 0)
		}
		if p.Dead {
			c.DeadAt = utc(p.At)
		} else {
			c.NextAttemptAt = utc(p.RetryAt)
		}
	})
	return nil
}

// OutboxDeadList returns copies of one page of dead letters, by ID.
func (x *tx) OutboxDeadList(ctx context.Context, p storage.OutboxDeadListParams) ([]*storage.OutboxEntry, error) {
	if err := x.live(ctx); err != nil {
		return nil, err
	}
	var dead []*storage.OutboxEntry
	for _, e := range x.db.outbox {
		if !e.DeadAt.IsZero() && (p.TenantID == "" || e.TenantID == p.TenantID) && e.ID > p.After {
			dead = append(dead, e)
		}
	}
	slices.SortFunc(dead, func(a, b *storage.OutboxEntry) int { return strings.Compare(a.ID, b.ID) })
	dead = dead[:min(len(dead), storage.ClampLimit(p.Limit))]
	out := make([]*storage.OutboxEntry, len(dead))
	for i, e := range dead {
		out[i] = cloneEntry(e)
	}
	return out, nil
}

// OutboxRetry makes dead letters pending again.
func (x *tx) OutboxRetry(ctx context.Context, p storage.OutboxRetryParams) (int, error) {
	if err := x.live(ctx); err != nil {
		return 0, err
	}
	if p.At.IsZero() {
		return 0, errors.New("memory: retry outbox entries: time is required")
	}
	n := 0
	for _, id := range p.IDs {
		i, ok := x.db.outIdx[id]
		if !ok || x.db.outbox[i].DeadAt.IsZero() {
			continue
		}
		x.replace(i, func(c *storage.OutboxEntry) {
			c.DeadAt = time.Time{}
			c.Attempts = 0
			c.NextAttemptAt = utc(p.At)
		})
		n++
	}
	return n, nil
}

var _ storage.OutboxStatsStore = (*Store)(nil)

// OutboxStats counts the pending entries and the dead letters.
func (s *Store) OutboxStats(ctx context.Context, p storage.OutboxStatsParams) (storage.OutboxStats, error) {
	return read(s, func(x *tx) (storage.OutboxStats, error) { return x.OutboxStats(ctx, p) })
}

// OutboxStats counts the pending entries and the dead letters.
func (x *tx) OutboxStats(ctx context.Context, _ storage.OutboxStatsParams) (storage.OutboxStats, error) {
	var st storage.OutboxStats
	if err := x.live(ctx); err != nil {
		return st, err
	}
	for _, e := range x.db.outbox {
		switch {
		case !e.DeadAt.IsZero():
			st.Dead++
		case e.DeliveredAt.IsZero():
			st.Pending++
			if st.OldestPending.IsZero() || e.CreatedAt.Before(st.OldestPending) {
				st.OldestPending = e.CreatedAt
			}
		}
	}
	return st, nil
}
