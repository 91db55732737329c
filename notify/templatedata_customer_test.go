package notify_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTemplateDataNamesNoStaffToTheCustomer checks that the data of a
// mail written for the customer carries no staff user ID wherever a
// template, built in or the host's, may look, while staff mails keep
// them all.
func TestTemplateDataNamesNoStaffToTheCustomer(t *testing.T) {
	t.Parallel()
	// A host template that prints every place a staff ID could hide.
	const probe = `{{.OpenedBy}}|{{.Ticket.Assignee}}|{{.Ticket.CreatedBy}}|{{range .Ticket.Actions}}{{.Owner}}{{end}}|` +
		`{{.Event.Ticket.Assignee}}|{{.Event.Actor.ID}}|{{with .Message}}{{.AuthorID}}{{end}}|{{with .Event.Message}}{{.AuthorID}}{{end}}|` +
		`{{range .Event.Changes}}{{.ActorID}}{{.Old}}{{.New}}{{end}}|{{with .Event.Escalation}}{{.Notify}}{{end}}|{{.From}}{{.To}}|{{.Event.From}}{{.Event.To}}|` +
		`{{range .Event.Watchers}}{{.}}{{end}}`
	staffIDs := []string{"agent-7", "agent-9"}
	catalog := testCatalog()
	staffMail := notify.Recipient{Audience: notify.AudienceAssignee, Address: "alice@shop.example", UserID: "agent-7"}
	customerMail := notify.Recipient{Audience: notify.AudienceCustomer, Address: "marie@example.com"}

	tests := []struct {
		name string
		e    notify.Event
	}{
		{"OpenedByStaff", event(notify.KindOpened, agent7, assignedTo("agent-9"), withMessage(ticket.MessageReply, "Logged on the phone."),
			func(e *notify.Event) {
				e.Ticket.Actions = []ticket.Action{{ID: "a1", Title: "Call back", Owner: "agent-9"}}
				e.Changes = []*ticket.Event{{ActorID: "agent-7", ActorRole: ticket.RoleAgent, Field: ticket.FieldAssignee, New: "agent-9"}}
			})},
		{"ReplyByStaff", event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "On it."))},
		{"ReplyOnAWatchedTicket", event(notify.KindMessageAdded, customer, withMessage(ticket.MessageCustomer, "Any news?"),
			func(e *notify.Event) { e.Watchers = []string{"agent-7", "agent-9"} })},
		{"Assigned", event(notify.KindAssigned, agent7, assignedTo("agent-9"), func(e *notify.Event) { e.From, e.To = "agent-7", "agent-9" })},
		{"Escalated", event(notify.KindEscalated, system, func(e *notify.Event) {
			e.Escalation = &notify.Escalation{Policy: "std", Level: 1, Target: "resolution", Percent: 100, Notify: []string{"user:agent-9"}}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := notify.DefaultTemplates()
			require.NoError(t, tmpl.Override(tt.e.Kind, notify.VariantDefault, "en", "subject", probe, "<p>"+probe+"</p>"))
			before := tt.e.Ticket.Clone()

			got, err := tmpl.Render(tt.e, customerMail, catalog)
			require.NoError(t, err)
			for _, id := range staffIDs {
				require.NotContains(t, got.Text+got.HTML, id)
			}
			require.Equal(t, before, tt.e.Ticket, "rendering for the customer leaves the event's ticket alone")

			staff, err := tmpl.Render(tt.e, staffMail, catalog)
			require.NoError(t, err)
			require.True(t, strings.Contains(staff.Text, "agent-7") || strings.Contains(staff.Text, "agent-9"), "staff mails keep the IDs: %s", staff.Text)
		})
	}

	t.Run("DefaultTemplates", func(t *testing.T) {
		t.Parallel()
		e := event(notify.KindOpened, agent7, assignedTo("agent-9"))
		for _, locale := range []string{"en", "fr"} {
			toCustomer, toStaff := customerMail, staffMail
			toCustomer.Locale, toStaff.Locale = locale, locale
			got, err := notify.DefaultTemplates().Render(e, toCustomer, catalog)
			require.NoError(t, err)
			require.NotContains(t, got.Subject+got.Text+got.HTML, "agent-7", locale)
			staff, err := notify.DefaultTemplates().Render(e, toStaff, catalog)
			require.NoError(t, err)
			require.Contains(t, staff.Text, "agent-7", "staff read who opened the ticket")
		}
	})
}
