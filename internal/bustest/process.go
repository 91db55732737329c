package bustest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
)

// Environment of a helper process started by [KillMidBatch].
const (
	helperEnv      = "TICKETKIT_BUS_HELPER"            // the backend of the shared outbox: "sqlite" or "postgres"
	helperTarget   = "TICKETKIT_BUS_HELPER_TARGET"     // its SQLite file or PostgreSQL schema (dbtest.Target)
	helperNowEnv   = "TICKETKIT_BUS_HELPER_NOW"        // Unix nanoseconds of the helper's fake clock
	helperAfterEnv = "TICKETKIT_BUS_HELPER_KILL_AFTER" // publishes after which the helper waits to be killed
)

// Settings of the dispatchers of the fault tests.
const (
	// FaultBatch is the batch size of the dispatchers of a fault test.
	FaultBatch = 100
	// FaultLockFor is how long their claims hold.
	FaultLockFor = time.Minute
	// killLine is what a helper prints when it has published its share
	// and waits to be killed.
	killLine = "published; kill me"
)

// Outbox is an outbox in a database that several processes share.
type Outbox struct {
	// Backend is "sqlite" or "postgres".
	Backend string
	// Target is where a helper process finds the database: the SQLite
	// file or the PostgreSQL schema ([dbtest.Target]).
	Target string
	// Store is bunstore over it, migrated.
	Store storage.Store
}

// NewOutbox returns an empty, migrated outbox in a new database of
// backend b (a SQLite file, or a PostgreSQL schema of the test's own).
func NewOutbox(t testing.TB, b dbtest.Backend) Outbox {
	t.Helper()
	db := b.Open(t)
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return Outbox{Backend: b.Name, Target: dbtest.Target(t, b.Name, db), Store: store}
}

// KillMidBatch starts a copy of the test binary that runs only the test
// named helperTest, with env added to its environment: a dispatcher on
// ob's outbox at time now (see [Helper]) that publishes killAfter events,
// then says so and waits. It kills that process with SIGKILL there: in
// the middle of a batch when killAfter is not a multiple of
// [FaultBatch], after the events were published and before the batch
// was marked delivered.
func KillMidBatch(t *testing.T, helperTest string, ob Outbox, now time.Time, killAfter int, env ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^"+helperTest+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"="+ob.Backend, helperTarget+"="+ob.Target, helperNowEnv+"="+strconv.FormatInt(now.UnixNano(), 10),
		helperAfterEnv+"="+strconv.Itoa(killAfter))
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	var out []string
	ready := false
	for !ready && lines.Scan() {
		out = append(out, lines.Text())
		ready = lines.Text() == killLine
	}
	if !ready {
		_ = cmd.Wait()
		t.Fatalf("helper ended before publishing %d events:\n%s\n%s", killAfter, strings.Join(out, "\n"), stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Exited() {
		t.Fatalf("the helper was not killed: %v", err)
	}
}

// Helper reports whether this process is a helper that [KillMidBatch]
// started. If so, it runs the helper's dispatcher over n, the notifier
// under test, and does not return: after killAfter successful
// deliveries it prints that it waits and sleeps until it is killed.
// Call it first thing in the helper test; when it returns false, the
// test returns (it was run directly).
func Helper(t *testing.T, n notify.Notifier) bool {
	backend := os.Getenv(helperEnv)
	if backend == "" {
		return false
	}
	nanos, err := strconv.ParseInt(os.Getenv(helperNowEnv), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	killAfter, err := strconv.Atoi(os.Getenv(helperAfterEnv))
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbtest.OpenTarget(backend, os.Getenv(helperTarget))
	if err != nil {
		t.Fatal(err)
	}
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var published atomic.Int64
	counting := notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		if err := n.Notify(ctx, e); err != nil {
			return err
		}
		if published.Add(1) == int64(killAfter) {
			fmt.Println(killLine)
			time.Sleep(time.Hour) // until SIGKILL
		}
		return nil
	})
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: counting,
		Clock: clock.NewFake(time.Unix(0, nanos)), BatchSize: FaultBatch, LockFor: FaultLockFor})
	if err != nil {
		t.Fatal(err)
	}
	for {
		res, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if res.Claimed == 0 {
			t.Fatalf("the outbox ran dry after %d deliveries, before %d", published.Load(), killAfter)
		}
	}
}

// Finish delivers what is left in ob's outbox at time now with a
// dispatcher in this process over n, and fails the test if any entry
// fails or becomes a dead letter.
func Finish(t *testing.T, ob Outbox, now time.Time, n notify.Notifier) {
	t.Helper()
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: ob.Store, Notifier: n,
		Clock: clock.NewFake(now), BatchSize: FaultBatch, LockFor: FaultLockFor})
	if err != nil {
		t.Fatal(err)
	}
	for {
		res, err := d.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if res.Dead+res.Retried > 0 {
			dead, _ := d.DeadLetters(t.Context(), storage.OutboxDeadListParams{})
			t.Fatalf("the second dispatcher failed entries: %+v, dead letters %d", res, len(dead))
		}
		if res.Claimed == 0 {
			return
		}
	}
}

// DispatchAll seeds n pending entries for tenant into store, then
// delivers the outbox to notifier with two dispatchers in parallel (batches
// of 200), until it is empty, and returns how long the delivery took
// (seeding not included). It fails the test when an entry fails.
func DispatchAll(tb testing.TB, store storage.Store, tenant string, n int, notifier notify.Notifier) time.Duration {
	tb.Helper()
	SeedOutbox(tb, store, tenant, n, time.Now().UTC())
	errs := make(chan error, 2)
	start := time.Now()
	for range 2 {
		d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: notifier, BatchSize: 200})
		if err != nil {
			tb.Fatal(err)
		}
		go func() {
			for {
				res, err := d.RunOnce(context.Background())
				if err == nil && res.Dead+res.Retried > 0 {
					err = fmt.Errorf("failed deliveries: %+v", res)
				}
				if err != nil || res.Claimed == 0 {
					errs <- err
					return
				}
			}
		}()
	}
	err := errors.Join(<-errs, <-errs)
	took := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	return took
}

