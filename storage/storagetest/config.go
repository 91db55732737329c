package storagetest

import (
	"context"

	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// config tests the optional [storage.ConfigStore] (see Features.Config).
func (s suite) config(t *testing.T) {
	ctx := context.Background()
	cs := func(x any) storage.ConfigStore { return as[storage.ConfigStore](t, x) }
	save := func(t *testing.T, x any, tenant, data string, version int64) (*storage.TenantConfig, error) {
		t.Helper()
		c := &storage.TenantConfig{TenantID: tenant, Version: version, Data: []byte(data), CreatedBy: "admin-" + tenant, CreatedAt: at(time.Duration(len(data)) * time.Minute)}
		return c, cs(x).TenantConfigCreate(ctx, c)
	}

	t.Run("VersionsCountFromOneAndStayReadable", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for i, data := range []string{`{"v":1}`, `{"v":22}`, `{"v":333}`} {
			c, err := save(t, st, tenantA, data, 0)
			require.NoError(t, err)
			require.Equal(t, int64(i+1), c.Version)
		}
		latest, err := cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Equal(t, &storage.TenantConfig{TenantID: tenantA, Version: 3, Data: []byte(`{"v":333}`), CreatedBy: "admin-" + tenantA, CreatedAt: at(9 * time.Minute)}, latest)
		first, err := cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA, Version: 1})
		require.NoError(t, err)
		require.Equal(t, `{"v":1}`, string(first.Data))
		require.Equal(t, at(7*time.Minute), first.CreatedAt)
		list, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Len(t, list, 3)
		for i, c := range list {
			require.Equal(t, int64(3-i), c.Version, "newest first")
			require.Nil(t, c.Data, "the list leaves data out")
			require.Equal(t, "admin-"+tenantA, c.CreatedBy)
		}
		page, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantA, Before: 3, Limit: 1})
		require.NoError(t, err)
		require.Len(t, page, 1)
		require.Equal(t, int64(2), page[0].Version)
	})
	t.Run("UnknownTenantOrVersionIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = save(t, st, tenantA, `{}`, 0)
		require.NoError(t, err)
		for _, v := range []int64{2, -1} {
			_, err = cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA, Version: v})
			require.ErrorIs(t, err, storage.ErrNotFound, "version %d", v)
		}
		list, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantB})
		require.NoError(t, err)
		require.Empty(t, list)
	})
	t.Run("TenantsAreSeparate", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := save(t, st, tenantA, `{"a":1}`, 0)
		require.NoError(t, err)
		_, err = save(t, st, tenantA, `{"a":2}`, 0)
		require.NoError(t, err)
		c, err := save(t, st, tenantB, `{"b":1}`, 0)
		require.NoError(t, err)
		require.Equal(t, int64(1), c.Version, "each tenant counts its own versions")
		_, err = cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantB, Version: 2})
		require.ErrorIs(t, err, storage.ErrNotFound)
		got, err := cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantB})
		require.NoError(t, err)
		require.Equal(t, `{"b":1}`, string(got.Data))
	})
	t.Run("ExpectedVersionMustBeNext", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := save(t, st, tenantA, `{}`, 2)
		require.ErrorIs(t, err, storage.ErrConflict, "version 2 needs a version 1")
		c, err := save(t, st, tenantA, `{"v":1}`, 1)
		require.NoError(t, err)
		require.Equal(t, int64(1), c.Version)
		_, err = save(t, st, tenantA, `{"again":1}`, 1)
		require.ErrorIs(t, err, storage.ErrConflict, "version 1 is taken")
		list, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Len(t, list, 1, "a refused save stores nothing")
	})
	t.Run("RejectsBadInput", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := save(t, st, "", `{}`, 0)
		require.Error(t, err)
		_, err = save(t, st, tenantA, ``, 0)
		require.Error(t, err)
		_, err = save(t, st, tenantA, `{}`, -1)
		require.Error(t, err)
		list, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Empty(t, list)
	})
	t.Run("CreateRollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			c, err := save(t, tx, tenantA, `{"v":1}`, 0)
			require.NoError(t, err)
			require.Equal(t, int64(1), c.Version)
			got, err := cs(tx).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA})
			require.NoError(t, err, "the transaction reads its own version")
			require.Equal(t, int64(1), got.Version)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		_, err = cs(st).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		c, err := save(t, st, tenantA, `{"v":1}`, 0)
		require.NoError(t, err)
		require.Equal(t, int64(1), c.Version, "a rolled back version is not used up")
	})
	t.Run("ConcurrentSavesNeverShareAVersion", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := save(t, st, tenantA, `{"v":1}`, 0)
		require.NoError(t, err)
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				errs[i] = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					latest, err := cs(tx).TenantConfigGet(ctx, storage.TenantConfigGetParams{TenantID: tenantA})
					if err != nil {
						return err
					}
					return cs(tx).TenantConfigCreate(ctx, &storage.TenantConfig{TenantID: tenantA, Version: latest.Version + 1,
						Data: []byte(`{"writer":1}`), CreatedBy: "w", CreatedAt: base})
				})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, storage.ErrConflict)
		}
		require.GreaterOrEqual(t, won, 1)
		list, err := cs(st).TenantConfigList(ctx, storage.TenantConfigListParams{TenantID: tenantA})
		require.NoError(t, err)
		require.Len(t, list, 1+won, "every commit is one version")
		for i, c := range list {
			require.Equal(t, int64(len(list)-i), c.Version, "versions are gap-free and unique")
		}
	})
}
