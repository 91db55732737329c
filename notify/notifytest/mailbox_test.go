package notifytest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestMailboxRendersOneMailPerRecipient(t *testing.T) {
	t.Parallel()
	catalog := ticket.DefaultCatalog()
	mb := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog}, nil, nil)
	var seen []string
	mb.OnMail = func(m notifytest.Mail) { seen = append(seen, m.To.Address) }
	tk := &ticket.Ticket{ID: "t1", Number: "TK-2026-000001", TenantID: "acme", Subject: "Kettle",
		Status: ticket.StatusOpen, Priority: ticket.PriorityNormal,
		Customer: ticket.Customer{Name: "Jane", Email: "Jane@Example.com"}}
	e := notify.Event{ID: "e1", Kind: notify.KindOpened, TenantID: "acme", Actor: ticket.Actor{ID: "clerk", Role: ticket.RoleAgent}, Ticket: tk}
	require.NoError(t, mb.Notify(context.Background(), e))

	mails := mb.To("jane@example.com")
	require.Len(t, mails, 1)
	require.Contains(t, mails[0].Subject, "TK-2026-000001")
	require.Contains(t, mails[0].Text, "Kettle")
	require.Equal(t, notify.AudienceCustomer, mails[0].To.Audience)
	require.Equal(t, []string{"Jane@Example.com"}, seen)

	note := e
	note.ID, note.Kind = "e2", notify.KindMessageAdded
	note.Message = &ticket.Message{Kind: ticket.MessageNote, Body: "internal"}
	require.NoError(t, mb.Notify(context.Background(), note))
	require.Len(t, mb.To("jane@example.com"), 1, "internal notes never reach the customer")

	mb.Reset()
	require.Empty(t, mb.Mails())
}
