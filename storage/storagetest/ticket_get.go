package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

func (s suite) ticketGet(t *testing.T) {
	ctx := context.Background()

	t.Run("GetReturnsErrNotFoundForUnknownID", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		mustCreate(t, st, newTicket(tenantA))

		got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: ids.New()})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Nil(t, got)
	})

	t.Run("GetFindsTheTicketAmongOthers", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tickets := []*ticket.Ticket{
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = "first" }),
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = "second" }),
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Subject = "third" }),
		}
		mustCreate(t, st, tickets...)

		for _, want := range tickets {
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: tenantA, ID: want.ID})
			require.NoError(t, err)
			requireTicket(t, want, got)
		}
	})

	t.Run("GetByNumberReturnsErrNotFoundForUnknownNumber", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tk := newTicket(tenantA)
		mustCreate(t, st, tk)

		got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: tk.Number + "0"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Nil(t, got)
	})

	t.Run("GetByNumberFindsTheTicketAmongOthers", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		tickets := []*ticket.Ticket{
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = "TK-2026-000001" }),
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = "TK-2026-000002" }),
			newTicket(tenantA, func(tk *ticket.Ticket) { tk.Number = "TK-2026-000010" }),
		}
		mustCreate(t, st, tickets...)

		for _, want := range tickets {
			got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenantA, Number: want.Number})
			require.NoError(t, err)
			requireTicket(t, want, got)
		}
	})
}
