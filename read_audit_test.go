package ticketkit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// auditLog is a ReadAuditor that keeps what it is told.
type auditLog struct {
	mu   sync.Mutex
	recs []ticketkit.ReadRecord
	err  error
}

func (l *auditLog) AuditRead(_ context.Context, r ticketkit.ReadRecord) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r)
	return l.err
}

func (l *auditLog) take() []ticketkit.ReadRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.recs
	l.recs = nil
	return out
}

func TestDesk_ReadAudit(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*ticketkit.Desk, *auditLog, *ticket.Ticket) {
		t.Helper()
		log := &auditLog{}
		desk, _ := setupDesk(t, memoryBackend(), func(c *ticketkit.Config) { c.ReadAudit = log })
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		_, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "On it"})
		require.NoError(t, err)
		log.take()
		return desk, log, tk
	}

	t.Run("StaffReadsAreRecordedWithWhoWhatAndWhen", func(t *testing.T) {
		t.Parallel()
		desk, log, tk := setup(t)
		ctx := t.Context()
		_, err := desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		_, err = desk.GetByNumber(ctx, super, tk.Number)
		require.NoError(t, err)
		_, err = desk.History(ctx, agent, tk.ID)
		require.NoError(t, err)
		_, err = desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		rec := func(a ticketkit.Actor, what ticketkit.ReadWhat) ticketkit.ReadRecord {
			return ticketkit.ReadRecord{Actor: a, TenantID: tk.TenantID, TicketID: tk.ID, TicketNumber: tk.Number,
				CustomerID: customer.CustomerID, What: what, At: t0}
		}
		require.Equal(t, []ticketkit.ReadRecord{
			rec(agent, ticketkit.ReadTicket), rec(super, ticketkit.ReadTicket),
			rec(agent, ticketkit.ReadHistory), rec(agent, ticketkit.ReadMessages),
		}, log.take())

		// A listing of messages without a ticket names each ticket read.
		_, err = desk.Messages(ctx, agent, ticketkit.MessageListParams{})
		require.NoError(t, err)
		got := log.take()
		require.Len(t, got, 1)
		require.Equal(t, tk.ID, got[0].TicketID)
	})
	t.Run("CustomersOwnReadsAndRefusedReadsAreNotRecorded", func(t *testing.T) {
		t.Parallel()
		desk, log, tk := setup(t)
		ctx := t.Context()
		_, err := desk.Get(ctx, customer, tk.ID)
		require.NoError(t, err)
		_, err = desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		_, err = desk.Get(ctx, otherOrg, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's staff")
		require.Empty(t, log.take())
	})
	t.Run("AnAuditorErrorFailsTheRead", func(t *testing.T) {
		t.Parallel()
		desk, log, tk := setup(t)
		errDown := errors.New("audit log down")
		log.err = errDown
		_, err := desk.Get(t.Context(), agent, tk.ID)
		require.ErrorIs(t, err, errDown)
		_, err = desk.History(t.Context(), agent, tk.ID)
		require.ErrorIs(t, err, errDown)
		_, err = desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.ErrorIs(t, err, errDown)
	})
}
