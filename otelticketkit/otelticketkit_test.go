package otelticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/otelticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agent = ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
)

// The personal data of the tests' customer, none of which may reach a
// span or a metric.
const (
	secretName    = "Jane Doe"
	secretEmail   = "jane.doe@example.com"
	secretMobile  = "+33612345678"
	secretSubject = "Kettle from Jane leaks"
	secretBody    = "My address is 12 Rue Secrète"
)

var secrets = []string{secretName, secretEmail, secretMobile, secretSubject, secretBody, "Jane", "Secrète"}

// bundle is what setup returns: the Desk and what the tests read.
type bundle struct {
	desk   *ticketkit.Desk
	store  *memory.Store
	clock  *clock.Fake
	obs    *otelticketkit.Observer
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

// setup returns a Desk with an SLA on a memory store, observed by an
// Observer on the SDK's in-memory span recorder and manual reader.
func setup(t *testing.T, mods ...func(*otelticketkit.Config)) *bundle {
	t.Helper()
	b := &bundle{store: memory.New(), clock: clock.NewFake(t0), spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(b.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(b.reader))
	t.Cleanup(func() {
		require.NoError(t, tp.Shutdown(context.Background()))
		require.NoError(t, mp.Shutdown(context.Background()))
	})
	cfg := otelticketkit.Config{TracerProvider: tp, MeterProvider: mp, Store: b.store, Clock: b.clock}
	for _, m := range mods {
		m(&cfg)
	}
	var err error
	b.obs, err = otelticketkit.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.obs.Close()) })
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "std",
		Targets: workflow.Targets{FirstResponse: workflow.Duration(time.Hour), Resolution: workflow.Duration(2 * time.Hour)},
		WarnAt:  []int{50},
	}}}, nil)
	require.NoError(t, err)
	b.desk, err = ticketkit.New(ticketkit.Config{Store: b.store, Clock: b.clock, SLA: sla, Observer: b.obs})
	require.NoError(t, err)
	return b
}

// open opens a ticket of the secret customer, with the secret message.
func (b *bundle) open(t *testing.T) *ticket.Ticket {
	t.Helper()
	tk, err := b.desk.Open(t.Context(), agent, ticketkit.OpenParams{
		Subject: secretSubject, Description: secretBody, Message: secretBody,
		Customer: ticket.Customer{ID: "C-1", Name: secretName, Email: secretEmail, Mobile: secretMobile},
	})
	require.NoError(t, err)
	return tk
}

