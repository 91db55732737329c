package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// pruner tests the optional [storage.Pruner] (see Features.Pruner).
func (s suite) pruner(t *testing.T) {
	ctx := context.Background()
	type store interface {
		storage.Store
		storage.Pruner
	}
	open := func(t *testing.T) store {
		t.Helper()
		return as[store](t, s.store(t))
	}
	// outbox stores entries of a and b created a minute apart and
	// delivers each of the first ones at base + its hour, so that entry
	// i is delivered at at(i hours); the last two stay pending and
	// become a dead letter.
	outbox := func(t *testing.T, st store, delivered int) (es []*storage.OutboxEntry, pending, dead *storage.OutboxEntry) {
		t.Helper()
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		for i := range delivered + 2 {
			tk := a
			if i%2 == 1 {
				tk = b
			}
			es = append(es, newEntry(tk, "ticket.opened", time.Duration(i)*time.Minute))
		}
		require.NoError(t, st.OutboxCreate(ctx, es))
		for i := range delivered {
			require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{
				IDs: []string{es[i].ID}, At: at(time.Duration(i+1) * time.Hour),
			}))
		}
		pending, dead = es[delivered], es[delivered+1]
		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{ID: dead.ID, Error: "gone", Dead: true, At: at(time.Hour)}))
		return es[:delivered], pending, dead
	}
	// gone reports whether the store forgot entry e: storing its ID again
	// succeeds only then (and is taken back by the rollback).
	gone := func(t *testing.T, st store, e *storage.OutboxEntry) bool {
		t.Helper()
		errProbe := errors.New("probe")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.OutboxCreate(ctx, []*storage.OutboxEntry{e}); err != nil {
				return err
			}
			return errProbe
		})
		if errors.Is(err, errProbe) {
			return true
		}
		require.ErrorIs(t, err, storage.ErrConflict)
		return false
	}

	t.Run("OutboxPruneDeletesDeliveredBeforeTheCutoffOldestFirstInBatches", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		es, pending, dead := outbox(t, st, 5)
		// Delivered at 1h..5h; cut off at 4h: the first three go, two per batch.
		cut := storage.PruneParams{Before: at(4 * time.Hour), Limit: 2}
		n, err := st.OutboxPrune(ctx, cut)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.True(t, gone(t, st, es[0]), "delivered first, deleted first")
		require.True(t, gone(t, st, es[1]))
		require.False(t, gone(t, st, es[2]), "beyond the batch")
		n, err = st.OutboxPrune(ctx, cut)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = st.OutboxPrune(ctx, cut)
		require.NoError(t, err)
		require.Zero(t, n, "nothing more before the cutoff")
		require.True(t, gone(t, st, es[2]))
		require.False(t, gone(t, st, es[3]), "delivered at the cutoff: kept")
		require.False(t, gone(t, st, es[4]))

		// Pending entries and dead letters are never pruned, however old.
		n, err = st.OutboxPrune(ctx, storage.PruneParams{Before: at(1000 * time.Hour)})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.False(t, gone(t, st, pending))
		require.False(t, gone(t, st, dead))
		require.Equal(t, []string{pending.ID}, entryIDs(claimAll(t, st)))
		dl, err := st.OutboxDeadList(ctx, storage.OutboxDeadListParams{})
		require.NoError(t, err)
		require.Equal(t, []string{dead.ID}, entryIDs(dl))
	})
	t.Run("OutboxPruneInARolledBackTxDeletesNothing", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		es, _, _ := outbox(t, st, 2)
		errRollback := errors.New("rollback")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			n, err := as[storage.Pruner](t, tx).OutboxPrune(ctx, storage.PruneParams{Before: at(1000 * time.Hour)})
			require.NoError(t, err)
			require.Equal(t, 2, n)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.False(t, gone(t, st, es[0]))
		require.False(t, gone(t, st, es[1]))
	})
	t.Run("InboundPruneDeletesRecordsBeforeTheCutoffOfEveryTenantOldestFirst", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		in := as[storage.InboundStore](t, st)
		keys := []string{"a@x", "b@x", "c@x", "d@x"}
		for i, k := range keys {
			tenant := tenantA
			if i%2 == 1 {
				tenant = tenantB
			}
			require.NoError(t, in.InboundRecord(ctx, storage.InboundRecordParams{TenantID: tenant, Key: k, TicketID: "t", At: at(time.Duration(i+1) * time.Hour)}))
		}
		get := func(i int) error {
			tenant := tenantA
			if i%2 == 1 {
				tenant = tenantB
			}
			_, err := in.InboundGet(ctx, storage.InboundGetParams{TenantID: tenant, Key: keys[i]})
			return err
		}
		cut := storage.PruneParams{Before: at(3*time.Hour + time.Minute), Limit: 1}
		for want := range 2 {
			n, err := st.InboundPrune(ctx, cut)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.ErrorIs(t, get(want), storage.ErrNotFound, "oldest first")
			require.NoError(t, get(want+1))
		}
		n, err := st.InboundPrune(ctx, cut)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = st.InboundPrune(ctx, cut)
		require.NoError(t, err)
		require.Zero(t, n)
		require.ErrorIs(t, get(2), storage.ErrNotFound)
		require.NoError(t, get(3), "made after the cutoff: kept")
		// A pruned key may be recorded again.
		require.NoError(t, in.InboundRecord(ctx, storage.InboundRecordParams{TenantID: tenantA, Key: keys[0], At: at(10 * time.Hour)}))
	})
	t.Run("RejectsAMissingCutoff", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		_, err := st.OutboxPrune(ctx, storage.PruneParams{})
		require.Error(t, err)
		_, err = st.InboundPrune(ctx, storage.PruneParams{Limit: -1, Before: base})
		require.Error(t, err)
	})
	t.Run("OutboxPruneOfManyEntriesStopsAtTheLimit", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		var es []*storage.OutboxEntry
		var all []string
		for i := range 30 {
			e := newEntry(tk, "ticket.replied", time.Duration(i)*time.Second)
			es = append(es, e)
			all = append(all, e.ID)
		}
		require.NoError(t, st.OutboxCreate(ctx, es))
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: all, At: at(time.Hour)}))
		total := 0
		for {
			n, err := st.OutboxPrune(ctx, storage.PruneParams{Before: at(2 * time.Hour), Limit: 7})
			require.NoError(t, err)
			require.LessOrEqual(t, n, 7)
			if n == 0 {
				break
			}
			total += n
		}
		require.Equal(t, 30, total)
	})
}
