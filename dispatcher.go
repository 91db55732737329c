package ticketkit

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
)

// DispatcherConfig configures a [Dispatcher]. Store and Notifier are
// required; every other zero value means the documented default.
type DispatcherConfig struct {
	// Store holds the outbox; the same store the Desk writes to, but
	// never one inside a host's transaction (storage.HostTxStore): a
	// Dispatcher there would announce changes before the host commits
	// them. Build it over the store on the database itself (bunstore.New
	// over the *bun.DB); it delivers the host's notifications once the
	// host has committed.
	Store storage.Store
	// Notifier delivers the notifications: email, webhooks, a fan-out
	// of several.
	Notifier notify.Notifier
	// BatchSize is how many entries one round claims, at most
	// storage.MaxLimit. Default [DefaultDispatchBatchSize].
	BatchSize int
	// PollInterval is the pause between rounds when the outbox had no
	// full batch to deliver. Default [DefaultDispatchPollInterval].
	PollInterval time.Duration
	// LockFor is how long a claim holds: a dispatcher that stops or dies
	// mid-batch leaves its entries to the others after that long. It
	// must exceed the time one batch takes to deliver. Default
	// [DefaultDispatchLockFor].
	LockFor time.Duration
	// MaxAttempts is how many attempts an entry gets before it becomes
	// a dead letter. Default [DefaultDispatchMaxAttempts]. The Desk's inline delivery counts as
	// one. It holds even when no attempt records an outcome (the process
	// delivering the entry dies, again and again): the claim after the
	// last attempt makes the entry a dead letter instead of claiming it.
	// A dispatcher dying mid-batch costs every entry of its batch an
	// attempt.
	MaxAttempts int
	// Backoff returns how long to wait before attempt+1 after attempt
	// failed (attempt counts from 1). Default: [ExponentialBackoff] from
	// [DefaultDispatchBackoffBase] up to [DefaultDispatchBackoffLimit].
	Backoff func(attempt int) time.Duration
	// Clock tells the time. Default: clock.System().
	Clock clock.Clock
	// Logger receives failures. Default: discard.
	Logger *slog.Logger
	// Observer, when set, watches each round (ObserveDispatch) and each
	// delivery (ObserveDelivery); see [Observer]. Default: none.
	Observer Observer
}

// ExponentialBackoff returns a backoff that waits base, 2×base, 4×base …
// up to limit, each with full jitter: a random duration between half
// and all of it, so that retries of many entries spread out.
func ExponentialBackoff(base, limit time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := limit
		if attempt < 1 {
			attempt = 1
		}
		if shift := attempt - 1; shift < 40 && base<<shift < limit {
			d = base << shift
		}
		return d/2 + rand.N(d/2+1)
	}
}

// Dispatcher delivers the notifications of the outbox: it claims a batch
// of due entries, hands each to its Notifier, marks the delivered ones
// and schedules a retry with backoff for the others, until an entry has
// had MaxAttempts attempts and becomes a dead letter.
//
// A Notifier that panics or calls runtime.Goexit costs one entry, not
// the loop: it is recovered (see [notify.Recover]) and the entry becomes
// a dead letter at once, with the panic value and stack as its error;
// the round goes on with the next entries.
//
// Delivery is at least once: an entry whose delivery succeeded but whose
// marking failed, or whose dispatcher died mid-batch, is delivered again.
// Receivers deduplicate with [notify.Event.IdempotencyKey]. Several
// dispatchers, in one process or several, may run on one store: claims
// lock entries, so no two deliver the same entry at once.
//
// A Dispatcher does nothing until the host calls [Dispatcher.Start] or
// [Dispatcher.Run]; [Dispatcher.RunOnce] delivers one batch.
type Dispatcher struct {
	store       storage.Store
	notifier    notify.Notifier
	batch       int
	poll        time.Duration
	lockFor     time.Duration
	maxAttempts int
	backoff     func(int) time.Duration
	clock       clock.Clock
	log         *slog.Logger
	obs         Observer

	bg background
}