// ended returns the ended spans named name.
func (b *bundle) ended(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range b.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// attrs returns a span's attributes as a map.
func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// collect reads the metrics.
func (b *bundle) collect(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, b.reader.Collect(t.Context(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, otelticketkit.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// histogramCounts returns the count of each data point of a float
// histogram, keyed by the data point's attributes.
func histogramCounts(t *testing.T, m metricdata.Metrics) map[string]uint64 {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a %T", m.Name, m.Data)
	out := map[string]uint64{}
	for _, dp := range h.DataPoints {
		out[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Count
	}
	return out
}

// sums returns the value of each data point of an int counter, keyed by
// its attributes.
func sums(t *testing.T, m metricdata.Metrics) map[string]int64 {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a %T", m.Name, m.Data)
	out := map[string]int64{}
	for _, dp := range s.DataPoints {
		out[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Value
	}
	return out
}

// key encodes attributes as histogramCounts and sums key them.
func key(kvs ...attribute.KeyValue) string {
	s := attribute.NewSet(kvs...)
	return s.Encoded(attribute.DefaultEncoder())
}

func TestObserver_UseCases(t *testing.T) {
	t.Parallel()

	t.Run("SpanPerUseCaseWithTenantTicketAndTxChild", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		tk := b.open(t)
		_, err := b.desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: secretBody})
		require.NoError(t, err)

		for _, name := range []string{"ticketkit.Open", "ticketkit.Reply"} {
			uc := b.ended(name)
			require.Len(t, uc, 1, name)
			a := attrs(uc[0])
			require.Equal(t, "acme", a[otelticketkit.AttrTenant].AsString())
			require.Equal(t, tk.ID, a[otelticketkit.AttrTicketID].AsString())
			require.Equal(t, tk.Number, a[otelticketkit.AttrTicketNumber].AsString())
			require.Equal(t, strings.TrimPrefix(name, "ticketkit."), a[otelticketkit.AttrUseCase].AsString())
			require.Equal(t, codes.Unset, uc[0].Status().Code)
			require.False(t, uc[0].Parent().IsValid(), "a use case started without a span is a root")

			var children []sdktrace.ReadOnlySpan
			for _, tx := range b.ended("ticketkit.tx") {
				if tx.Parent().SpanID() == uc[0].SpanContext().SpanID() {
					children = append(children, tx)
				}
			}
			require.Len(t, children, 1, "one transaction inside %s", name)
			require.Equal(t, uc[0].SpanContext().TraceID(), children[0].SpanContext().TraceID())
			require.Equal(t, strings.TrimPrefix(name, "ticketkit."), attrs(children[0])[otelticketkit.AttrUseCase].AsString())
			require.False(t, attrs(children[0])[otelticketkit.AttrInHostTx].AsBool())
		}

		m := b.collect(t)
		counts := histogramCounts(t, m[otelticketkit.MetricUseCaseDuration])
		require.Equal(t, map[string]uint64{
			key(otelticketkit.AttrUseCase.String("Open")):  1,
			key(otelticketkit.AttrUseCase.String("Reply")): 1,
		}, counts)
		require.Equal(t, "s", m[otelticketkit.MetricUseCaseDuration].Unit)
		require.Equal(t, map[string]uint64{
			key(otelticketkit.AttrUseCase.String("Open")):  1,
			key(otelticketkit.AttrUseCase.String("Reply")): 1,
		}, histogramCounts(t, m[otelticketkit.MetricTxDuration]))
	})

	t.Run("UseCaseInsideTheHostsSpanIsItsChild", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(b.spans))
		ctx, parent := tp.Tracer("host").Start(t.Context(), "POST /tickets")
		_, err := b.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: secretSubject})
		require.NoError(t, err)
		parent.End()
		uc := b.ended("ticketkit.Open")
		require.Len(t, uc, 1)
		require.Equal(t, parent.SpanContext().SpanID(), uc[0].Parent().SpanID())
	})

	t.Run("FailureSetsErrorStatusAndClassNotTheMessage", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		tk := b.open(t)
		_, err := b.desk.Get(t.Context(), agent, "no-such-ticket")
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = b.desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed})
		require.Error(t, err)

		get := b.ended("ticketkit.Get")
		require.Len(t, get, 1)
		require.Equal(t, codes.Error, get[0].Status().Code)
		require.Equal(t, "not_found", get[0].Status().Description)
		require.Equal(t, "not_found", attrs(get[0])[otelticketkit.AttrErrorType].AsString())
		require.Empty(t, get[0].Events(), "no exception event with the error's text")
		require.NotContains(t, attrs(get[0]), otelticketkit.AttrTicketNumber, "no ticket was read")

		tr := b.ended("ticketkit.Transition")
		require.Len(t, tr, 1)
		require.Equal(t, codes.Error, tr[0].Status().Code)
		require.Equal(t, otelticketkit.ErrorClass(err), attrs(tr[0])[otelticketkit.AttrErrorType].AsString())
		require.Equal(t, tk.Number, attrs(tr[0])[otelticketkit.AttrTicketNumber].AsString())

		counts := histogramCounts(t, b.collect(t)[otelticketkit.MetricUseCaseDuration])
		require.Equal(t, uint64(1), counts[key(otelticketkit.AttrUseCase.String("Get"), otelticketkit.AttrErrorType.String("not_found"))])
	})

	t.Run("ErrorMessagesPutsTheTextOnTheSpan", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(c *otelticketkit.Config) { c.ErrorMessages = true })
		_, err := b.desk.Get(t.Context(), agent, "no-such-ticket")
		require.Error(t, err)
		get := b.ended("ticketkit.Get")
		require.Len(t, get, 1)
		require.Equal(t, err.Error(), get[0].Status().Description)
		require.Len(t, get[0].Events(), 1)
		require.Equal(t, "exception", get[0].Events()[0].Name)
	})
}

