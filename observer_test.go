package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// observation is one piece of work an obsRecorder saw.
type observation struct {
	id, parent int
	kind       string // "usecase", "tx", "dispatch", "delivery", "sweep"
	name       string // use case name, tx's use case, delivery's event kind
	useCase    ticketkit.UseCase
	tx         ticketkit.TxInfo
	delivery   ticketkit.DeliveryInfo
	outcome    ticketkit.DeliveryOutcome
	dispatch   ticketkit.DispatchResult
	sweep      ticketkit.EscalationResult
	ended      int
	err        error
}

// obsRecorder is an Observer that records every observation with the
// observation its context came from.
type obsRecorder struct {
	mu  sync.Mutex
	obs []*observation
}

type obsKey struct{}

func (r *obsRecorder) start(ctx context.Context, o *observation) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	o.id = len(r.obs) + 1
	if p, ok := ctx.Value(obsKey{}).(int); ok {
		o.parent = p
	}
	r.obs = append(r.obs, o)
	return context.WithValue(ctx, obsKey{}, o.id)
}

func (r *obsRecorder) end(o *observation, err error, also func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o.ended++
	o.err = err
	if also != nil {
		also()
	}
}

func (r *obsRecorder) ObserveUseCase(ctx context.Context, u *ticketkit.UseCase) (context.Context, func(error)) {
	o := &observation{kind: "usecase", name: u.Name}
	ctx = r.start(ctx, o)
	return ctx, func(err error) { r.end(o, err, func() { o.useCase = *u }) }
}

func (r *obsRecorder) ObserveTx(ctx context.Context, t ticketkit.TxInfo) (context.Context, func(error)) {
	o := &observation{kind: "tx", name: t.UseCase, tx: t}
	ctx = r.start(ctx, o)
	return ctx, func(err error) { r.end(o, err, nil) }
}

func (r *obsRecorder) ObserveDispatch(ctx context.Context) (context.Context, func(ticketkit.DispatchResult, error)) {
	o := &observation{kind: "dispatch"}
	ctx = r.start(ctx, o)
	return ctx, func(res ticketkit.DispatchResult, err error) { r.end(o, err, func() { o.dispatch = res }) }
}

func (r *obsRecorder) ObserveDelivery(ctx context.Context, e ticketkit.DeliveryInfo) (context.Context, func(ticketkit.DeliveryOutcome, error)) {
	o := &observation{kind: "delivery", name: e.Kind, delivery: e}
	ctx = r.start(ctx, o)
	return ctx, func(out ticketkit.DeliveryOutcome, err error) { r.end(o, err, func() { o.outcome = out }) }
}

func (r *obsRecorder) ObserveSweep(ctx context.Context) (context.Context, func(ticketkit.EscalationResult, error)) {
	o := &observation{kind: "sweep", name: "RunEscalations"}
	ctx = r.start(ctx, o)
	return ctx, func(res ticketkit.EscalationResult, err error) { r.end(o, err, func() { o.sweep = res }) }
}

// all returns copies of the observations so far.
func (r *obsRecorder) all() []observation {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]observation, len(r.obs))
	for i, o := range r.obs {
		out[i] = *o
	}
	return out
}

