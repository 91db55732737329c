package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// fullSLA returns an SLA state with every field set, due at base plus
// due.
func fullSLA(due time.Duration) ticket.SLAState {
	return ticket.SLAState{
		Policy: "gold", Cycle: 2, Tier: "gold",
		FirstResponseSpent: time.Hour, NextResponseSpent: 30 * time.Minute, ResolutionSpent: 3 * time.Hour,
		Since: at(time.Hour), NextResponseRound: 3,
		Paused: true, PausedSince: at(2 * time.Hour), PausedTotal: 45 * time.Minute,
		FirstResponseDue: at(4 * time.Hour), NextResponseDue: at(5 * time.Hour), ResolutionDue: at(8 * time.Hour),
		NextCheckAt:     at(due),
		Fired:           []string{"c2:resolution:warn80", "c2:resolution:L1"},
		Breached:        []string{"c1:resolution"},
		FirstResponseAt: at(10 * time.Minute), ResolvedAt: at(9 * time.Hour),
		AwaitingReplySince: at(90 * time.Minute), ReopenCount: 1,
		PendingUntil: at(48 * time.Hour), AutoCloseAt: at(72 * time.Hour),
	}
}

// dueAt returns a mod giving a ticket the wake time base plus d.
func dueAt(d time.Duration) func(*ticket.Ticket) {
	return func(t *ticket.Ticket) { t.SLA = ticket.SLAState{Policy: "std", Cycle: 1, NextCheckAt: at(d)} }
}

// claimDue claims up to limit tickets due at now in its own transaction
// and returns their IDs.
func claimDue(t *testing.T, st storage.Store, now time.Time, limit int) []string {
	t.Helper()
	var got []*ticket.Ticket
	require.NoError(t, st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) (err error) {
		got, err = tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: limit})
		return err
	}))
	return ticketIDs(got)
}

