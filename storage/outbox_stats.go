package storage

import (
	"context"
	"time"
)

// OutboxStatsStore is implemented by a [Store] that can tell how its
// outbox is doing, for health checks and metrics (otelticketkit reads it
// for its backlog gauges): how many entries wait for delivery, since
// when the oldest has waited, and how many were given up on. It is
// optional; both the memory and the Bun store implement it, on the Store
// and on the [Tx] its RunInTx hands out.
//
// It reads the outbox of every tenant, as a Dispatcher claims it. An
// implementation must not read the delivered entries to answer, which
// grow without bound: the Bun store counts through the partial indexes
// of pending entries and of dead letters.
type OutboxStatsStore interface {
	// OutboxStats returns the outbox's counts as of now.
	OutboxStats(ctx context.Context, params OutboxStatsParams) (OutboxStats, error)
}

// OutboxStatsParams asks for [OutboxStats]. It has no fields yet; it is
// there so that filters can come without changing the method.
type OutboxStatsParams struct{}

// OutboxStats counts the entries of an outbox.
type OutboxStats struct {
	// Pending is the number of entries neither delivered nor dead:
	// waiting for their first or next attempt, or being delivered.
	Pending int64
	// OldestPending is the CreatedAt of the oldest pending entry; zero
	// when none is pending. Its age is how far delivery lags behind.
	OldestPending time.Time
	// Dead is the number of dead letters (see OutboxEntry.DeadAt).
	Dead int64
}