func TestObserver_Dispatcher(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tk := b.open(t)
	_, err := b.desk.AddNote(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: secretBody})
	require.NoError(t, err)
	_, err = b.desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("agent-2")})
	require.NoError(t, err)

	var inNotifier []trace.SpanContext
	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: b.store, Clock: b.clock, Observer: b.obs,
		Notifier: notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
			inNotifier = append(inNotifier, trace.SpanContextFromContext(ctx))
			switch e.Kind {
			case notify.KindMessageAdded:
				return fmt.Errorf("mailbox %s is full", secretEmail)
			case notify.KindAssigned:
				return notify.Permanent(errors.New("no such agent"))
			}
			return nil
		}),
	})
	require.NoError(t, err)
	res, err := dispatcher.RunOnce(t.Context())
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 3, Delivered: 1, Retried: 1, Dead: 1}, res)

	rounds := b.ended("ticketkit.dispatch")
	require.Len(t, rounds, 1)
	a := attrs(rounds[0])
	require.Equal(t, int64(3), a[otelticketkit.AttrClaimed].AsInt64())
	require.Equal(t, int64(1), a[otelticketkit.AttrDelivered].AsInt64())
	require.Equal(t, int64(1), a[otelticketkit.AttrRetried].AsInt64())
	require.Equal(t, int64(1), a[otelticketkit.AttrDead].AsInt64())

	deliveries := b.ended("ticketkit.deliver")
	require.Len(t, deliveries, 3)
	outcomes := map[string]string{}
	for i, d := range deliveries {
		require.Equal(t, rounds[0].SpanContext().SpanID(), d.Parent().SpanID(), "a delivery is a child of its round")
		require.Equal(t, d.SpanContext(), inNotifier[i], "the Notifier runs in the delivery's span")
		da := attrs(d)
		require.Equal(t, "acme", da[otelticketkit.AttrTenant].AsString())
		require.Equal(t, tk.ID, da[otelticketkit.AttrTicketID].AsString())
		require.Equal(t, int64(1), da[otelticketkit.AttrAttempt].AsInt64())
		outcome := da[otelticketkit.AttrOutcome].AsString()
		outcomes[da[otelticketkit.AttrEventKind].AsString()] = outcome
		if outcome == string(ticketkit.DeliveryDelivered) {
			require.Equal(t, codes.Unset, d.Status().Code)
		} else {
			require.Equal(t, codes.Error, d.Status().Code)
		}
	}
	require.Equal(t, map[string]string{
		string(notify.KindOpened): "delivered", string(notify.KindMessageAdded): "retry", string(notify.KindAssigned): "dead",
	}, outcomes)

	m := b.collect(t)
	require.Equal(t, map[string]int64{
		key(otelticketkit.AttrOutcome.String("delivered"), otelticketkit.AttrEventKind.String(string(notify.KindOpened)), otelticketkit.AttrInline.Bool(false)):   1,
		key(otelticketkit.AttrOutcome.String("retry"), otelticketkit.AttrEventKind.String(string(notify.KindMessageAdded)), otelticketkit.AttrInline.Bool(false)): 1,
		key(otelticketkit.AttrOutcome.String("dead"), otelticketkit.AttrEventKind.String(string(notify.KindAssigned)), otelticketkit.AttrInline.Bool(false)):      1,
	}, sums(t, m[otelticketkit.MetricDeliveries]))
	requireNoPersonalData(t, b)
}

