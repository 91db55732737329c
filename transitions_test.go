package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTransitionsOfferWhatTheWorkflowAllows checks that every status
// change Desk.Transitions offers can be taken (with a reason where it
// says one is required), and that customers are offered none by default.
func TestTransitionsOfferWhatTheWorkflowAllows(t *testing.T) {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	require.NoError(t, err)
	open := func() *ticket.Ticket {
		tk, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle"})
		require.NoError(t, err)
		return tk
	}
	offered, err := desk.Transitions(ctx, agent, open().ID)
	require.NoError(t, err)
	require.NotEmpty(t, offered)
	reasons := 0
	for _, tr := range offered {
		tk := open()
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

	mine, err := desk.Transitions(ctx, customer, open().ID)
	require.NoError(t, err)
	require.Empty(t, mine, "customers change no status by default")
	require.NotNil(t, mine, "an empty list, not null, for JSON")

	_, err = desk.Transitions(ctx, ticketkit.Actor{ID: "x", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-9"}, open().ID)
	require.ErrorIs(t, err, ticketkit.ErrNotFound, "another customer's ticket does not exist for them")
}
