package ticketkit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
)

// ledger counts deliveries per event and notices concurrent deliveries
// of one event.
type ledger struct {
	mu         sync.Mutex
	delivered  map[string]int    // event ID → successful deliveries
	tickets    map[string]string // event ID → ticket ID
	inFlight   map[string]bool
	concurrent int
}

func newLedger() *ledger {
	return &ledger{delivered: map[string]int{}, tickets: map[string]string{}, inFlight: map[string]bool{}}
}

// notifier returns a Notifier that records into l and fails when fail
// says so.
func (l *ledger) notifier(fail func(e notify.Event) error) notify.Notifier {
	return notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		l.mu.Lock()
		if l.inFlight[e.ID] {
			l.concurrent++
		}
		l.inFlight[e.ID] = true
		l.mu.Unlock()
		defer func() {
			l.mu.Lock()
			delete(l.inFlight, e.ID)
			l.mu.Unlock()
		}()
		if fail != nil {
			if err := fail(e); err != nil {
				return err
			}
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		l.delivered[e.ID]++
		l.tickets[e.ID] = e.Ticket.ID
		return nil
	})
}

// count returns the number of distinct events delivered.
func (l *ledger) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.delivered)
}

// rollbackStore makes every OutboxCreate in a transaction of its own
// write its entries and then fail while fail() says so, which rolls the
// whole change back after the entries were written.
type rollbackStore struct {
	storage.Store
	fail func() bool
}

type rollbackTx struct {
	storage.Tx
	fail func() bool
}

func (s rollbackStore) RunInTx(ctx context.Context, fn func(context.Context, storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return fn(ctx, rollbackTx{tx, s.fail})
	})
}

func (x rollbackTx) OutboxCreate(ctx context.Context, entries []*storage.OutboxEntry) error {
	if err := x.Tx.OutboxCreate(ctx, entries); err != nil {
		return err
	}
	if x.fail() {
		return errors.New("host aborts the transaction after the outbox write")
	}
	return nil
}

// drain runs rounds of d, moving the clock on by step after each, until
// a round claims nothing and nothing is left to retry.
func drain(t *testing.T, d *ticketkit.Dispatcher, clk *clock.Fake, step time.Duration) {
	t.Helper()
	for range 1000 {
		res, err := d.RunOnce(context.Background())
		require.NoError(t, err)
		clk.Advance(step)
		if res.Claimed == 0 {
			// Retries are due within step: one more empty round ends it.
			res, err = d.RunOnce(context.Background())
			require.NoError(t, err)
			if res.Claimed == 0 {
				return
			}
		}
	}
	t.Fatal("the outbox did not drain in 1000 rounds")
}