// Defaults of [DispatcherConfig], which [DispatcherConfig.WithDefaults]
// fills in.
const (
	// DefaultDispatchBatchSize is the default of DispatcherConfig.BatchSize.
	DefaultDispatchBatchSize = 100
	// DefaultDispatchPollInterval is the default of DispatcherConfig.PollInterval.
	DefaultDispatchPollInterval = time.Second
	// DefaultDispatchLockFor is the default of DispatcherConfig.LockFor.
	DefaultDispatchLockFor = time.Minute
	// DefaultDispatchMaxAttempts is the default of DispatcherConfig.MaxAttempts.
	DefaultDispatchMaxAttempts = 10
	// DefaultDispatchBackoffBase and DefaultDispatchBackoffLimit are the base and the
	// limit of the default DispatcherConfig.Backoff, an
	// [ExponentialBackoff].
	DefaultDispatchBackoffBase  = time.Second
	DefaultDispatchBackoffLimit = time.Hour
)

// WithDefaults returns a copy of c with every zero field set to its
// documented default. Store and Notifier have none. [NewDispatcher]
// calls it.
func (c DispatcherConfig) WithDefaults() DispatcherConfig {
	c.BatchSize = cmp.Or(c.BatchSize, DefaultDispatchBatchSize)
	c.PollInterval = cmp.Or(c.PollInterval, DefaultDispatchPollInterval)
	c.LockFor = cmp.Or(c.LockFor, DefaultDispatchLockFor)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultDispatchMaxAttempts)
	if c.Backoff == nil {
		c.Backoff = ExponentialBackoff(DefaultDispatchBackoffBase, DefaultDispatchBackoffLimit)
	}
	c.Clock = cmp.Or(c.Clock, clock.System())
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	return c
}

// validate reports every problem of a DispatcherConfig that
// WithDefaults filled, each naming its field.
func (c DispatcherConfig) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("DispatcherConfig.Store is required"))
	} else if storage.InHostTx(c.Store) {
		errs = append(errs, fmt.Errorf("DispatcherConfig.Store: %w", errInHostTx))
	}
	if c.Notifier == nil {
		errs = append(errs, errors.New("DispatcherConfig.Notifier is required"))
	}
	if c.BatchSize < 1 || c.BatchSize > storage.MaxLimit {
		errs = append(errs, fmt.Errorf("DispatcherConfig.BatchSize must be between 1 and %d", storage.MaxLimit))
	}
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"DispatcherConfig.PollInterval", c.PollInterval < 0},
		{"DispatcherConfig.LockFor", c.LockFor < 0},
		{"DispatcherConfig.MaxAttempts", c.MaxAttempts < 0},
	} {
		if f.negative {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	return errors.Join(errs...)
}

// NewDispatcher fills cfg's defaults (see [DispatcherConfig.WithDefaults]),
// validates it, reporting every invalid field at once, and returns a
// Dispatcher.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ticketkit: invalid DispatcherConfig: %w", err)
	}
	return &Dispatcher{
		store:       cfg.Store,
		notifier:    notify.Recover(cfg.Notifier),
		batch:       cfg.BatchSize,
		poll:        cfg.PollInterval,
		lockFor:     cfg.LockFor,
		maxAttempts: cfg.MaxAttempts,
		backoff:     cfg.Backoff,
		clock:       cfg.Clock,
		log:         cfg.Logger,
		obs:         cfg.Observer,
	}, nil
}

// errInHostTx refuses background work over a store inside a host's
// transaction, which would announce what the host may still roll back
// and outlive the transaction.
var errInHostTx = errors.New("the store runs inside a host's transaction (storage.HostTxStore): give background work a store on the database itself")

