package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// slaChangeWriter checks the optional storage.SLAChangeWriter, which
// stores SLA states with history lines and outbox entries in one write.
func (s suite) slaChangeWriter(t *testing.T) {
	ctx := context.Background()
	// sweep claims the due tickets in a transaction, moves each one's
	// SLA state on, and writes the states with one history line and one
	// outbox entry per ticket through ChangeWriteSLA; stale gives a
	// ticket's SLAVersion before writing.
	sweep := func(t *testing.T, st storage.Store, stale func(*ticket.Ticket)) ([]*ticket.Ticket, *storage.Change, error) {
		var claimed []*ticket.Ticket
		c := &storage.Change{}
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) (err error) {
			claimed, err = tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: at(2 * time.Hour), Limit: 10})
			if err != nil {
				return err
			}
			for _, tk := range claimed {
				tk.SLA.Fired = append(tk.SLA.Fired, "c1:resolution:L1")
				tk.SLA.NextCheckAt = at(9 * time.Hour)
				c.Events = append(c.Events, newEvent(tk, "escalation", "", "level 1", at(2*time.Hour)))
				c.Outbox = append(c.Outbox, &storage.OutboxEntry{ID: ids.New(), TenantID: tk.TenantID, TicketID: tk.ID,
					Kind: "sla.escalated", CreatedAt: base, Payload: fmt.Appendf(nil, `{"ticket":%q}`, tk.ID)})
				if stale != nil {
					stale(tk)
				}
			}
			return as[storage.SLAChangeWriter](t, tx).ChangeWriteSLA(ctx, claimed, c)
		})
		return claimed, c, err
	}
	outbox := func(t *testing.T, st storage.Store) []*storage.OutboxEntry {
		got, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: base.Add(time.Hour), LockFor: time.Minute, Limit: 10, MaxAttempts: 5})
		require.NoError(t, err)
		return got
	}
	events := func(t *testing.T, st storage.Store, tk *ticket.Ticket) []*ticket.Event {
		got, err := st.EventList(ctx, storage.EventListParams{TenantID: tk.TenantID, TicketID: tk.ID})
		require.NoError(t, err)
		return got
	}

	for _, n := range []int{1, 3} { // one row of a kind, and several
		t.Run(fmt.Sprintf("StoresStatesLinesAndEntries/%d", n), func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			for range n {
				mustCreate(t, st, newTicket(tenantA, dueAt(time.Hour)))
			}
			claimed, c, err := sweep(t, st, nil)
			require.NoError(t, err)
			require.Len(t, claimed, n)
			for i, tk := range claimed {
				require.Equal(t, int64(2), tk.SLAVersion)
				got := getTicket(t, st, tk)
				require.Equal(t, int64(2), got.SLAVersion)
				require.Equal(t, int64(1), got.Version, "only the SLA state is stored")
				require.Equal(t, []string{"c1:resolution:L1"}, got.SLA.Fired)
				require.True(t, at(9*time.Hour).Equal(got.SLA.NextCheckAt))
				lines := events(t, st, tk)
				require.Len(t, lines, 1)
				require.Equal(t, c.Events[i].ID, lines[0].ID)
			}
			entries := outbox(t, st)
			require.Len(t, entries, n)
			sent := map[string]string{}
			for _, o := range c.Outbox {
				sent[o.ID] = string(o.Payload)
			}
			for _, o := range entries {
				require.Equal(t, sent[o.ID], string(o.Payload))
			}
			require.Empty(t, claimDue(t, st, at(2*time.Hour), 10), "the new wake time is stored")
		})
	}
	t.Run("StaleSLAVersionWritesNothing", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA, dueAt(time.Hour)), newTicket(tenantA, dueAt(time.Hour))
		mustCreate(t, st, a, b)
		wantA, wantB := getTicket(t, st, a), getTicket(t, st, b)
		_, _, err := sweep(t, st, func(tk *ticket.Ticket) {
			if tk.ID == b.ID {
				tk.SLAVersion = 7 // another writer's version, never stored
			}
		})
		require.ErrorIs(t, err, storage.ErrConflict)
		requireTicket(t, wantA, getTicket(t, st, a))
		requireTicket(t, wantB, getTicket(t, st, b))
		require.Empty(t, events(t, st, a))
		require.Empty(t, events(t, st, b))
		require.Empty(t, outbox(t, st))

		// The same sweep, current, goes through.
		claimed, _, err := sweep(t, st, nil)
		require.NoError(t, err)
		require.Len(t, claimed, 2)
	})
	t.Run("RefusesOtherRows", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, dueAt(time.Hour))
		mustCreate(t, st, tk)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.SLAChangeWriter](t, tx).ChangeWriteSLA(ctx, []*ticket.Ticket{tk}, &storage.Change{Update: tk})
		})
		require.Error(t, err)
		require.False(t, errors.Is(err, storage.ErrConflict))
		require.Equal(t, int64(1), getTicket(t, st, tk).SLAVersion)
	})
}