// TestDispatcherLosesNothingAndInventsNothing opens tickets, some in
// changes that roll back after writing their outbox entries, then
// delivers through a notifier failing 30% of calls, a dispatcher stopped
// mid-batch and one that crashed holding claims. Every committed event
// is delivered at least once and none of a rolled-back change ever is.
func TestDispatcherLosesNothingAndInventsNothing(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := clock.NewFake(t0)
			var rollback atomic.Bool
			store := rollbackStore{b.Open(t), rollback.Load}
			desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk})
			require.NoError(t, err)

			const committed, rolledBack = 120, 30
			want := map[string]bool{} // ticket IDs of committed opens
			for i := range committed + rolledBack {
				rollback.Store(i%5 == 4)
				tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("ticket %d", i)})
				if rollback.Load() {
					require.Error(t, err)
					continue
				}
				require.NoError(t, err)
				want[tk.ID] = true
			}
			require.Len(t, want, committed)

			led := newLedger()
			rng := rand.New(rand.NewPCG(1, 2))
			var rngMu sync.Mutex
			flaky := led.notifier(func(notify.Event) error {
				rngMu.Lock()
				defer rngMu.Unlock()
				if rng.Float64() < 0.3 {
					return errors.New("smtp: 451 try again later")
				}
				return nil
			})
			cfg := ticketkit.DispatcherConfig{
				Store: store, Notifier: flaky, Clock: clk, BatchSize: 16, MaxAttempts: 100,
				LockFor: time.Minute, Backoff: func(int) time.Duration { return time.Second },
			}

			// A dispatcher that crashed holding claims on 10 entries.
			crashed, err := store.OutboxClaim(ctx, storage.OutboxClaimParams{Now: clk.Now(), LockFor: time.Minute, Limit: 10})
			require.NoError(t, err)
			require.Len(t, crashed, 10)

			// A dispatcher stopped by its host in the middle of a batch.
			stopCtx, stop := context.WithCancel(ctx)
			var calls atomic.Int32
			stopping := led.notifier(func(notify.Event) error {
				if calls.Add(1) == 5 {
					stop()
				}
				return nil
			})
			first, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
				Store: store, Notifier: stopping, Clock: clk, BatchSize: 16, LockFor: time.Minute,
			})
			require.NoError(t, err)
			res, err := first.RunOnce(stopCtx)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, 16, res.Claimed)
			require.Equal(t, 5, res.Delivered)

			// The restarted dispatcher delivers the rest, the crashed
			// dispatcher's entries once their claim runs out.
			second, err := ticketkit.NewDispatcher(cfg)
			require.NoError(t, err)
			drain(t, second, clk, 2*time.Second)
			require.Less(t, led.count(), committed, "the crashed claims are still held")
			clk.Advance(time.Minute)
			drain(t, second, clk, 2*time.Second)

			lost, phantom := 0, 0
			got := map[string]bool{}
			for id, n := range led.delivered {
				require.Positive(t, n)
				tid := led.tickets[id]
				if !want[tid] {
					phantom++
				}
				got[tid] = true
			}
			for tid := range want {
				if !got[tid] {
					lost++
				}
			}
			require.Zero(t, lost, "committed events never delivered")
			require.Zero(t, phantom, "events of rolled-back changes delivered")
			require.Zero(t, led.concurrent, "an event delivered twice at once")
			dead, err := second.DeadLetters(ctx, storage.OutboxDeadListParams{})
			require.NoError(t, err)
			require.Empty(t, dead)
		})
	}
}

// TestTwoDispatchersNeverDeliverOneEventTwice runs two dispatchers at
// once on one store with a notifier that never fails: every event is
// delivered exactly once.
func TestTwoDispatchersNeverDeliverOneEventTwice(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := b.Open(t)
			desk, err := ticketkit.New(ticketkit.Config{Store: store})
			require.NoError(t, err)
			const total = 150
			for i := range total {
				_, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("ticket %d", i)})
				require.NoError(t, err)
			}

			led := newLedger()
			slow := led.notifier(func(notify.Event) error { time.Sleep(100 * time.Microsecond); return nil })
			var ds []*ticketkit.Dispatcher
			for range 2 {
				d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
					Store: store, Notifier: slow, BatchSize: 10, PollInterval: 5 * time.Millisecond,
				})
				require.NoError(t, err)
				require.NoError(t, d.Start(ctx))
				ds = append(ds, d)
			}
			require.Eventually(t, func() bool { return led.count() == total }, 60*time.Second, 5*time.Millisecond)
			for _, d := range ds {
				require.NoError(t, d.Stop(ctx))
			}
			led.mu.Lock()
			defer led.mu.Unlock()
			for id, n := range led.delivered {
				require.Equal(t, 1, n, "event %s delivered %d times", id, n)
			}
			require.Zero(t, led.concurrent)
		})
	}
}

func TestDispatcherDeadLettersAndRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, func(c *ticketkit.Config) { c.Notifier = nil })
	permanent := f.open(t, agent, ticketkit.OpenParams{Subject: "unknown mailbox"})
	flaky := f.open(t, agent, ticketkit.OpenParams{Subject: "server down"})
	fine := f.open(t, agent, ticketkit.OpenParams{Subject: "all good"})

	down := true
	led := newLedger()
	n := led.notifier(func(e notify.Event) error {
		switch {
		case e.Ticket.ID == permanent.ID && down:
			return notify.Permanent(errors.New("550 no such user"))
		case e.Ticket.ID == flaky.ID && down:
			return errors.New("connection refused")
		}
		return nil
	})
	var waits []time.Duration
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: f.store, Notifier: n, Clock: f.clock, MaxAttempts: 3,
		Backoff: func(attempt int) time.Duration {
			w := time.Duration(attempt) * time.Minute
			waits = append(waits, w)
			return w
		},
	})
	require.NoError(t, err)

	res, err := d.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 3, Delivered: 1, Retried: 1, Dead: 1}, res)
	res, err = d.RunOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Claimed, "the retry is not due yet")
	f.clock.Advance(time.Minute)
	res, err = d.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Retried: 1}, res)
	f.clock.Advance(2 * time.Minute)
	res, err = d.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Dead: 1}, res, "third attempt of three")
	require.Equal(t, []time.Duration{time.Minute, 2 * time.Minute}, waits)

	dead, err := d.DeadLetters(ctx, storage.OutboxDeadListParams{})
	require.NoError(t, err)
	require.Len(t, dead, 2)
	var deadTickets []string
	for _, e := range dead {
		deadTickets = append(deadTickets, e.TicketID)
		require.NotEmpty(t, e.LastError)
	}
	require.ElementsMatch(t, []string{permanent.ID, flaky.ID}, deadTickets)

	down = false
	revived, err := d.Retry(ctx, dead[0].ID, dead[1].ID)
	require.NoError(t, err)
	require.Equal(t, 2, revived)
	res, err = d.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 2, Delivered: 2}, res)
	require.Equal(t, 3, led.count())
	require.Equal(t, 1, led.delivered[dead[0].ID])
	var delivered []string
	for _, tid := range led.tickets {
		delivered = append(delivered, tid)
	}
	require.ElementsMatch(t, []string{permanent.ID, flaky.ID, fine.ID}, delivered)
}