// DispatchResult counts what one round of a [Dispatcher] did.
type DispatchResult struct {
	// Claimed is the number of entries the round claimed.
	Claimed int
	// Delivered is the number the Notifier accepted.
	Delivered int
	// Retried is the number that failed and will be retried.
	Retried int
	// Dead is the number given up on: MaxAttempts reached, a permanent
	// error (notify.ErrPermanent), a panic of the Notifier, or a payload
	// that cannot be decoded. Entries the claim itself gave up on (see
	// DispatcherConfig.MaxAttempts) are not counted.
	Dead int
}

// RunOnce claims one batch of due entries and delivers it. When ctx ends
// mid-batch, the entries not yet delivered are released for a later
// round and ctx's error is returned. Entries whose claim ran out before
// their turn (the batch took longer than LockFor) are left alone: they
// are another dispatcher's now, or the next round's.
func (d *Dispatcher) RunOnce(ctx context.Context) (res DispatchResult, err error) {
	if d.obs != nil {
		var end func(DispatchResult, error)
		ctx, end = d.obs.ObserveDispatch(ctx)
		defer func() { end(res, err) }()
	}
	return d.runOnce(ctx)
}

// runOnce is RunOnce, unobserved.
func (d *Dispatcher) runOnce(ctx context.Context) (DispatchResult, error) {
	var res DispatchResult
	now := d.clock.Now()
	held := now.Add(d.lockFor) // until when the claim is the round's
	entries, err := d.store.OutboxClaim(ctx, storage.OutboxClaimParams{
		Now: now, LockFor: d.lockFor, Limit: d.batch, MaxAttempts: d.maxAttempts,
	})
	if err != nil {
		return res, fmt.Errorf("ticketkit: claim notifications: %w", err)
	}
	res.Claimed = len(entries)
	var done []string
	for i, en := range entries {
		if ctx.Err() != nil {
			d.release(ctx, entries[i:], true, held)
			break
		}
		if !d.clock.Now().Before(held) {
			// The claim ran out while the round delivered the entries
			// before: the rest may be another dispatcher's now.
			d.log.WarnContext(ctx, "ticketkit: claim ran out before delivery; LockFor is shorter than a batch takes",
				"left", len(entries)-i)
			break
		}
		ectx, end := d.observeDelivery(ctx, en)
		if err := d.deliverEntry(ectx, en); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				end(DeliveryReleased, err)
				d.release(ctx, entries[i:i+1], false, held)
				d.release(ctx, entries[i+1:], true, held)
				break
			}
			if d.fail(ctx, en, err) {
				end(DeliveryDead, err)
				res.Dead++
			} else {
				end(DeliveryRetry, err)
				res.Retried++
			}
			continue
		}
		end(DeliveryDelivered, nil)
		done = append(done, en.ID)
	}
	if len(done) > 0 {
		err := d.store.OutboxMarkDelivered(context.WithoutCancel(ctx), storage.OutboxMarkDeliveredParams{IDs: done, At: d.clock.Now()})
		if err != nil {
			// They were delivered; they will be again when their claim
			// runs out, which at-least-once allows.
			return res, fmt.Errorf("ticketkit: mark notifications delivered: %w", err)
		}
		res.Delivered = len(done)
	}
	return res, ctx.Err()
}

// observeDelivery starts the observation of the delivery of en.
func (d *Dispatcher) observeDelivery(ctx context.Context, en *storage.OutboxEntry) (context.Context, func(DeliveryOutcome, error)) {
	if d.obs == nil {
		return ctx, endDeliveryNothing
	}
	return d.obs.ObserveDelivery(ctx, DeliveryInfo{
		EntryID: en.ID, TenantID: en.TenantID, TicketID: en.TicketID, Kind: en.Kind, Attempt: en.Attempts,
	})
}

// endDeliveryNothing is the end function of a delivery no Observer
// watches.
func endDeliveryNothing(DeliveryOutcome, error) {}

