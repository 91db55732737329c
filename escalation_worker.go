package ticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
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
	// RetentionInterval, when positive, makes the worker also run
	// [Desk.RunRetention] after a sweep, at most once per
	// RetentionInterval (of the Desk's clock), starting with the first
	// sweep; Desk needs a Config.Retention that deletes something, or a
	// store on which tenants set their own closed-ticket period
	// (TenantConfig.Retention: the store is a storage.ConfigStore and a
	// storage.TicketPurger). Then Desk needs neither Config.SLA nor
	// Config.Complaints. Default 0: no retention pass.
	RetentionInterval time.Duration
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
	// retainEvery is Config.RetentionInterval; lastRetention, under
	// retainMu, is when the last retention pass began.
	retainEvery   time.Duration
	retainMu      sync.Mutex
	lastRetention time.Time

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
	case c.Desk.sla == nil && c.Desk.complaints == nil && c.RetentionInterval <= 0:
		errs = append(errs, errors.New("EscalationWorkerConfig.Desk has no Config.SLA nor Config.Complaints"))
	case storage.InHostTx(c.Desk.store):
		errs = append(errs, fmt.Errorf("EscalationWorkerConfig.Desk: %w", errInHostTx))
	}
	if c.Interval < 0 {
		errs = append(errs, errors.New("EscalationWorkerConfig.Interval must not be negative"))
	}
	if c.RetentionInterval < 0 {
		errs = append(errs, errors.New("EscalationWorkerConfig.RetentionInterval must not be negative"))
	}
	if c.RetentionInterval > 0 && c.Desk != nil && !c.Desk.retention.enabled() && !c.Desk.tenantsRetain() {
		errs = append(errs, errors.New("EscalationWorkerConfig.RetentionInterval needs a Desk whose Config.Retention sets OutboxAfter, InboundAfter or ClosedTicketsAfter, or whose store keeps tenants' configurations (storage.ConfigStore) and purges tickets (storage.TicketPurger), so that tenants may set their own period"))
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
	return &EscalationWorker{desk: cfg.Desk, interval: cfg.Interval, retainEvery: cfg.RetentionInterval}, nil
}

// Run sweeps at once and then every Interval until ctx ends. Errors of a
// sweep are logged and the next sweep goes on. It returns nil when ctx
// ends.
func (w *EscalationWorker) Run(ctx context.Context) error {
	return every(ctx, w.desk.log, w.interval, func(ctx context.Context) time.Duration {
		if _, err := w.desk.RunEscalations(ctx); err != nil && ctx.Err() == nil {
			w.desk.log.ErrorContext(ctx, "ticketkit: escalation sweep failed", "err", err)
		}
		w.retain(ctx)
		return w.interval
	})
}

// retain runs a retention pass when RetentionInterval is set and has
// passed since the last one began.
func (w *EscalationWorker) retain(ctx context.Context) {
	if w.retainEvery <= 0 {
		return
	}
	now := w.desk.clock.Now()
	w.retainMu.Lock()
	due := w.lastRetention.IsZero() || now.Sub(w.lastRetention) >= w.retainEvery
	if due {
		w.lastRetention = now
	}
	w.retainMu.Unlock()
	if !due {
		return
	}
	if _, err := w.desk.RunRetention(ctx); err != nil && ctx.Err() == nil {
		w.desk.log.ErrorContext(ctx, "ticketkit: retention pass failed", "err", err)
	}
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
