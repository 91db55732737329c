package storage

import (
	"context"
	"errors"
	"time"
)

// Pruner is implemented by a [Store] (and the [Tx] its RunInTx hands
// out) that deletes what it keeps only for a while: delivered outbox
// entries and the records of ingested inbound messages (see
// [InboundStore]). The Desk's Prune and the EscalationWorker's
// retention pass use it.
//
// Each call deletes one bounded batch, oldest first, in one short
// statement that reads an index and deletes by primary key, so that a
// caller deletes millions of rows in many small batches without holding
// locks that would block writers for long. On PostgreSQL a batch skips
// rows another transaction holds (SKIP LOCKED) rather than wait for them.
type Pruner interface {
	// OutboxPrune deletes up to params.Limit outbox entries delivered
	// before params.Before, of every tenant, those delivered first,
	// and returns how many it deleted. Pending entries and dead letters
	// are never deleted.
	OutboxPrune(ctx context.Context, params PruneParams) (int, error)
	// InboundPrune deletes up to params.Limit inbound records made
	// before params.Before, of every tenant, the oldest first, and
	// returns how many it deleted. A message delivered again after its
	// record was deleted is acted on again: choose an age well past the
	// mail servers' retry periods (days, not minutes).
	InboundPrune(ctx context.Context, params PruneParams) (int, error)
}

// PruneParams selects one batch of rows to delete.
type PruneParams struct {
	// Before is the cutoff: rows older than it are deleted. Required.
	Before time.Time
	// Limit is the most rows to delete; see [ClampPruneLimit].
	Limit int
}

// Batch sizes of [Pruner] calls. A limit of zero means DefaultPruneLimit;
// a limit above MaxPruneLimit is lowered to MaxPruneLimit.
const (
	DefaultPruneLimit = 1000
	MaxPruneLimit     = 10000
)

// ClampPruneLimit returns the batch size a Pruner uses for n.
func ClampPruneLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPruneLimit
	case n > MaxPruneLimit:
		return MaxPruneLimit
	}
	return n
}

// CheckPrune returns an error naming what is wrong with p, for adapters.
func CheckPrune(p PruneParams) error {
	switch {
	case p.Before.IsZero():
		return errors.New("prune: Before is required")
	case p.Limit < 0:
		return errors.New("prune: Limit must not be negative")
	}
	return nil
}