// deliverEntry decodes an entry and hands it to the Notifier.
func (d *Dispatcher) deliverEntry(ctx context.Context, en *storage.OutboxEntry) error {
	var e notify.Event
	if err := json.Unmarshal(en.Payload, &e); err != nil {
		return notify.Permanent(fmt.Errorf("decode outbox entry %s: %w", en.ID, err))
	}
	return d.notifier.Notify(ctx, e)
}

// fail records a failed attempt and reports whether the entry is now a
// dead letter.
func (d *Dispatcher) fail(ctx context.Context, en *storage.OutboxEntry, cause error) bool {
	now := d.clock.Now()
	dead := errors.Is(cause, notify.ErrPermanent) || en.Attempts >= d.maxAttempts
	p := storage.OutboxFailParams{ID: en.ID, Error: cause.Error(), Dead: dead, At: now}
	if !dead {
		p.RetryAt = now.Add(d.backoff(en.Attempts))
	}
	level := slog.LevelWarn
	if dead {
		level = slog.LevelError
	}
	d.log.Log(ctx, level, "ticketkit: notification failed", "entry", en.ID, "kind", en.Kind,
		"attempt", en.Attempts, "dead", dead, "err", cause)
	if err := d.store.OutboxFail(context.WithoutCancel(ctx), p); err != nil {
		d.log.ErrorContext(ctx, "ticketkit: could not record failed notification", "entry", en.ID, "err", err)
	}
	return dead
}

// release hands claimed entries back at once when the dispatcher stops
// before delivering them; for untried ones, never handed to the
// Notifier, it takes back the attempt their claim counted. Once the
// claim, held until held, has run out, they are left to whoever claimed
// them since.
func (d *Dispatcher) release(ctx context.Context, entries []*storage.OutboxEntry, untried bool, held time.Time) {
	now := d.clock.Now()
	if !now.Before(held) {
		return
	}
	for _, en := range entries {
		err := d.store.OutboxFail(context.WithoutCancel(ctx), storage.OutboxFailParams{
			ID: en.ID, Error: "dispatcher stopped before delivering", RetryAt: now, At: now, Untried: untried,
		})
		if err != nil {
			d.log.WarnContext(ctx, "ticketkit: could not release notification; it returns when its claim runs out",
				"entry", en.ID, "err", err)
		}
	}
}

// Run delivers batches until ctx ends: a full batch is followed by the
// next at once, anything less by a pause of PollInterval. Errors of a
// round are logged and the next round goes on; so are panics outside
// the Notifier (a Backoff, a store decorator), whose round's entries
// return when their claim runs out. It returns nil when ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	return every(ctx, d.log, d.poll, func(ctx context.Context) time.Duration {
		res, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "ticketkit: dispatch round failed", "err", err)
		}
		if err == nil && res.Claimed == d.batch {
			return 0
		}
		return d.poll
	})
}

// Start runs the dispatcher in a goroutine until [Dispatcher.Stop] or
// until ctx ends. It returns an error when the dispatcher is running.
func (d *Dispatcher) Start(ctx context.Context) error {
	if !d.bg.start(ctx, d.Run) {
		return errors.New("ticketkit: dispatcher already started")
	}
	return nil
}

// Stop stops a started dispatcher and waits for its round to end; the
// entries of an interrupted round are released for the next dispatcher.
// It returns ctx's error if ctx ends first. Stopping a dispatcher that
// is not running does nothing.
func (d *Dispatcher) Stop(ctx context.Context) error { return d.bg.stop(ctx) }

// DeadLetters returns one page of the notifications given up on.
func (d *Dispatcher) DeadLetters(ctx context.Context, params storage.OutboxDeadListParams) ([]*storage.OutboxEntry, error) {
	return d.store.OutboxDeadList(ctx, params)
}

// Retry makes dead letters pending again, with a fresh count of
// attempts, and returns how many it revived.
func (d *Dispatcher) Retry(ctx context.Context, ids ...string) (int, error) {
	return d.store.OutboxRetry(ctx, storage.OutboxRetryParams{IDs: ids, At: d.clock.Now()})
}
