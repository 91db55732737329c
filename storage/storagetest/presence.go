package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// presence tests the optional [storage.PresenceStore] (see
// Features.Presence).
func (s suite) presence(t *testing.T) {
	ctx := context.Background()
	ps := func(x any) storage.PresenceStore { return as[storage.PresenceStore](t, x) }
	take := func(t *testing.T, st any, tenant, tk, user string, a ticket.PresenceActivity, from, until time.Duration) {
		t.Helper()
		require.NoError(t, ps(st).PresenceTake(ctx, storage.PresenceTakeParams{TenantID: tenant, TicketID: tk, UserID: user,
			Activity: a, At: at(from), ExpiresAt: at(until)}))
	}
	list := func(t *testing.T, st any, tenant, tk string, when time.Duration) []ticket.Presence {
		t.Helper()
		got, err := ps(st).PresenceList(ctx, storage.PresenceListParams{TenantID: tenant, TicketID: tk, At: at(when)})
		require.NoError(t, err)
		out := make([]ticket.Presence, len(got))
		for i, p := range got {
			out[i] = *p
		}
		return out
	}
	lease := func(tk, user string, a ticket.PresenceActivity, since, until time.Duration) ticket.Presence {
		return ticket.Presence{TenantID: tenantA, TicketID: tk, UserID: user, Activity: a, Since: at(since), ExpiresAt: at(until)}
	}

	t.Run("TakeRenewAndExpire", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		take(t, st, tenantA, "t1", "bob", ticket.PresenceViewing, time.Second, 31*time.Second)
		take(t, st, tenantA, "t1", "amy", ticket.PresenceViewing, 2*time.Second, 32*time.Second)
		take(t, st, tenantA, "t2", "cat", ticket.PresenceViewing, 0, 30*time.Second)
		take(t, st, tenantB, "t1", "eve", ticket.PresenceViewing, 0, 30*time.Second)
		require.Equal(t, []ticket.Presence{
			lease("t1", "bob", ticket.PresenceViewing, time.Second, 31*time.Second),
			lease("t1", "amy", ticket.PresenceViewing, 2*time.Second, 32*time.Second),
		}, list(t, st, tenantA, "t1", 3*time.Second), "ordered by since; other tickets and tenants left out")

		// A renewal while live keeps since and replaces activity and expiry.
		take(t, st, tenantA, "t1", "bob", ticket.PresenceReplying, 20*time.Second, 50*time.Second)
		require.Equal(t, []ticket.Presence{lease("t1", "bob", ticket.PresenceReplying, time.Second, 50*time.Second)},
			list(t, st, tenantA, "t1", 40*time.Second), "amy's lease expired by itself")
		require.Empty(t, list(t, st, tenantA, "t1", 50*time.Second), "a lease is gone at its ExpiresAt")

		// A take after expiry starts a new stay.
		take(t, st, tenantA, "t1", "bob", ticket.PresenceViewing, time.Minute, 2*time.Minute)
		require.Equal(t, []ticket.Presence{lease("t1", "bob", ticket.PresenceViewing, time.Minute, 2*time.Minute)},
			list(t, st, tenantA, "t1", time.Minute))
	})
	t.Run("ReleaseAndPurge", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		take(t, st, tenantA, "t1", "bob", ticket.PresenceViewing, 0, 30*time.Second)
		take(t, st, tenantA, "t1", "amy", ticket.PresenceViewing, 0, time.Hour)
		take(t, st, tenantB, "t1", "bob", ticket.PresenceViewing, 0, 10*time.Second)
		require.NoError(t, ps(st).PresenceRelease(ctx, storage.PresenceReleaseParams{TenantID: tenantA, TicketID: "t1", UserID: "amy"}))
		require.NoError(t, ps(st).PresenceRelease(ctx, storage.PresenceReleaseParams{TenantID: tenantA, TicketID: "t1", UserID: "nobody"}))
		require.Equal(t, []ticket.Presence{lease("t1", "bob", ticket.PresenceViewing, 0, 30*time.Second)}, list(t, st, tenantA, "t1", 0))
		n, err := ps(st).PresencePurge(ctx, storage.PresencePurgeParams{Before: at(30 * time.Second)})
		require.NoError(t, err)
		require.Equal(t, int64(2), n, "both tenants' expired leases")
		require.Empty(t, list(t, st, tenantA, "t1", 0))
	})
	t.Run("RefusesBadLeasesAndRollsBack", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		require.Error(t, ps(st).PresenceTake(ctx, storage.PresenceTakeParams{TicketID: "t1", UserID: "bob", At: base, ExpiresAt: at(time.Second)}))
		require.Error(t, ps(st).PresenceTake(ctx, storage.PresenceTakeParams{TenantID: tenantA, TicketID: "t1", UserID: "bob", At: base, ExpiresAt: base}))
		rollback := errors.New("rollback")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			take(t, tx, tenantA, "t1", "bob", ticket.PresenceViewing, 0, time.Minute)
			require.Len(t, list(t, tx, tenantA, "t1", 0), 1)
			return rollback
		})
		require.ErrorIs(t, err, rollback)
		require.Empty(t, list(t, st, tenantA, "t1", 0))
	})
}
