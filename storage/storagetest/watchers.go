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

// watchers tests the optional [storage.WatcherStore] (see
// Features.Watchers).
func (s suite) watchers(t *testing.T) {
	ctx := context.Background()
	store := func(x any) storage.WatcherStore { return as[storage.WatcherStore](t, x) }
	watcher := func(tk *ticket.Ticket, kind ticket.WatcherKind, key string, d time.Duration) *ticket.Watcher {
		return &ticket.Watcher{TenantID: tk.TenantID, TicketID: tk.ID, Kind: kind, Key: key, CreatedBy: "agent-7", CreatedAt: at(d)}
	}
	list := func(t *testing.T, st storage.Tx, tenant string, kind ticket.WatcherKind, tks ...*ticket.Ticket) []*ticket.Watcher {
		t.Helper()
		var ids []string
		for _, tk := range tks {
			ids = append(ids, tk.ID)
		}
		got, err := store(st).WatcherList(ctx, storage.WatcherListParams{TenantID: tenant, TicketIDs: ids, Kind: kind, Limit: storage.MaxLimit})
		require.NoError(t, err)
		return got
	}
	t.Run("AddsListsByTicketThenOldestFirstAndRemoves", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		ws := []*ticket.Watcher{
			watcher(a, ticket.WatcherCC, "cc@example.com", 2*time.Minute),
			watcher(a, ticket.WatcherAgent, "agent-9", time.Minute),
			watcher(b, ticket.WatcherAgent, "agent-9", 0),
		}
		for _, w := range ws {
			require.NoError(t, store(st).WatcherAdd(ctx, w))
		}
		got := list(t, st, tenantA, "", a, b)
		require.Len(t, got, 3)
		first, second := a, b
		if b.ID < a.ID {
			first, second = b, a
		}
		require.Equal(t, first.ID, got[0].TicketID)
		require.Equal(t, second.ID, got[2].TicketID)
		onA := list(t, st, tenantA, "", a)
		require.Equal(t, []*ticket.Watcher{ws[1], ws[0]}, onA, "oldest first, every field kept")
		require.Equal(t, []*ticket.Watcher{ws[0]}, list(t, st, tenantA, ticket.WatcherCC, a))

		require.NoError(t, store(st).WatcherRemove(ctx, storage.WatcherRemoveParams{TenantID: tenantA, TicketID: a.ID, Kind: ticket.WatcherCC, Key: "cc@example.com"}))
		require.Equal(t, []*ticket.Watcher{ws[1]}, list(t, st, tenantA, "", a))
		err := store(st).WatcherRemove(ctx, storage.WatcherRemoveParams{TenantID: tenantA, TicketID: a.ID, Kind: ticket.WatcherCC, Key: "cc@example.com"})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
	t.Run("TheSameWatcherTwiceIsAConflict", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		require.NoError(t, store(st).WatcherAdd(ctx, watcher(a, ticket.WatcherAgent, "agent-9", 0)))
		err := store(st).WatcherAdd(ctx, watcher(a, ticket.WatcherAgent, "agent-9", time.Minute))
		require.ErrorIs(t, err, storage.ErrConflict)
		require.NoError(t, store(st).WatcherAdd(ctx, watcher(a, ticket.WatcherCC, "agent-9", 0)), "another kind, another watcher")
	})
	t.Run("AnUnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		b := newTicket(tenantB)
		mustCreate(t, st, b)
		w := watcher(b, ticket.WatcherAgent, "agent-9", 0)
		w.TenantID = tenantA // another tenant's ticket
		require.ErrorIs(t, store(st).WatcherAdd(ctx, w), storage.ErrNotFound)
	})
	t.Run("TenantsAreSeparate", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		require.NoError(t, store(st).WatcherAdd(ctx, watcher(a, ticket.WatcherAgent, "agent-9", 0)))
		require.Empty(t, list(t, st, tenantB, "", a))
		err := store(st).WatcherRemove(ctx, storage.WatcherRemoveParams{TenantID: tenantB, TicketID: a.ID, Kind: ticket.WatcherAgent, Key: "agent-9"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Len(t, list(t, st, tenantA, "", a), 1)
	})
	t.Run("RollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, store(tx).WatcherAdd(ctx, watcher(a, ticket.WatcherCC, "x@example.com", 0)))
			require.Len(t, list(t, tx, tenantA, "", a), 1, "seen inside the transaction")
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Empty(t, list(t, st, tenantA, "", a))
	})
	t.Run("LimitBoundsTheList", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		for _, k := range []string{"a1", "a2", "a3"} {
			require.NoError(t, store(st).WatcherAdd(ctx, watcher(a, ticket.WatcherAgent, k, 0)))
		}
		got, err := store(st).WatcherList(ctx, storage.WatcherListParams{TenantID: tenantA, TicketIDs: []string{a.ID}, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"a1", "a2"}, []string{got[0].Key, got[1].Key}, "same time: by kind, then key")
		require.Len(t, got, 2)
	})
}

// ticketListOrganisation tests TicketFilter.OrganisationID and
// CustomerOrOrganisation.
func (s suite) ticketListOrganisation(t *testing.T) {
	ctx := context.Background()
	org := func(customer, organisation string) func(*ticket.Ticket) {
		return func(t *ticket.Ticket) { t.Customer.ID, t.Customer.OrganisationID = customer, organisation }
	}
	st := s.store(t)
	own := newTicket(tenantA, org("ann", ""), created(0))
	mate := newTicket(tenantA, org("bob", "org-1"), created(time.Minute))
	mine := newTicket(tenantA, org("ann", "org-1"), created(2*time.Minute))
	other := newTicket(tenantA, org("cy", "org-2"), created(3*time.Minute))
	foreign := newTicket(tenantB, org("bob", "org-1"), created(4*time.Minute))
	mustCreate(t, st, own, mate, mine, other, foreign)
	numbers := func(t *testing.T, f storage.TicketFilter) []string {
		t.Helper()
		res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
		require.NoError(t, err)
		var out []string
		for _, tk := range res.Tickets {
			out = append(out, tk.Number)
		}
		return out
	}
	t.Run("SelectsTheOrganisationsTickets", func(t *testing.T) {
		require.Equal(t, []string{mate.Number, mine.Number}, numbers(t, storage.TicketFilter{TenantID: tenantA, OrganisationID: "org-1"}))
		require.Equal(t, []string{foreign.Number}, numbers(t, storage.TicketFilter{TenantID: tenantB, OrganisationID: "org-1"}))
	})
	t.Run("WithACustomerBoth", func(t *testing.T) {
		require.Equal(t, []string{mine.Number}, numbers(t, storage.TicketFilter{TenantID: tenantA, CustomerID: "ann", OrganisationID: "org-1"}))
	})
	t.Run("OrTheCustomersOwn", func(t *testing.T) {
		require.Equal(t, []string{own.Number, mate.Number, mine.Number},
			numbers(t, storage.TicketFilter{TenantID: tenantA, CustomerID: "ann", OrganisationID: "org-1", CustomerOrOrganisation: true}))
	})
	t.Run("KeepsTheOrganisation", func(t *testing.T) {
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: mate.ID})
		require.NoError(t, err)
		require.Equal(t, "org-1", got.Customer.OrganisationID)
	})
}
