package riverticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/ticketkit/ticketkit"
)

// Kinds of the jobs of this package, as River stores them.
const (
	// DispatchKind is the kind of [DispatchArgs].
	DispatchKind = "ticketkit_dispatch"
	// EscalationKind is the kind of [EscalationArgs].
	EscalationKind = "ticketkit_escalations"
)

// Defaults of [Config], which [Config.WithDefaults] fills in.
const (
	// DefaultDispatchInterval is the default of Config.DispatchInterval:
	// River's shortest period.
	DefaultDispatchInterval = time.Second
	// DefaultEscalationInterval is the default of
	// Config.EscalationInterval, the EscalationWorker's.
	DefaultEscalationInterval = ticketkit.DefaultEscalationInterval
	// DefaultMaxRounds is the default of Config.MaxRounds.
	DefaultMaxRounds = 50
	// DefaultMaxAttempts is the default of Config.MaxAttempts.
	DefaultMaxAttempts = 3
)

// MinInterval is the shortest period River runs a periodic job at.
const MinInterval = time.Second

// DispatchArgs are the arguments of the job that delivers the outbox: it
// runs rounds of the Config's Dispatcher until a round claims nothing,
// or MaxRounds rounds.
type DispatchArgs struct{}

// Kind returns [DispatchKind].
func (DispatchArgs) Kind() string { return DispatchKind }

// EscalationArgs are the arguments of the job that runs one escalation
// sweep of the Config's Desk.
type EscalationArgs struct{}

// Kind returns [EscalationKind].
func (EscalationArgs) Kind() string { return EscalationKind }

// Config says which background work [Register] hands to River. At least
// one of Dispatcher and Desk is required; every other zero value means
// the documented default.
type Config struct {
	// Dispatcher, when set, delivers the outbox in [DispatchArgs] jobs.
	// Build it with ticketkit.NewDispatcher over the store on the
	// database itself; its PollInterval is not used (River schedules the
	// rounds).
	Dispatcher *ticketkit.Dispatcher
	// Desk, when set, runs escalation sweeps in [EscalationArgs] jobs; it
	// needs Config.SLA or Config.Complaints and a store on the database
	// itself (see ticketkit.EscalationWorkerConfig.Desk).
	Desk *ticketkit.Desk
	// DispatchInterval is the period of the dispatch job, at least
	// [MinInterval]. Default [DefaultDispatchInterval].
	DispatchInterval time.Duration
	// EscalationInterval is the period of the escalation job, at least
	// [MinInterval]. Default [DefaultEscalationInterval].
	EscalationInterval time.Duration
	// MaxRounds bounds the Dispatcher rounds one dispatch job runs, so
	// that a job ends (and River's job timeout is not reached) while the
	// outbox fills faster than it drains; the next job goes on. Default
	// [DefaultMaxRounds].
	MaxRounds int
	// Queue is the River queue of both jobs; the host's river.Config
	// must list it in Queues. Default: river.QueueDefault.
	Queue string
	// MaxAttempts is how many attempts River gives a periodic job whose
	// round fails before it discards it; the next period inserts a new
	// one. Default [DefaultMaxAttempts].
	MaxAttempts int
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default. [Register] calls it.
func (c Config) WithDefaults() Config {
	c.DispatchInterval = cmp.Or(c.DispatchInterval, DefaultDispatchInterval)
	c.EscalationInterval = cmp.Or(c.EscalationInterval, DefaultEscalationInterval)
	c.MaxRounds = cmp.Or(c.MaxRounds, DefaultMaxRounds)
	c.Queue = cmp.Or(c.Queue, river.QueueDefault)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultMaxAttempts)
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.Dispatcher == nil && c.Desk == nil {
		errs = append(errs, errors.New("riverticketkit.Config needs Dispatcher or Desk"))
	}
	if c.Desk != nil {
		// The EscalationWorker's checks: SLA or Complaints, and no
		// store inside a host's transaction.
		if _, err := ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: c.Desk}); err != nil {
			errs = append(errs, fmt.Errorf("riverticketkit.Config.Desk: %w", err))
		}
	}
	if c.DispatchInterval < MinInterval {
		errs = append(errs, fmt.Errorf("riverticketkit.Config.DispatchInterval must be at least %s", MinInterval))
	}
	if c.EscalationInterval < MinInterval {
		errs = append(errs, fmt.Errorf("riverticketkit.Config.EscalationInterval must be at least %s", MinInterval))
	}
	if c.MaxRounds < 1 {
		errs = append(errs, errors.New("riverticketkit.Config.MaxRounds must be positive"))
	}
	if c.MaxAttempts < 1 {
		errs = append(errs, errors.New("riverticketkit.Config.MaxAttempts must be positive"))
	}
	return errors.Join(errs...)
}