func TestObserver_Sweep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.open(t)
	b.open(t)
	b.clock.Advance(3 * time.Hour) // both targets of both tickets breached
	res, err := b.desk.RunEscalations(t.Context())
	require.NoError(t, err)
	require.Equal(t, 4, res.Breaches)
	require.Equal(t, 4, res.Warnings)

	sweeps := b.ended("ticketkit.sweep")
	require.Len(t, sweeps, 1)
	a := attrs(sweeps[0])
	require.Equal(t, int64(2), a[otelticketkit.AttrSweepTickets].AsInt64())
	require.Equal(t, int64(4), a[otelticketkit.AttrSweepBreaches].AsInt64())
	txs := b.ended("ticketkit.tx")
	var inSweep int
	for _, tx := range txs {
		if tx.Parent().SpanID() == sweeps[0].SpanContext().SpanID() {
			inSweep++
			require.Equal(t, "RunEscalations", attrs(tx)[otelticketkit.AttrUseCase].AsString())
		}
	}
	require.Positive(t, inSweep, "the sweep's transactions are its children")

	m := b.collect(t)
	require.Equal(t, map[string]uint64{key(): 1}, histogramCounts(t, m[otelticketkit.MetricSweepDuration]))
	require.Equal(t, map[string]int64{
		key(otelticketkit.AttrFiringKind.String(otelticketkit.FiringWarning)): 4,
		key(otelticketkit.AttrFiringKind.String(otelticketkit.FiringBreach)):  4,
	}, sums(t, m[otelticketkit.MetricSweepFirings]))
	require.Equal(t, map[string]int64{key(): 4}, sums(t, m[otelticketkit.MetricSLABreaches]))

	_, err = b.desk.RunEscalations(t.Context())
	require.NoError(t, err)
	m = b.collect(t)
	require.Equal(t, map[string]uint64{key(): 2}, histogramCounts(t, m[otelticketkit.MetricSweepDuration]))
	require.Equal(t, map[string]int64{key(): 4}, sums(t, m[otelticketkit.MetricSLABreaches]), "nothing fires twice")
	requireNoPersonalData(t, b)
}

// gauge returns the one value of a gauge.
func gauge[N int64 | float64](t *testing.T, m metricdata.Metrics) N {
	t.Helper()
	g, ok := m.Data.(metricdata.Gauge[N])
	require.True(t, ok, "%s is a %T", m.Name, m.Data)
	require.Len(t, g.DataPoints, 1)
	return g.DataPoints[0].Value
}

