package ticketkit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestDesk_Presence(t *testing.T) {
	t.Parallel()

	// OthersSeeWhoIsThereUntilTheLeaseExpires: two agents on one ticket
	// see each other; a renewal keeps the stay's start; a lease not
	// renewed is gone PresenceTTL after its last take, by itself.
	t.Run("OthersSeeWhoIsThereUntilTheLeaseExpires", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.PresenceTTL = 30 * time.Second })
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			res, err := desk.TakePresence(ctx, agent, ticketkit.TakePresenceParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Empty(t, res.Others)
			require.Equal(t, ticket.Presence{TenantID: agent.TenantID, TicketID: tk.ID, UserID: agent.ID, Activity: ticket.PresenceViewing,
				Since: t0, ExpiresAt: t0.Add(30 * time.Second)}, res.Lease)

			bundle.clock.Advance(10 * time.Second)
			res, err = desk.TakePresence(ctx, super, ticketkit.TakePresenceParams{TicketID: tk.ID, Activity: ticket.PresenceReplying})
			require.NoError(t, err)
			require.Len(t, res.Others, 1)
			require.Equal(t, agent.ID, res.Others[0].UserID)

			bundle.clock.Advance(15 * time.Second)
			res, err = desk.TakePresence(ctx, agent, ticketkit.TakePresenceParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, t0, res.Lease.Since, "a renewal keeps the start of the stay")
			require.Equal(t, []string{super.ID}, users(res.Others))
			require.Equal(t, ticket.PresenceReplying, res.Others[0].Activity)

			bundle.clock.Advance(15 * time.Second) // super's lease: taken at 10s, gone at 40s
			all, err := desk.Presence(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{agent.ID}, users(all))
			bundle.clock.Advance(15 * time.Second) // agent's: renewed at 25s, gone at 55s
			all, err = desk.Presence(ctx, super, tk.ID)
			require.NoError(t, err)
			require.Empty(t, all)
		})
	})

	t.Run("ReleaseEndsALeaseAtOnce", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			for _, a := range []ticketkit.Actor{agent, super} {
				_, err := desk.TakePresence(ctx, a, ticketkit.TakePresenceParams{TicketID: tk.ID})
				require.NoError(t, err)
			}
			require.NoError(t, desk.ReleasePresence(ctx, super, tk.ID))
			require.NoError(t, desk.ReleasePresence(ctx, super, tk.ID), "releasing twice is no error")
			all, err := desk.Presence(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{agent.ID}, users(all))
		})
	})

	// RefusesCustomersStrangersAndStoresWithout: customers neither take
	// nor see leases; another tenant's ticket is not found; an unknown
	// activity is invalid; a store without PresenceStore says so.
	t.Run("RefusesCustomersStrangersAndStoresWithout", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b)
			ctx := t.Context()
			tk := mustOpen(t, desk, customer, ticketkit.OpenParams{})
			_, err := desk.TakePresence(ctx, customer, ticketkit.TakePresenceParams{TicketID: tk.ID})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.Presence(ctx, customer, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			require.ErrorIs(t, desk.ReleasePresence(ctx, customer, tk.ID), ticketkit.ErrForbidden)
			_, err = desk.TakePresence(ctx, otherOrg, ticketkit.TakePresenceParams{TicketID: tk.ID})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = desk.Presence(ctx, otherOrg, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = desk.TakePresence(ctx, agent, ticketkit.TakePresenceParams{TicketID: tk.ID, Activity: "lurking"})
			require.Equal(t, []string{"activity"}, validationFields(t, err))
		})
		plain, err := ticketkit.New(ticketkit.Config{Store: &failingStore{Store: memoryBackend().Open(t)}})
		require.NoError(t, err)
		_, err = plain.Presence(t.Context(), agent, "x")
		require.ErrorIs(t, err, ticketkit.ErrPresenceUnsupported)
		_, err = ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), StaleReplies: "ignore", PresenceTTL: -1})
		require.ErrorContains(t, err, "StaleReplies")
		require.ErrorContains(t, err, "PresenceTTL")
	})
}

func TestDesk_StaleReply(t *testing.T) {
	t.Parallel()

	// setup opens a ticket with a customer message and returns it with
	// the ID of the message the agent last saw and of the customer's
	// newer one.
	setup := func(t *testing.T, b backend, policy ticketkit.StaleReplyPolicy) (*ticketkit.Desk, *ticket.Ticket, string, string) {
		desk, bundle := setupDesk(t, b, func(c *ticketkit.Config) { c.StaleReplies = policy })
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Customer: ticket.Customer{ID: customer.CustomerID, Email: "c@example.com"}})
		seen, err := desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "it leaks"})
		require.NoError(t, err)
		bundle.clock.Advance(time.Minute)
		_, err = desk.AddNote(ctx, super, ticketkit.MessageParams{TicketID: tk.ID, Body: "known issue"})
		require.NoError(t, err)
		bundle.clock.Advance(time.Minute)
		newer, err := desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "now it smokes"})
		require.NoError(t, err)
		bundle.clock.Advance(time.Minute)
		return desk, tk, seen.ID, newer.ID
	}

	// RefusedWhenACustomerWroteMeanwhile: the reply names an older
	// message: refused, naming the unseen customer message (not the
	// note), and not posted; naming the newest it is posted.
	t.Run("RefusedWhenACustomerWroteMeanwhile", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, tk, seen, newer := setup(t, b, "")
			ctx := t.Context()
			before := threadIDs(t, desk, tk.ID)
			_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Try descaling", SeenMessageID: seen})
			require.ErrorIs(t, err, ticketkit.ErrStaleReply)
			var se *ticketkit.StaleReplyError
			require.ErrorAs(t, err, &se)
			require.Equal(t, []string{newer}, se.Unseen)
			require.Equal(t, before, threadIDs(t, desk, tk.ID), "the refused reply was posted")

			m, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Unplug it", SeenMessageID: newer})
			require.NoError(t, err)
			require.Empty(t, m.Unseen)
			_, err = desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "x", SeenMessageID: m.ID})
			require.NoError(t, err, "the agent's own reply after the seen message is no customer message")
		})
	})

	t.Run("WarnedUnderStaleReplyWarn", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, tk, seen, newer := setup(t, b, ticketkit.StaleReplyWarn)
			m, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Try descaling", SeenMessageID: seen})
			require.NoError(t, err)
			require.Equal(t, []string{newer}, m.Unseen)
			ids := threadIDs(t, desk, tk.ID)
			require.Equal(t, m.ID, ids[len(ids)-1])
			page, err := desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: tk.ID, Limit: 500})
			require.NoError(t, err)
			for _, stored := range page.Messages {
				require.Empty(t, stored.Unseen, "Unseen is never stored")
			}
		})
	})

	t.Run("RefusesUnknownSeenMessagesAndCustomers", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, tk, seen, _ := setup(t, b, "")
			other := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			_, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: other.ID, Body: "x", SeenMessageID: seen})
			require.Equal(t, []string{"seen_message_id"}, validationFields(t, err), "a message of another ticket")
			_, err = desk.Reply(t.Context(), customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "x", SeenMessageID: seen})
			require.Equal(t, []string{"seen_message_id"}, validationFields(t, err))
			require.False(t, errors.Is(err, ticketkit.ErrStaleReply))
		})
	})
}

// users returns the user IDs of leases.
func users(ls []ticket.Presence) []string {
	out := []string{}
	for _, l := range ls {
		out = append(out, l.UserID)
	}
	return out
}
