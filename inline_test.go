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
	res, err := d.RunOnce(context.Background())
	require.NoError(t, err)
	return res, led
}

// TestInlinePanicIsLeftToTheDispatcher opens a ticket on a desk whose
// inline notifier panics: Open succeeds (its change committed) and a
// Dispatcher delivers the notification.
// A notifier that calls runtime.Goexit used to end the caller's
// goroutine (a host's request handler) after the commit.
func TestInlinePanicIsLeftToTheDispatcher(t *testing.T) {
	for _, b := range backends() {
		for name, poison := range map[string]func(){"panic": func() { panic("inline boom") }, "Goexit": runtime.Goexit} {
			t.Run(b.Name+"/"+name, func(t *testing.T) {
				t.Parallel()
				store := b.Open(t)
				desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: notify.NotifierFunc(
					func(context.Context, notify.Event) error { poison(); return nil })})
				require.NoError(t, err)
				tk, err := desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "committed"})
				require.NoError(t, err, "the change committed: the caller is told so")

				res, led := deliverLater(t, store, nil)
				require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res, "released at once, not dead")
				for id := range led.delivered {
					require.Equal(t, tk.ID, led.tickets[id])
				}
			})
		}
	}
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

// TestInlineTimeoutLeavesTheRestToTheDispatcher uses an inline notifier
// that never answers until its ctx is done: the use cases return once
// InlineTimeout has passed, and a Dispatcher delivers what was not
// delivered, the notifications never tried with their attempt given
// back.
func TestInlineTimeoutLeavesTheRestToTheDispatcher(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
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
	}
}

func TestNewRejectsNegativeInlineTimeout(t *testing.T) {
	t.Parallel()
	_, err := ticketkit.New(ticketkit.Config{Store: memory.New(), InlineTimeout: -time.Second})
	require.ErrorContains(t, err, "InlineTimeout")
}

// TestNothingIsAnnouncedInsideAHostTransaction runs the Desk on a store
// built over the host's own transaction, with an inline notifier: it
// delivers nothing before the host commits; after a rollback nothing is
// left to deliver, after a commit a Dispatcher delivers exactly once.
func TestNothingIsAnnouncedInsideAHostTransaction(t *testing.T) {
	for _, b := range dbtest.Backends() {
		for _, commit := range []bool{false, true} {
			name := b.Name + "/rollback"
			if commit {
				name = b.Name + "/commit"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
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
				res, led := deliverLater(t, store, nil)
				require.Equal(t, ticketkit.DispatchResult{Claimed: 2, Delivered: 2}, res, "unclaimed: delivered at once")
				for id, n := range led.delivered {
					require.Equal(t, 1, n, "event %s", id)
					require.Equal(t, tk.ID, led.tickets[id])
				}
				res, _ = deliverLater(t, store, nil)
				require.Zero(t, res.Claimed, "delivered exactly once")
			})
		}
	}
}

// hostTxOnly is a store that says it runs in a host's transaction, to
// show that the Desk asks the optional interface, whatever the adapter.
type hostTxOnly struct{ storage.Store }

func (hostTxOnly) InHostTx() bool { return true }

func TestDeskAsksTheStoreAboutHostTransactions(t *testing.T) {
	t.Parallel()
	mem := memory.New()
	rec := notifytest.NewRecorder()
	desk, err := ticketkit.New(ticketkit.Config{Store: hostTxOnly{mem}, Notifier: rec})
	require.NoError(t, err)
	_, err = desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "x"})
	require.NoError(t, err)
	require.Zero(t, rec.Len())
	res, _ := deliverLater(t, mem, nil)
	require.Equal(t, ticketkit.DispatchResult{Claimed: 1, Delivered: 1}, res)
	require.True(t, storage.InHostTx(hostTxOnly{mem}))
	require.False(t, storage.InHostTx(mem))
}

// TestBackgroundWorkRefusesAHostTransaction builds a Dispatcher and an
// EscalationWorker over a store inside the host's transaction. Such a
// Dispatcher delivered the host's uncommitted notifications (announced
// even if the host then rolled back) and marked them delivered in a
// transaction that could roll back too; both loops outlive any
// transaction. They are refused.
func TestBackgroundWorkRefusesAHostTransaction(t *testing.T) {
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
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
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
	}
}

// tracedTx is a host's wrapper of its bun.Tx (tracing, metrics).
type tracedTx struct{ bun.IDB }

// TestNothingIsAnnouncedInsideAWrappedHostTransaction runs the Desk on a
// store over the host's transaction wrapped in the host's own bun.IDB:
// the store cannot see the bun.Tx inside, and the Desk used to deliver
// before the host rolled back.
func TestNothingIsAnnouncedInsideAWrappedHostTransaction(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
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
	}
}

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

// TestInlineAfterTheCallerGaveUp cancels the caller's ctx right after
// the commit: the use case reports its committed change, the notifier
// is never handed a dead ctx, and the notification goes to a Dispatcher
// with its inline attempt given back.
func TestInlineAfterTheCallerGaveUp(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			store := b.Open(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{Store: cancelAfterCommit{store, cancel}, Notifier: rec})
			require.NoError(t, err)
			_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "client hung up"})
			require.NoError(t, err, "the change committed")
			require.Zero(t, rec.Len(), "not tried with a dead ctx")
			claimed, err := store.OutboxClaim(context.Background(), storage.OutboxClaimParams{Now: time.Now(), LockFor: time.Minute, MaxAttempts: 1})
			require.NoError(t, err)
			require.Len(t, claimed, 1, "released at once, and not exhausted by an attempt never made")
			require.Equal(t, 1, claimed[0].Attempts)
		})
	}
}

// TestInlineLeavesAClaimThatRanOut uses an inline notifier that ignores
// its ctx for longer than the Desk's claim on the entry: a Dispatcher
// claims the entry meanwhile. The Desk must not release it then, which
// ended the Dispatcher's claim and let a third claimer take it at once.
func TestInlineLeavesAClaimThatRanOut(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
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
	}
}
