package storagetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

func (s suite) sequence(t *testing.T) {
	ctx := context.Background()
	next := func(t *testing.T, st storage.Tx, tenant, scope string) int64 {
		t.Helper()
		n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenant, Scope: scope})
		require.NoError(t, err)
		return n
	}

	t.Run("StartsAtOneAndIncrements", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for want := int64(1); want <= 5; want++ {
			require.Equal(t, want, next(t, st, tenantA, "TK-2026"))
		}
	})

	t.Run("IsSeparatePerScope", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.Equal(t, int64(1), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(2), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(1), next(t, st, tenantA, "TK-2027"))
		require.Equal(t, int64(1), next(t, st, tenantA, "CP-2026"))
		require.Equal(t, int64(3), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(2), next(t, st, tenantA, "TK-2027"))
	})

	t.Run("IsSeparatePerTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.Equal(t, int64(1), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(2), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(1), next(t, st, tenantB, "TK-2026"))
		require.Equal(t, int64(3), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(2), next(t, st, tenantB, "TK-2026"))
	})

	t.Run("CommitsWithTx", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.Equal(t, int64(1), next(t, tx, tenantA, "TK-2026"))
			require.Equal(t, int64(2), next(t, tx, tenantA, "TK-2026"))
			return nil
		}))
		require.Equal(t, int64(3), next(t, st, tenantA, "TK-2026"))
	})

	t.Run("IsRolledBackWithAFailedTxSoNumbersStayGapFree", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.Equal(t, int64(1), next(t, st, tenantA, "TK-2026"))
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.Equal(t, int64(2), next(t, tx, tenantA, "TK-2026"))
			require.Equal(t, int64(1), next(t, tx, tenantA, "TK-2027"))
			return boom
		})
		require.ErrorIs(t, err, boom)

		require.Equal(t, int64(2), next(t, st, tenantA, "TK-2026"))
		require.Equal(t, int64(1), next(t, st, tenantA, "TK-2027"))
	})

	t.Run("ConcurrentSequenceNextIsUnique", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		const workers, each = 16, 50
		got := make([][]int64, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for range each {
					var n int64
					err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
						var err error
						n, err = tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantA, Scope: "TK-2026"})
						return err
					})
					if err != nil {
						errs[w] = err
						return
					}
					got[w] = append(got[w], n)
				}
			})
		}
		wg.Wait()
		for w, err := range errs {
			require.NoError(t, err, "worker %d", w)
		}

		var all []int64
		for _, g := range got {
			all = append(all, g...)
		}
		slices.Sort(all)
		want := make([]int64, workers*each)
		for i := range want {
			want[i] = int64(i + 1)
		}
		require.Equal(t, want, all)
	})
}
