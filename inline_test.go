package ticketkit_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// deliverLater runs one round of a dispatcher with a recording notifier
// on store and returns its result and the ledger.
func deliverLater(t *testing.T, store storage.Store, clk clock.Clock) (ticketkit.DispatchResult, *ledger) {
	t.Helper()
	led := newLedger()
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: led.notifier(nil), Clock: clk})
	require.NoError(t, err)
	res, err := d.RunOnce(t.Context())
	require.NoError(t, err)
	return res, led
}

// requireDeliveredOnce checks that a Dispatcher round on store delivers
// n notifications of ticket id, unclaimed until then, each once, and
// that a second round finds nothing left.
func requireDeliveredOnce(t *testing.T, store storage.Store, id string, n int) {
	t.Helper()
	res, led := deliverLater(t, store, nil)
	require.Equal(t, ticketkit.DispatchResult{Claimed: n, Delivered: n}, res, "written unclaimed: delivered at once")
	for event, times := range led.delivered {
		require.Equal(t, 1, times, "event %s", event)
		require.Equal(t, id, led.tickets[event])
	}
	res, _ = deliverLater(t, store, nil)
	require.Zero(t, res.Claimed, "delivered exactly once")
}

// TestDesk_InlineDelivery checks what the Desk does with the
// notifications of a change after its commit, when it delivers them
// inline, whatever the inline notifier does.
func TestDesk_InlineDelivery(t *testing.T) {
	t.Parallel()

	// PanicIsLeftToTheDispatcher, GoexitIsLeftToTheDispatcher: on a desk
	// whose inline notifier panics, Open succeeds (its change committed)
	// and a Dispatcher delivers the notification. A notifier that calls
	// runtime.Goexit used to end the caller's goroutine (a host's request
	// handler) after the commit.
	for name, poison := range map[string]func(){"PanicIsLeftToTheDispatcher": func() { panic("inline boom") }, "GoexitIsLeftToTheDispatcher": runtime.Goexit} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			onEveryBackend(t, func(t *testing.T, b backend) {
				store := b.Open(t)
				desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: notify.NotifierFunc(
					func(context.Context, notify.Event) error { poison(); return nil })})
				require.NoError(t, err)
				tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "committed"})
				require.NoError(t, err, "the change committed: the caller is told so")

				res, led := deliverLater(t, store, nil)
				require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res, "released at once, not dead")
				for id := range led.delivered {
					require.Equal(t, tk.ID, led.tickets[id])
				}
			})
		})
	}

	// TimeoutLeavesTheRestToTheDispatcher uses an inline notifier
	// that never answers until its ctx is done: the use cases return once
	// InlineTimeout has passed, and a Dispatcher delivers what was not
	// delivered, the notifications never tried with their attempt given
	// back.
	t.Run("TimeoutLeavesTheRestToTheDispatcher", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			store := b.Open(t)
			clk := clock.NewFake(t0)
			slow := &blocker{block: notify.KindOpened}
			desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, Notifier: slow, InlineTimeout: 20 * time.Millisecond})
			require.NoError(t, err)

			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "webhook never answers"})
			require.NoError(t, err)
			require.Equal(t, []error{context.DeadlineExceeded}, slow.ended, "Open returned after the notifier's ctx ended")
			res, led := deliverLater(t, store, clk)
			require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res, "released at once")
			for id := range led.delivered {
				require.Equal(t, tk.ID, led.tickets[id])
			}

			// A change with two notifications: the first blocks, the
			// second is never tried.
			slow.block = notify.KindStatusChanged
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "fixed"})
			require.NoError(t, err)
			require.Len(t, slow.ended, 2)
			require.NotContains(t, slow.got, notify.KindClosed, "not tried after the timeout")
			claimed, err := store.OutboxClaim(ctx, storage.OutboxClaimParams{Now: clk.Now(), LockFor: time.Minute})
			require.NoError(t, err)
			attempts := map[string]int{}
			for _, e := range claimed {
				attempts[e.Kind] = e.Attempts
			}
			require.Equal(t, map[string]int{string(notify.KindStatusChanged): 2, string(notify.KindClosed): 1}, attempts,
				"the inline attempt counts for the tried one only")
		})
	})

	// AfterTheCallerGaveUp cancels the caller's ctx right after
	// the commit: the use case reports its committed change, the notifier
	// is never handed a dead ctx, and the notification goes to a Dispatcher
	// with its inline attempt given back.
	t.Run("AfterTheCallerGaveUp", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			store := b.Open(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{Store: cancelAfterCommit{store, cancel}, Notifier: rec})
			require.NoError(t, err)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "client hung up"})
			require.NoError(t, err, "the change committed")
			require.Zero(t, rec.Len(), "not tried with a dead ctx")
			claimed, err := store.OutboxClaim(t.Context(), storage.OutboxClaimParams{Now: time.Now(), LockFor: time.Minute, MaxAttempts: 1})
			require.NoError(t, err)
			require.Len(t, claimed, 1, "released at once, and not exhausted by an attempt never made")
			require.Equal(t, 1, claimed[0].Attempts)
		})
	})

	// LeavesAClaimThatRanOut uses an inline notifier that ignores
	// its ctx for longer than the Desk's claim on the entry: a Dispatcher
	// claims the entry meanwhile. The Desk must not release it then, which
	// ended the Dispatcher's claim and let a third claimer take it at once.
	t.Run("LeavesAClaimThatRanOut", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			store := b.Open(t)
			clk := clock.NewFake(t0)
			var dispatcherClaim []*storage.OutboxEntry
			slow := notify.NotifierFunc(func(context.Context, notify.Event) error {
				clk.Advance(time.Second + time.Minute + time.Second) // past InlineTimeout and the Desk's claim
				var err error
				dispatcherClaim, err = store.OutboxClaim(ctx, storage.OutboxClaimParams{Now: clk.Now(), LockFor: time.Minute})
				require.NoError(t, err)
				return errors.New("webhook: timeout")
			})
			desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, Notifier: slow, InlineTimeout: time.Second})
			require.NoError(t, err)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "slow"})
			require.NoError(t, err)
			require.Len(t, dispatcherClaim, 1, "the Desk's claim ran out")
			again, err := store.OutboxClaim(ctx, storage.OutboxClaimParams{Now: clk.Now(), LockFor: time.Minute})
			require.NoError(t, err)
			require.Empty(t, again, "the Dispatcher's claim still holds")
		})
	})
}

