package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// watchedTicketGetter checks storage.WatchedTicketGetter on the Store
// and on the Tx of RunInTx: the ticket as TicketGet returns it, its
// watchers as WatcherList returns them, and ErrNotFound for a ticket
// the tenant does not have.
func (s suite) watchedTicketGetter(t *testing.T) {
	ctx := context.Background()
	watcher := func(tk *ticket.Ticket, kind ticket.WatcherKind, key string, d time.Duration) *ticket.Watcher {
		return &ticket.Watcher{TenantID: tk.TenantID, TicketID: tk.ID, Kind: kind, Key: key, CreatedBy: "agent-7", CreatedAt: at(d)}
	}
	// check reads tk through TicketGetWatched on st and compares with
	// TicketGet and WatcherList on st (a Store, or the Tx of RunInTx).
	check := func(t *testing.T, st storage.Tx, tk *ticket.Ticket) {
		t.Helper()
		want, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tk.TenantID, ID: tk.ID})
		require.NoError(t, err)
		wantWs, err := as[storage.WatcherStore](t, st).WatcherList(ctx, storage.WatcherListParams{TenantID: tk.TenantID, TicketIDs: []string{tk.ID}, Limit: storage.MaxLimit})
		require.NoError(t, err)
		got, ws, err := as[storage.WatchedTicketGetter](t, st).TicketGetWatched(ctx, storage.TicketGetParams{TenantID: tk.TenantID, ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, want, got, "the ticket as TicketGet returns it")
		if len(wantWs) == 0 {
			require.Empty(t, ws)
		} else {
			require.Equal(t, wantWs, ws, "the watchers as WatcherList returns them")
		}
	}
	t.Run("ReturnsTheTicketWithItsWatchersOldestFirst", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA, func(tk *ticket.Ticket) {
			tk.SLA = ticket.SLAState{Cycle: 1, NextCheckAt: at(time.Hour)}
		})
		b := newTicket(tenantA)
		mustCreate(t, st, a, b)
		ws := []*ticket.Watcher{
			watcher(a, ticket.WatcherCC, "cc@example.com", 2*time.Minute),
			watcher(a, ticket.WatcherAgent, "agent-9", time.Minute),
			watcher(a, ticket.WatcherAgent, "agent-8", time.Minute),
			watcher(a, ticket.WatcherCC, "agent-8", time.Minute),
			watcher(b, ticket.WatcherAgent, "agent-9", 0),
		}
		for _, w := range ws {
			require.NoError(t, as[storage.WatcherStore](t, st).WatcherAdd(ctx, w))
		}
		_, got, err := as[storage.WatchedTicketGetter](t, st).TicketGetWatched(ctx, storage.TicketGetParams{TenantID: tenantA, ID: a.ID})
		require.NoError(t, err)
		require.Equal(t, []*ticket.Watcher{ws[2], ws[1], ws[3], ws[0]}, got, "oldest first, then by kind and key, every field kept")
		check(t, st, a)
		check(t, st, b)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			check(t, tx, a)
			return nil
		}))
	})
	t.Run("ATicketWithoutWatchersHasNone", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		got, ws, err := as[storage.WatchedTicketGetter](t, st).TicketGetWatched(ctx, storage.TicketGetParams{TenantID: tenantA, ID: a.ID})
		require.NoError(t, err)
		require.Equal(t, a.ID, got.ID)
		require.Empty(t, ws)
		check(t, st, a)
	})
	t.Run("AnUnknownTicketOrAnotherTenantsIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		b := newTicket(tenantB)
		mustCreate(t, st, b)
		require.NoError(t, as[storage.WatcherStore](t, st).WatcherAdd(ctx, watcher(b, ticket.WatcherAgent, "agent-9", 0)))
		g := as[storage.WatchedTicketGetter](t, st)
		for _, p := range []storage.TicketGetParams{{TenantID: tenantA, ID: b.ID}, {TenantID: tenantA, ID: ids.New()}} {
			got, ws, err := g.TicketGetWatched(ctx, p)
			require.ErrorIs(t, err, storage.ErrNotFound)
			require.Nil(t, got)
			require.Empty(t, ws)
		}
	})
}