func TestInlineDeliveryIsNotRacedByADispatcher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var disp *ticketkit.Dispatcher
	var claimedMeanwhile int
	inline := notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		res, err := disp.RunOnce(ctx)
		if err != nil {
			return err
		}
		claimedMeanwhile += res.Claimed
		return nil
	})
	f := newFixture(t, func(c *ticketkit.Config) { c.Notifier = inline })
	var err error
	disp, err = ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: f.store, Notifier: notify.Discard, Clock: f.clock})
	require.NoError(t, err)
	f.open(t, agent, ticketkit.OpenParams{})
	require.Zero(t, claimedMeanwhile, "the Desk's entries are claimed while it delivers them")
	res, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Claimed, "delivered inline, so nothing is left")
}

func TestInlineFailureIsLeftToTheDispatcher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, func(c *ticketkit.Config) {
		c.Notifier = notify.NotifierFunc(func(context.Context, notify.Event) error { return errors.New("down") })
	})
	tk := f.open(t, agent, ticketkit.OpenParams{})
	led := newLedger()
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: f.store, Notifier: led.notifier(nil), Clock: f.clock})
	require.NoError(t, err)
	res, err := d.RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res, "released at once, not after the inline claim")
	for id := range led.delivered {
		require.Equal(t, tk.ID, led.tickets[id])
	}
}

func TestDispatcherStartStop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, func(c *ticketkit.Config) { c.Notifier = nil })
	led := newLedger()
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: f.store, Notifier: led.notifier(nil), PollInterval: time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, d.Stop(ctx), "stopping an idle dispatcher does nothing")
	require.NoError(t, d.Start(ctx))
	require.Error(t, d.Start(ctx), "already started")
	f.open(t, agent, ticketkit.OpenParams{})
	require.Eventually(t, func() bool { return led.count() == 1 }, 10*time.Second, time.Millisecond)
	require.NoError(t, d.Stop(ctx))
	require.NoError(t, d.Start(ctx), "a stopped dispatcher starts again")
	require.NoError(t, d.Stop(ctx))
}

func TestExponentialBackoff(t *testing.T) {
	t.Parallel()
	b := ticketkit.ExponentialBackoff(time.Second, time.Minute)
	for attempt, full := range map[int]time.Duration{
		0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 6: 32 * time.Second,
		7: time.Minute, 100: time.Minute,
	} {
		for range 50 {
			d := b(attempt)
			require.GreaterOrEqual(t, d, full/2, "attempt %d", attempt)
			require.LessOrEqual(t, d, full, "attempt %d", attempt)
		}
	}
}

// poisonSubject is the subject of the ticket whose notifications a
// poison notifier cannot survive.
const poisonSubject = "poison"

// openPoisoned opens n tickets, the first with poisonSubject, on a desk
// without a notifier, so that their "opened" events wait in the outbox
// with the poison first in claim order.
func openPoisoned(t *testing.T, store storage.Store, clk *clock.Fake, n int) {
	t.Helper()
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk})
	require.NoError(t, err)
	for i := range n {
		subject := fmt.Sprintf("ticket %d", i)
		if i == 0 {
			subject = poisonSubject
		}
		_, err := desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: subject})
		require.NoError(t, err)
		clk.Advance(time.Second)
	}
}

