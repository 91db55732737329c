package ticketkit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Environment of the helper processes of TestPoisonNotifierInOtherProcesses.
const (
	dispatchHelperEnv    = "TICKETKIT_DISPATCH_HELPER"        // "sqlite" or "postgres"
	dispatchHelperTarget = "TICKETKIT_DISPATCH_HELPER_TARGET" // SQLite file or PostgreSQL schema
	dispatchHelperMode   = "TICKETKIT_DISPATCH_HELPER_MODE"   // "panic" or "hang"
	dispatchHelperNow    = "TICKETKIT_DISPATCH_HELPER_NOW"    // Unix nanoseconds of the fake clock
	dispatchHelperLog    = "TICKETKIT_DISPATCH_HELPER_LOG"    // file the delivered event IDs are appended to
)

// Settings of the dispatchers of TestPoisonNotifierInOtherProcesses.
const (
	poisonMaxAttempts = 3
	poisonLockFor     = time.Minute
	poisonEntries     = 20
)

// TestPoisonNotifierInOtherProcesses runs dispatchers in copies of this
// test binary whose notifier cannot survive the first outbox entry (the
// poison), then a dispatcher in this process. With a notifier that
// panics, the helper survives it and dead-letters the poison. With one
// that hangs, each helper is killed with SIGKILL in the middle of the
// delivery, MaxAttempts times; the next claim then dead-letters the
// poison instead of delivering it again. Either way the 19 entries
// behind the poison are delivered exactly once, counted by event ID.
func TestPoisonNotifierInOtherProcesses(t *testing.T) {
	for _, b := range dbtest.Backends() {
		for _, mode := range []string{"panic", "hang"} {
			t.Run(b.Name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := b.Open(t)
				store, err := bunstore.New(db, bunstore.Config{})
				require.NoError(t, err)
				require.NoError(t, store.Migrate(ctx))
				clk := clock.NewFake(t0)
				openPoisoned(t, store, clk, poisonEntries)

				target := dbtest.Target(t, b.Name, db)
				log := filepath.Join(t.TempDir(), "delivered")
				helper := func(now time.Time) *exec.Cmd {
					cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperDispatchProcess$", "-test.count=1")
					cmd.Env = append(os.Environ(), dispatchHelperEnv+"="+b.Name, dispatchHelperTarget+"="+target,
						dispatchHelperMode+"="+mode, dispatchHelperNow+"="+strconv.FormatInt(now.UnixNano(), 10),
						dispatchHelperLog+"="+log)
					return cmd
				}

				if mode == "panic" {
					clk.Advance(time.Hour)
					out, err := helper(clk.Now()).CombinedOutput()
					require.NoError(t, err, "the helper survives its notifier's panic:\n%s", out)
				} else {
					for k := range poisonMaxAttempts {
						clk.Advance(2 * poisonLockFor) // the killed helper's claim has run out
						killWhileDelivering(t, helper(clk.Now()), k)
					}
				}

				// Another dispatcher, later: nothing of the poison's is
				// delivered again, what is left is delivered.
				clk.Advance(2 * poisonLockFor)
				led := newLedger()
				d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
					Store: store, Clock: clk, MaxAttempts: poisonMaxAttempts, LockFor: poisonLockFor,
					Notifier: led.notifier(func(e notify.Event) error {
						if e.Ticket.Subject == poisonSubject {
							return errors.New("the poison was claimed again")
						}
						return appendLine(log, e.ID)
					}),
				})
				require.NoError(t, err)
				res, err := d.RunOnce(ctx)
				require.NoError(t, err)
				require.Zero(t, res.Dead+res.Retried, "the poison is not claimed again")

				dead, err := d.DeadLetters(ctx, storage.OutboxDeadListParams{})
				require.NoError(t, err)
				require.Len(t, dead, 1)
				require.LessOrEqual(t, dead[0].Attempts, poisonMaxAttempts)
				if mode == "panic" {
					require.Contains(t, dead[0].LastError, "notifier panicked: poison pill")
				} else {
					require.Equal(t, poisonMaxAttempts, dead[0].Attempts)
					require.True(t, strings.HasPrefix(dead[0].LastError, storage.OutboxExhausted), dead[0].LastError)
				}

				data, err := os.ReadFile(log)
				require.NoError(t, err)
				times := map[string]int{}
				for id := range strings.FieldsSeq(string(data)) {
					times[id]++
				}
				require.Len(t, times, poisonEntries-1, "every entry behind the poison delivered")
				for id, n := range times {
					require.Equal(t, 1, n, "event %s delivered %d times", id, n)
				}
				require.NotContains(t, times, dead[0].ID)
			})
		}
	}
}

// killWhileDelivering starts cmd, waits until it says its notifier is
// stuck in a delivery, and kills it with SIGKILL.
func killWhileDelivering(t *testing.T, cmd *exec.Cmd, k int) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	stuck := false
	for !stuck && lines.Scan() {
		stuck = lines.Text() == "hanging"
	}
	if !stuck {
		_ = cmd.Wait()
		t.Fatalf("helper %d ended without hanging:\n%s", k, stderr.String())
	}
	require.NoError(t, cmd.Process.Kill())
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "helper %d", k)
	require.False(t, exit.Exited(), "helper %d was killed, not ended", k)
}

// appendLine appends line to the file at path.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// TestHelperDispatchProcess is the body of the helper processes of
// TestPoisonNotifierInOtherProcesses: a dispatcher whose notifier panics
// on the poison ("panic", batches of 20, until the outbox is empty) or
// hangs in it ("hang", batches of 1, so that the entries behind the
// poison are not claimed with it). Run directly, it does nothing.
func TestHelperDispatchProcess(t *testing.T) {
	backend := os.Getenv(dispatchHelperEnv)
	if backend == "" {
		return
	}
	store := helperStore(t, backend, os.Getenv(dispatchHelperTarget))
	nanos, err := strconv.ParseInt(os.Getenv(dispatchHelperNow), 10, 64)
	require.NoError(t, err)
	hang := os.Getenv(dispatchHelperMode) == "hang"
	log := os.Getenv(dispatchHelperLog)
	batch := poisonEntries
	if hang {
		batch = 1
	}
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: store, Clock: clock.NewFake(time.Unix(0, nanos)), BatchSize: batch,
		MaxAttempts: poisonMaxAttempts, LockFor: poisonLockFor,
		Notifier: notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
			if e.Ticket.Subject != poisonSubject {
				return appendLine(log, e.ID)
			}
			if hang {
				fmt.Println("hanging")
				time.Sleep(time.Hour) // until SIGKILL
			}
			panic("poison pill")
		}),
	})
	require.NoError(t, err)
	for {
		res, err := d.RunOnce(context.Background())
		require.NoError(t, err)
		if res.Claimed == 0 {
			return
		}
	}
}
