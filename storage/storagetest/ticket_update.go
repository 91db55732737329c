package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

func (s suite) ticketUpdate(t *testing.T) {
	ctx := context.Background()
	get := func(t *testing.T, st storage.Store, id string) *ticket.Ticket {
		t.Helper()
		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: id})
		require.NoError(t, err)
		return got
	}

	t.Run("UpdateIncrementsVersion", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)

		tk.Subject = "Espresso machine still leaks"
		tk.Status = "closed"
		tk.Priority = "high"
		tk.Tags = append(tk.Tags, "escalated")
		tk.Fields["amount"] = "99.00"
		tk.Contacts = append(tk.Contacts, ticket.Contact{Name: "Di Eze", Role: "manager"})
		tk.References = tk.References[1:]
		tk.Actions[1].Done = true
		tk.Actions[1].DoneAt = at(3 * time.Hour)
		tk.ClosureReason = "repaired"
		tk.ClosedAt = at(4 * time.Hour)
		tk.UpdatedAt = at(4 * time.Hour)
		require.NoError(t, st.TicketUpdate(ctx, tk))
		require.Equal(t, int64(2), tk.Version)
		requireTicket(t, tk, get(t, st, tk.ID))

		tk.Assignee = "agent-9"
		require.NoError(t, st.TicketUpdate(ctx, tk))
		require.Equal(t, int64(3), tk.Version)
		requireTicket(t, tk, get(t, st, tk.ID))
	})

	t.Run("UpdateCanClearOptionalFields", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA, func(tk *ticket.Ticket) { tk.ClosedAt = at(time.Hour) })
		mustCreate(t, st, tk)

		tk.Assignee = ""
		tk.Category = ""
		tk.Contacts = nil
		tk.References = nil
		tk.Tags = nil
		tk.Fields = nil
		tk.Actions = nil
		tk.ClosedAt = time.Time{}
		tk.Customer = ticket.Customer{}
		require.NoError(t, st.TicketUpdate(ctx, tk))

		got := get(t, st, tk.ID)
		requireTicket(t, tk, got)
		require.True(t, got.ClosedAt.IsZero(), "ClosedAt %s, want zero", got.ClosedAt)
	})

	t.Run("UpdateWithStaleVersionReturnsErrConflictAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		first, stale := get(t, st, tk.ID), get(t, st, tk.ID)

		first.Subject = "first writer"
		require.NoError(t, st.TicketUpdate(ctx, first))
		want := first.Clone()

		stale.Subject = "stale writer"
		stale.Tags = []string{"stale"}
		err := st.TicketUpdate(ctx, stale)
		require.ErrorIs(t, err, storage.ErrConflict)
		require.Equal(t, int64(1), stale.Version, "a failed update must not change the caller's version")

		ahead := want.Clone()
		ahead.Version = 5
		ahead.Subject = "version from the future"
		require.ErrorIs(t, st.TicketUpdate(ctx, ahead), storage.ErrConflict)

		got := get(t, st, tk.ID)
		require.Equal(t, int64(2), got.Version)
		requireTicket(t, want, got)
	})

	t.Run("UpdateUnknownReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st, newTicket(tenantA))
		ghost := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Version = 1 })

		require.ErrorIs(t, st.TicketUpdate(ctx, ghost), storage.ErrNotFound)

		_, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: ghost.ID})
		require.ErrorIs(t, err, storage.ErrNotFound, "update must not insert")
	})

	t.Run("ConcurrentUpdatesOfOneVersionExactlyOneWins", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		read := get(t, st, tk.ID)

		const writers = 8
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				mine := read.Clone()
				mine.Subject = fmt.Sprintf("writer %d", i)
				mine.Tags = []string{fmt.Sprintf("w%d", i)}
				<-start
				errs[i] = st.TicketUpdate(ctx, mine)
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
				winner = i
				continue
			}
			require.ErrorIs(t, err, storage.ErrConflict, "writer %d", i)
		}
		require.NotEqual(t, -1, winner, "no writer won")

		got := get(t, st, tk.ID)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, fmt.Sprintf("writer %d", winner), got.Subject)
		require.Equal(t, []string{fmt.Sprintf("w%d", winner)}, got.Tags)
	})
}