// TestDispatcherSurvivesAPanickingNotifier delivers a batch whose first
// entry makes the notifier panic: the panic becomes a dead letter with
// its value and stack, every other entry is delivered once, and nothing
// is delivered again in later rounds.
func TestDispatcherSurvivesAPanickingNotifier(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := clock.NewFake(t0)
			store := b.Open(t)
			openPoisoned(t, store, clk, 20)
			led := newLedger()
			d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
				Store: store, Clock: clk, MaxAttempts: 3,
				Notifier: led.notifier(func(e notify.Event) error {
					if e.Ticket.Subject == poisonSubject {
						panic("poison pill")
					}
					return nil
				}),
			})
			require.NoError(t, err)

			res, err := d.RunOnce(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.DispatchResult{Claimed: 20, Delivered: 19, Dead: 1}, res)
			dead, err := d.DeadLetters(ctx, storage.OutboxDeadListParams{})
			require.NoError(t, err)
			require.Len(t, dead, 1)
			require.Equal(t, 1, dead[0].Attempts)
			require.Contains(t, dead[0].LastError, "notifier panicked: poison pill")
			require.Contains(t, dead[0].LastError, "dispatcher_test.go:", "the stack of the panic")
			require.Less(t, len(dead[0].LastError), notify.MaxPanicValue+notify.MaxPanicStack+200)

			clk.Advance(time.Hour)
			res, err = d.RunOnce(ctx)
			require.NoError(t, err)
			require.Zero(t, res.Claimed, "nothing is delivered again")
			require.Equal(t, 19, led.count())
			for id, n := range led.delivered {
				require.Equal(t, 1, n, "event %s", id)
			}
		})
	}
}

// poisonRound delivers 5 entries, the first of which ends the notifier
// with poison, and checks that the poison is a dead letter naming why,
// the others are delivered once, and later rounds deliver nothing.
func poisonRound(t *testing.T, store storage.Store, poison func(), why string) {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(t0)
	openPoisoned(t, store, clk, 5)
	led := newLedger()
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: store, Clock: clk, PollInterval: time.Millisecond,
		Notifier: led.notifier(func(e notify.Event) error {
			if e.Ticket.Subject == poisonSubject {
				poison()
			}
			return nil
		}),
	})
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx))
	require.Eventually(t, func() bool { return led.count() == 4 }, 10*time.Second, time.Millisecond,
		"the loop outlives the poison and delivers the rest")
	require.NoError(t, d.Stop(ctx))
	dead, err := d.DeadLetters(ctx, storage.OutboxDeadListParams{})
	require.NoError(t, err)
	require.Len(t, dead, 1, "the poison is a dead letter, not a delivery")
	require.Contains(t, dead[0].LastError, why)
	clk.Advance(time.Hour)
	res, err := d.RunOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Claimed)
	for id, n := range led.delivered {
		require.Equal(t, 1, n, "event %s", id)
	}
}

// TestDispatcherSurvivesANotifierCallingGoexit runs a dispatcher whose
// notifier calls runtime.Goexit (t.FailNow from a helper goroutine does):
// without a goroutine of its own for the notifier, the dispatcher's loop
// ended silently and nothing more was delivered.
func TestDispatcherSurvivesANotifierCallingGoexit(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			poisonRound(t, b.Open(t), runtime.Goexit, "called runtime.Goexit")
		})
	}
}

// TestDispatcherPanicNilIsNoDelivery runs a dispatcher in a process with
// GODEBUG=panicnil=1, where recover returns nil for panic(nil): the
// poison entry used to be marked delivered.
func TestDispatcherPanicNilIsNoDelivery(t *testing.T) {
	t.Setenv("GODEBUG", "panicnil=1") // the process's setting: not parallel
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			poisonRound(t, b.Open(t), func() { panic(nil) }, "panicked with nil")
		})
	}
}