// of returns the observations of kind.
func (r *obsRecorder) of(kind string) []observation {
	var out []observation
	for _, o := range r.all() {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (r *obsRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs = nil
}

// setupObserved returns a Desk with SLA and complaints on the memory
// store, watched by an obsRecorder.
func setupObserved(t *testing.T, mods ...func(*ticketkit.Config)) (*ticketkit.Desk, *obsRecorder, *deskBundle) {
	t.Helper()
	rec := &obsRecorder{}
	desk, bundle := setupMemoryDesk(t, append([]func(*ticketkit.Config){func(c *ticketkit.Config) {
		c.Observer = rec
		c.SLA = testSLA(t)
		c.Complaints = &ticketkit.ComplaintConfig{}
	}}, mods...)...)
	return desk, rec, bundle
}

func TestDesk_Observer(t *testing.T) {
	t.Parallel()

	t.Run("EveryUseCaseIsObservedOnceAndEnded", func(t *testing.T) {
		t.Parallel()
		desk, rec, _ := setupObserved(t)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		ctxType := reflect.TypeFor[context.Context]()
		dt := reflect.TypeOf(desk)
		checked := 0
		for i := range dt.NumMethod() {
			m := dt.Method(i)
			if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType {
				continue // an accessor, such as Catalog: no use case
			}
			checked++
			t.Run(m.Name, func(t *testing.T) {
				rec.reset()
				args := []reflect.Value{reflect.ValueOf(desk), reflect.ValueOf(t.Context())}
				takesActor := false
				for j := 2; j < m.Type.NumIn(); j++ {
					switch in := m.Type.In(j); {
					case in == reflect.TypeFor[ticket.Actor]():
						takesActor = true
						args = append(args, reflect.ValueOf(agent))
					case in.Kind() == reflect.String:
						args = append(args, reflect.ValueOf(tk.ID))
					default:
						args = append(args, reflect.Zero(in))
					}
				}
				func() {
					defer func() { require.Nil(t, recover(), "%s panicked on zero input", m.Name) }()
					m.Func.Call(args)
				}()
				want := "usecase"
				if m.Name == "RunEscalations" {
					want = "sweep"
				}
				var seen []observation
				for _, o := range rec.of(want) {
					if o.parent == 0 {
						seen = append(seen, o)
					}
				}
				require.Len(t, seen, 1, "%s must report exactly one %s observation at the top; got %+v", m.Name, want, rec.all())
				require.Equal(t, m.Name, seen[0].name)
				require.Equal(t, 1, seen[0].ended, "%s must end its observation once", m.Name)
				if takesActor && want == "usecase" {
					require.Equal(t, agent.TenantID, seen[0].useCase.TenantID, "%s must name the actor's tenant", m.Name)
				}
				for _, o := range rec.all() {
					require.Equal(t, 1, o.ended, "%s left a %s observation open", m.Name, o.kind)
					if o.kind == "tx" || o.kind == "delivery" {
						require.NotZero(t, o.parent, "%s ran a %s outside its observation", m.Name, o.kind)
					}
				}
			})
		}
		require.Greater(t, checked, 60, "the Desk's use cases were not found")
	})

	t.Run("OpenReportsTicketAndTransactionInsideTheUseCase", func(t *testing.T) {
		t.Parallel()
		desk, rec, _ := setupObserved(t)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		uc := rec.of("usecase")
		require.Len(t, uc, 1)
		require.Equal(t, ticketkit.UseCase{Name: "Open", TenantID: agent.TenantID, TicketID: tk.ID, TicketNumber: tk.Number}, uc[0].useCase)
		require.NoError(t, uc[0].err)
		txs := rec.of("tx")
		require.Len(t, txs, 1)
		require.Equal(t, uc[0].id, txs[0].parent, "the transaction runs in the use case's context")
		require.Equal(t, ticketkit.TxInfo{UseCase: "Open"}, txs[0].tx)
		require.NoError(t, txs[0].err)
		inline := rec.of("delivery")
		require.Len(t, inline, 1, "the inline delivery of Config.Notifier")
		require.Equal(t, uc[0].id, inline[0].parent, "inline delivery runs inside the use case")
		require.Equal(t, ticketkit.DeliveryInfo{
			EntryID: inline[0].delivery.EntryID, TenantID: agent.TenantID, TicketID: tk.ID,
			Kind: string(notify.KindOpened), Attempt: 1, Inline: true,
		}, inline[0].delivery)
		require.NotEmpty(t, inline[0].delivery.EntryID)
		require.Equal(t, ticketkit.DeliveryDelivered, inline[0].outcome)
	})

	t.Run("FailedInlineDeliveryIsLeftToTheDispatcher", func(t *testing.T) {
		t.Parallel()
		desk, rec, _ := setupObserved(t, func(c *ticketkit.Config) {
			c.Notifier = notify.NotifierFunc(func(context.Context, notify.Event) error { return errors.New("smtp down") })
		})
		mustOpen(t, desk, agent, ticketkit.OpenParams{})
		inline := rec.of("delivery")
		require.Len(t, inline, 1)
		require.Equal(t, ticketkit.DeliveryRetry, inline[0].outcome)
		require.EqualError(t, inline[0].err, "smtp down")
		require.NoError(t, rec.of("usecase")[0].err, "the use case succeeded")
	})

	t.Run("FailureReachesTheEndFunctions", func(t *testing.T) {
		t.Parallel()
		desk, rec, _ := setupObserved(t)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		rec.reset()
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: "no-such-status"})
		require.Error(t, err)
		uc := rec.of("usecase")
		require.Len(t, uc, 1)
		require.Equal(t, err, uc[0].err)
		require.Equal(t, tk.Number, uc[0].useCase.TicketNumber, "the ticket was read before the refusal")
		txs := rec.of("tx")
		require.NotEmpty(t, txs)
		require.Error(t, txs[len(txs)-1].err, "the transaction rolled back")

		rec.reset()
		_, err = desk.Get(t.Context(), agent, "no-such-ticket")
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		uc = rec.of("usecase")
		require.Len(t, uc, 1)
		require.ErrorIs(t, uc[0].err, ticketkit.ErrNotFound)
		require.Empty(t, uc[0].useCase.TicketNumber)
	})

	t.Run("TxVariantIsObservedInTheHostsTransaction", func(t *testing.T) {
		t.Parallel()
		desk, rec, bundle := setupObserved(t)
		var tk *ticket.Ticket
		err := bundle.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			var err error
			tk, err = desk.OpenTx(ctx, tx, agent, ticketkit.OpenParams{Subject: "Kettle broken"})
			return err
		})
		require.NoError(t, err)
		uc := rec.of("usecase")
		require.Len(t, uc, 1)
		require.Equal(t, "OpenTx", uc[0].name)
		require.Equal(t, tk.Number, uc[0].useCase.TicketNumber)
		txs := rec.of("tx")
		require.Len(t, txs, 1)
		require.Equal(t, ticketkit.TxInfo{UseCase: "OpenTx", InHostTx: true}, txs[0].tx)
		require.Equal(t, uc[0].id, txs[0].parent)
	})

	t.Run("OnEveryBackendTransactionsAndSavepointsAreObservedAndRollbacksReported", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			rec := &obsRecorder{}
			desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.Observer = rec })
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			boom := errors.New("host rolls back")
			err := bundle.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				if _, err := desk.AssignTx(ctx, tx, agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("agent-2")}); err != nil {
					return err
				}
				_, err := desk.TransitionTx(ctx, tx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed})
				require.Error(t, err)
				return boom
			})
			require.ErrorIs(t, err, boom)
			var got []string
			for _, o := range rec.all() {
				switch o.kind {
				case "usecase":
					got = append(got, fmt.Sprintf("%s %s %s err=%t", o.kind, o.name, o.useCase.TicketNumber, o.err != nil))
				case "tx":
					got = append(got, fmt.Sprintf("%s %s host=%t err=%t parent=%s", o.kind, o.name, o.tx.InHostTx, o.err != nil, rec.all()[o.parent-1].name))
				}
			}
			require.Equal(t, []string{
				"usecase Open " + tk.Number + " err=false",
				"tx Open host=false err=false parent=Open",
				"usecase AssignTx " + tk.Number + " err=false",
				"tx AssignTx host=true err=false parent=AssignTx",
				"usecase TransitionTx " + tk.Number + " err=true",
				"tx TransitionTx host=true err=true parent=TransitionTx",
			}, got)
		})
	})

	t.Run("SweepReportsFiringsAndItsTransactions", func(t *testing.T) {
		t.Parallel()
		desk, rec, bundle := setupObserved(t)
		mustOpen(t, desk, agent, ticketkit.OpenParams{Priority: ticket.PriorityUrgent})
		mustOpen(t, desk, agent, ticketkit.OpenParams{})
		bundle.clock.Advance(3 * 60 * 60 * 1e9) // 3 h: the urgent one breaches both targets
		rec.reset()
		res, err := desk.RunEscalations(t.Context())
		require.NoError(t, err)
		require.Positive(t, res.Breaches)
		sw := rec.of("sweep")
		require.Len(t, sw, 1)
		require.Equal(t, res, sw[0].sweep)
		require.NoError(t, sw[0].err)
		require.Empty(t, rec.of("usecase"), "a sweep is no use case")
		txs := rec.of("tx")
		require.NotEmpty(t, txs)
		for _, tx := range txs {
			require.Equal(t, sw[0].id, tx.parent)
			require.Equal(t, "RunEscalations", tx.tx.UseCase)
		}
	})

	t.Run("DispatcherReportsRoundsAndEachDeliveryOutcome", func(t *testing.T) {
		t.Parallel()
		desk, _, bundle := setupObserved(t, func(c *ticketkit.Config) { c.Notifier = nil })
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		_, err := desk.AddNote(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "checked"})
		require.NoError(t, err)
		_, err = desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: new("agent-2")})
		require.NoError(t, err)
		rec := &obsRecorder{}
		dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
			Store: bundle.store, Clock: bundle.clock, Observer: rec, MaxAttempts: 3,
			Notifier: notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
				switch e.Kind {
				case notify.KindMessageAdded:
					return errors.New("mail server down")
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
		rounds := rec.of("dispatch")
		require.Len(t, rounds, 1)
		require.Equal(t, res, rounds[0].dispatch)
		got := map[string]ticketkit.DeliveryOutcome{}
		for _, o := range rec.of("delivery") {
			require.Equal(t, rounds[0].id, o.parent)
			require.Equal(t, agent.TenantID, o.delivery.TenantID)
			require.Equal(t, tk.ID, o.delivery.TicketID)
			require.Equal(t, 1, o.delivery.Attempt)
			require.Equal(t, o.outcome == ticketkit.DeliveryDelivered, o.err == nil)
			got[o.name] = o.outcome
		}
		require.Equal(t, map[string]ticketkit.DeliveryOutcome{
			string(notify.KindOpened):       ticketkit.DeliveryDelivered,
			string(notify.KindMessageAdded): ticketkit.DeliveryRetry,
			string(notify.KindAssigned):     ticketkit.DeliveryDead,
		}, got)
	})

	t.Run("DispatcherStoppedMidDeliveryReportsReleased", func(t *testing.T) {
		t.Parallel()
		store := memory.New()
		clk := clock.NewFake(t0)
		desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk})
		require.NoError(t, err)
		mustOpen(t, desk, agent, ticketkit.OpenParams{})
		rec := &obsRecorder{}
		ctx, cancel := context.WithCancel(t.Context())
		dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
			Store: store, Clock: clk, Observer: rec,
			Notifier: notify.NotifierFunc(func(ctx context.Context, _ notify.Event) error {
				cancel()
				return ctx.Err()
			}),
		})
		require.NoError(t, err)
		_, err = dispatcher.RunOnce(ctx)
		require.ErrorIs(t, err, context.Canceled)
		d := rec.of("delivery")
		require.Len(t, d, 1)
		require.Equal(t, ticketkit.DeliveryReleased, d[0].outcome)
		require.ErrorIs(t, rec.of("dispatch")[0].err, context.Canceled)
	})
}