func TestObserver_OutboxGauges(t *testing.T) {
	t.Parallel()

	t.Run("BacklogOldestAgeAndDeadLettersFromTheStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m := b.collect(t)
		require.Equal(t, int64(0), gauge[int64](t, m[otelticketkit.MetricOutboxPending]))
		require.Equal(t, 0.0, gauge[float64](t, m[otelticketkit.MetricOutboxOldestAge]))
		require.Equal(t, int64(0), gauge[int64](t, m[otelticketkit.MetricOutboxDead]))

		tk := b.open(t) // one entry at t0
		b.clock.Advance(10 * time.Minute)
		_, err := b.desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("agent-2")})
		require.NoError(t, err)
		b.clock.Advance(5 * time.Minute)
		m = b.collect(t)
		require.Equal(t, int64(2), gauge[int64](t, m[otelticketkit.MetricOutboxPending]))
		require.Equal(t, (15 * time.Minute).Seconds(), gauge[float64](t, m[otelticketkit.MetricOutboxOldestAge]))

		dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
			Store: b.store, Clock: b.clock,
			Notifier: notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
				if e.Kind == notify.KindOpened {
					return nil
				}
				return notify.Permanent(errors.New("refused"))
			}),
		})
		require.NoError(t, err)
		_, err = dispatcher.RunOnce(t.Context())
		require.NoError(t, err)
		m = b.collect(t)
		require.Equal(t, int64(0), gauge[int64](t, m[otelticketkit.MetricOutboxPending]))
		require.Equal(t, 0.0, gauge[float64](t, m[otelticketkit.MetricOutboxOldestAge]))
		require.Equal(t, int64(1), gauge[int64](t, m[otelticketkit.MetricOutboxDead]))
	})

	t.Run("CloseStopsReadingTheStore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.Contains(t, b.collect(t), otelticketkit.MetricOutboxPending)
		require.NoError(t, b.obs.Close())
		require.NotContains(t, b.collect(t), otelticketkit.MetricOutboxPending)
	})

	t.Run("StoreWithoutOutboxStatsIsRefused", func(t *testing.T) {
		t.Parallel()
		_, err := otelticketkit.New(otelticketkit.Config{Store: statsless{memory.New()}})
		require.ErrorIs(t, err, otelticketkit.ErrNoOutboxStats)
		require.ErrorIs(t, err, storage.ErrUnsupported)
	})

	t.Run("WithoutStoreNoGauges", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(c *otelticketkit.Config) { c.Store = nil })
		b.open(t)
		m := b.collect(t)
		require.NotContains(t, m, otelticketkit.MetricOutboxPending)
		require.Contains(t, m, otelticketkit.MetricUseCaseDuration)
	})
}

// statsless hides the memory store's optional capabilities.
type statsless struct{ storage.Store }

// requireNoPersonalData fails when a span (name, attributes, status,
// events, links) or a metric data point holds any of the secrets.
func requireNoPersonalData(t *testing.T, b *bundle) {
	t.Helper()
	check := func(where, s string) {
		t.Helper()
		for _, secret := range secrets {
			require.NotContains(t, s, secret, "personal data in %s", where)
		}
	}
	spans := b.spans.Ended()
	require.NotEmpty(t, spans)
	for _, s := range spans {
		check("span name", s.Name())
		check(s.Name()+" status", s.Status().Description)
		for _, kv := range s.Attributes() {
			check(s.Name()+" attribute "+string(kv.Key), fmt.Sprint(kv.Value.AsInterface()))
		}
		for _, e := range s.Events() {
			check(s.Name()+" event", e.Name)
			for _, kv := range e.Attributes {
				check(s.Name()+" event attribute "+string(kv.Key), fmt.Sprint(kv.Value.AsInterface()))
			}
		}
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, b.reader.Collect(t.Context(), &rm))
	check("metrics", fmt.Sprintf("%+v", rm))
}

func TestObserver_NoPersonalData(t *testing.T) {
	t.Parallel()

	run := func(t *testing.T, b *bundle) {
		t.Helper()
		tk := b.open(t)
		ctx := t.Context()
		_, err := b.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: secretBody})
		require.NoError(t, err)
		_, err = b.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: new(secretSubject + " again")})
		require.NoError(t, err)
		_, err = b.desk.Search(ctx, agent, ticketkit.SearchParams{Text: secretName})
		require.NoError(t, err)
		_, err = b.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: secretSubject, Customer: ticket.Customer{Email: "not an email " + secretEmail}})
		require.Error(t, err, "a validation failure naming the bad value")
		dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
			Store: b.store, Clock: b.clock, Observer: b.obs,
			Notifier: notify.NotifierFunc(func(context.Context, notify.Event) error {
				return fmt.Errorf("550 %s (%s): mailbox unavailable", secretEmail, secretName)
			}),
		})
		require.NoError(t, err)
		_, err = dispatcher.RunOnce(ctx)
		require.NoError(t, err)
		b.clock.Advance(3 * time.Hour)
		_, err = b.desk.RunEscalations(ctx)
		require.NoError(t, err)
	}

	t.Run("NoneInAnySpanOrMetric", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		run(t, b)
		requireNoPersonalData(t, b)
	})

	t.Run("TheCheckFindsErrorTextsWithErrorMessagesOn", func(t *testing.T) {
		t.Parallel()
		// The notifier's error names the customer: with ErrorMessages it
		// reaches the spans, which proves that the check above looks.
		b := setup(t, func(c *otelticketkit.Config) { c.ErrorMessages = true })
		run(t, b)
		var found bool
		for _, s := range b.spans.Ended() {
			found = found || strings.Contains(s.Status().Description, secretEmail)
		}
		require.True(t, found, "ErrorMessages must put the notifier's error text on the span")
	})
}

