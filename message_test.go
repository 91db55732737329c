package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// setupConversation returns a Desk on the memory store with a ticket a
// customer opened, then at t0 answered with two attachments (8 and 4
// bytes); at t0+1m an agent's note, at t0+2m an agent's reply.
func setupConversation(t *testing.T) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	desk, bundle := setupCustomerTicket(t)
	ctx, id := t.Context(), bundle.tk.ID
	_, err := desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: id, Body: "Here is the receipt",
		Attachments: []ticketkit.AttachmentInput{
			{Name: "receipt.pdf", ContentType: "application/pdf", Content: stringsReader("%PDF-1.7")},
			{Name: "photo.jpg", Content: stringsReader("jpeg")},
		}})
	require.NoError(t, err)
	bundle.clock.Advance(time.Minute)
	_, err = desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: id, Body: "internal: known issue"})
	require.NoError(t, err)
	bundle.clock.Advance(time.Minute)
	_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: id, Body: "We will replace it"})
	require.NoError(t, err)
	return desk, bundle
}

func TestDesk_Reply(t *testing.T) {
	t.Parallel()

	setup := setupAgentTicket

	t.Run("EachMessageBumpsTheTicket", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupConversation(t)
		got, err := desk.Get(t.Context(), agent, bundle.tk.ID)
		require.NoError(t, err)
		require.Equal(t, int64(4), got.Version, "each message bumps the ticket")
		require.True(t, got.UpdatedAt.Equal(t0.Add(2*time.Minute)))
	})

	t.Run("UnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		desk, _ := setup(t)
		_, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: "no-such-id", Body: "x"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})

	t.Run("OversizeAttachmentIsRejectedAndNothingKept", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		big := make([]byte, 2048)
		_, err := desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: bundle.tk.ID, Body: "two files",
			Attachments: []ticketkit.AttachmentInput{
				{Name: "small.txt", Content: stringsReader("ok")},
				{Name: "big.bin", Content: bytesReader(big)},
			}})
		require.Equal(t, []string{"attachments[1].content"}, validationFields(t, err))
		require.Zero(t, bundle.blobs.Len(), "the first file was removed again")
		page, err := desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: bundle.tk.ID})
		require.NoError(t, err)
		require.Empty(t, page.Messages)
	})

	t.Run("ConcurrentRepliesAreNeverLost", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		ctx, tk := t.Context(), bundle.tk
		const n = 20
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "hello"})
				errs <- err
			}()
		}
		for range n {
			require.NoError(t, <-errs)
		}
		got, err := desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1+n), got.Version)
		page, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, page.Messages, n)
	})

	reopenWithin := func(c *ticketkit.Config) { c.ReopenWithin = 72 * time.Hour }

	t.Run("CustomerWithinTheReopenWindowReopens", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newSLADesk(t, b.Open(t), reopenWithin)
			ctx := t.Context()
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
	})

	t.Run("CustomerAfterTheReopenWindowOpensAFollowUp", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			s := newSLADesk(t, b.Open(t), reopenWithin)
			ctx := t.Context()
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
	})

	t.Run("CustomerWithoutReopenPolicyChangesNoStatus", func(t *testing.T) {
		t.Parallel()
		s := newSLADesk(t, memoryBackend().Open(t))
		ctx := t.Context()
		tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Thanks"})
		require.NoError(t, err)
		s.move(t, tk.ID, ticket.StatusResolved)
		msg, err := s.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Thank you!"})
		require.NoError(t, err)
		require.Equal(t, tk.ID, msg.TicketID)
		require.Equal(t, ticket.StatusResolved, s.get(t, tk.ID).Status)
	})
}

func TestDesk_AddNote(t *testing.T) {
	t.Parallel()

	setup := setupCustomerTicket

	t.Run("CustomerIsForbidden", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		_, err := desk.AddNote(t.Context(), customer, ticketkit.MessageParams{TicketID: bundle.tk.ID, Body: "sneaky"})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
	})
}

func TestDesk_Messages(t *testing.T) {
	t.Parallel()

	setup := setupConversation

	t.Run("StaffSeeEveryKindInOrder", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		staff, err := desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: bundle.tk.ID})
		require.NoError(t, err)
		require.Equal(t, []ticket.MessageKind{ticket.MessageCustomer, ticket.MessageNote, ticket.MessageReply}, kinds(staff.Messages))
	})

	t.Run("CustomersNeverSeeNotes", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		mine, err := desk.Messages(t.Context(), customer, ticketkit.MessageListParams{TicketID: bundle.tk.ID})
		require.NoError(t, err)
		require.Equal(t, []ticket.MessageKind{ticket.MessageCustomer, ticket.MessageReply}, kinds(mine.Messages), "customers never see notes")
		notesOnly, err := desk.Messages(t.Context(), customer, ticketkit.MessageListParams{Kinds: []ticket.MessageKind{ticket.MessageNote}})
		require.NoError(t, err)
		require.Empty(t, notesOnly.Messages)
	})
}

func TestDesk_OpenAttachment(t *testing.T) {
	t.Parallel()

	setup := setupConversation

	t.Run("TheCustomerReadsItAStrangerDoesNot", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setup(t)
		ctx, tk := t.Context(), bundle.tk
		staff, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		att := staff.Messages[0].Attachments[0]
		require.Equal(t, int64(8), att.Size)
		meta, r, err := desk.OpenAttachment(ctx, customer, tk.ID, att.ID)
		require.NoError(t, err)
		body := readAll(t, r)
		require.Equal(t, "%PDF-1.7", body)
		require.Equal(t, "receipt.pdf", meta.Name)
		_, _, err = desk.OpenAttachment(ctx, stranger, tk.ID, att.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})
}
