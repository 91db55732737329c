package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_ReplyCopyContacts checks the reply option that mails a
// ticket's contacts, on every backend: only when the agent asks, only
// contacts with an address, as the customer reads it, never on a note
// nor on the customer's own message, and never to an address a customer
// typed.
func TestDesk_ReplyCopyContacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			desk, mail := mailDesk(t, b, notify.Resolver{Directory: staffDirectory}, func(c *ticketkit.Config) { c.Staff = staffDirectory })
			tk, err := desk.Open(ctx, ann, ticketkit.OpenParams{
				Subject: "Boiler", Assignee: raj.ID,
				Customer: ticket.Customer{ID: customer.CustomerID, Name: "Jane", Email: "jane@example.com"},
				Contacts: []ticket.Contact{
					{Name: "Paul", Email: "paul@example.com", Role: "technician"},
					{Name: "Nora", Phone: "+33612345678"},
					{Name: "Jane again", Email: "JANE@example.com"},
				},
			})
			require.NoError(t, err)
			mail.Reset()

			recipients := func() map[string]notify.Audience {
				got := map[string]notify.Audience{}
				for _, m := range mail.Mails() {
					got[m.To.Address] = m.To.Audience
				}
				mail.Reset()
				return got
			}

			_, err = desk.Reply(ctx, raj, ticketkit.MessageParams{TicketID: tk.ID, Body: "Not copied."})
			require.NoError(t, err)
			require.Equal(t, map[string]notify.Audience{"jane@example.com": notify.AudienceCustomer}, recipients())

			_, err = desk.Reply(ctx, raj, ticketkit.MessageParams{TicketID: tk.ID, Body: "Paul, please come tomorrow.", CopyContacts: true})
			require.NoError(t, err)
			copied := mail.To("paul@example.com")
			require.Len(t, copied, 1)
			require.Contains(t, copied[0].Text, "Paul, please come tomorrow.")
			requireNoStaffID(t, "the contact's mail", copied[0].Rendered)
			require.Equal(t, map[string]notify.Audience{
				"jane@example.com": notify.AudienceCustomer, "paul@example.com": notify.AudienceContacts,
			}, recipients(), "the customer once, the contact with an address; the phone-only contact gets nothing")

			for _, tc := range []struct {
				name string
				send func() error
			}{
				{"Note", func() error {
					_, err := desk.AddNote(ctx, raj, ticketkit.MessageParams{TicketID: tk.ID, Body: "Internal.", CopyContacts: true})
					return err
				}},
				{"CustomerMessage", func() error {
					_, err := desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Me too.", CopyContacts: true})
					return err
				}},
				{"SystemMessage", func() error {
					_, err := desk.Reply(ctx, ticket.SystemActor("acme"), ticketkit.MessageParams{TicketID: tk.ID, Body: "Auto.", CopyContacts: true})
					return err
				}},
			} {
				require.Equal(t, []string{"copy_contacts"}, validationFields(t, tc.send()), tc.name)
			}
			require.Empty(t, recipients(), "nothing refused was sent")
			msgs, err := desk.Messages(ctx, ann, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 2, "nothing refused was stored")

			// A customer cannot slip an address in as a contact, so a
			// copied reply never reaches an address a customer typed.
			_, err = desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Mine", Contacts: []ticket.Contact{{Name: "X", Email: "x@evil.example"}}})
			require.Equal(t, []string{"contacts[0].email"}, validationFields(t, err))
			_, err = desk.Update(ctx, customer, ticketkit.UpdateParams{TicketID: tk.ID, Contacts: []ticket.Contact{{Name: "X", Email: "x@evil.example"}}})
			require.Error(t, err)
		})
	}
}
