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

// frenchLabels is the default catalog with French labels for the codes
// TestCustomerTextsShowLabels uses.
func frenchLabels(t *testing.T) *ticket.Catalog {
	t.Helper()
	fr := map[string]string{ticket.StatusOpen: "Ouvert", ticket.StatusInProgress: "En cours", ticket.StatusResolved: "Résolu",
		ticket.PriorityNormal: "Normale", ticket.PriorityHigh: "Haute", ticket.CategoryProblem: "Incident"}
	spec := ticket.DefaultCatalogSpec()
	for i := range spec.Statuses {
		spec.Statuses[i].Label.Translations = map[string]string{"fr": fr[spec.Statuses[i].Code]}
	}
	for i := range spec.Priorities {
		spec.Priorities[i].Label.Translations = map[string]string{"fr": fr[spec.Priorities[i].Code]}
	}
	for i := range spec.Categories {
		spec.Categories[i].Label.Translations = map[string]string{"fr": fr[spec.Categories[i].Code]}
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// TestCustomerTextsShowLabels checks, on every backend and in English
// and French, that the mails a customer gets and the history lines,
// read through Catalog.CodeLabel, show labels rather than the codes of
// statuses, priorities, categories and channels.
func TestCustomerTextsShowLabels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends() {
		for _, tc := range []struct {
			locale             string
			open, inProgress   string
			high, manual, prob string
		}{
			{"en", "Open", "In progress", "High", "Manual entry", "Problem"},
			{"fr", "Ouvert", "En cours", "Haute", "Saisie manuelle", "Incident"},
		} {
			t.Run(b.Name+"/"+tc.locale, func(t *testing.T) {
				t.Parallel()
				catalog := frenchLabels(t)
				mail := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog, DefaultLocale: tc.locale}, notify.DefaultTemplates(), catalog)
				desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Catalog: catalog, Notifier: mail})
				require.NoError(t, err)
				tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Boiler", Channel: ticket.ChannelManual,
					Category: ticket.CategoryProblem, Customer: ticket.Customer{ID: customer.CustomerID, Email: "jane@example.com"}})
				require.NoError(t, err)
				_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
				require.NoError(t, err)
				high := ticket.PriorityHigh
				_, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &high})
				require.NoError(t, err)

				mails := mail.To("jane@example.com")
				require.Len(t, mails, 2, "opened and status changed")
				for _, m := range mails {
					for _, code := range []string{"in_progress", "problem", "manual"} {
						require.NotContains(t, m.Subject+m.Text+m.HTML, code, "the %s mail shows a raw code", m.Event.Kind)
					}
				}
				require.Contains(t, mails[1].Subject, tc.inProgress)
				require.Contains(t, mails[1].Text, tc.open)
				require.Contains(t, mails[1].Text, tc.manual)

				history, err := desk.History(ctx, customer, tk.ID)
				require.NoError(t, err)
				shown := map[string][2]string{}
				for _, e := range history {
					oldLabel, _ := catalog.CodeLabel(e.Field, e.Old, tc.locale)
					newLabel, _ := catalog.CodeLabel(e.Field, e.New, tc.locale)
					shown[e.Field] = [2]string{oldLabel, newLabel}
				}
				require.Equal(t, [2]string{tc.open, tc.inProgress}, shown[ticket.FieldStatus])
				require.Equal(t, tc.high, shown[ticket.FieldPriority][1])

				got, err := desk.Get(ctx, customer, tk.ID)
				require.NoError(t, err)
				require.Equal(t, ticket.TicketLabels{Status: tc.inProgress, Priority: tc.high, Category: tc.prob, Channel: tc.manual},
					catalog.TicketLabels(got, tc.locale))
			})
		}
	}
}
