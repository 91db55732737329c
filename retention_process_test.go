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

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper processes of
// TestClosedTicketRetentionInTwoProcesses.
const (
	retainHelperEnv    = "TICKETKIT_RETAIN_HELPER" // backend name
	retainHelperTarget = "TICKETKIT_RETAIN_HELPER_TARGET"
	retainHelperStart  = "TICKETKIT_RETAIN_HELPER_START" // Unix nanoseconds
)

// retentionDesk is the Desk of the closed-ticket retention processes:
// closed tickets go after an hour, archived by archive, in batches of 4.
func retentionDesk(t *testing.T, store *bunstore.Store, now time.Time, archive ticketkit.TicketArchiver) *ticketkit.Desk {
	t.Helper()
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(now),
		Retention: ticketkit.RetentionConfig{ClosedTicketsAfter: time.Hour, Archive: archive, TicketBatchSize: 4}})
	require.NoError(t, err)
	return desk
}

// TestClosedTicketRetentionInTwoProcesses runs retention passes from two
// copies of this test binary at once on one database, and checks that
// every closed ticket was archived exactly once and deleted, and the
// open ones kept.
func TestClosedTicketRetentionInTwoProcesses(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 24
	}
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			seed := retentionDesk(t, store, t0, nil)
			closed := map[string]bool{}
			var open []string
			for i := range n + 3 {
				tk := mustOpen(t, seed, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("ticket %d", i)})
				if i < n {
					mustMove(t, seed, agent, tk.ID, ticket.StatusClosed, "done")
					closed[tk.ID] = true
				} else {
					open = append(open, tk.ID)
				}
			}

			target := dbtest.Target(t, b.Name, db)
			start := time.Now().Add(2 * time.Second).UnixNano()
			cmds := make([]*exec.Cmd, 2)
			outs := make([]*strings.Builder, 2)
			for i := range cmds {
				cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperRetentionProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), retainHelperEnv+"="+b.Name, retainHelperTarget+"="+target,
					retainHelperStart+"="+strconv.FormatInt(start, 10))
				outs[i] = new(strings.Builder)
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				require.NoError(t, cmd.Start())
				cmds[i] = cmd
			}
			archived := map[string]int{}
			deleted := 0
			for i, cmd := range cmds {
				require.NoError(t, cmd.Wait(), "helper process %d:\n%s", i, outs[i])
				per := 0
				for line := range strings.Lines(outs[i].String()) {
					if id, ok := strings.CutPrefix(strings.TrimSpace(line), "archived "); ok {
						archived[id]++
						per++
					}
					if k, ok := strings.CutPrefix(strings.TrimSpace(line), "deleted "); ok {
						d, err := strconv.Atoi(k)
						require.NoError(t, err)
						deleted += d
					}
				}
				t.Logf("helper process %d archived %d", i, per)
			}
			require.Len(t, archived, n, "every closed ticket archived")
			for id, k := range archived {
				require.True(t, closed[id], "only closed tickets")
				require.Equal(t, 1, k, "ticket %s archived by one process, once", id)
			}
			require.Equal(t, n, deleted)
			for id := range closed {
				_, err := seed.Get(ctx, agent, id)
				require.ErrorIs(t, err, ticketkit.ErrNotFound)
			}
			for _, id := range open {
				_, err := seed.Get(ctx, agent, id)
				require.NoError(t, err, "open tickets stay")
			}
		})
	}
}

// TestHelperRetentionProcess is the body of
// TestClosedTicketRetentionInTwoProcesses's helper processes: retention
// passes until one finds nothing, printing each archived ticket and how
// many tickets it deleted. Run directly, it does nothing.
func TestHelperRetentionProcess(t *testing.T) {
	backend := os.Getenv(retainHelperEnv)
	if backend == "" {
		return
	}
	store := helperStore(t, backend, os.Getenv(retainHelperTarget))
	var out strings.Builder
	desk := retentionDesk(t, store, t0.Add(2*time.Hour), ticketkit.TicketArchiverFunc(func(ctx context.Context, et ticketkit.ExportedTicket) error {
		time.Sleep(time.Millisecond) // hold the batch a little, so that the processes interleave
		fmt.Fprintf(&out, "archived %s\n", et.Ticket.ID)
		return nil
	}))
	startAt, err := strconv.ParseInt(os.Getenv(retainHelperStart), 10, 64)
	require.NoError(t, err)
	time.Sleep(time.Until(time.Unix(0, startAt)))
	deleted := 0
	for {
		res, err := desk.RunRetention(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, "retention:", err)
			os.Exit(1)
		}
		deleted += res.ClosedTickets
		if res.ClosedTickets == 0 && !res.More {
			break
		}
	}
	// The archive lines of a batch whose transaction failed would be
	// printed twice; RunRetention returned no error, so each committed.
	fmt.Print(out.String())
	fmt.Printf("deleted %d\n", deleted)
}
