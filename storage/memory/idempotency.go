package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.IdempotencyStore = (*Store)(nil)

// IdempotencyClaim inserts a pending record, or returns the live record
// the key has; see [storage.IdempotencyStore].
func (s *Store) IdempotencyClaim(ctx context.Context, p storage.IdempotencyClaimParams) (*storage.IdempotencyClaimResult, error) {
	var res *storage.IdempotencyClaimResult
	err := s.write(ctx, func(x *tx) error {
		var err error
		res, err = x.IdempotencyClaim(ctx, p)
		return err
	})
	return res, err
}

// IdempotencyComplete stores the answer of the pending record made at
// p.At.
func (s *Store) IdempotencyComplete(ctx context.Context, p storage.IdempotencyCompleteParams) error {
	return s.write(ctx, func(x *tx) error { return x.IdempotencyComplete(ctx, p) })
}

// IdempotencyPurge deletes the records that expired at or before
// p.Before.
func (s *Store) IdempotencyPurge(ctx context.Context, p storage.IdempotencyPurgeParams) (int64, error) {
	var n int64
	err := s.write(ctx, func(x *tx) error {
		var err error
		n, err = x.IdempotencyPurge(ctx, p)
		return err
	})
	return n, err
}

// checkIdempotencyKey refuses an empty or too long key.
func checkIdempotencyKey(op, k string) error {
	if k == "" || len(k) > storage.MaxIdempotencyKey {
		return fmt.Errorf("memory: %s: key must be 1 to %d bytes", op, storage.MaxIdempotencyKey)
	}
	return nil
}

// IdempotencyClaim inserts a pending record, or returns the live record
// the key has.
func (x *tx) IdempotencyClaim(ctx context.Context, p storage.IdempotencyClaimParams) (*storage.IdempotencyClaimResult, error) {
	const op = "claim idempotency key"
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: %s: %w", op, err)
	}
	if err := checkIdempotencyKey(op, p.Key); err != nil {
		return nil, err
	}
	if p.ExpiresAt.Before(p.At) {
		return nil, fmt.Errorf("memory: %s: ExpiresAt is before At", op)
	}
	if x.db.idem == nil {
		x.db.idem = map[key]storage.Idempotency{}
	}
	k := key{p.TenantID, p.Key}
	old, had := x.db.idem[k]
	if had && old.ExpiresAt.After(utc(p.At)) {
		old.Response = slices.Clone(old.Response)
		return &storage.IdempotencyClaimResult{Record: old}, nil
	}
	rec := storage.Idempotency{TenantID: p.TenantID, Key: p.Key, RequestHash: p.RequestHash, At: utc(p.At), ExpiresAt: utc(p.ExpiresAt)}
	x.db.idem[k] = rec
	x.onUndo(func() {
		if had {
			x.db.idem[k] = old
		} else {
			delete(x.db.idem, k)
		}
	})
	return &storage.IdempotencyClaimResult{Record: rec, Claimed: true}, nil
}

// IdempotencyComplete stores the answer of the pending record made at
// p.At.
func (x *tx) IdempotencyComplete(ctx context.Context, p storage.IdempotencyCompleteParams) error {
	const op = "complete idempotency key"
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: %s: %w", op, err)
	}
	if err := checkIdempotencyKey(op, p.Key); err != nil {
		return err
	}
	if p.Status <= 0 {
		return fmt.Errorf("memory: %s: status %d is not an answer's status", op, p.Status)
	}
	k := key{p.TenantID, p.Key}
	old, ok := x.db.idem[k]
	if !ok || !old.At.Equal(utc(p.At)) || !old.Pending() {
		return fmt.Errorf("memory: %s %q: %w", op, p.Key, storage.ErrNotFound)
	}
	rec := old
	rec.Status, rec.Response = p.Status, slices.Clone(p.Response)
	x.db.idem[k] = rec
	x.onUndo(func() { x.db.idem[k] = old })
	return nil
}

// IdempotencyPurge deletes the records that expired at or before
// p.Before.
func (x *tx) IdempotencyPurge(ctx context.Context, p storage.IdempotencyPurgeParams) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if x.ended {
		return 0, fmt.Errorf("memory: purge idempotency keys: %w", errEnded)
	}
	var n int64
	for k, rec := range x.db.idem {
		if rec.ExpiresAt.After(utc(p.Before)) {
			continue
		}
		delete(x.db.idem, k)
		x.onUndo(func() { x.db.idem[k] = rec })
		n++
	}
	return n, nil
}