// nopObserver observes nothing, at the least cost an Observer can have.
type nopObserver struct{}

func (nopObserver) ObserveUseCase(ctx context.Context, _ *ticketkit.UseCase) (context.Context, func(error)) {
	return ctx, func(error) {}
}
func (nopObserver) ObserveTx(ctx context.Context, _ ticketkit.TxInfo) (context.Context, func(error)) {
	return ctx, func(error) {}
}
func (nopObserver) ObserveDispatch(ctx context.Context) (context.Context, func(ticketkit.DispatchResult, error)) {
	return ctx, func(ticketkit.DispatchResult, error) {}
}
func (nopObserver) ObserveDelivery(ctx context.Context, _ ticketkit.DeliveryInfo) (context.Context, func(ticketkit.DeliveryOutcome, error)) {
	return ctx, func(ticketkit.DeliveryOutcome, error) {}
}
func (nopObserver) ObserveSweep(ctx context.Context) (context.Context, func(ticketkit.EscalationResult, error)) {
	return ctx, func(ticketkit.EscalationResult, error) {}
}

// interleaved times op on a Desk without an Observer and on one with a
// no-op Observer, round-robin in one loop, so that both see the same
// machine load, and reports the median of each and their ratio.
func interleaved(b *testing.B, prepare func(b *testing.B, desk *ticketkit.Desk) func(i int) error) {
	var ops [2]func(int) error
	for k, obs := range []ticketkit.Observer{nil, nopObserver{}} {
		desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Observer: obs})
		if err != nil {
			b.Fatal(err)
		}
		ops[k] = prepare(b, desk)
	}
	var took [2][]time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for k, op := range ops {
			start := time.Now()
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			took[k] = append(took[k], time.Since(start))
		}
	}
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds())
	}
	none, nop := median(took[0]), median(took[1])
	b.ReportMetric(none, "none-p50-ns")
	b.ReportMetric(nop, "nop-p50-ns")
	b.ReportMetric(nop/none, "nop/none")
}

