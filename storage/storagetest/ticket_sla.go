package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// getTicket returns the stored ticket tk.
func getTicket(t *testing.T, st storage.Tx, tk *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	got, err := st.TicketGet(context.Background(), storage.TicketGetParams{TenantID: tk.TenantID, ID: tk.ID})
	require.NoError(t, err)
	return got
}

// slaUpdate stores the SLA states of tickets in one transaction with the
// TicketSLAUpdate of the store's Tx.
func slaUpdate(t *testing.T, st storage.Store, tickets ...*ticket.Ticket) error {
	t.Helper()
	return st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		return as[storage.TicketSLAUpdater](t, tx).TicketSLAUpdate(ctx, tickets)
	})
}

// ticketSLA checks Ticket.SLAVersion.
func (s suite) ticketSLA(t *testing.T) {
	ctx := context.Background()

	t.Run("SLAVersionCountsStoredStates", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		plain := newTicket(tenantA)
		timed := newTicket(tenantA, dueAt(time.Hour))
		mustCreate(t, st, plain, timed)
		require.Equal(t, int64(0), plain.SLAVersion, "no SLA state: nothing stored")
		require.Equal(t, int64(1), timed.SLAVersion)
		require.Equal(t, int64(0), getTicket(t, st, plain).SLAVersion)
		require.Equal(t, int64(1), getTicket(t, st, timed).SLAVersion)

		plain.Subject = "still no SLA"
		require.NoError(t, st.TicketUpdate(ctx, plain))
		require.Equal(t, int64(0), plain.SLAVersion)
		plain.SLA = fullSLA(time.Hour)
		require.NoError(t, st.TicketUpdate(ctx, plain))
		require.Equal(t, int64(1), plain.SLAVersion, "first SLA state stored")
		timed.SLA = ticket.SLAState{}
		require.NoError(t, st.TicketUpdate(ctx, timed))
		require.Equal(t, int64(2), timed.SLAVersion, "a cleared state is a revision too")
		requireTicket(t, plain, getTicket(t, st, plain))
		requireTicket(t, timed, getTicket(t, st, timed))
		require.NotContains(t, claimDue(t, st, at(100*time.Hour), 10), timed.ID, "a cleared state has no wake time")
	})
	t.Run("StaleSLAVersionConflicts", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, dueAt(time.Hour))
		mustCreate(t, st, tk)
		agent := getTicket(t, st, tk)
		sweep := getTicket(t, st, tk)
		sweep.SLA.Fired = []string{"c1:resolution:L1"}
		sweep.SLA.NextCheckAt = at(2 * time.Hour)
		require.NoError(t, st.TicketUpdate(ctx, sweep))

		agent.Subject = "edited from an older read"
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.TicketUpdate(ctx, agent) })
		require.ErrorIs(t, err, storage.ErrConflict)
		requireTicket(t, sweep, getTicket(t, st, tk))
	})
}

// slaUpdater checks the optional TicketSLAUpdater, which stores tickets'
// SLA states alone.
func (s suite) slaUpdater(t *testing.T) {
	ctx := context.Background()

	t.Run("SLAUpdateLeavesTicket", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA, dueAt(time.Hour))
		b := newTicket(tenantB, dueAt(2*time.Hour))
		mustCreate(t, st, a, b)
		wantA, wantB := a.Clone(), b.Clone()

		a.Subject, b.Status = "not stored", "closed" // only SLA states are stored
		a.SLA = fullSLA(5 * time.Hour)
		b.SLA.Fired = []string{"c1:resolution:warn80"}
		b.SLA.NextCheckAt = time.Time{}
		require.NoError(t, slaUpdate(t, st, a, b))
		require.Equal(t, int64(2), a.SLAVersion)
		require.Equal(t, int64(2), b.SLAVersion)
		require.Equal(t, int64(1), a.Version, "the ticket's Version is left")

		wantA.SLA, wantA.SLAVersion = a.SLA, 2
		wantB.SLA, wantB.SLAVersion = b.SLA, 2
		requireTicket(t, wantA, getTicket(t, st, a))
		requireTicket(t, wantB, getTicket(t, st, b))
		require.Equal(t, []string{a.ID}, claimDue(t, st, at(5*time.Hour), 10), "the claim reads the new wake times")

		// The agent who read the ticket before keeps a valid Version but a
		// stale SLAVersion: its update conflicts, and so does a second
		// SLA update from the old read.
		agent := wantA.Clone()
		agent.SLAVersion = 1
		agent.Subject = "agent edit"
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.TicketUpdate(ctx, agent) })
		require.ErrorIs(t, err, storage.ErrConflict)
		require.ErrorIs(t, slaUpdate(t, st, agent), storage.ErrConflict)
		requireTicket(t, wantA, getTicket(t, st, a))

		// Re-read, the agent's edit goes through.
		agent = getTicket(t, st, a)
		agent.Subject = "agent edit"
		require.NoError(t, st.TicketUpdate(ctx, agent))
		require.Equal(t, int64(2), agent.Version)
		require.Equal(t, int64(3), agent.SLAVersion)
	})
	t.Run("SLAUpdateStoresFirstStateOnce", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		first, second := tk.Clone(), tk.Clone()
		first.SLA = fullSLA(time.Hour)
		require.NoError(t, slaUpdate(t, st, first))
		require.Equal(t, int64(1), first.SLAVersion)
		second.SLA = fullSLA(2 * time.Hour)
		require.ErrorIs(t, slaUpdate(t, st, second), storage.ErrConflict, "another writer stored a first state")
		got := getTicket(t, st, tk)
		require.Equal(t, first.SLA, got.SLA)
	})
	t.Run("SLAUpdateAllOrNothing", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA, dueAt(time.Hour)), newTicket(tenantA, dueAt(time.Hour))
		mustCreate(t, st, a, b)
		unknown := newTicket(tenantA, dueAt(time.Hour))
		unknown.SLAVersion = 1
		otherTenant := b.Clone()
		otherTenant.TenantID = tenantB
		for name, bad := range map[string]*ticket.Ticket{"Unknown": unknown, "OtherTenant": otherTenant} {
			changed := a.Clone()
			changed.SLA.NextCheckAt = at(9 * time.Hour)
			require.ErrorIs(t, slaUpdate(t, st, changed, bad), storage.ErrConflict, name)
			require.Equal(t, a.SLA, getTicket(t, st, a).SLA, "%s: the transaction rolled back", name)
		}
		_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: unknown.ID})
		require.ErrorIs(t, err, storage.ErrNotFound, "no state stored for an unknown ticket")
	})
}
