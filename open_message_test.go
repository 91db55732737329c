package ticketkit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestOpenWithFirstMessage checks that a ticket opened with a message and
// attachments gets them in the transaction that opens it, that the
// "opened" notification carries the message, and that a refused open
// leaves no file behind.
func TestOpenWithFirstMessage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tk := f.open(t, customer, ticketkit.OpenParams{
		Subject: "Kettle leaks", Description: "See the photo.",
		Attachments: []ticketkit.AttachmentInput{{Name: "leak.jpg", ContentType: "image/jpeg", Content: strings.NewReader("jpeg")}},
	})
	page, err := f.desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
	require.NoError(t, err)
	require.Len(t, page.Messages, 1)
	first := page.Messages[0]
	require.Equal(t, ticket.MessageCustomer, first.Kind)
	require.Equal(t, "See the photo.", first.Body, "attachments without a message carry the description")
	require.Len(t, first.Attachments, 1)
	require.Equal(t, "leak.jpg", first.Attachments[0].Name)
	opened := f.rec.OfKind(notify.KindOpened)
	require.Len(t, opened, 1)
	require.NotNil(t, opened[0].Message)
	require.Equal(t, first.ID, opened[0].Message.ID)
	require.Empty(t, f.rec.OfKind(notify.KindMessageAdded), "one notification for the new ticket")

	staff := f.open(t, agent, ticketkit.OpenParams{Subject: "Call logged", Message: "Customer phoned about the kettle."})
	page, err = f.desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: staff.ID})
	require.NoError(t, err)
	require.Len(t, page.Messages, 1)
	require.Equal(t, ticket.MessageReply, page.Messages[0].Kind)

	stored := f.blobs.Len()
	_, err = f.desk.Open(ctx, customer, ticketkit.OpenParams{
		Subject: "Bad", Category: "no-such-category",
		Attachments: []ticketkit.AttachmentInput{{Name: "a.txt", Content: strings.NewReader("a")}},
	})
	var v *ticket.ValidationError
	require.ErrorAs(t, err, &v)
	require.Equal(t, stored, f.blobs.Len(), "a refused open stores no file")

	plain := f.open(t, customer, ticketkit.OpenParams{Subject: "No message"})
	page, err = f.desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: plain.ID})
	require.NoError(t, err)
	require.Empty(t, page.Messages)
}
