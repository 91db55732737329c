package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// inbound tests the optional [storage.InboundStore], which hosts without
// mail intake need not offer (see Features.Inbound).
func (s suite) inbound(t *testing.T) {
	open := func(t *testing.T) storage.InboundStore {
		t.Helper()
		return as[storage.InboundStore](t, s.store(t))
	}
	ctx := context.Background()
	rec := storage.InboundRecordParams{TenantID: tenantA, Key: "abc@mail.example", At: base}

	t.Run("RecordThenGetReturnsTheRecord", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		require.NoError(t, st.InboundRecord(ctx, rec))
		got, err := st.InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: rec.Key})
		require.NoError(t, err)
		require.Equal(t, storage.Inbound{TenantID: tenantA, Key: rec.Key, At: base}, *got)
	})
	t.Run("RecordOfAKnownKeyReturnsErrConflict", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		require.NoError(t, st.InboundRecord(ctx, rec))
		again := rec
		again.At, again.TicketID = at(time.Hour), "t-2"
		require.ErrorIs(t, st.InboundRecord(ctx, again), storage.ErrConflict)
		got, err := st.InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: rec.Key})
		require.NoError(t, err)
		require.Equal(t, base, got.At, "the first record stays")
		require.Empty(t, got.TicketID)
	})
	t.Run("KeysAreScopedToTheTenant", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		require.NoError(t, st.InboundRecord(ctx, rec))
		other := rec
		other.TenantID = tenantB
		require.NoError(t, st.InboundRecord(ctx, other))
		_, err := st.InboundGet(ctx, storage.InboundGetParams{TenantID: tenantB, Key: "unknown@x"})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
	t.Run("GetReturnsErrNotFoundForUnknownKey", func(t *testing.T) {
		t.Parallel()
		_, err := open(t).InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: "nope@x"})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
	t.Run("CompleteSetsTheTicketOfTheClaimOnly", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		require.NoError(t, st.InboundRecord(ctx, rec))
		err := st.InboundComplete(ctx, storage.InboundCompleteParams{TenantID: tenantA, Key: rec.Key, At: at(time.Second), TicketID: "t-1"})
		require.ErrorIs(t, err, storage.ErrNotFound, "another claim's time")
		require.NoError(t, st.InboundComplete(ctx, storage.InboundCompleteParams{TenantID: tenantA, Key: rec.Key, At: base, TicketID: "t-1"}))
		got, err := st.InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: rec.Key})
		require.NoError(t, err)
		require.Equal(t, "t-1", got.TicketID)
		err = st.InboundComplete(ctx, storage.InboundCompleteParams{TenantID: tenantB, Key: rec.Key, At: base, TicketID: "t-1"})
		require.ErrorIs(t, err, storage.ErrNotFound, "another tenant")
	})
	t.Run("DeleteTakesBackTheClaimOfItsTimeOnly", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		require.NoError(t, st.InboundRecord(ctx, rec))
		require.ErrorIs(t, st.InboundDelete(ctx, storage.InboundDeleteParams{TenantID: tenantA, Key: rec.Key, At: at(time.Second)}), storage.ErrNotFound)
		require.NoError(t, st.InboundDelete(ctx, storage.InboundDeleteParams{TenantID: tenantA, Key: rec.Key, At: base}))
		require.ErrorIs(t, st.InboundDelete(ctx, storage.InboundDeleteParams{TenantID: tenantA, Key: rec.Key, At: base}), storage.ErrNotFound)
		require.NoError(t, st.InboundRecord(ctx, rec), "the key is free again")
	})
	t.Run("ConcurrentRecordsOfOneKeyExactlyOneWins", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				p := rec
				p.At = at(time.Duration(i) * time.Millisecond)
				errs[i] = st.InboundRecord(ctx, p)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, storage.ErrConflict)
		}
		require.Equal(t, 1, wins)
	})
	t.Run("RecordInARolledBackTransactionIsUndone", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, as[storage.InboundStore](t, tx).InboundRecord(ctx, rec))
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = as[storage.InboundStore](t, st).InboundGet(ctx, storage.InboundGetParams{TenantID: tenantA, Key: rec.Key})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