// Register fills cfg's defaults, validates it (reporting every invalid
// field at once), and adds to rc the workers of cfg's work (rc.Workers
// is created when nil) and its periodic jobs, run on start and then
// every interval by River's leader. Build the River client from rc
// afterwards, in every process of the host: each of them works the
// jobs.
func Register(rc *river.Config, cfg Config) error {
	if rc == nil {
		return errors.New("riverticketkit: Register needs a river.Config")
	}
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("riverticketkit: invalid Config: %w", err)
	}
	if rc.Workers == nil {
		rc.Workers = river.NewWorkers()
	}
	if cfg.Dispatcher != nil {
		if err := river.AddWorkerSafely(rc.Workers, &DispatchWorker{dispatcher: cfg.Dispatcher, maxRounds: cfg.MaxRounds}); err != nil {
			return fmt.Errorf("riverticketkit: %w", err)
		}
		rc.PeriodicJobs = append(rc.PeriodicJobs, periodic(DispatchArgs{}, cfg.DispatchInterval, cfg))
	}
	if cfg.Desk != nil {
		if err := river.AddWorkerSafely(rc.Workers, &EscalationWorker{desk: cfg.Desk}); err != nil {
			return fmt.Errorf("riverticketkit: %w", err)
		}
		rc.PeriodicJobs = append(rc.PeriodicJobs, periodic(EscalationArgs{}, cfg.EscalationInterval, cfg))
	}
	return nil
}

// periodic returns the periodic job that inserts args every interval,
// at most one per period of that length (River's UniqueOpts.ByPeriod):
// rounds do not pile up behind a slow one, and a job left "running" by
// a process that died (River rescues it only after
// river.Config.RescueStuckJobsAfter, an hour by default) blocks its own
// period, not the following ones.
func periodic(args river.JobArgs, interval time.Duration, cfg Config) *river.PeriodicJob {
	opts := &river.InsertOpts{
		Queue:       cfg.Queue,
		MaxAttempts: cfg.MaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByPeriod: interval},
	}
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, opts },
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
}

// DispatchWorker is the River worker of [DispatchArgs]; [Register] adds
// it.
type DispatchWorker struct {
	river.WorkerDefaults[DispatchArgs]
	dispatcher *ticketkit.Dispatcher
	maxRounds  int
}

// Work runs rounds of the Dispatcher until one claims nothing, MaxRounds
// rounds ran, or ctx ends (River's job timeout, a stopping client): the
// entries of the cut round are released for the next job. A failed
// round returns its error, for River to retry the job.
func (w *DispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchArgs]) error {
	for range w.maxRounds {
		res, err := w.dispatcher.RunOnce(ctx)
		if err != nil {
			return err
		}
		if res.Claimed == 0 {
			return nil
		}
	}
	return nil
}

// EscalationWorker is the River worker of [EscalationArgs]; [Register]
// adds it.
type EscalationWorker struct {
	river.WorkerDefaults[EscalationArgs]
	desk *ticketkit.Desk
}

// Work runs one escalation sweep. A failed sweep returns its error, for
// River to retry the job; what it committed before stays fired, and the
// retry goes on from there.
func (w *EscalationWorker) Work(ctx context.Context, _ *river.Job[EscalationArgs]) error {
	_, err := w.desk.RunEscalations(ctx)
	return err
}
