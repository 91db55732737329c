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
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// Environment of the helper process of TestDesk_TenantConfigAcrossProcesses.
const (
	tenantHelperEnv    = "TICKETKIT_TENANT_HELPER"        // "sqlite" or "postgres"
	tenantHelperTarget = "TICKETKIT_TENANT_HELPER_TARGET" // SQLite file or PostgreSQL schema
	tenantHelperListen = "TICKETKIT_TENANT_HELPER_LISTEN" // "1": listen on PostgreSQL, TTL of an hour
)

// tenantHelperTTL is Config.TenantConfigTTL of the helper's Desk.
const tenantHelperTTL = 300 * time.Millisecond

// TestDesk_TenantConfigAcrossProcesses changes a tenant's configuration
// in this process while a copy of the test binary serves the tenant with
// a Desk of its own, whose cache already holds the tenant's previous
// configuration: the helper sees the new version (its tickets carry it,
// and the new catalog's status is usable) within its TenantConfigTTL of
// the commit, without a restart.
func TestDesk_TenantConfigAcrossProcesses(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			seen := acrossProcesses(t, b.Name, b.Open(t), false)
			t.Logf("the other process saw the new configuration %v after the commit (TTL %v)", seen, tenantHelperTTL)
			// The bound is the TTL; the rest is the helper's polling and
			// a busy machine.
			require.Less(t, seen, tenantHelperTTL+3*time.Second)
		})
	}
	// With LISTEN/NOTIFY the helper's TTL is an hour: only the
	// notification can make it see the change.
	t.Run("postgres-listen", func(t *testing.T) {
		t.Parallel()
		seen := acrossProcesses(t, "postgres", dbtest.Postgres(t), true)
		t.Logf("the listening process saw the new configuration %v after the commit (TTL 1h)", seen)
		require.Less(t, seen, 3*time.Second)
	})
}

// acrossProcesses starts the helper process on db, saves a tenant
// configuration once it is ready, and returns how long after the commit
// the helper saw it; with listen, the helper's Desk learns of changes
// through bunopen.ConfigListener.
func acrossProcesses(t *testing.T, backend string, db *bun.DB, listen bool) time.Duration {
	t.Helper()
	ctx := t.Context()
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	desk, err := ticketkit.New(ticketkit.Config{Store: store})
	require.NoError(t, err)

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperTenantConfigProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), tenantHelperEnv+"="+backend, tenantHelperTarget+"="+dbtest.Target(t, backend, db))
	if listen {
		cmd.Env = append(cmd.Env, tenantHelperListen+"=1")
	}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	waitFor := func(want string) {
		t.Helper()
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), want) {
				return
			}
		}
		t.Fatalf("the helper never said %q (stderr: %s)", want, stderr.String())
	}
	waitFor("ready")

	_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)}})
	require.NoError(t, err)
	committed := time.Now()
	waitFor("seen")
	seen := time.Since(committed)
	for lines.Scan() { // drain, so that the helper can exit
	}
	require.NoError(t, cmd.Wait(), stderr.String())
	return seen
}

// TestHelperTenantConfigProcess is the helper of
// TestDesk_TenantConfigAcrossProcesses; it does nothing unless run by it.
func TestHelperTenantConfigProcess(t *testing.T) {
	backend := os.Getenv(tenantHelperEnv)
	if backend == "" {
		return
	}
	ctx := context.Background()
	store := helperStore(t, backend, os.Getenv(tenantHelperTarget))
	ttl := tenantHelperTTL
	if os.Getenv(tenantHelperListen) != "" {
		ttl = time.Hour
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store, TenantConfigTTL: ttl})
	require.NoError(t, err)
	tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "before"})
	require.NoError(t, err)
	require.Zero(t, tk.ConfigVersion)
	if os.Getenv(tenantHelperListen) != "" {
		l, err := bunopen.ListenTenantConfigs(ctx, os.Getenv(dbtest.PostgresEnv), "")
		require.NoError(t, err)
		listening, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			_ = l.Run(listening, func(tenantID string) { _ = desk.ForgetTenantConfig(listening, tenantID) })
		}()
	}
	fmt.Println("ready")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "polling"})
		require.NoError(t, err)
		if tk.ConfigVersion == 0 {
			continue
		}
		require.Equal(t, int64(1), tk.ConfigVersion)
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: "on_hold"})
		require.NoError(t, err, "the new catalog's status")
		fmt.Println("seen")
		return
	}
	t.Fatal("the new configuration was never seen")
}
