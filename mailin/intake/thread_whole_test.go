package intake_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestFirstMailStartsTheThreadWithItsCc checks, on every backend, that a
// plain first mail is the ticket's first customer message (not only its
// description), that the Cc'd addresses the host vouches for become the
// ticket's contacts — never the sender, the desk's own mailboxes nor an
// address the host does not know — and that an agent's reply reaches
// them only when the agent copies them.
func TestFirstMailStartsTheThreadWithItsCc(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			var (
				mu    sync.Mutex
				asked []string
			)
			mail := notifytest.NewMailbox(&notify.Resolver{}, notify.DefaultTemplates(), nil)
			e := newEnv(t, b.Open(t), func(c *ticketkit.Config, ic *intake.Config) {
				c.Notifier = mail
				ic.CcContacts = func(_ context.Context, tenantID string, customer ticket.Customer, cc mailin.Address) (ticket.Contact, bool, error) {
					mu.Lock()
					defer mu.Unlock()
					asked = append(asked, cc.Address)
					require.Equal(t, tenant, tenantID)
					require.Equal(t, "anna@example.com", customer.Email)
					return ticket.Contact{Role: "technician"}, cc.Address == "paul@example.com", nil
				}
			})
			r := e.ingest(t, msg("My kettle is broken.", "From: Anna Berg <anna@example.com>", "Subject: Kettle", mid(),
				"Cc: Paul Roe <paul@example.com>, eve@evil.example, support@acme.example, Anna <ANNA@example.com>, PAUL@example.com, "+own))
			require.Equal(t, intake.Opened, r.Outcome)
			tk := e.get(t, r.TicketID)
			require.Equal(t, "My kettle is broken.", strings.TrimSpace(tk.Description))
			e.requireOnlyTheFirstMail(t, tk.ID, "My kettle is broken.", "the first mail is the first message")
			require.Equal(t, []ticket.Contact{{Name: "Paul Roe", Email: "paul@example.com", Role: "technician"}}, tk.Contacts)
			require.Equal(t, []string{"paul@example.com", "eve@evil.example"}, asked,
				"the sender, the desk's mailboxes and repeats are never asked about")

			ctx := context.Background()
			mail.Reset()
			_, err := e.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "We are on it."})
			require.NoError(t, err)
			require.Equal(t, []string{"anna@example.com"}, addresses(mail))
			_, err = e.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Paul, come tomorrow.", CopyContacts: true})
			require.NoError(t, err)
			require.Equal(t, []string{"anna@example.com", "paul@example.com"}, addresses(mail))
		})
	}
}

// TestCcWithoutResolverRecordsNoContact checks that without
// Config.CcContacts nobody the sender copied becomes a contact, so a
// copied reply reaches only the customer.
func TestCcWithoutResolverRecordsNoContact(t *testing.T) {
	mail := notifytest.NewMailbox(&notify.Resolver{}, notify.DefaultTemplates(), nil)
	e := newEnv(t, backends()[0].Open(t), func(c *ticketkit.Config, _ *intake.Config) { c.Notifier = mail })
	r := e.ingest(t, msg("Help.", "From: anna@example.com", "Subject: Kettle", mid(), "Cc: victim@example.org"))
	require.Equal(t, intake.Opened, r.Outcome)
	require.Empty(t, e.get(t, r.TicketID).Contacts)
	mail.Reset()
	_, err := e.desk.Reply(context.Background(), agent, ticketkit.MessageParams{TicketID: r.TicketID, Body: "Hi.", CopyContacts: true})
	require.NoError(t, err)
	require.Equal(t, []string{"anna@example.com"}, addresses(mail))
}

// TestCcResolverFailureFailsTheMail checks that a failing CcContacts
// fails the ingestion (the mail is retried), opening no ticket.
func TestCcResolverFailureFailsTheMail(t *testing.T) {
	boom := errors.New("crm down")
	e := newEnv(t, backends()[0].Open(t), func(_ *ticketkit.Config, ic *intake.Config) {
		ic.CcContacts = func(context.Context, string, ticket.Customer, mailin.Address) (ticket.Contact, bool, error) {
			return ticket.Contact{}, false, boom
		}
	})
	_, err := e.intake.Ingest(context.Background(), strings.NewReader(msg("Help.", "From: anna@example.com", "Subject: Kettle", mid(), "Cc: paul@example.com")))
	require.ErrorIs(t, err, boom)
	require.Zero(t, e.count(t))
}

// addresses returns the addresses mail holds mails to, in order, and
// empties it.
func addresses(mail *notifytest.Mailbox) []string {
	var out []string
	for _, m := range mail.Mails() {
		out = append(out, m.To.Address)
	}
	mail.Reset()
	return out
}
