package otelticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/ticketkit/ticketkit/otelticketkit"

// Config configures an [Observer]. Every zero value means the
// documented default.
type Config struct {
	// TracerProvider makes the tracer of the spans. Default: the
	// OpenTelemetry API's global one (otel.GetTracerProvider), which
	// records nothing until the host installs an SDK.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter of the metrics. Default: the API's
	// global one (otel.GetMeterProvider).
	MeterProvider metric.MeterProvider
	// Store, when set, is read for the outbox gauges
	// (ticketkit.outbox.pending, ticketkit.outbox.oldest_pending.age,
	// ticketkit.outbox.dead) each time the host's metric reader
	// collects. It must implement storage.OutboxStatsStore (the memory
	// and the Bun store do); [New] reports one that does not. Default:
	// none, and no outbox gauges.
	Store storage.Store
	// Clock tells the time the outbox's age is measured at; it should
	// be the Desk's. Default: clock.System().
	Clock clock.Clock
	// ErrorMessages puts the text of errors on the spans (span status
	// description and an exception event). Default false: spans carry
	// only the error's class (the error.type attribute, such as
	// "not_found" or "validation"), since an error's text may hold
	// personal data (a notifier's "mailbox jane@example.com is full").
	ErrorMessages bool
}

// Observer is a [ticketkit.Observer] that records OpenTelemetry spans and
// metrics; see the package documentation for what it records. Set it as
// ticketkit.Config.Observer and ticketkit.DispatcherConfig.Observer. It
// is safe for concurrent use.
type Observer struct {
	tracer   trace.Tracer
	clock    clock.Clock
	messages bool

	useCaseDuration metric.Float64Histogram
	txDuration      metric.Float64Histogram
	deliveries      metric.Int64Counter
	sweepDuration   metric.Float64Histogram
	firings         metric.Int64Counter
	breaches        metric.Int64Counter

	registration metric.Registration // of the outbox gauges; nil without Config.Store
}

var _ ticketkit.Observer = (*Observer)(nil)

// ErrNoOutboxStats is returned, wrapped, by [New] when Config.Store does
// not implement storage.OutboxStatsStore.
var ErrNoOutboxStats = fmt.Errorf("otelticketkit: Config.Store does not implement storage.OutboxStatsStore: %w", storage.ErrUnsupported)

// WithDefaults returns a copy of c with every zero field set to its
// documented default: the API's global providers and the system clock.
// Store has none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.TracerProvider = cmp.Or[trace.TracerProvider](c.TracerProvider, otel.GetTracerProvider())
	c.MeterProvider = cmp.Or[metric.MeterProvider](c.MeterProvider, otel.GetMeterProvider())
	c.Clock = cmp.Or(c.Clock, clock.System())
	return c
}