func (s suite) ticketDue(t *testing.T) {
	ctx := context.Background()

	t.Run("SLAStateRoundTrips", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, func(tk *ticket.Ticket) { tk.SLA = fullSLA(6 * time.Hour) })
		mustCreate(t, st, tk)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		requireTicket(t, tk, got)
		requireUTC(t, "SLA.NextCheckAt", got.SLA.NextCheckAt)

		got.SLA.Fired = append(got.SLA.Fired, "c2:resolution:L2")
		got.SLA.Paused, got.SLA.PausedSince, got.SLA.PendingUntil = false, time.Time{}, time.Time{}
		require.NoError(t, st.TicketUpdate(ctx, got))
		again, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		requireTicket(t, got, again)
	})

	t.Run("ZeroSLAStateRoundTrips", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, ticket.SLAState{}, normSLA(got.SLA))
	})

	t.Run("ClaimDueTakesEveryTenantDueFirst", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tickets := []*ticket.Ticket{
			newTicket(tenantA, dueAt(3*time.Hour)),
			newTicket(tenantB, dueAt(time.Hour)),
			newTicket(tenantA),                     // nothing to check
			newTicket(tenantB, dueAt(5*time.Hour)), // not yet due
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.SLA.PendingUntil = at(2 * time.Hour) }),
			newTicket(tenantB, func(tk *ticket.Ticket) {
				tk.SLA.NextCheckAt, tk.SLA.AutoCloseAt = at(9*time.Hour), at(4*time.Hour)
			}),
		}
		createInTx(t, st, tickets)
		require.Equal(t, idsOf(tickets, 1, 4, 0, 5), claimDue(t, st, at(4*time.Hour), 10), "wake time order, at Now included")
		require.Equal(t, idsOf(tickets, 1, 4), claimDue(t, st, at(4*time.Hour), 2), "limit")
		require.Empty(t, claimDue(t, st, at(30*time.Minute), 10))
	})

	t.Run("ClaimDueOrdersTiesByID", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		var tickets []*ticket.Ticket
		for range 5 {
			tickets = append(tickets, newTicket(tenantA, dueAt(time.Hour)))
		}
		createInTx(t, st, tickets)
		want := ticketIDs(tickets) // IDs are time-ordered UUIDv7
		require.Equal(t, want, claimDue(t, st, at(time.Hour), 10))
	})

	t.Run("ClaimDueSkipsTicketsMovedToALaterWake", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tickets := []*ticket.Ticket{newTicket(tenantA, dueAt(time.Hour)), newTicket(tenantB, dueAt(time.Hour))}
		createInTx(t, st, tickets)
		require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: at(2 * time.Hour), Limit: 1})
			if err != nil {
				return err
			}
			require.Len(t, got, 1)
			got[0].SLA.NextCheckAt = at(10 * time.Hour)
			return tx.TicketUpdate(ctx, got[0])
		}))
		require.Equal(t, idsOf(tickets, 1), claimDue(t, st, at(2*time.Hour), 10))
		require.Equal(t, idsOf(tickets, 1, 0), claimDue(t, st, at(10*time.Hour), 10), "wake time order")
	})

	t.Run("ClaimDueRequiresNow", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		_, err := st.TicketClaimDue(ctx, storage.TicketClaimDueParams{})
		require.Error(t, err)
	})

	t.Run("ConcurrentClaimersNeverHoldTheSameTicket", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		const total = 120
		var tickets []*ticket.Ticket
		for i := range total {
			tickets = append(tickets, newTicket([]string{tenantA, tenantB}[i%2], dueAt(time.Duration(i)*time.Second)))
		}
		createInTx(t, st, tickets)

		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				for {
					var n int
					err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
						got, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: at(time.Hour), Limit: 7})
						if err != nil {
							return err
						}
						n = len(got)
						for _, tk := range got {
							tk.SLA.NextCheckAt = time.Time{} // handled: nothing left to check
							if err := tx.TicketUpdate(ctx, tk); err != nil {
								return err
							}
						}
						mu.Lock()
						for _, tk := range got {
							seen[tk.ID]++
						}
						mu.Unlock()
						return nil
					})
					switch {
					case errors.Is(err, storage.ErrConflict):
						continue // a busy database: try again
					case err != nil:
						errs <- err
						return
					case n == 0:
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, seen, total, "every ticket claimed")
		for id, n := range seen {
			require.Equal(t, 1, n, "ticket %s handled %d times", id, n)
		}
	})
}

// batchUpdater checks the optional TicketBatchUpdater.
func (s suite) batchUpdater(t *testing.T) {
	ctx := context.Background()

	t.Run("UpdateBatchStoresEveryTicketOrConflicts", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tickets := []*ticket.Ticket{newTicket(tenantA, dueAt(time.Hour)), newTicket(tenantB), newTicket(tenantA)}
		createInTx(t, st, tickets)
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			u := as[storage.TicketBatchUpdater](t, tx)
			for i, tk := range tickets {
				tk.Subject = "batch " + string(rune('A'+i))
				tk.SLA = fullSLA(time.Duration(i) * time.Hour)
				tk.ClosedAt = time.Time{}
			}
			tickets[1].ClosedAt = at(time.Hour)
			return u.TicketUpdateBatch(ctx, tickets)
		})
		require.NoError(t, err)
		for _, want := range tickets {
			require.Equal(t, int64(2), want.Version)
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: want.TenantID, ID: want.ID})
			require.NoError(t, err)
			requireTicket(t, want, got)
		}

		stale := tickets[0].Clone()
		stale.Version = 1
		err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return as[storage.TicketBatchUpdater](t, tx).TicketUpdateBatch(ctx, []*ticket.Ticket{tickets[1].Clone(), stale})
		})
		require.ErrorIs(t, err, storage.ErrConflict)
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantB, ID: tickets[1].ID})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version, "the transaction rolled back")
	})
}
