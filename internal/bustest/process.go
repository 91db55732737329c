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
)

// Environment of a helper process started by [KillMidBatch].
const (
	helperEnv      = "TICKETKIT_BUS_HELPER"            // the SQLite file of the shared outbox
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

// Outbox is an outbox in a SQLite file that several processes share.
type Outbox struct {
	// File is the SQLite file.
	File string
	// Store is bunstore over it, migrated.
	Store storage.Store
}

// NewOutbox returns an empty, migrated outbox in a SQLite file of t's.
func NewOutbox(t testing.TB) Outbox {
	t.Helper()
	db := dbtest.SQLite(t)
	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return Outbox{File: dbtest.SQLiteFile(t, db), Store: store}
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
	cmd.Env = append(os.Environ(), helperEnv+"="+ob.File, helperNowEnv+"="+strconv.FormatInt(now.UnixNano(), 10),
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
	file := os.Getenv(helperEnv)
	if file == "" {
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
	db, err := dbtest.OpenSQLite(file)
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
