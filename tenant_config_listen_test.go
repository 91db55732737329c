package ticketkit_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_TenantConfigListen saves a tenant's configuration through one
// Desk while another, whose cache holds the previous version for an
// hour, listens on PostgreSQL (bunopen.ConfigListener): the notification
// arrives when the save commits, ForgetTenantConfig drops the cached
// version, and the listening Desk uses the new one at once; a third
// Desk that does not listen still has the old one, so the TTL alone
// would not have done it.
func TestDesk_TenantConfigListen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := dbtest.Postgres(t)
	prefix := fmt.Sprintf("l%d_", time.Now().UnixNano()%1_000_000_000) // a channel of this test's own
	store, err := bunstore.New(db, bunstore.Config{TablePrefix: prefix})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	var desks [3]*ticketkit.Desk // admin's, listening, deaf
	for i := range desks {
		desks[i], err = ticketkit.New(ticketkit.Config{Store: store, TenantConfigTTL: time.Hour})
		require.NoError(t, err)
	}
	save := func(label string) {
		spec := ticket.DefaultCatalogSpec()
		spec.Statuses[0].Label.Text = label
		_, err := desks[0].ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
	}
	label := func(d *ticketkit.Desk) string {
		cat, err := d.TenantCatalog(ctx, tenantAdmin.TenantID)
		require.NoError(t, err)
		return cat.Statuses()[0].Label.Text
	}

	l, err := bunopen.ListenTenantConfigs(ctx, os.Getenv(dbtest.PostgresEnv), prefix)
	require.NoError(t, err)
	heard := make(chan string, 4)
	done := make(chan error, 1)
	listening, stop := context.WithCancel(ctx)
	go func() {
		done <- l.Run(listening, func(tenantID string) {
			require.NoError(t, desks[1].ForgetTenantConfig(ctx, tenantID))
			heard <- tenantID
		})
	}()

	save("first")
	require.Equal(t, tenantAdmin.TenantID, <-heard)
	require.Equal(t, "first", label(desks[1]))
	require.Equal(t, "first", label(desks[2]))

	save("second")
	select {
	case id := <-heard:
		require.Equal(t, tenantAdmin.TenantID, id)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification 10 s after the commit")
	}
	require.Equal(t, "second", label(desks[1]), "the listening Desk uses the new version at once")
	require.Equal(t, "first", label(desks[2]), "a Desk that does not listen waits for its TTL")
	require.Empty(t, done, "the listener is still running")
	stop()
	require.ErrorIs(t, <-done, context.Canceled)
}
