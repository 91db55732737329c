package ticketkit_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Environment of the helper processes of TestDesk_CCLimitAcrossProcesses.
const (
	ccHelperEnv    = "TICKETKIT_CC_HELPER"        // the backend's name
	ccHelperTarget = "TICKETKIT_CC_HELPER_TARGET" // SQLite file, PostgreSQL schema or MySQL database
	ccHelperTicket = "TICKETKIT_CC_HELPER_TICKET" // the ticket's ID
	ccHelperName   = "TICKETKIT_CC_HELPER_NAME"   // the helper's name, in its addresses
)

// ccProcessLimit is Config.MaxCC of the Desks of
// TestDesk_CCLimitAcrossProcesses; each helper tries to copy twice as
// many addresses.
const ccProcessLimit = 4

// TestDesk_CCLimitAcrossProcesses: two copies of the test binary copy
// addresses on one ticket at once, each through a Desk of its own on
// the same database: the ticket ends with exactly Config.MaxCC of them,
// and every refusal is the limit's *ValidationError.
func TestDesk_CCLimitAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			desk, err := ticketkit.New(ticketkit.Config{Store: store, MaxCC: ccProcessLimit})
			require.NoError(t, err)
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Copied twice over"})
			require.NoError(t, err)

			var wg sync.WaitGroup
			outs := make([]string, 2)
			errs := make([]error, 2)
			for i := range 2 {
				wg.Go(func() {
					cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperCCProcess$", "-test.count=1", "-test.v")
					cmd.Env = append(os.Environ(), ccHelperEnv+"="+b.Name, ccHelperTarget+"="+dbtest.Target(t, b.Name, db),
						ccHelperTicket+"="+tk.ID, fmt.Sprintf("%s=p%d", ccHelperName, i))
					out, err := cmd.CombinedOutput()
					outs[i], errs[i] = string(out), err
				})
			}
			wg.Wait()
			added := 0
			for i := range 2 {
				require.NoError(t, errs[i], outs[i])
				added += strings.Count(outs[i], "added ")
			}
			cc, err := desk.CC(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, cc, ccProcessLimit)
			require.Equal(t, ccProcessLimit, added, "each process saw its own additions succeed")
			require.Len(t, linesOf(historyLines(t, desk, tk.ID), "cc"), ccProcessLimit)
		})
	}
}

// TestHelperCCProcess is the helper of TestDesk_CCLimitAcrossProcesses;
// it does nothing unless run by it.
func TestHelperCCProcess(t *testing.T) {
	backend := os.Getenv(ccHelperEnv)
	if backend == "" {
		return
	}
	ctx := context.Background()
	store := helperStore(t, backend, os.Getenv(ccHelperTarget))
	desk, err := ticketkit.New(ticketkit.Config{Store: store, MaxCC: ccProcessLimit})
	require.NoError(t, err)
	name := os.Getenv(ccHelperName)
	for i := range 2 * ccProcessLimit {
		addr := fmt.Sprintf("%s-%d@example.com", name, i)
		_, err := desk.AddCC(ctx, agent, ticketkit.CCParams{TicketID: os.Getenv(ccHelperTicket), Address: addr})
		if err == nil {
			fmt.Println("added", addr)
			continue
		}
		var v *ticketkit.ValidationError
		require.ErrorAs(t, err, &v, "only the limit may refuse %s", addr)
		require.Equal(t, []string{"address"}, fieldNames(v))
	}
}