// blocker is a Notifier that blocks on the events of kind block until
// its ctx is done (or, failing the test, 30 s have passed), and records
// what ended the wait.
type blocker struct {
	block notify.Kind
	mu    sync.Mutex
	ended []error
	got   []notify.Kind
}

func (b *blocker) Notify(ctx context.Context, e notify.Event) error {
	b.mu.Lock()
	b.got = append(b.got, e.Kind)
	b.mu.Unlock()
	if e.Kind != b.block {
		return nil
	}
	err := errNeverCancelled
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-time.After(30 * time.Second): // fail rather than hang without a bound
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ended = append(b.ended, err)
	return err
}

var errNeverCancelled = errors.New("blocker: ctx never ended")

// TestDesk_HostTransaction checks that nothing is announced from inside
// a transaction the Desk does not own: a store built over the host's
// transaction, whoever wraps it.
func TestDesk_HostTransaction(t *testing.T) {
	t.Parallel()

	t.Run("HostRollbackLeavesNothingToDeliver", func(t *testing.T) {
		t.Parallel()
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) { runInHostTransaction(t, b, false) })
	})

	t.Run("HostCommitIsDeliveredByADispatcherExactlyOnce", func(t *testing.T) {
		t.Parallel()
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) { runInHostTransaction(t, b, true) })
	})

	t.Run("AsksTheStore", func(t *testing.T) {
		t.Parallel()
		mem := memory.New()
		rec := notifytest.NewRecorder()
		desk, err := ticketkit.New(ticketkit.Config{Store: hostTxOnly{mem}, Notifier: rec})
		require.NoError(t, err)
		_, err = desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "x"})
		require.NoError(t, err)
		require.Zero(t, rec.Len())
		res, _ := deliverLater(t, mem, nil)
		require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res)
		require.True(t, storage.InHostTx(hostTxOnly{mem}))
		require.False(t, storage.InHostTx(mem))
	})

	// BackgroundWorkRefusesIt builds a Dispatcher and an
	// EscalationWorker over a store inside the host's transaction. Such a
	// Dispatcher delivered the host's uncommitted notifications (announced
	// even if the host then rolled back) and marked them delivered in a
	// transaction that could roll back too; both loops outlive any
	// transaction. They are refused.
	t.Run("BackgroundWorkRefusesIt", func(t *testing.T) {
		t.Parallel()
		check := func(t *testing.T, store storage.Store) {
			t.Helper()
			_, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: notify.Discard})
			require.ErrorContains(t, err, "transaction")
			desk := newSLADesk(t, store)
			_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: desk.desk})
			require.ErrorContains(t, err, "transaction")
		}
		t.Run("decorator", func(t *testing.T) {
			t.Parallel()
			check(t, hostTxOnly{memory.New()})
		})
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) {
			ctx := t.Context()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			tx, err := db.BeginTx(ctx, &sql.TxOptions{})
			require.NoError(t, err)
			defer func() { _ = tx.Rollback() }()
			inTx, err := bunstore.New(tx, bunstore.Config{})
			require.NoError(t, err)
			check(t, inTx)
		})
	})

	// NothingIsAnnouncedInsideAWrappedOne runs the Desk on a
	// store over the host's transaction wrapped in the host's own bun.IDB:
	// the store cannot see the bun.Tx inside, and the Desk used to deliver
	// before the host rolled back.
	t.Run("NothingIsAnnouncedInsideAWrappedOne", func(t *testing.T) {
		t.Parallel()
		dbtest.EachBackend(t, func(t *testing.T, b dbtest.Backend) {
			ctx := t.Context()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			tx, err := db.BeginTx(ctx, &sql.TxOptions{})
			require.NoError(t, err)
			inTx, err := bunstore.New(tracedTx{tx}, bunstore.Config{})
			require.NoError(t, err)
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{Store: inTx, Notifier: rec})
			require.NoError(t, err)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "rolled back"})
			require.NoError(t, err)
			require.NoError(t, tx.Rollback())
			require.Zero(t, rec.Len(), "nothing announced for a change the host rolled back")
		})
	})
}

