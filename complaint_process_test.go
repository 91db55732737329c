package ticketkit_test

import (
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

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Environment of the helper processes of TestPostComplaintInTwoProcesses.
const (
	postHelperEnv       = "TICKETKIT_POST_HELPER" // "sqlite" or "postgres"
	postHelperTarget    = "TICKETKIT_POST_HELPER_TARGET"
	postHelperComplaint = "TICKETKIT_POST_HELPER_COMPLAINT"
	postHelperStart     = "TICKETKIT_POST_HELPER_START" // Unix nanoseconds
)

// fixedStore is a dbtest.Store that hands out one store.
func fixedStore(name string, s storage.Store) backend {
	return backend{Name: name, Open: func(testing.TB) storage.Store { return s }}
}

// TestPostComplaintInTwoProcesses posts one complaint from two copies of
// this test binary at once on one database: the remedy handler runs in
// exactly one of them, and the other process's posting is refused with
// ErrPosted.
func TestPostComplaintInTwoProcesses(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			cd := newComplaintDesk(t, fixedStore(b.Name, store), workflow.ComplaintRules{})
			c := cd.toFulfilled(t, cd.open(t))

			target := dbtest.Target(t, b.Name, db)
			start := time.Now().Add(2 * time.Second).UnixNano()
			cmds := make([]*exec.Cmd, 2)
			outs := make([]*strings.Builder, 2)
			for i := range cmds {
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperPostProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), postHelperEnv+"="+b.Name, postHelperTarget+"="+target,
					postHelperComplaint+"="+c.ID, postHelperStart+"="+strconv.FormatInt(start, 10))
				outs[i] = new(strings.Builder)
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				require.NoError(t, cmd.Start())
				cmds[i] = cmd
			}
			var calls, posted, refused int
			for i, cmd := range cmds {
				require.NoError(t, cmd.Wait(), "helper process %d:\n%s", i, outs[i])
				_, tail, ok := strings.Cut(outs[i].String(), "calls ")
				require.True(t, ok, "helper process %d:\n%s", i, outs[i])
				var n int
				var result string
				_, err := fmt.Sscanf(tail, "%d %s", &n, &result)
				require.NoError(t, err, "helper process %d:\n%s", i, outs[i])
				calls += n
				switch result {
				case "posted":
					posted++
				case "refused":
					refused++
				default:
					t.Fatalf("helper process %d:\n%s", i, outs[i])
				}
			}
			require.Equal(t, 1, calls, "the remedy handler ran once over both processes")
			require.Equal(t, []int{1, 1}, []int{posted, refused})
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.True(t, got.Details.Posted)
		})
	}
}

// TestHelperPostProcess is the body of TestPostComplaintInTwoProcesses's
// helper processes: one posting, with a handler that takes its time. It
// prints "calls <handler calls> posted|refused". Run directly, it does
// nothing.
func TestHelperPostProcess(t *testing.T) {
	backendName := os.Getenv(postHelperEnv)
	if backendName == "" {
		return
	}
	store := helperStore(t, backendName, os.Getenv(postHelperTarget))
	cd := newComplaintDesk(t, fixedStore(backendName, store), workflow.ComplaintRules{})
	var calls atomic.Int32
	cd.handle = func(context.Context, ticket.RemedyRequest) (ticket.RemedyResult, error) {
		calls.Add(1)
		time.Sleep(300 * time.Millisecond) // the other process posts meanwhile
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}}, nil
	}
	startAt, err := strconv.ParseInt(os.Getenv(postHelperStart), 10, 64)
	require.NoError(t, err)
	time.Sleep(time.Until(time.Unix(0, startAt)))
	_, err = cd.desk.ComplaintPost(context.Background(), agent, ticketkit.ComplaintPostParams{ComplaintID: os.Getenv(postHelperComplaint)})
	result := "posted"
	switch {
	case errors.Is(err, ticketkit.ErrPosted):
		result = "refused"
	case err != nil:
		fmt.Fprintln(os.Stderr, "post:", err)
		os.Exit(1)
	}
	fmt.Printf("calls %d %s\n", calls.Load(), result)
}
