package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestCustomerReplyWithinTheWindowReopens(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t), func(c *ticketkit.Config) { c.ReopenWithin = 72 * time.Hour })
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Late parcel"})
			require.NoError(t, err)
			s.at(1)
			_, err = s.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "It left today."})
			require.NoError(t, err)
			s.move(t, tk.ID, ticket.StatusResolved)

			s.at(49)
			msg, err := s.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Still nothing."})
			require.NoError(t, err)
			require.Equal(t, tk.ID, msg.TicketID)
			got := s.get(t, tk.ID)
			require.Equal(t, ticket.StatusInProgress, got.Status, "reopened into the workflow's reopen status")
			require.Equal(t, 2, got.SLA.Cycle)
			require.Equal(t, 1, got.SLA.ReopenCount)
			require.Equal(t, t0.Add(49*time.Hour), got.SLA.AwaitingReplySince, "the customer waits for an answer again")
			require.Equal(t, t0.Add(57*time.Hour), got.SLA.ResolutionDue, "a new resolution clock")
		})
	}
}

func TestCustomerReplyAfterTheWindowOpensAFollowUp(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t), func(c *ticketkit.Config) { c.ReopenWithin = 72 * time.Hour })
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Late parcel", Priority: ticket.PriorityHigh, Tier: "gold",
				Customer: ticket.Customer{ID: customer.CustomerID}})
			require.NoError(t, err)
			s.at(1)
			s.move(t, tk.ID, ticket.StatusResolved)

			s.at(100)
			msg, err := s.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "It broke again."})
			require.NoError(t, err)
			require.NotEqual(t, tk.ID, msg.TicketID, "the message went to a follow-up")

			old := s.get(t, tk.ID)
			require.Equal(t, ticket.StatusResolved, old.Status)
			f := s.get(t, msg.TicketID)
			require.Equal(t, tk.ID, f.FollowUpOf)
			require.Equal(t, ticket.StatusOpen, f.Status)
			require.Equal(t, "Late parcel", f.Subject)
			require.Equal(t, ticket.PriorityHigh, f.Priority)
			require.Equal(t, old.Customer, f.Customer)
			require.Equal(t, 1, f.SLA.Cycle)
			require.Equal(t, "gold", f.SLA.Tier)
			require.Equal(t, t0.Add(108*time.Hour), f.SLA.ResolutionDue)

			require.Equal(t, []string{"follow_up: " + f.Number}, historyOf(t, s, tk.ID, ticket.FieldFollowUp))
			require.Equal(t, []string{"created: " + f.Number, "follow_up_of: " + tk.Number},
				historyOf(t, s, f.ID, ticket.FieldCreated, ticket.FieldFollowUpOf))
			mine, err := s.desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: f.ID})
			require.NoError(t, err)
			require.Len(t, mine.Messages, 1)
		})
	}
}

func TestCustomerReplyWithoutReopenPolicyChangesNoStatus(t *testing.T) {
	s := newSLADesk(t, backends()[0].Open(t))
	ctx := context.Background()
	tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Thanks"})
	require.NoError(t, err)
	s.move(t, tk.ID, ticket.StatusResolved)
	msg, err := s.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Thank you!"})
	require.NoError(t, err)
	require.Equal(t, tk.ID, msg.TicketID)
	require.Equal(t, ticket.StatusResolved, s.get(t, tk.ID).Status)
}
