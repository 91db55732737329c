package intake_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestBlackboxStrangersNeverPostAsTheCustomer sends mail that imitates a
// ticket's customer without being them: the customer's address as the
// display name, in Reply-To or Sender, a look-alike address that folds
// to theirs, the thread of another tenant's ticket, header-breaking
// names, mailing-list mail. None may post as the customer, reopen the
// ticket, or be acknowledged.
func TestBlackboxStrangersNeverPostAsTheCustomer(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			rec := notifytest.NewRecorder()
			e := newEnv(t, b.Open(t), withReopen(t), func(c *ticketkit.Config, _ *intake.Config) { c.Notifier = rec })
			first := e.ingest(t, msg("Late parcel.", "From: Kim <kim@example.com>", "Subject: Late parcel", mid()))
			tk := e.get(t, first.TicketID)
			thread := mailthread.ThreadID(tk.ID, domain)
			e.at(1)
			_, err := e.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved, Reason: "test"})
			require.NoError(t, err)
			e.at(2)

			for _, from := range [][]string{
				{`From: "kim@example.com" <mallory@evil.example>`},
				{"From: mallory@evil.example", "Reply-To: kim@example.com"},
				{"From: mallory@evil.example", "Sender: kim@example.com"},
				{"From: \u212aim@example.com"}, // KELVIN SIGN folds to k
				{"From: kim@example.com.evil.example"},
			} {
				hdrs := append([]string{"Subject: Re: [" + tk.Number + "] Late parcel", mid(), "In-Reply-To: " + thread}, from...)
				r := e.ingest(t, msg("I am Kim, reopen this.", hdrs...))
				require.NotEqual(t, tk.ID, r.TicketID, "%v threaded onto Kim's ticket", from)
			}
			// A look-alike address opening a ticket of its own is not Kim.
			r := e.ingest(t, msg("new", "From: \u212aim@example.com", "Subject: Your refund", mid()))
			require.Equal(t, intake.Opened, r.Outcome)
			got := e.get(t, r.TicketID)
			require.NotEqual(t, tk.Customer.ID, got.Customer.ID, "a look-alike address opened a ticket as Kim")
			require.NotEqual(t, "kim@example.com", got.Customer.Email)

			// Kim's thread, sent to another tenant's mailbox.
			r = e.ingest(t, msg("other tenant", "From: kim@example.com", "To: help@globex.example", "Subject: Re: x", mid(), "In-Reply-To: "+thread))
			require.NotEqual(t, tk.ID, r.TicketID)
			require.Equal(t, "globex", r.TenantID)

			e.requireOnlyTheFirstMail(t, tk.ID, "Late parcel.", "nothing was posted on Kim's ticket")
			require.Equal(t, ticket.StatusResolved, e.get(t, tk.ID).Status, "the ticket was not reopened")

			// A display name that breaks headers once decoded.
			r = e.ingest(t, msg("hi", "From: =?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil=2Eexample?= <eve@example.com>", "Subject: hello", mid()))
			if r.TicketID != "" {
				got = e.get(t, r.TicketID)
				require.NotContains(t, got.Customer.Name, "\r")
				require.NotContains(t, got.Customer.Name, "\n")
			}
			// Reply-To does not steer a new ticket's mail.
			r = e.ingest(t, msg("new", "From: lee@example.com", "Reply-To: victim@evil.example", "Subject: new one", mid()))
			require.Equal(t, intake.Opened, r.Outcome)
			require.Equal(t, "lee@example.com", e.get(t, r.TicketID).Customer.Email)

			// Mailing-list mail is never acknowledged nor opens a ticket.
			rec.Reset()
			before := e.count(t)
			r = e.ingest(t, msg("list post", "From: someone@lists.example", "List-Id: <dev.lists.example>", "Subject: [dev] hello", mid()))
			require.NotEqual(t, intake.Opened, r.Outcome, "list mail opened a ticket")
			require.Equal(t, before, e.count(t))
			for _, ev := range rec.Events() {
				require.NotEqual(t, notify.KindOpened, ev.Kind, "list mail was acknowledged")
				require.False(t, strings.EqualFold(ev.Ticket.Customer.Email, "someone@lists.example"))
			}

			// Kim herself, in capitals, still threads and reopens.
			r = e.ingest(t, msg("It is me.", "From: KIM@Example.COM", "Subject: Re: x", mid(), "In-Reply-To: "+thread))
			require.Equal(t, intake.Reopened, r.Outcome)
			require.Equal(t, tk.ID, r.TicketID)
		})
	}
}