// BenchmarkDesk_OpenObserver measures what watching costs: Desk.Open on
// the memory store without an Observer and with one that does nothing,
// interleaved (see interleaved). ns/op and allocs/op are of the pair.
func BenchmarkDesk_OpenObserver(b *testing.B) {
	interleaved(b, func(b *testing.B, desk *ticketkit.Desk) func(int) error {
		p := ticketkit.OpenParams{Subject: "Kettle broken", Description: "It leaks."}
		return func(i int) error {
			if _, err := desk.Open(b.Context(), agent, p); err != nil {
				return fmt.Errorf("open %d: %w", i, err)
			}
			return nil
		}
	})
}

// BenchmarkDesk_GetObserver is BenchmarkDesk_OpenObserver on Desk.Get
// of one ticket, a use case whose cost does not grow with the store and
// is small, so that the hook's share shows.
func BenchmarkDesk_GetObserver(b *testing.B) {
	interleaved(b, func(b *testing.B, desk *ticketkit.Desk) func(int) error {
		tk, err := desk.Open(b.Context(), agent, ticketkit.OpenParams{Subject: "Kettle broken"})
		if err != nil {
			b.Fatal(err)
		}
		return func(int) error {
			_, err := desk.Get(b.Context(), agent, tk.ID)
			return err
		}
	})
}
