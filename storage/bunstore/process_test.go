package bunstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Environment of the helper processes of TestTwoProcesses.
const (
	helperEnv       = "TICKETKIT_BUNSTORE_HELPER"        // "sqlite" or "postgres"
	helperTargetEnv = "TICKETKIT_BUNSTORE_HELPER_TARGET" // see dbtest.Target
	helperStartEnv  = "TICKETKIT_BUNSTORE_HELPER_START"  // Unix nanoseconds
	helperTickets   = 300
)

// TestTwoProcesses runs two copies of this test binary at once, each
// migrating the same database and opening helperTickets tickets in one
// tenant and scope, and checks that the numbers are 1..2×helperTickets.
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			env := []string{helperEnv + "=" + b.Name, helperTargetEnv + "=" + dbtest.Target(t, b.Name, db)}
			// Both start their work at the same instant, after the
			// slower one has had time to start up.
			start := time.Now().Add(2 * time.Second).UnixNano()
			env = append(env, helperStartEnv+"="+strconv.FormatInt(start, 10))

			cmds := make([]*exec.Cmd, 2)
			outs := make([]*strings.Builder, 2)
			for i := range cmds {
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), env...)
				outs[i] = new(strings.Builder)
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				require.NoError(t, cmd.Start())
				cmds[i] = cmd
			}
			for i, cmd := range cmds {
				require.NoError(t, cmd.Wait(), "helper process %d:\n%s", i, outs[i])
			}

			var numbers []string
			require.NoError(t, db.NewSelect().TableExpr("ticketkit_tickets").Column("number").
				Where("tenant_id = ?", "acme").Scan(ctx, &numbers))
			seqs := make([]int64, len(numbers))
			for i, n := range numbers {
				s, ok := strings.CutPrefix(n, "TK-2026-")
				require.True(t, ok, n)
				v, err := strconv.ParseInt(s, 10, 64)
				require.NoError(t, err)
				seqs[i] = v
			}
			requireGapFree(t, seqs, 2*helperTickets)
		})
	}
}

// TestHelperProcess is the body of TestTwoProcesses's helper processes;
// run directly, it does nothing.
func TestHelperProcess(t *testing.T) {
	backend := os.Getenv(helperEnv)
	if backend == "" {
		return
	}
	if err := helperProcess(backend); err != nil {
		fmt.Fprintln(os.Stderr, "helper process:", err)
		os.Exit(1)
	}
}

func helperProcess(backend string) error {
	ctx := context.Background()
	db, err := dbtest.OpenTarget(backend, os.Getenv(helperTargetEnv))
	if err != nil {
		return err
	}
	defer db.Close()
	start, err := strconv.ParseInt(os.Getenv(helperStartEnv), 10, 64)
	if err != nil {
		return err
	}
	time.Sleep(time.Until(time.Unix(0, start)))

	// Both processes migrate the empty database at once.
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return err
	}
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	var errs []error
	for range helperTickets {
		if _, err := openTicket(ctx, st, "acme", "TK-2026"); err != nil {
			errs = append(errs, err)
			if len(errs) == 3 {
				break
			}
		}
	}
	return errors.Join(errs...)
}
