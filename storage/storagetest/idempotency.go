package storagetest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// idempotency tests the optional [storage.IdempotencyStore] (see
// Features.Idempotency).
func (s suite) idempotency(t *testing.T) {
	ctx := context.Background()
	claim := storage.IdempotencyClaimParams{TenantID: tenantA, Key: "k1", RequestHash: "h1", At: base, ExpiresAt: at(time.Hour)}
	complete := storage.IdempotencyCompleteParams{TenantID: tenantA, Key: "k1", At: base, Status: 201, Response: []byte(`{"id":"t1"}`)}
	idem := func(x any) storage.IdempotencyStore { return as[storage.IdempotencyStore](t, x) }

	t.Run("ClaimCompleteThenClaimReturnsTheAnswer", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		res, err := idem(st).IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		require.True(t, res.Claimed)
		require.True(t, res.Record.Pending())
		require.NoError(t, idem(st).IdempotencyComplete(ctx, complete))
		again := claim
		again.RequestHash, again.At = "other", at(time.Minute)
		res, err = idem(st).IdempotencyClaim(ctx, again)
		require.NoError(t, err)
		require.False(t, res.Claimed)
		require.Equal(t, storage.Idempotency{TenantID: tenantA, Key: "k1", RequestHash: "h1", Status: 201,
			Response: complete.Response, At: base, ExpiresAt: at(time.Hour)}, res.Record)
	})
	t.Run("ExpiredRecordIsReplaced", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := idem(st).IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		require.NoError(t, idem(st).IdempotencyComplete(ctx, complete))
		later := claim
		later.RequestHash, later.At, later.ExpiresAt = "h2", at(time.Hour), at(2*time.Hour)
		res, err := idem(st).IdempotencyClaim(ctx, later)
		require.NoError(t, err)
		require.True(t, res.Claimed)
		require.Equal(t, "h2", res.Record.RequestHash)
		require.True(t, res.Record.Pending())
	})
	t.Run("ClaimRollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			res, err := idem(tx).IdempotencyClaim(ctx, claim)
			require.NoError(t, err)
			require.True(t, res.Claimed)
			require.NoError(t, idem(tx).IdempotencyComplete(ctx, complete))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		res, err := idem(st).IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		require.True(t, res.Claimed, "a rolled back claim must leave nothing")
	})
	t.Run("KeysAreScopedByTenant", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := idem(st).IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		other := claim
		other.TenantID = tenantB
		res, err := idem(st).IdempotencyClaim(ctx, other)
		require.NoError(t, err)
		require.True(t, res.Claimed)
	})
	t.Run("CompleteNeedsThePendingClaim", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.ErrorIs(t, idem(st).IdempotencyComplete(ctx, complete), storage.ErrNotFound)
		_, err := idem(st).IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		wrongTime := complete
		wrongTime.At = at(time.Second)
		require.ErrorIs(t, idem(st).IdempotencyComplete(ctx, wrongTime), storage.ErrNotFound)
		require.NoError(t, idem(st).IdempotencyComplete(ctx, complete))
		require.ErrorIs(t, idem(st).IdempotencyComplete(ctx, complete), storage.ErrNotFound, "completed twice")
	})
	t.Run("BadInputIsRefused", func(t *testing.T) {
		t.Parallel()
		st := idem(s.store(t))
		for name, mod := range map[string]func(*storage.IdempotencyClaimParams){
			"no tenant":          func(p *storage.IdempotencyClaimParams) { p.TenantID = "" },
			"no key":             func(p *storage.IdempotencyClaimParams) { p.Key = "" },
			"long key":           func(p *storage.IdempotencyClaimParams) { p.Key = strings.Repeat("k", storage.MaxIdempotencyKey+1) },
			"expires before now": func(p *storage.IdempotencyClaimParams) { p.ExpiresAt = p.At.Add(-time.Second) },
		} {
			p := claim
			mod(&p)
			_, err := st.IdempotencyClaim(ctx, p)
			require.Error(t, err, name)
		}
		_, err := st.IdempotencyClaim(ctx, claim)
		require.NoError(t, err)
		bad := complete
		bad.Status = 0
		require.Error(t, st.IdempotencyComplete(ctx, bad))
	})
	t.Run("PurgeDeletesExpiredRecordsOfEveryTenant", func(t *testing.T) {
		t.Parallel()
		st := idem(s.store(t))
		for i, p := range []storage.IdempotencyClaimParams{
			claim,
			{TenantID: tenantB, Key: "k1", RequestHash: "h", At: base, ExpiresAt: at(time.Minute)},
			{TenantID: tenantA, Key: "k2", RequestHash: "h", At: base, ExpiresAt: at(3 * time.Hour)},
		} {
			_, err := st.IdempotencyClaim(ctx, p)
			require.NoError(t, err, i)
		}
		n, err := st.IdempotencyPurge(ctx, storage.IdempotencyPurgeParams{Before: at(time.Hour)})
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
		res, err := st.IdempotencyClaim(ctx, storage.IdempotencyClaimParams{TenantID: tenantA, Key: "k2", RequestHash: "x", At: at(time.Hour), ExpiresAt: at(5 * time.Hour)})
		require.NoError(t, err)
		require.False(t, res.Claimed, "a live record survives the purge")
	})
	t.Run("ConcurrentClaimsInTransactionsClaimOnce", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		const n = 4
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			claimed int
			seen    []int
		)
		for range n {
			wg.Go(func() {
				err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					res, err := idem(tx).IdempotencyClaim(ctx, claim)
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					if !res.Claimed {
						seen = append(seen, res.Record.Status)
						return nil
					}
					claimed++
					return idem(tx).IdempotencyComplete(ctx, complete)
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		require.Equal(t, 1, claimed)
		require.Equal(t, []int{201, 201, 201}, seen, "the others see the completed answer")
	})
}