// Settings of the fault test [RunFault].
const (
	// FaultEntries is how many outbox entries a fault test delivers.
	FaultEntries = 600
	// FaultKillAfter is how many the first dispatcher publishes before it
	// is killed: the middle of its third batch of [FaultBatch].
	FaultKillAfter = 250
	// FaultRepublished is how many of those it published without marking
	// them delivered: the second dispatcher publishes them again.
	FaultRepublished = FaultKillAfter % FaultBatch
)

// hangAfter is how long a call of [BrokerFailures] may take at most.
const hangAfter = 5 * time.Second

// RunFault is the body of the fault tests of the bus notifiers: it seeds
// [FaultEntries] outbox entries in a new database of backend b, has the helper test
// helperTest (which calls [Helper] with the notifier under test,
// configured from env) publish [FaultKillAfter] of them and kills it
// there with SIGKILL, checks that published (what the broker holds)
// then says so, and delivers the rest with a second dispatcher in this
// process over n, checking that it published the unmarked entries
// again. It returns the IDs of the events, for the caller to count what
// the broker holds and what a consumer sees.
func RunFault(t *testing.T, b dbtest.Backend, helperTest string, env []string, n notify.Notifier, published func() int) []string {
	t.Helper()
	ob := NewOutbox(t, b)
	now := time.Now().UTC()
	ids := SeedOutbox(t, ob.Store, "acme", FaultEntries, now)

	KillMidBatch(t, helperTest, ob, now, FaultKillAfter, env...)
	if got := published(); got != FaultKillAfter {
		t.Fatalf("the broker holds %d messages after the kill, not the %d the helper published", got, FaultKillAfter)
	}
	var calls atomic.Int64
	Finish(t, ob, now.Add(2*FaultLockFor), notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
		calls.Add(1)
		return n.Notify(ctx, e)
	}))
	if want := FaultEntries - FaultKillAfter + FaultRepublished; calls.Load() != int64(want) {
		t.Fatalf("the second dispatcher published %d events, not %d (the unmarked ones again)", calls.Load(), want)
	}
	return ids
}

// BrokerFailures runs, as parallel subtests, what every bus notifier
// promises when its broker fails it: newNotifier returns the notifier
// under test with the given timeout, talking to a broker that is "down"
// (nothing listens) or "silent" (it accepts connections, then answers
// nothing). Down, the error is temporary and comes within the timeout;
// silent, it is temporary and comes once the timeout has passed, and a
// cancelled context ends the call at once with an error that matches
// context.Canceled.
//
// "At once" and "about the timeout" leave hangAfter (5 s) for a loaded
// machine: what they rule out is a call that waits for the broker
// without end, or for a timeout of a minute.
func BrokerFailures(t *testing.T, newNotifier func(t *testing.T, broker string, timeout time.Duration) notify.Notifier) {
	event := Events("acme")[0]
	call := func(ctx context.Context, n notify.Notifier) (time.Duration, error) {
		start := time.Now()
		err := n.Notify(ctx, event)
		return time.Since(start), err
	}
	t.Run("BrokerDownIsRetryableWithinTheTimeout", func(t *testing.T) {
		t.Parallel()
		took, err := call(t.Context(), newNotifier(t, "down", 300*time.Millisecond))
		if err == nil || errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("want a temporary error, got %v", err)
		}
		if took > hangAfter {
			t.Fatalf("took %v: it hangs", took)
		}
	})
	t.Run("SilentBrokerIsRetryableAfterTheTimeout", func(t *testing.T) {
		t.Parallel()
		took, err := call(t.Context(), newNotifier(t, "silent", 300*time.Millisecond))
		if err == nil || errors.Is(err, notify.ErrPermanent) || errors.Is(err, context.Canceled) {
			t.Fatalf("want a temporary error, got %v", err)
		}
		if took < 250*time.Millisecond || took > hangAfter {
			t.Fatalf("took %v, want about the timeout (%v)", took, err)
		}
	})
	t.Run("ContextCancelIsHonoured", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		took, err := call(ctx, newNotifier(t, "silent", time.Minute))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
		if took < 90*time.Millisecond || took > hangAfter {
			t.Fatalf("took %v, want about the 100ms until the cancel", took)
		}
	})
}

// BenchmarkChunk is how many outbox entries each variant of
// [RoundRobin] delivers per iteration.
const BenchmarkChunk = 500

// RoundRobin is the loop of the bus notifiers' benchmarks: each
// iteration, two dispatchers drain [BenchmarkChunk] fresh entries of one
// memory-store outbox to n, then as many of another to a notifier that
// does nothing, each timed on its own ([DispatchAll]). It returns the
// events/s of both and how many events n got.
func RoundRobin(b *testing.B, n notify.Notifier) (rate, noopRate float64, events int) {
	noop := notify.NotifierFunc(func(context.Context, notify.Event) error { return nil })
	store, noopStore := memory.New(), memory.New()
	var took, noopTook time.Duration
	for b.Loop() {
		noopTook += DispatchAll(b, noopStore, "acme", BenchmarkChunk, noop)
		took += DispatchAll(b, store, "acme", BenchmarkChunk, n)
		events += BenchmarkChunk
	}
	return float64(events) / took.Seconds(), float64(events) / noopTook.Seconds(), events
}
