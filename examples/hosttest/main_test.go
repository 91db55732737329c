package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// newReturns is the host's test fixture: a Desk on the memory store
// with a fake clock and a recorder of notifications.
func newReturns(t *testing.T) (*Returns, *notifytest.Recorder, *clock.Fake) {
	t.Helper()
	rec := notifytest.NewRecorder()
	clk := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	d, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Notifier: rec, Clock: clk})
	require.NoError(t, err)
	return &Returns{Desk: d, Orders: map[string]string{"SO-1": "C-1", "SO-9": "C-9"}}, rec, clk
}

func TestRequestOpensATicketAndTellsTheCustomer(t *testing.T) {
	t.Parallel()
	r, rec, clk := newReturns(t)
	n, err := r.Request(context.Background(), "C-1", "ann@example.com", "SO-1", "Too small")
	require.NoError(t, err)
	require.Equal(t, "TK-2026-000001", n)

	require.Equal(t, []notify.Kind{notify.KindOpened}, rec.Kinds())
	e := rec.Events()[0]
	require.Equal(t, "ann@example.com", e.Ticket.Customer.Email)
	require.Equal(t, clk.Now(), e.At)
	require.Equal(t, []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1"}}, e.Ticket.References)
}

func TestRequestRefusesSomeoneElsesOrder(t *testing.T) {
	t.Parallel()
	r, rec, _ := newReturns(t)
	_, err := r.Request(context.Background(), "C-1", "ann@example.com", "SO-9", "not mine")
	require.ErrorIs(t, err, ErrUnknownOrder)
	require.Zero(t, rec.Len(), "no ticket, no notification")
}

func TestParcelLostEscalatesWithUrgentPriority(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, rec, clk := newReturns(t)
	n, err := r.Request(ctx, "C-1", "ann@example.com", "SO-1", "Too small")
	require.NoError(t, err)
	clk.Advance(48 * time.Hour)
	require.NoError(t, r.ParcelLost(ctx, n))

	got, err := r.Desk.GetByNumber(ctx, desk, n)
	require.NoError(t, err)
	require.Equal(t, ticket.StatusEscalated, got.Status)
	require.Equal(t, "urgent", got.Priority)
	require.Equal(t, clk.Now(), got.UpdatedAt)
	history, err := r.Desk.History(ctx, desk, got.ID)
	require.NoError(t, err)
	var fields []string
	for _, h := range history {
		fields = append(fields, h.Field)
	}
	require.Equal(t, []string{ticket.FieldCreated, ticket.FieldPriority, ticket.FieldStatus}, fields)
	require.Equal(t, []notify.Kind{notify.KindOpened, notify.KindStatusChanged}, rec.Kinds())
}

func TestParcelLostForAnUnknownTicket(t *testing.T) {
	t.Parallel()
	r, _, _ := newReturns(t)
	require.ErrorIs(t, r.ParcelLost(context.Background(), "TK-2026-999999"), ticketkit.ErrNotFound)
}