// runInHostTransaction runs the Desk on a store of b built over the
// host's own transaction, with an inline notifier, and commits or rolls
// the host's transaction back: the Desk delivers nothing before the host
// commits; after a rollback nothing is left to deliver, after a commit a
// Dispatcher delivers exactly once.
func runInHostTransaction(t *testing.T, b dbtest.Backend, commit bool) {
	ctx := t.Context()
	db := b.Open(t)
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	require.False(t, store.InHostTx())

	tx, err := db.BeginTx(ctx, &sql.TxOptions{})
	require.NoError(t, err)
	inTx, err := bunstore.New(tx, bunstore.Config{})
	require.NoError(t, err)
	require.True(t, inTx.InHostTx())
	rec := notifytest.NewRecorder()
	desk, err := ticketkit.New(ticketkit.Config{Store: inTx, Notifier: rec})
	require.NoError(t, err)
	tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "inside the host's transaction"})
	require.NoError(t, err)
	_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "on it"})
	require.NoError(t, err)
	require.Zero(t, rec.Len(), "nothing announced before the host commits")

	if !commit {
		require.NoError(t, tx.Rollback())
		require.Zero(t, rec.Len())
		n, err := db.NewSelect().TableExpr("ticketkit_outbox").Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "no outbox rows")
		res, _ := deliverLater(t, store, nil)
		require.Zero(t, res.Claimed)
		return
	}
	require.NoError(t, tx.Commit())
	require.Zero(t, rec.Len(), "the Desk does not deliver after the host's commit either")
	requireDeliveredOnce(t, store, tk.ID, 2)
}

// hostTxOnly is a store that says it runs in a host's transaction, to
// show that the Desk asks the optional interface, whatever the adapter.
type hostTxOnly struct{ storage.Store }

func (hostTxOnly) InHostTx() bool { return true }

// tracedTx is a host's wrapper of its bun.Tx (tracing, metrics).
type tracedTx struct{ bun.IDB }

// cancelAfterCommit is a store that cancels the caller's context once a
// transaction has committed: a client that hangs up as its change
// commits.
type cancelAfterCommit struct {
	storage.Store
	cancel context.CancelFunc
}

func (s cancelAfterCommit) RunInTx(ctx context.Context, fn func(context.Context, storage.Tx) error) error {
	err := s.Store.RunInTx(ctx, fn)
	s.cancel()
	return err
}
