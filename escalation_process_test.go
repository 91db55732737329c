package ticketkit_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper processes of TestSweepsInTwoProcesses and
// TestComplaintOverdueSweepsInTwoProcesses.
const (
	sweepHelperEnv    = "TICKETKIT_SWEEP_HELPER" // "sqlite" or "postgres"
	sweepHelperTarget = "TICKETKIT_SWEEP_HELPER_TARGET"
	sweepHelperStart  = "TICKETKIT_SWEEP_HELPER_START" // Unix nanoseconds
	sweepHelperDesk   = "TICKETKIT_SWEEP_HELPER_DESK"  // "sla" or "overdue"
)

// sweepInTwoProcesses runs TestHelperSweepProcess in two copies of this
// test binary at once on db, a database of backend, with the Desk desk
// ("sla": newSLADesk; "overdue": newOverdueDesk), and returns the sum of
// what they handled.
func sweepInTwoProcesses(t *testing.T, backend string, db *bun.DB, desk string) int {
	t.Helper()
	target := dbtest.Target(t, backend, db)
	start := time.Now().Add(2 * time.Second).UnixNano()
	cmds := make([]*exec.Cmd, 2)
	outs := make([]*strings.Builder, 2)
	for i := range cmds {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperSweepProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), sweepHelperEnv+"="+backend, sweepHelperTarget+"="+target,
			sweepHelperStart+"="+strconv.FormatInt(start, 10), sweepHelperDesk+"="+desk)
		outs[i] = new(strings.Builder)
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		require.NoError(t, cmd.Start())
		cmds[i] = cmd
	}
	handled := 0
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "helper process %d:\n%s", i, outs[i])
		_, tail, ok := strings.Cut(outs[i].String(), "handled ")
		require.True(t, ok, "helper process %d:\n%s", i, outs[i])
		var k int
		_, err := fmt.Sscanf(tail, "%d", &k)
		require.NoError(t, err)
		t.Logf("helper process %d handled %d", i, k)
		handled += k
	}
	return handled
}

// TestSweepsInTwoProcesses runs escalation sweeps from two copies of this
// test binary at once on one database, and checks that every level of
// every ticket fired exactly once: once in the history, once in the
// outbox.
func TestSweepsInTwoProcesses(t *testing.T) {
	n := 250 // several batches of 100, so that the processes interleave
	if testing.Short() {
		n = 60
	}
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			s := newSLADesk(t, store)
			ids := openBusy(t, s, n)

			handled := sweepInTwoProcesses(t, b.Name, db, "sla")
			require.Equal(t, n, handled, "each due ticket handled by one process, once")
			for _, id := range ids {
				require.Len(t, historyOf(t, s, id, ticket.FieldSLAEscalation), 2, "ticket %s", id)
			}
			require.Equal(t, 2*n, outboxKinds(t, store)[string(notify.KindEscalated)])
		})
	}
}

// TestHelperSweepProcess is the body of TestSweepsInTwoProcesses's helper
// processes, and of TestComplaintOverdueSweepsInTwoProcesses's: three
// sweeps (see sweepHelperDesk). Run directly, it does nothing.
func TestHelperSweepProcess(t *testing.T) {
	backend := os.Getenv(sweepHelperEnv)
	if backend == "" {
		return
	}
	store := helperStore(t, backend, os.Getenv(sweepHelperTarget))
	// The SLA desk sweeps at t0+12h and counts tickets; the overdue desk a
	// month after friday16, counting overdue actions.
	var desk *ticketkit.Desk
	count := func(r ticketkit.EscalationResult) int { return r.Tickets }
	if os.Getenv(sweepHelperDesk) == "overdue" {
		od := newOverdueDesk(t, store, func(c *ticketkit.Config) { c.Notifier = nil })
		od.clock.Set(friday16.Add(30 * 24 * time.Hour))
		desk, count = od.desk, func(r ticketkit.EscalationResult) int { return r.OverdueActions }
	} else {
		s := newSLADesk(t, store)
		s.at(12)
		desk = s.desk
	}
	startAt, err := strconv.ParseInt(os.Getenv(sweepHelperStart), 10, 64)
	require.NoError(t, err)
	time.Sleep(time.Until(time.Unix(0, startAt)))
	handled := 0
	for range 3 {
		res, err := desk.RunEscalations(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, "sweep:", err)
			os.Exit(1)
		}
		handled += count(res)
	}
	fmt.Printf("handled %d\n", handled)
}
