package ticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
)

// EscalationWorkerConfig configures an [EscalationWorker]. Desk is
// required.
type EscalationWorkerConfig struct {
	// Desk runs the sweeps; it needs Config.SLA or Config.Complaints
	// (whose overdue actions the sweeps announce), and a store on the
	// database itself, not one inside a host's transaction
	// (storage.HostTxStore), which a loop would outlive.
	Desk *Desk
	// Interval is the pause between sweeps. Default
	// [DefaultEscalationInterval].
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

// DefaultEscalationInterval is the default of
// [EscalationWorkerConfig].Interval.
const DefaultEscalationInterval = time.Minute

// WithDefaults returns a copy of c with every zero field set to its
// documented default. Desk has none. [NewEscalationWorker] calls it.
func (c EscalationWorkerConfig) WithDefaults() EscalationWorkerConfig {
	c.Interval = cmp.Or(c.Interval, DefaultEscalationInterval)
	return c
}

// validate reports every problem of an EscalationWorkerConfig that
// WithDefaults filled, each naming its field.
func (c EscalationWorkerConfig) validate() error {
	var errs []error
	switch {
	case c.Desk == nil:
		errs = append(errs, errors.New("EscalationWorkerConfig.Desk is required"))
	case c.Desk.sla == nil && c.Desk.complaints == nil:
		errs = append(errs, errors.New("EscalationWorkerConfig.Desk has no Config.SLA nor Config.Complaints"))
	case storage.InHostTx(c.Desk.store):
		errs = append(errs, fmt.Errorf("EscalationWorkerConfig.Desk: %w", errInHostTx))
	}
	if c.Interval < 0 {
		errs = append(errs, errors.New("EscalationWorkerConfig.Interval must not be negative"))
	}
	return errors.Join(errs...)
}

// NewEscalationWorker fills cfg's defaults (see
// [EscalationWorkerConfig.WithDefaults]), validates it, reporting every
// invalid field at once, and returns a worker.
func NewEscalationWorker(cfg EscalationWorkerConfig) (*EscalationWorker, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ticketkit: invalid EscalationWorkerConfig: %w", err)
	}
	return &EscalationWorker{desk: cfg.Desk, interval: cfg.Interval}, nil
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