func TestErrorClass(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", ticketkit.ErrNotFound), "not_found"},
		{fmt.Errorf("x: %w", ticketkit.ErrConflict), "conflict"},
		{ticket.NewValidationError(ticket.FieldError{Field: "subject", Rule: "required"}), "validation"},
		{fmt.Errorf("x: %w", context.Canceled), "canceled"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "deadline_exceeded"},
		{notify.Permanent(errors.New("jane@example.com")), "permanent"},
		{errors.New("jane@example.com"), "other"},
	} {
		require.Equal(t, tt.want, otelticketkit.ErrorClass(tt.err), "%v", tt.err)
	}
}

func TestObserver_InlineDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	desk, err := ticketkit.New(ticketkit.Config{
		Store: b.store, Clock: b.clock, Observer: b.obs,
		Notifier: notify.NotifierFunc(func(context.Context, notify.Event) error { return nil }),
	})
	require.NoError(t, err)
	tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: secretSubject})
	require.NoError(t, err)

	open := b.ended("ticketkit.Open")
	require.Len(t, open, 1)
	deliveries := b.ended("ticketkit.deliver")
	require.Len(t, deliveries, 1)
	require.Equal(t, open[0].SpanContext().SpanID(), deliveries[0].Parent().SpanID(), "inline delivery is part of the use case")
	a := attrs(deliveries[0])
	require.True(t, a[otelticketkit.AttrInline].AsBool())
	require.Equal(t, tk.ID, a[otelticketkit.AttrTicketID].AsString())
	require.Equal(t, map[string]int64{
		key(otelticketkit.AttrOutcome.String("delivered"), otelticketkit.AttrEventKind.String(string(notify.KindOpened)), otelticketkit.AttrInline.Bool(true)): 1,
	}, sums(t, b.collect(t)[otelticketkit.MetricDeliveries]))
	requireNoPersonalData(t, b)
}

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	c := otelticketkit.Config{}.WithDefaults()
	require.NotNil(t, c.TracerProvider)
	require.NotNil(t, c.MeterProvider)
	require.NotNil(t, c.Clock)
	fake := clock.NewFake(t0)
	require.Same(t, fake, otelticketkit.Config{Clock: fake}.WithDefaults().Clock)
	// The API's global providers record nothing until the host installs
	// an SDK: an Observer on them works and costs little.
	obs, err := otelticketkit.New(otelticketkit.Config{})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Observer: obs})
	require.NoError(t, err)
	_, err = desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "Kettle broken"})
	require.NoError(t, err)
	require.NoError(t, obs.Close())
}

func TestObserver_Concurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := b.desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "Kettle broken"}); err != nil {
					t.Error(err)
				}
				var rm metricdata.ResourceMetrics // the gauges read the store meanwhile
				if err := b.reader.Collect(t.Context(), &rm); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	require.Len(t, b.ended("ticketkit.Open"), workers*each)
	m := b.collect(t)
	require.Equal(t, map[string]uint64{key(otelticketkit.AttrUseCase.String("Open")): workers * each},
		histogramCounts(t, m[otelticketkit.MetricUseCaseDuration]))
	require.Equal(t, int64(workers*each), gauge[int64](t, m[otelticketkit.MetricOutboxPending]))
}
