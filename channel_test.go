package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestDesk_ChannelManual checks the French CRM's channels end to end on
// every backend: staff enter a ticket on the "manual" channel, a
// customer may not claim it, a search and an SLA report select and split
// tickets by channel, and the mails show the channel's label in the
// reader's language.
func TestDesk_ChannelManual(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			desk, mail := mailDesk(t, b, notify.Resolver{DefaultLocale: "fr"}, nil)

			jane := ticket.Customer{ID: customer.CustomerID, Name: "Jane", Email: "jane@example.com"}
			manual, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Saisie au guichet", Channel: ticket.ChannelManual, Customer: jane})
			require.NoError(t, err)
			require.Equal(t, ticket.ChannelManual, manual.Channel)
			phone, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Appel", Channel: ticket.ChannelPhone, Customer: jane})
			require.NoError(t, err)
			portal, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Depuis l'espace client"})
			require.NoError(t, err)
			require.Equal(t, ticket.ChannelPortal, portal.Channel)

			t.Run("CustomerMayNotClaimManual", func(t *testing.T) {
				_, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Faux", Channel: ticket.ChannelManual})
				require.Equal(t, []string{"channel"}, validationFields(t, err))
				_, err = desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Faux", Channel: ticket.ChannelManual, Vouched: true})
				require.Equal(t, []string{"channel"}, validationFields(t, err))
			})

			t.Run("SearchByChannel", func(t *testing.T) {
				got, err := desk.Search(ctx, agent, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelManual}})
				require.NoError(t, err)
				require.Equal(t, []string{manual.Number}, numbers(got.Tickets))
				got, err = desk.Search(ctx, agent, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelPhone, ticket.ChannelPortal}})
				require.NoError(t, err)
				require.ElementsMatch(t, []string{phone.Number, portal.Number}, numbers(got.Tickets))
				got, err = desk.Search(ctx, agent, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelWeb}})
				require.NoError(t, err)
				require.Empty(t, got.Tickets)
				// A customer sees the channel of their tickets, and may filter by it.
				got, err = desk.Search(ctx, customer, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelPortal}})
				require.NoError(t, err)
				require.Equal(t, []string{portal.Number}, numbers(got.Tickets))
			})

			t.Run("UnknownChannelIsRefusedNamingIt", func(t *testing.T) {
				_, err := desk.Search(ctx, agent, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelManual, "fax"}})
				require.Equal(t, []string{"channels[1]"}, validationFields(t, err))
			})

			t.Run("ReportByChannel", func(t *testing.T) {
				rep, err := desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "channel"})
				require.NoError(t, err)
				counts := map[string]int{}
				for _, g := range rep.Groups {
					counts[g.Key] = g.Tickets
				}
				require.Equal(t, map[string]int{"manual": 1, "phone": 1, "portal": 1}, counts)
				rep, err = desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{
					SearchParams: ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelManual}},
				})
				require.NoError(t, err)
				require.Equal(t, 1, rep.Tickets)
			})

			t.Run("MailsShowTheChannelLabel", func(t *testing.T) {
				var opened []notifytest.Mail
				for _, m := range mail.To("jane@example.com") {
					if m.Event.Kind == notify.KindOpened && m.Event.Ticket.ID == manual.ID {
						opened = append(opened, m)
					}
				}
				require.Len(t, opened, 1)
				require.Contains(t, opened[0].Text, "Canal :                  Saisie manuelle")
				require.Contains(t, opened[0].HTML, "<th align=\"left\">Canal</th><td>Saisie manuelle</td>")
				require.NotContains(t, opened[0].Text, "manual\n")
			})
		})
	}
}

// mailDesk returns a desk on b with the default catalog whose
// notifications a Mailbox renders for the recipients r resolves (r gets
// the catalog); mod, if set, changes the desk's Config.
func mailDesk(t *testing.T, b backend, r notify.Resolver, mod func(*ticketkit.Config)) (*ticketkit.Desk, *notifytest.Mailbox) {
	t.Helper()
	catalog := ticket.DefaultCatalog()
	r.Catalog = catalog
	mail := notifytest.NewMailbox(&r, notify.DefaultTemplates(), catalog)
	cfg := ticketkit.Config{Store: b.Open(t), Catalog: catalog, Notifier: mail}
	if mod != nil {
		mod(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	return desk, mail
}
