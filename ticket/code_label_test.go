package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestCatalogCodeLabel(t *testing.T) {
	t.Parallel()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "service", Label: ticket.Label{Text: "After-sales", Translations: map[string]string{"fr": "SAV"}}}}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	for _, tc := range []struct {
		field, code, locale, want string
		ok                        bool
	}{
		{ticket.FieldStatus, ticket.StatusInProgress, "fr", "En cours", true},
		{ticket.FieldStatus, ticket.StatusWaiting, "fr-CA", "Attente réponse", true},
		{ticket.FieldPriority, ticket.PriorityHigh, "de-AT", "Hoch", true},
		{ticket.FieldStatus, ticket.StatusInProgress, "es", "In progress", true},
		{ticket.FieldPriority, ticket.PriorityUrgent, "en", "Urgent", true},
		{ticket.FieldCategory, ticket.CategoryComplaint, "", "Complaint", true},
		{ticket.FieldDepartment, "service", "fr-CA", "SAV", true},
		{ticket.FieldChannel, string(ticket.ChannelManual), "fr", "Saisie manuelle", true},
		{ticket.FieldStatus, "gone", "fr", "", false},
		{ticket.FieldChannel, "fax", "fr", "", false},
		{ticket.FieldStatus, "", "fr", "", false},
		{ticket.FieldAssignee, "agent-1", "fr", "", false},
		{ticket.FieldSubject, "open", "fr", "", false},
	} {
		got, ok := c.CodeLabel(tc.field, tc.code, tc.locale)
		require.Equal(t, tc.ok, ok, "%s %q", tc.field, tc.code)
		require.Equal(t, tc.want, got, "%s %q", tc.field, tc.code)
	}
	tk := &ticket.Ticket{Status: ticket.StatusOpen, Priority: "gone", Department: "service", Channel: ticket.ChannelPhone}
	require.Equal(t, ticket.TicketLabels{Status: "Ouvert", Department: "SAV", Channel: "Téléphone"}, c.TicketLabels(tk, "fr"))
}
