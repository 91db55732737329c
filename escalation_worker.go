package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
)

// EscalationWorkerConfig configures an [EscalationWorker]. Desk is
// required.
type EscalationWorkerConfig struct {
	// Desk runs the sweeps; it needs Config.SLA, and a store on the
	// database itself, not one inside a host's transaction
	// (storage.HostTxStore), which a loop would outlive.
	Desk *Desk
	// Interval is the pause between sweeps. Default 1 min.
	Interval time.Duration
}

// EscalationWorker runs [Desk.RunEscalations] every Interval until it is
// stopped. Several workers, in one process or several, may run on one
// store: no level fires twice.
//
// A worker does nothing until the host calls [EscalationWorker.Start] or
// [EscalationWorker.Run].
type EscalationWorker struct {
	desk     *Desk
	interval time.Duration

	bg background
}

// NewEscalationWorker validates cfg and returns a worker.
func NewEscalationWorker(cfg EscalationWorkerConfig) (*EscalationWorker, error) {
	switch {
	case cfg.Desk == nil:
		return nil, errors.New("ticketkit: EscalationWorkerConfig.Desk is required")
	case cfg.Desk.sla == nil:
		return nil, errors.New("ticketkit: the escalation worker's Desk has no Config.SLA")
	case storage.InHostTx(cfg.Desk.store):
		return nil, fmt.Errorf("ticketkit: the escalation worker's Desk: %w", errInHostTx)
	case cfg.Interval < 0:
		return nil, errors.New("ticketkit: EscalationWorkerConfig.Interval must not be negative")
	}
	w := &EscalationWorker{desk: cfg.Desk, interval: cfg.Interval}
	if w.interval == 0 {
		w.interval = time.Minute
	}
	return w, nil
}

// Run sweeps at once and then every Interval until ctx ends. Errors of a
// sweep are logged and the next sweep goes on. It returns nil when ctx
// ends.
func (w *EscalationWorker) Run(ctx context.Context) error {
	return every(ctx, w.desk.log, w.interval, func(ctx context.Context) time.Duration {
		if _, err := w.desk.RunEscalations(ctx); err != nil && ctx.Err() == nil {
			w.desk.log.ErrorContext(ctx, "ticketkit: escalation sweep failed", "err", err)
		}
		return w.interval
	})
}

// Start runs the worker in a goroutine until [EscalationWorker.Stop] or
// until ctx ends. It returns an error when the worker is running.
func (w *EscalationWorker) Start(ctx context.Context) error {
	if !w.bg.start(ctx, w.Run) {
		return errors.New("ticketkit: escalation worker already started")
	}
	return nil
}

// Stop stops a started worker and waits for its sweep to end; a sweep
// cut short rolls back its open batch, which the next sweep handles. It
// returns ctx's error if ctx ends first. Stopping a worker that is not
// running does nothing.
func (w *EscalationWorker) Stop(ctx context.Context) error { return w.bg.stop(ctx) }