// New fills cfg's defaults (see [Config.WithDefaults]) and returns an
// Observer that records with its providers. With Config.Store it
// registers the outbox gauges; [Observer.Close] unregisters them.
func New(cfg Config) (*Observer, error) {
	cfg = cfg.WithDefaults()
	o := &Observer{
		tracer:   cfg.TracerProvider.Tracer(ScopeName),
		clock:    cfg.Clock,
		messages: cfg.ErrorMessages,
	}
	mp := cfg.MeterProvider
	var stats storage.OutboxStatsStore
	if cfg.Store != nil {
		s, ok := cfg.Store.(storage.OutboxStatsStore)
		if !ok {
			return nil, fmt.Errorf("%w (it is %T)", ErrNoOutboxStats, cfg.Store)
		}
		stats = s
	}
	m := mp.Meter(ScopeName)
	var errs []error
	seconds := metric.WithExplicitBucketBoundaries(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
	var err error
	o.useCaseDuration, err = m.Float64Histogram(MetricUseCaseDuration, metric.WithUnit("s"), seconds,
		metric.WithDescription("Duration of the Desk's use cases, by use case and error class."))
	errs = append(errs, err)
	o.txDuration, err = m.Float64Histogram(MetricTxDuration, metric.WithUnit("s"), seconds,
		metric.WithDescription("Duration of the store transactions the Desk runs, by use case and error class."))
	errs = append(errs, err)
	o.deliveries, err = m.Int64Counter(MetricDeliveries, metric.WithUnit("{delivery}"),
		metric.WithDescription("Deliveries of outbox entries, by outcome (delivered, retry, dead, released), event kind and whether the Desk delivered inline."))
	errs = append(errs, err)
	o.sweepDuration, err = m.Float64Histogram(MetricSweepDuration, metric.WithUnit("s"), seconds,
		metric.WithDescription("Duration of the escalation sweeps."))
	errs = append(errs, err)
	o.firings, err = m.Int64Counter(MetricSweepFirings, metric.WithUnit("{firing}"),
		metric.WithDescription("What the escalation sweeps fired, by kind: warning, breach, escalation, reminder, auto_close, overdue_action."))
	errs = append(errs, err)
	o.breaches, err = m.Int64Counter(MetricSLABreaches, metric.WithUnit("{breach}"),
		metric.WithDescription("SLA targets the escalation sweeps found breached."))
	errs = append(errs, err)
	if stats != nil {
		errs = append(errs, o.registerOutbox(m, stats))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("otelticketkit: create instruments: %w", err)
	}
	return o, nil
}

// registerOutbox registers the observable gauges that read stats.
func (o *Observer) registerOutbox(m metric.Meter, stats storage.OutboxStatsStore) error {
	pending, err1 := m.Int64ObservableGauge(MetricOutboxPending, metric.WithUnit("{entry}"),
		metric.WithDescription("Outbox entries waiting for delivery (neither delivered nor dead)."))
	age, err2 := m.Float64ObservableGauge(MetricOutboxOldestAge, metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest pending outbox entry; 0 when none is pending."))
	dead, err3 := m.Int64ObservableGauge(MetricOutboxDead, metric.WithUnit("{entry}"),
		metric.WithDescription("Dead letters in the outbox: entries given up on."))
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	reg, err := m.RegisterCallback(func(ctx context.Context, obs metric.Observer) error {
		st, err := stats.OutboxStats(ctx, storage.OutboxStatsParams{})
		if err != nil {
			return fmt.Errorf("otelticketkit: read outbox stats: %w", err)
		}
		obs.ObserveInt64(pending, st.Pending)
		obs.ObserveInt64(dead, st.Dead)
		var a float64
		if !st.OldestPending.IsZero() {
			a = max(0, o.clock.Now().Sub(st.OldestPending).Seconds())
		}
		obs.ObserveFloat64(age, a)
		return nil
	}, pending, age, dead)
	o.registration = reg
	return err
}

// Close unregisters the outbox gauges, so that the host's metric reader
// stops reading the store. The spans and the other metrics go on.
func (o *Observer) Close() error {
	if o.registration == nil {
		return nil
	}
	return o.registration.Unregister()
}

// ObserveUseCase starts the span of a Desk use case, "ticketkit." and
// its name, and records its duration when it ends.
func (o *Observer) ObserveUseCase(ctx context.Context, u *ticketkit.UseCase) (context.Context, func(error)) {
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, "ticketkit."+u.Name, trace.WithAttributes(
		AttrUseCase.String(u.Name), AttrTenant.String(u.TenantID)))
	return ctx, func(err error) {
		if u.TicketID != "" {
			span.SetAttributes(AttrTicketID.String(u.TicketID), AttrTicketNumber.String(u.TicketNumber))
		}
		attrs := []attribute.KeyValue{AttrUseCase.String(u.Name)}
		attrs = o.fail(span, err, attrs)
		span.End()
		o.useCaseDuration.Record(context.WithoutCancel(ctx), time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	}
}

// ObserveTx starts the span of a store transaction, "ticketkit.tx".
func (o *Observer) ObserveTx(ctx context.Context, t ticketkit.TxInfo) (context.Context, func(error)) {
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, "ticketkit.tx", trace.WithAttributes(
		AttrUseCase.String(t.UseCase), AttrInHostTx.Bool(t.InHostTx)))
	return ctx, func(err error) {
		attrs := []attribute.KeyValue{AttrUseCase.String(t.UseCase)}
		attrs = o.fail(span, err, attrs)
		span.End()
		o.txDuration.Record(context.WithoutCancel(ctx), time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	}
}

// ObserveDispatch starts the span of a Dispatcher round,
// "ticketkit.dispatch", which gets the round's counts when it ends.
func (o *Observer) ObserveDispatch(ctx context.Context) (context.Context, func(ticketkit.DispatchResult, error)) {
	ctx, span := o.tracer.Start(ctx, "ticketkit.dispatch")
	return ctx, func(res ticketkit.DispatchResult, err error) {
		span.SetAttributes(
			AttrClaimed.Int(res.Claimed), AttrDelivered.Int(res.Delivered),
			AttrRetried.Int(res.Retried), AttrDead.Int(res.Dead))
		o.fail(span, err, nil)
		span.End()
	}
}

// ObserveDelivery starts the span of one delivery, "ticketkit.deliver",
// a child of its round's (or, inline, of its use case's), and counts it by outcome and event kind when
// it ends.
func (o *Observer) ObserveDelivery(ctx context.Context, e ticketkit.DeliveryInfo) (context.Context, func(ticketkit.DeliveryOutcome, error)) {
	ctx, span := o.tracer.Start(ctx, "ticketkit.deliver", trace.WithAttributes(
		AttrTenant.String(e.TenantID), AttrTicketID.String(e.TicketID), AttrEventKind.String(e.Kind),
		AttrEntryID.String(e.EntryID), AttrAttempt.Int(e.Attempt), AttrInline.Bool(e.Inline)))
	return ctx, func(outcome ticketkit.DeliveryOutcome, err error) {
		span.SetAttributes(AttrOutcome.String(string(outcome)))
		if outcome != ticketkit.DeliveryDelivered && err == nil {
			err = errors.New(string(outcome))
		}
		o.fail(span, err, nil)
		span.End()
		o.deliveries.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(
			AttrOutcome.String(string(outcome)), AttrEventKind.String(e.Kind), AttrInline.Bool(e.Inline)))
	}
}

// ObserveSweep starts the span of an escalation sweep, "ticketkit.sweep",
// and records its duration, firings and breaches when it ends.
func (o *Observer) ObserveSweep(ctx context.Context) (context.Context, func(ticketkit.EscalationResult, error)) {
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, "ticketkit.sweep")
	return ctx, func(res ticketkit.EscalationResult, err error) {
		span.SetAttributes(
			AttrSweepTickets.Int(res.Tickets), AttrSweepWarnings.Int(res.Warnings),
			AttrSweepBreaches.Int(res.Breaches), AttrSweepEscalations.Int(res.Escalations),
			AttrSweepReminders.Int(res.Reminders), AttrSweepAutoClosed.Int(res.AutoClosed),
			AttrSweepOverdue.Int(res.OverdueActions))
		attrs := o.fail(span, err, nil)
		span.End()
		mctx := context.WithoutCancel(ctx)
		o.sweepDuration.Record(mctx, time.Since(start).Seconds(), metric.WithAttributes(attrs...))
		for _, f := range []struct {
			kind string
			n    int
		}{
			{FiringWarning, res.Warnings}, {FiringBreach, res.Breaches}, {FiringEscalation, res.Escalations},
			{FiringReminder, res.Reminders}, {FiringAutoClose, res.AutoClosed}, {FiringOverdueAction, res.OverdueActions},
		} {
			if f.n > 0 {
				o.firings.Add(mctx, int64(f.n), metric.WithAttributes(AttrFiringKind.String(f.kind)))
			}
		}
		if res.Breaches > 0 {
			o.breaches.Add(mctx, int64(res.Breaches))
		}
	}
}

// fail marks span failed when err is set, with the error's class (and
// its text with Config.ErrorMessages), and returns attrs with the
// class added for the metrics.
func (o *Observer) fail(span trace.Span, err error, attrs []attribute.KeyValue) []attribute.KeyValue {
	if err == nil {
		return attrs
	}
	class := ErrorClass(err)
	span.SetAttributes(AttrErrorType.String(class))
	if o.messages {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	} else {
		span.SetStatus(codes.Error, class)
	}
	return append(attrs, AttrErrorType.String(class))
}
