package email_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/email"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestSenderFollowsTheTicketsTenant sends the mails of two tenants of
// one Desk over SMTP: the Resolver's Tenants is the Desk, so each mail
// is written with its ticket's tenant's templates (one French), labels
// and switches, and a tenant without a configuration gets the Sender's.
func TestSenderFollowsTheTicketsTenant(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	b := &backend{}
	resolver := &notify.Resolver{CustomerLocale: func(_ context.Context, tk *ticket.Ticket) string {
		if tk.TenantID == "lyon" {
			return "fr"
		}
		return "en"
	}}
	s := sender(t, startServer(t, b), func(c *email.Config) { c.Resolver = resolver })
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Notifier: s})
	require.NoError(t, err)
	resolver.Tenants = desk

	lyon := ticket.DefaultCatalogSpec()
	for i, st := range lyon.Statuses {
		if st.Code == ticket.StatusOpen {
			lyon.Statuses[i].Label.Translations["fr"] = "Nouvelle demande"
		}
	}
	_, err = desk.ConfigureTenant(ctx, ticketkit.Actor{ID: "boss", Role: ticket.RoleAdmin, TenantID: "lyon"}, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: lyon,
		Templates: []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "fr",
			Subject: "Lyon : demande {{.Number}} ({{.Status}})", Text: "Bonjour {{.CustomerName}},\nnous avons bien reçu votre demande.",
			HTML: "<p>Bonjour {{.CustomerName}}</p>"}},
		Notifications: &ticketkit.TenantNotifications{Off: []notify.Kind{notify.MessageRule(ticket.MessageReply)}},
		Numbers:       &ticketkit.TenantNumberFormat{Prefix: "LYO"},
	}})
	require.NoError(t, err)

	for _, tenant := range []string{"lyon", "leeds"} {
		clerk := ticketkit.Actor{ID: "clerk", Role: ticket.RoleAgent, TenantID: tenant}
		tk, err := desk.Open(ctx, clerk, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{Name: "Marie", Email: tenant + "@example.com"}})
		require.NoError(t, err)
		_, err = desk.Reply(ctx, clerk, ticketkit.MessageParams{TicketID: tk.ID, Body: "We are on it."})
		require.NoError(t, err)
	}
	byTo := map[string][]string{}
	for _, m := range b.Messages() {
		env := parse(t, m)
		byTo[m.To[0]] = append(byTo[m.To[0]], env.GetHeader("Subject"))
		if m.To[0] == "lyon@example.com" {
			require.Contains(t, env.Text, "nous avons bien reçu votre demande.")
			require.Contains(t, env.HTML, "<p>Bonjour Marie</p>")
		}
	}
	require.Len(t, byTo["lyon@example.com"], 1, "lyon switched reply mails off")
	require.Regexp(t, `^Lyon : demande LYO-\d{4}-000001 \(Nouvelle demande\)$`, byTo["lyon@example.com"][0])
	require.Len(t, byTo["leeds@example.com"], 2, "leeds keeps the default rules")
	require.Regexp(t, `^\[TK-\d{4}-000001\] We received your request`, byTo["leeds@example.com"][0])
}
