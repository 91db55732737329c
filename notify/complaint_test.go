package notify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// complaintFacts returns an event option setting the complaint facts.
func complaintFacts(f notify.ComplaintFacts) func(*notify.Event) {
	return func(e *notify.Event) { e.Complaint = &f }
}

// TestComplaintTemplatesRenderInEnglishAndFrench renders each complaint
// kind with its facts in both languages.
func TestComplaintTemplatesRenderInEnglishAndFrench(t *testing.T) {
	t.Parallel()
	doc := &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-1"}
	action := &ticket.Action{ID: "a1", Title: "Inspect batch B-7", Owner: "agent-7", DueAt: updatedAt}
	tests := []struct {
		kind  notify.Kind
		facts notify.ComplaintFacts
		want  map[string][]string
	}{
		{notify.KindComplaintDecided, notify.ComplaintFacts{Justified: true, Remedy: ticket.RemedyCreditNote},
			map[string][]string{"en": {"Complaint decided", "justified, remedy credit_note"}, "fr": {"Réclamation décidée", "fondée, remède credit_note"}}},
		{notify.KindComplaintDecided, notify.ComplaintFacts{},
			map[string][]string{"en": {"not justified"}, "fr": {"non fondée"}}},
		{notify.KindComplaintPosted, notify.ComplaintFacts{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}},
			map[string][]string{"en": {"Complaint posted", "was posted with credit_note CN-1"}, "fr": {"Réclamation comptabilisée", "avec le document credit_note CN-1"}}},
		{notify.KindComplaintReversed, notify.ComplaintFacts{Document: doc, Reason: "credit issued twice"},
			map[string][]string{"en": {"Complaint reversed", "reversed by debit_note DN-1", "Reason: credit issued twice"}, "fr": {"Réclamation extournée", "par le document debit_note DN-1", "Motif : credit issued twice"}}},
		{notify.KindComplaintActionAssigned, notify.ComplaintFacts{Action: action},
			map[string][]string{"en": {"action assigned to you", `"Inspect batch B-7"`, "was assigned to you"}, "fr": {"Action de réclamation", "« Inspect batch B-7 »", "vous a été attribuée"}}},
		{notify.KindComplaintActionOverdue, notify.ComplaintFacts{Action: action},
			map[string][]string{"en": {"Complaint action overdue", `"Inspect batch B-7"`, "and is not done", "Owner: agent-7"}, "fr": {"Action de réclamation en retard", "« Inspect batch B-7 »", "n'est pas terminée", "Responsable : agent-7"}}},
	}
	templates := notify.DefaultTemplates()
	for _, tt := range tests {
		for locale, wants := range tt.want {
			got, err := templates.Render(event(tt.kind, agent9, complaintFacts(tt.facts)), inLocale(toAlice, locale), nil)
			require.NoError(t, err)
			for _, w := range wants {
				require.Contains(t, got.Subject+"\n"+got.Text, w, "%s %s", tt.kind, locale)
			}
			require.NotContains(t, got.Text, "<no value>")
			require.Contains(t, got.HTML, "TK-2026-000042", "%s %s", tt.kind, locale)
		}
	}
}

// TestComplaintAudiences resolves the action owner, the salesperson and
// the super users of complaint events by the default rules.
func TestComplaintAudiences(t *testing.T) {
	t.Parallel()
	dir := roleDirectory{"supervisor": {{Address: "boss@acme.example", UserID: "boss"}}}
	r := &notify.Resolver{Directory: dir}
	addresses := func(e notify.Event) []string {
		rs, err := r.Recipients(context.Background(), e)
		require.NoError(t, err)
		var out []string
		for _, rc := range rs {
			out = append(out, string(rc.Audience)+":"+rc.Address)
		}
		return out
	}
	facts := complaintFacts(notify.ComplaintFacts{Salesperson: "sales-1", Action: &ticket.Action{Owner: "qa-1"}})
	require.Equal(t, []string{"owner:agent-7@acme.example", "salesperson:sales-1@acme.example"},
		addresses(event(notify.KindComplaintDecided, agent9, assignedTo("agent-7"), facts)))
	require.Equal(t, []string{"owner:agent-7@acme.example", "salesperson:sales-1@acme.example", "super_user:boss@acme.example"},
		addresses(event(notify.KindComplaintReversed, agent9, assignedTo("agent-7"), facts)))
	require.Equal(t, []string{"action_owner:qa-1@acme.example"},
		addresses(event(notify.KindComplaintActionAssigned, agent9, facts)))
	require.Empty(t, addresses(event(notify.KindComplaintActionAssigned, agent9)), "no facts, no action owner")
	require.Equal(t, []string{"action_owner:qa-1@acme.example", "super_user:boss@acme.example"},
		addresses(event(notify.KindComplaintActionOverdue, agent9, facts)))
}

// TestComplaintFactsAreHiddenFromTheCustomer: a host rule sending a
// complaint event to the customer shows no staff ID or internal reason.
func TestComplaintFactsAreHiddenFromTheCustomer(t *testing.T) {
	t.Parallel()
	templates := notify.DefaultTemplates()
	require.NoError(t, templates.Override(notify.KindComplaintReversed, "", "en", "x",
		"{{with .Event.Complaint}}[{{.Salesperson}}|{{.Reason}}|{{.Document.ID}}]{{end}}", ""))
	e := event(notify.KindComplaintReversed, agent9, complaintFacts(notify.ComplaintFacts{
		Salesperson: "sales-1", Reason: "internal", Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-1"},
	}))
	got, err := templates.Render(e, notify.Recipient{Audience: notify.AudienceCustomer, Address: "c@x.example"}, nil)
	require.NoError(t, err)
	require.Equal(t, "[||DN-1]", got.Text)
	got, err = templates.Render(e, toAlice, nil)
	require.NoError(t, err)
	require.Equal(t, "[sales-1|internal|DN-1]", got.Text)
}
