package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestDesk_Transition(t *testing.T) {
	t.Parallel()

	setup := setupCustomerTicket

	t.Run("CustomerIsForbidden", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Transition(t.Context(), customer, ticketkit.TransitionParams{TicketID: bundle.tk.ID, To: ticket.StatusClosed, Reason: "done"})
		require.ErrorIs(t, err, ticketkit.ErrForbidden, "a customer may not change status")
		var te *ticketkit.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, ticket.RoleCustomer, te.Role)
	})

	t.Run("ClosingRequiresAReason", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: bundle.tk.ID, To: ticket.StatusClosed})
		require.ErrorIs(t, err, ticketkit.ErrGuard, "closing requires a reason")
		var te *ticketkit.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, "reason_required", te.Guard)
	})

	t.Run("UnknownStatusNamesTheField", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: bundle.tk.ID, To: "nirvana"})
		require.Equal(t, []string{"to"}, validationFields(t, err))
	})

	t.Run("UnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: "no-such-id", To: ticket.StatusClosed, Reason: "x"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	t.Run("CloseKeepsReasonTimeAndHistory", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		bundle.rec.Reset()
		bundle.clock.Advance(time.Hour)
		closed := mustMove(t, desk, agent, bundle.tk.ID, ticket.StatusClosed, "Duplicate of TK-1")
		require.Equal(t, ticket.StatusClosed, closed.Status)
		require.Equal(t, "Duplicate of TK-1", closed.ClosureReason)
		require.True(t, closed.ClosedAt.Equal(t0.Add(time.Hour)))
		require.Equal(t, int64(2), closed.Version)
		require.Equal(t, []notify.Kind{notify.KindStatusChanged, notify.KindClosed}, bundle.rec.Kinds())

		history, err := desk.History(t.Context(), agent, bundle.tk.ID)
		require.NoError(t, err)
		fields := map[string]ticket.Event{}
		for _, e := range history {
			fields[e.Field] = *e
		}
		require.Equal(t, ticket.StatusOpen, fields[ticket.FieldStatus].Old)
		require.Equal(t, ticket.StatusClosed, fields[ticket.FieldStatus].New)
		require.Equal(t, "agent-1", fields[ticket.FieldStatus].ActorID)
		require.Equal(t, "Duplicate of TK-1", fields[ticket.FieldClosureReason].New)
	})

	t.Run("ReopensOnlyWithinTheWindow", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		id := bundle.tk.ID
		mustMove(t, desk, agent, id, ticket.StatusClosed, "Duplicate of TK-1")
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: id, To: ticket.StatusInProgress})
		require.NoError(t, err, "the default workflow reopens within 14 days")
		mustMove(t, desk, agent, id, ticket.StatusClosed, "again")
		bundle.clock.Advance(15 * 24 * time.Hour)
		_, err = desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: id, To: ticket.StatusInProgress})
		require.ErrorIs(t, err, ticketkit.ErrReopenWindow)
	})

	t.Run("StaleVersionConflicts", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		ctx, tk := t.Context(), bundle.tk
		_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress, Version: tk.Version})
		require.NoError(t, err)
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting, Version: tk.Version})
		require.ErrorIs(t, err, ticketkit.ErrConflict)
		got, err := desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Equal(t, ticket.StatusInProgress, got.Status, "the stale change wrote nothing")
	})
}

func TestDesk_Transitions(t *testing.T) {
	t.Parallel()

	setup := setupMemoryDesk
	open := func(t *testing.T, desk *ticketkit.Desk) *ticket.Ticket {
		t.Helper()
		return mustOpen(t, desk, customer, ticketkit.OpenParams{Subject: "Kettle"})
	}

	// OffersWhatTheWorkflowAllows: every status change offered can be
	// taken, with a reason where it says one is required.
	t.Run("OffersWhatTheWorkflowAllows", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		ctx := t.Context()
		offered, err := desk.Transitions(ctx, agent, open(t, desk).ID)
		require.NoError(t, err)
		require.NotEmpty(t, offered)
		reasons := 0
		for _, tr := range offered {
			tk := open(t, desk)
			p := ticketkit.TransitionParams{TicketID: tk.ID, To: tr.To}
			if tr.RequiresReason {
				reasons++
				_, err := desk.Transition(ctx, agent, p)
				require.Error(t, err, "%s without a reason", tr.Name)
				p.Reason = "done"
			}
			got, err := desk.Transition(ctx, agent, p)
			require.NoError(t, err, "offered %s", tr.Name)
			require.Equal(t, tr.To, got.Status)
		}
		require.NotZero(t, reasons, "closing asks for a reason")
	})

	t.Run("CustomersAreOfferedNone", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		mine, err := desk.Transitions(t.Context(), customer, open(t, desk).ID)
		require.NoError(t, err)
		require.Empty(t, mine, "customers change no status by default")
		require.NotNil(t, mine, "an empty list, not null, for JSON")
	})

	t.Run("AnotherCustomersTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.Transitions(t.Context(), ticketkit.Actor{ID: "x", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-9"}, open(t, desk).ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another customer's ticket does not exist for them")
	})
}
