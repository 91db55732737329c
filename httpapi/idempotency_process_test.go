package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Environment of the helper processes of
// TestIdempotencyKeySurvivesAKillAfterCommit.
const (
	idemHelperEnv    = "TICKETKIT_IDEM_HELPER"        // "sqlite" or "postgres"
	idemHelperTarget = "TICKETKIT_IDEM_HELPER_TARGET" // SQLite file or PostgreSQL schema
	idemHelperMode   = "TICKETKIT_IDEM_HELPER_MODE"   // "die-after-commit" or "serve"
)

// apiProcess is a copy of this test binary serving the API.
type apiProcess struct {
	cmd   *exec.Cmd
	url   string
	lines *bufio.Scanner
}

// startAPIProcess starts a helper process serving the API over the
// database target of backend, in mode, and waits until it listens.
func startAPIProcess(t *testing.T, backend, target, mode string) *apiProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperIdempotencyProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), idemHelperEnv+"="+backend, idemHelperTarget+"="+target, idemHelperMode+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	p := &apiProcess{cmd: cmd, lines: bufio.NewScanner(out)}
	p.url = "http://" + p.waitFor(t, "listening ")
	return p
}

// waitFor reads the helper's output up to a line starting with prefix
// and returns the rest of that line.
func (p *apiProcess) waitFor(t *testing.T, prefix string) string {
	t.Helper()
	for p.lines.Scan() {
		if rest, ok := strings.CutPrefix(p.lines.Text(), prefix); ok {
			return rest
		}
	}
	require.FailNowf(t, "helper process ended", "before printing %q: %v", prefix, p.lines.Err())
	return ""
}

// TestIdempotencyKeySurvivesAKillAfterCommit is the done-when test of
// issue 16 item 2: a server in another OS process opens a ticket for a
// request with an Idempotency-Key and is killed with SIGKILL after the
// commit, before it writes the answer. The client gets no answer and
// retries against a fresh process: it gets the first answer, and the
// database holds one ticket for the key.
func TestIdempotencyKeySurvivesAKillAfterCommit(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			target := dbtest.Target(t, b.Name, db)

			first := startAPIProcess(t, b.Name, target, "die-after-commit")
			sent := make(chan error, 1)
			go func() {
				res, err := sendTo(first.url, agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "crash-1")
				if err == nil {
					err = fmt.Errorf("got an answer from the killed server: %d %s", res.status, res.body)
				}
				sent <- err
			}()
			first.waitFor(t, "committed")
			require.NoError(t, first.cmd.Process.Kill()) // SIGKILL
			_ = first.cmd.Wait()
			err = <-sent
			require.Error(t, err)
			require.NotContains(t, err.Error(), "got an answer", "the client got no answer")

			desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: testCatalog(t)})
			require.NoError(t, err)
			page, err := desk.Search(ctx, agent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Len(t, page.Tickets, 1, "the ticket committed before the kill")

			second := startAPIProcess(t, b.Name, target, "serve")
			retry, err := sendTo(second.url, agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "crash-1")
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, retry.status, retry.body)
			require.Equal(t, "true", retry.header.Get("Idempotent-Replayed"))
			var got apiTicket
			require.NoError(t, json.Unmarshal([]byte(retry.body), &got))
			require.Equal(t, page.Tickets[0].ID, got.ID, "the first answer: the ticket the killed server opened")
			require.Equal(t, "tickets/"+got.ID, retry.header.Get("Location"))

			page, err = desk.Search(ctx, agent, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Len(t, page.Tickets, 1, "one ticket for the key")

			other, err := sendTo(second.url, agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "crash-2")
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, other.status, "a new key opens a new ticket")
			require.Empty(t, other.header.Get("Idempotent-Replayed"))
		})
	}
}

// TestHelperIdempotencyProcess is the server of
// TestIdempotencyKeySurvivesAKillAfterCommit when run with its
// environment; otherwise it does nothing.
func TestHelperIdempotencyProcess(t *testing.T) {
	backend := os.Getenv(idemHelperEnv)
	if backend == "" {
		return
	}
	db, err := dbtest.OpenTarget(backend, os.Getenv(idemHelperTarget))
	require.NoError(t, err)
	defer db.Close()
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: testCatalog(t), Blobs: blob.NewMemory(blob.Config{})})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	if os.Getenv(idemHelperMode) == "die-after-commit" {
		httpapi.SetAfterIdempotentCommit(func() {
			fmt.Println("committed")
			time.Sleep(time.Hour) // until SIGKILL
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	fmt.Println("listening " + ln.Addr().String())
	_ = http.Serve(ln, api) // until SIGKILL
}
