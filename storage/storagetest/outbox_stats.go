package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// outboxStats reads the stats of st, a store or a transaction.
func outboxStats(t *testing.T, st any) storage.OutboxStats {
	t.Helper()
	got, err := as[storage.OutboxStatsStore](t, st).OutboxStats(context.Background(), storage.OutboxStatsParams{})
	require.NoError(t, err)
	got.OldestPending = normTime(got.OldestPending)
	return got
}

func (s suite) outboxStats(t *testing.T) {
	ctx := context.Background()

	t.Run("EmptyOutboxCountsNothing", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, storage.OutboxStats{}, outboxStats(t, s.store(t)))
	})

	t.Run("CountsPendingOfEveryTenantOldestPendingAndDeadLetters", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantB)
		mustCreate(t, st, a, b)
		delivered := newEntry(a, "ticket.opened", 1*time.Minute) // the oldest, delivered
		dead := newEntry(b, "ticket.opened", 2*time.Minute)      // older than every pending one, dead
		oldest := newEntry(b, "ticket.assigned", 3*time.Minute)  // the oldest pending, claimed
		failed := newEntry(a, "ticket.assigned", 4*time.Minute)  // failed once, retried later
		fresh := newEntry(a, "ticket.closed", 5*time.Minute)
		fresh.NextAttemptAt = at(time.Hour) // not due yet: pending all the same
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{fresh, failed, oldest, dead, delivered}))
		require.Equal(t, storage.OutboxStats{Pending: 5, OldestPending: at(time.Minute)}, outboxStats(t, st))

		now := at(10 * time.Minute)
		claimed := claim(t, st, now, 10)
		require.Len(t, claimed, 4)
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{delivered.ID}, At: now}))
		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{ID: dead.ID, Error: "gone", Dead: true, At: now}))
		require.NoError(t, st.OutboxFail(ctx, storage.OutboxFailParams{ID: failed.ID, Error: "busy", RetryAt: at(time.Hour), At: now}))
		require.Equal(t, storage.OutboxStats{Pending: 3, OldestPending: at(3 * time.Minute), Dead: 1}, outboxStats(t, st))

		n, err := st.OutboxRetry(ctx, storage.OutboxRetryParams{IDs: []string{dead.ID}, At: now})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, storage.OutboxStats{Pending: 4, OldestPending: at(2 * time.Minute)}, outboxStats(t, st),
			"a retried dead letter is pending again")

		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: []string{dead.ID, oldest.ID, failed.ID, fresh.ID}, At: now}))
		require.Equal(t, storage.OutboxStats{}, outboxStats(t, st), "nothing pending: no oldest")
	})

	t.Run("ClaimThatGivesUpCountsADeadLetter", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		e := newEntry(a, "ticket.opened", time.Minute) // 2 attempts already
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{e}))
		_, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: at(time.Hour), LockFor: lockFor, Limit: 10, MaxAttempts: 2})
		require.NoError(t, err)
		require.Equal(t, storage.OutboxStats{Dead: 1}, outboxStats(t, st))
	})

	t.Run("TxSeesItsOwnEntriesAndARollbackTakesThemBack", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.OutboxCreate(ctx, []*storage.OutboxEntry{newEntry(a, "ticket.opened", time.Minute)}))
			require.Equal(t, storage.OutboxStats{Pending: 1, OldestPending: at(time.Minute)}, outboxStats(t, tx))
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Equal(t, storage.OutboxStats{}, outboxStats(t, st))
	})
}
