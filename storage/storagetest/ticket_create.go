package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

func (s suite) ticketCreate(t *testing.T) {
	ctx := context.Background()

	t.Run("CreateThenGetReturnsEveryField", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name string
			tk   *ticket.Ticket
		}{
			{"Open", newTicket(tenantA)},
			{"Closed", newTicket(tenantA, func(tk *ticket.Ticket) {
				tk.Status = "closed"
				tk.ClosureReason = "repaired"
				tk.ClosedAt = at(72 * time.Hour)
				tk.Actions[1].Done = true
				tk.Actions[1].DoneAt = at(70 * time.Hour)
				tk.Actions[1].Result = "Seal shipped"
			})},
		}
		st := s.store(t)
		for _, tc := range tests {
			want := tc.tk.Clone()
			want.Version = 1
			mustCreate(t, st, tc.tk)

			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tc.tk.ID})
			require.NoError(t, err, tc.name)
			requireTicket(t, want, got)
			require.Equal(t, tc.tk.ClosedAt.IsZero(), got.ClosedAt.IsZero(), tc.name)
			for what, ts := range map[string]time.Time{
				"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt, "ClosedAt": got.ClosedAt,
				"Actions[0].DueAt": got.Actions[0].DueAt, "Actions[0].DoneAt": got.Actions[0].DoneAt,
			} {
				requireUTC(t, what, ts)
			}

			byNumber, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: tc.tk.Number})
			require.NoError(t, err, tc.name)
			requireTicket(t, want, byNumber)
		}
	})

	t.Run("CreateKeepsTimesAsUTCInstants", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		paris := time.FixedZone("UTC+1", 3600)
		tk := newTicket(tenantA, func(tk *ticket.Ticket) {
			tk.CreatedAt = base.In(paris)
			tk.UpdatedAt = at(time.Hour).In(paris)
		})
		mustCreate(t, st, tk)

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
		require.NoError(t, err)
		requireUTC(t, "CreatedAt", got.CreatedAt)
		requireUTC(t, "UpdatedAt", got.UpdatedAt)
		require.True(t, got.CreatedAt.Equal(base), "CreatedAt %s, want %s", got.CreatedAt, base)
		require.True(t, got.UpdatedAt.Equal(at(time.Hour)), "UpdatedAt %s, want %s", got.UpdatedAt, at(time.Hour))
	})

	t.Run("CreateSetsVersionOne", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		for _, version := range []int64{0, 7} {
			tk := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Version = version })
			mustCreate(t, st, tk)
			require.Equal(t, int64(1), tk.Version, "caller's ticket after create from version %d", version)

			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, int64(1), got.Version, "stored ticket after create from version %d", version)
		}
	})

	t.Run("CreateRejectsDuplicateIDWithErrConflict", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		first := newTicket(tenantA)
		mustCreate(t, st, first)
		dup := newTicket(tenantA, func(tk *ticket.Ticket) {
			tk.ID = first.ID
			tk.Subject = "Duplicate"
		})

		err := st.TicketCreate(ctx, dup)
		require.ErrorIs(t, err, storage.ErrConflict)

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: first.ID})
		require.NoError(t, err)
		require.Equal(t, first.Subject, got.Subject)
		require.Equal(t, first.Number, got.Number)
		_, err = st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: dup.Number})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("CreateRejectsDuplicateNumberInTenantWithErrConflict", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		first := newTicket(tenantA)
		mustCreate(t, st, first)
		dup := newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = first.Number })

		err := st.TicketCreate(ctx, dup)
		require.ErrorIs(t, err, storage.ErrConflict)

		_, err = st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: dup.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
		got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: first.Number})
		require.NoError(t, err)
		require.Equal(t, first.ID, got.ID)
	})

	t.Run("SameNumberInOtherTenantIsAllowed", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		b := newTicket(tenantB, func(tk *ticket.Ticket) { tk.Number = a.Number })
		mustCreate(t, st, a, b)

		for tenant, want := range map[string]string{tenantA: a.ID, tenantB: b.ID} {
			got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenant, Number: a.Number})
			require.NoError(t, err, tenant)
			require.Equal(t, want, got.ID, tenant)
			require.Equal(t, tenant, got.TenantID)
		}
	})

	t.Run("ReturnedTicketIsACopy", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)
		want := tk.Clone()

		scribble := func(c *ticket.Ticket) {
			c.Subject = "changed"
			c.Tags[0] = "changed"
			c.Fields["store"] = "changed"
			c.Contacts[0].Name = "changed"
			c.References[0].ID = "changed"
			c.Actions[0].Title = "changed"
		}
		// The caller's own ticket is not shared with the store.
		scribble(tk)

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: want.ID})
		require.NoError(t, err)
		requireTicket(t, want, got)
		scribble(got)

		byNumber, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: want.Number})
		require.NoError(t, err)
		requireTicket(t, want, byNumber)
		scribble(byNumber)

		list, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenantA}})
		require.NoError(t, err)
		require.Len(t, list.Tickets, 1)
		requireTicket(t, want, list.Tickets[0])
		scribble(list.Tickets[0])

		again, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: want.ID})
		require.NoError(t, err)
		requireTicket(t, want, again)
	})
}
