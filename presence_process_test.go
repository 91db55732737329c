package ticketkit_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper process of TestDesk_PresenceAcrossProcesses.
const (
	presenceHelperEnv    = "TICKETKIT_PRESENCE_HELPER"        // backend name
	presenceHelperTarget = "TICKETKIT_PRESENCE_HELPER_TARGET" // SQLite file, PostgreSQL schema or MySQL database
	presenceHelperTicket = "TICKETKIT_PRESENCE_HELPER_TICKET" // the ticket's ID
)

// presenceProcessTTL is Config.PresenceTTL of both processes' Desks.
const presenceProcessTTL = 2 * time.Second

// TestDesk_PresenceAcrossProcesses: a copy of the test binary (another
// agent's server) takes a replying lease on a ticket and exits without
// releasing it, as a crashed browser or server would. This process sees
// the other agent replying, its own TakePresence names them, and the
// lease then ends by itself, with nobody releasing it, once its TTL has
// passed.
func TestDesk_PresenceAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			desk, err := ticketkit.New(ticketkit.Config{Store: store, PresenceTTL: presenceProcessTTL})
			require.NoError(t, err)
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})

			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperPresenceProcess$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), presenceHelperEnv+"="+b.Name, presenceHelperTarget+"="+dbtest.Target(t, b.Name, db),
				presenceHelperTicket+"="+tk.ID)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			lines := bufio.NewScanner(stdout)
			taken := false
			for lines.Scan() {
				if strings.HasPrefix(lines.Text(), "taken") {
					taken = true
					break
				}
			}
			for lines.Scan() { // drain, so that the helper can exit
			}
			require.NoError(t, cmd.Wait(), stderr.String())
			require.True(t, taken, "the helper never took its lease (stderr: %s)", stderr.String())

			res, err := desk.TakePresence(ctx, agent, ticketkit.TakePresenceParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, res.Others, 1, "the other process's lease")
			require.Equal(t, super.ID, res.Others[0].UserID)
			require.Equal(t, ticket.PresenceReplying, res.Others[0].Activity)

			// Nobody releases it: it must end by itself. The bound is the
			// TTL; the rest is polling on a busy machine.
			deadline := res.Others[0].ExpiresAt.Add(5 * time.Second)
			for {
				all, err := desk.Presence(ctx, agent, tk.ID)
				require.NoError(t, err)
				if !slicesContainsUser(all, super.ID) {
					break
				}
				require.True(t, time.Now().Before(deadline), "the dead process's lease outlived its TTL")
				time.Sleep(50 * time.Millisecond)
			}
			require.False(t, time.Now().Before(res.Others[0].ExpiresAt), "the lease ended before its ExpiresAt")
		})
	}
}

// slicesContainsUser reports whether a lease of user is among ls.
func slicesContainsUser(ls []ticket.Presence, user string) bool {
	for _, l := range ls {
		if l.UserID == user {
			return true
		}
	}
	return false
}

// TestHelperPresenceProcess is the helper of
// TestDesk_PresenceAcrossProcesses; it does nothing unless run by it.
func TestHelperPresenceProcess(t *testing.T) {
	backend := os.Getenv(presenceHelperEnv)
	if backend == "" {
		return
	}
	ctx := context.Background()
	store := helperStore(t, backend, os.Getenv(presenceHelperTarget))
	desk, err := ticketkit.New(ticketkit.Config{Store: store, PresenceTTL: presenceProcessTTL})
	require.NoError(t, err)
	res, err := desk.TakePresence(ctx, super, ticketkit.TakePresenceParams{TicketID: os.Getenv(presenceHelperTicket), Activity: ticket.PresenceReplying})
	require.NoError(t, err)
	require.Empty(t, res.Others, "the first process is not viewing yet")
	fmt.Println("taken")
}