// TestDispatcherStoppedMidBatchKeepsAttemptsForUntriedEntries stops a
// dispatcher after its first delivery, again and again: the entries it
// never handed to its notifier keep their attempts, so that MaxAttempts
// (enforced when claiming) does not make dead letters of them.
func TestDispatcherStoppedMidBatchKeepsAttemptsForUntriedEntries(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			clk := clock.NewFake(t0)
			store := b.Open(t)
			openPoisoned(t, store, clk, 5)
			led := newLedger()
			for round := range 5 {
				ctx, stop := context.WithCancel(context.Background())
				d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
					Store: store, Clock: clk, MaxAttempts: 2,
					Notifier: led.notifier(func(notify.Event) error { stop(); return nil }),
				})
				require.NoError(t, err)
				res, err := d.RunOnce(ctx)
				require.ErrorIs(t, err, context.Canceled)
				require.Equal(t, 5-round, res.Claimed)
				require.Equal(t, 1, res.Delivered)
				stop()
			}
			require.Equal(t, 5, led.count(), "every entry delivered, none given up on")
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a logger in another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDispatcherRunOutlivesAPanickingRound starts a dispatcher whose
// Backoff, a host's plug-in outside the Notifier, panics: the panic is
// logged and later rounds still deliver.
func TestDispatcherRunOutlivesAPanickingRound(t *testing.T) {
	t.Parallel()
	require.Contains(t, outlivePanickingRound(t, func() { panic("backoff bug") }), "backoff bug")
}

// TestDispatcherRunOutlivesARoundCallingGoexit has the Backoff call
// runtime.Goexit, which used to end the dispatcher's loop.
func TestDispatcherRunOutlivesARoundCallingGoexit(t *testing.T) {
	t.Parallel()
	outlivePanickingRound(t, runtime.Goexit)
}

// TestDispatcherRunLogsARoundPanickingWithNil panics with nil under
// GODEBUG=panicnil=1, where recover returns nil: the round's panic went
// unlogged and its pause was zero.
func TestDispatcherRunLogsARoundPanickingWithNil(t *testing.T) {
	t.Setenv("GODEBUG", "panicnil=1") // the process's setting: not parallel
	outlivePanickingRound(t, func() { panic(nil) })
}

// outlivePanickingRound runs a dispatcher whose Backoff calls poison
// and returns its log once the loop has delivered after it.
func outlivePanickingRound(t *testing.T, poison func()) string {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, func(c *ticketkit.Config) { c.Notifier = nil })
	failing := f.open(t, agent, ticketkit.OpenParams{Subject: "server down"})
	led := newLedger()
	var logs syncBuffer
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: f.store, PollInterval: time.Millisecond,
		Notifier: led.notifier(func(e notify.Event) error {
			if e.Ticket.ID == failing.ID {
				return errors.New("connection refused")
			}
			return nil
		}),
		Backoff: func(int) time.Duration { poison(); return 0 },
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx))
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "background round panicked") },
		10*time.Second, time.Millisecond)
	f.open(t, agent, ticketkit.OpenParams{Subject: "later"})
	require.Eventually(t, func() bool { return led.count() == 1 }, 10*time.Second, time.Millisecond,
		"the loop goes on after the panic")
	require.NoError(t, d.Stop(ctx))
	return logs.String()
}

// TestDispatcherLeavesEntriesWhoseClaimRanOut delivers a batch whose
// first delivery outlasts LockFor (a hung endpoint behind a notifier
// with its own timeouts and retries). Meanwhile a second dispatcher
// claims and delivers the rest of the batch, whose claims ran out: the
// first must not deliver them again nor release them (which handed back
// an attempt of the second's claim).
func TestDispatcherLeavesEntriesWhoseClaimRanOut(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := clock.NewFake(t0)
			store := b.Open(t)
			openPoisoned(t, store, clk, 3)
			led := newLedger()
			second, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Clock: clk, Notifier: led.notifier(nil)})
			require.NoError(t, err)
			var secondRes ticketkit.DispatchResult
			var slowID string
			first, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
				Store: store, Clock: clk, LockFor: time.Minute,
				Notifier: led.notifier(func(e notify.Event) error {
					if e.Ticket.Subject == poisonSubject {
						slowID = e.ID
						clk.Advance(time.Minute) // a slow delivery
						var err error
						secondRes, err = second.RunOnce(ctx)
						require.NoError(t, err)
					}
					return nil
				}),
			})
			require.NoError(t, err)
			res, err := first.RunOnce(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.DispatchResult{Claimed: 3, Delivered: 3}, secondRes,
				"every claim of the batch ran out, the one in flight too")
			require.Equal(t, ticketkit.DispatchResult{Claimed: 3, Delivered: 1}, res,
				"only the delivery already under way")
			require.Equal(t, 3, led.count())
			for id, n := range led.delivered {
				if id != slowID {
					require.Equal(t, 1, n, "event %s delivered once", id)
				}
			}
		})
	}
}
