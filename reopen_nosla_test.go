package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_Reply_ReopenWithoutSLA is the regression test of a resolved
// ticket that no SLA tracked: the reopen policy found no resolution time
// and opened a follow-up for a customer who wrote within the window.
func TestDesk_Reply_ReopenWithoutSLA(t *testing.T) {
	t.Parallel()
	const window = 24 * time.Hour
	setup := func(t *testing.T, b backend) (*ticketkit.Desk, *deskBundle, *ticket.Ticket) {
		t.Helper()
		desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.ReopenWithin = window })
		tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
		bundle.clock.Set(t0.Add(time.Hour))
		_, err := desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
		require.NoError(t, err)
		return desk, bundle, tk
	}

	t.Run("WithinTheWindowReopens", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle, tk := setup(t, b)
			bundle.clock.Set(t0.Add(time.Hour + window - time.Minute))
			msg, err := desk.Reply(t.Context(), customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Still broken"})
			require.NoError(t, err)
			require.Equal(t, tk.ID, msg.TicketID, "the message stays on the ticket")
			got, err := desk.Get(t.Context(), agent, tk.ID)
			require.NoError(t, err)
			require.NotEqual(t, ticket.StatusResolved, got.Status, "reopened")
		})
	})
	t.Run("AfterTheWindowOpensAFollowUp", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle, tk := setup(t, b)
			bundle.clock.Set(t0.Add(time.Hour + window + time.Minute))
			msg, err := desk.Reply(t.Context(), customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Broken again"})
			require.NoError(t, err)
			require.NotEqual(t, tk.ID, msg.TicketID, "a follow-up")
			got, err := desk.Get(t.Context(), agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.StatusResolved, got.Status)
		})
	})
}
