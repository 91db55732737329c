package intake_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/mailthread"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestCCThreads: the replies of an address copied on a ticket (Desk.AddCC)
// thread in as customer-side messages naming their sender; mail never
// copies anyone by itself: a stranger on the thread, or an address the
// customer's reply copies, neither threads in nor is added.
func TestCCThreads(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			ctx := context.Background()
			first := e.ingest(t, msg("My kettle is broken.", "From: Anna Berg <anna@example.com>", "Subject: Kettle broken", mid()))
			tk := e.get(t, first.TicketID)
			customer := ticket.Actor{ID: tk.Customer.ID, Role: ticket.RoleCustomer, TenantID: tenant, CustomerID: tk.Customer.ID}
			_, err := e.desk.AddCC(ctx, customer, ticketkit.CCParams{TicketID: tk.ID, Address: "Boss@Client.example"})
			require.NoError(t, err)
			thread := "In-Reply-To: " + mailthread.ThreadID(tk.ID, domain)

			boss := e.ingest(t, msg("Please hurry.", "From: The Boss <boss@client.example>", "Subject: Re: Kettle broken", mid(), thread))
			require.Equal(t, intake.Appended, boss.Outcome)
			require.Equal(t, mailin.ThreadByHeader, boss.Thread)
			require.Equal(t, tk.ID, boss.TicketID)
			ms := e.messages(t, tk.ID)
			last := ms[len(ms)-1]
			require.Equal(t, ticket.MessageCustomer, last.Kind)
			require.True(t, strings.HasPrefix(last.Body, `From: "The Boss" <boss@client.example>`), "recorded with its sender: %q", last.Body)

			bySubject := e.ingest(t, msg("Also this.", "From: boss@client.example", "Subject: Re: ["+tk.Number+"] Kettle broken", mid()))
			require.Equal(t, tk.ID, bySubject.TicketID)

			// A stranger on the thread, copying themselves: a ticket of
			// their own, and not copied on Anna's.
			eve := e.ingest(t, msg("Me too!", "From: eve@example.net", "Cc: eve@example.net, mallory@example.net", "Subject: Re: Kettle broken", mid(), thread))
			require.Equal(t, intake.Opened, eve.Outcome)
			require.NotEqual(t, tk.ID, eve.TicketID)
			// Anna's reply copying someone copies no one on the ticket.
			anna := e.ingest(t, msg("Adding my colleague.", "From: anna@example.com", "Cc: mallory@example.net", "Subject: Re: Kettle broken", mid(), thread))
			require.Equal(t, intake.Appended, anna.Outcome)
			require.False(t, strings.HasPrefix(e.messages(t, tk.ID)[len(e.messages(t, tk.ID))-1].Body, "From:"), "the customer's own")
			cc, err := e.desk.CC(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, cc, 1)
			require.Equal(t, "boss@client.example", cc[0].Key)

			// Once removed, the address is a stranger again.
			require.NoError(t, e.desk.RemoveCC(ctx, agent, ticketkit.CCParams{TicketID: tk.ID, Address: "boss@client.example"}))
			again := e.ingest(t, msg("Hello?", "From: boss@client.example", "Subject: Re: Kettle broken", mid(), thread))
			require.Equal(t, intake.Opened, again.Outcome)
		})
	}
}
