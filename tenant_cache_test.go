package ticketkit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// countingStore counts the reads of tenants' latest configuration
// versions, which the Desk makes only for tenants it has not cached (or
// whose entry is older than the TTL).
type countingStore struct {
	*memory.Store
	mu    sync.Mutex
	reads map[string]int
}

func (s *countingStore) TenantConfigList(ctx context.Context, p storage.TenantConfigListParams) ([]*storage.TenantConfig, error) {
	s.mu.Lock()
	s.reads[p.TenantID]++
	s.mu.Unlock()
	return s.Store.TenantConfigList(ctx, p)
}

func (s *countingStore) readsOf(tenant string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads[tenant]
}

// TestDesk_TenantConfigCacheBound serves more tenants than the cache
// holds: the least recently used are dropped and read again on their
// next use, the recently used stay cached, and each still gets its own
// configuration.
func TestDesk_TenantConfigCacheBound(t *testing.T) {
	t.Parallel()
	store := &countingStore{Store: memory.New(), reads: map[string]int{}}
	clk := clock.NewFake(t0)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, TenantConfigTTL: time.Hour, TenantConfigCacheSize: 8})
	require.NoError(t, err)
	ctx := t.Context()
	tenant := func(i int) string { return fmt.Sprintf("shop-%02d", i) }
	label := func(i int) string { return fmt.Sprintf("Open at shop %d", i) }
	for i := range 20 {
		spec := ticket.DefaultCatalogSpec()
		spec.Statuses[0].Label.Text = label(i)
		_, err := desk.ConfigureTenant(ctx, ticketkit.Actor{ID: "admin", Role: ticket.RoleAdmin, TenantID: tenant(i)},
			ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
	}
	// Shop 19 was saved last: its view is cached. Shop 0 was dropped
	// long ago.
	use := func(i int) {
		t.Helper()
		cat, err := desk.TenantCatalog(ctx, tenant(i))
		require.NoError(t, err)
		require.Equal(t, label(i), cat.Statuses()[0].Label.Text)
	}
	use(19)
	require.Zero(t, store.readsOf(tenant(19)), "cached by its save")
	use(0)
	require.Equal(t, 1, store.readsOf(tenant(0)), "dropped: read again")
	use(0)
	require.Equal(t, 1, store.readsOf(tenant(0)), "cached again")

	// Keep shop 0 in use while 30 other tenants pass through: it is
	// never the least recently used, so it is never dropped.
	for i := range 30 {
		use(i%19 + 1)
		use(0)
	}
	require.Equal(t, 1, store.readsOf(tenant(0)), "the busy tenant stays cached")
	require.Greater(t, store.readsOf(tenant(1)), 1, "quiet tenants were dropped and read again")
}

// TestDesk_TenantConfigCacheConcurrent serves many tenants from many
// goroutines with a small cache (run with -race): every answer is the
// asking tenant's configuration.
func TestDesk_TenantConfigCacheConcurrent(t *testing.T) {
	t.Parallel()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), TenantConfigCacheSize: 3})
	require.NoError(t, err)
	ctx := t.Context()
	const tenants = 12
	for i := range tenants {
		spec := ticket.DefaultCatalogSpec()
		spec.Statuses[0].Label.Text = fmt.Sprint(i)
		_, err := desk.ConfigureTenant(ctx, ticketkit.Actor{ID: "admin", Role: ticket.RoleAdmin, TenantID: fmt.Sprint(i)},
			ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
	}
	var wrong atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g*7 + n) % tenants
				cat, err := desk.TenantCatalog(ctx, fmt.Sprint(i))
				if err != nil || cat.Statuses()[0].Label.Text != fmt.Sprint(i) {
					wrong.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.Zero(t, wrong.Load())
}

// TestDesk_ConfigureTenantIfUnconfigured races saves based on version 0
// (CheckVersion, an HTTP If-Match of "config.0") from two Desks on one
// store, on every backend: exactly one commits, the others fail with
// ErrConflict, and a later one based on version 0 fails too.
func TestDesk_ConfigureTenantIfUnconfigured(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		store := b.Open(t)
		var desks [2]*ticketkit.Desk
		for i := range desks {
			var err error
			desks[i], err = ticketkit.New(ticketkit.Config{Store: store})
			require.NoError(t, err)
		}
		p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: withoutStatus(ticket.StatusEscalated)}, CheckVersion: true}
		const savers = 6
		errs := make(chan error, savers)
		var wg sync.WaitGroup
		for i := range savers {
			wg.Go(func() {
				_, err := desks[i%2].ConfigureTenant(t.Context(), tenantAdmin, p)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		won := conflictsBut(t, errs)
		require.Equal(t, 1, won)
		_, err := desks[0].ConfigureTenant(t.Context(), tenantAdmin, p)
		require.ErrorIs(t, err, ticketkit.ErrConflict)
		p.CheckVersion = false
		v, err := desks[1].ConfigureTenant(t.Context(), tenantAdmin, p)
		require.NoError(t, err, "without the condition the save goes through")
		require.Equal(t, int64(2), v.Version)
	})
}

// conflictsBut drains errs, requires every error to be ErrConflict and
// returns how many calls succeeded.
func conflictsBut(t *testing.T, errs <-chan error) int {
	t.Helper()
	won := 0
	for err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, ticketkit.ErrConflict)
	}
	return won
}
