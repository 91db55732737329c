package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	toMarie = notify.Recipient{Audience: notify.AudienceCustomer, Address: "marie@example.com", Name: "Marie Curie", Locale: "en"}
	toAlice = notify.Recipient{Audience: notify.AudienceAssignee, Address: "alice@shop.example", Name: "Alice", UserID: "agent-7", Locale: "en"}
)

func inLocale(r notify.Recipient, locale string) notify.Recipient {
	r.Locale = locale
	return r
}

// facts are the strings every default message states, per locale.
var facts = map[string][]string{
	"en": {"TK-2026-000042", "Kettle stopped working", "March 5, 2026 at 14:30 UTC", "Marie Curie", "Order", "10045", "March 6, 2026 at 09:15 UTC", "Priority", "High"},
	"fr": {"TK-2026-000042", "Kettle stopped working", "5 mars 2026 à 14:30 UTC", "Marie Curie", "Commande", "10045", "6 mars 2026 à 09:15 UTC", "Priorité", "Haute"},
}

// openedBy is who opened the ticket, as staff messages state it; the
// customer's never name a staff user.
var openedBy = map[string]string{"en": "by agent-7", "fr": "par agent-7"}

func TestDefaultTemplatesStateTheFacts(t *testing.T) {
	t.Parallel()
	collect := func(e *notify.Event) {
		e.Ticket.Tags = []string{notify.TagInService}
		e.Ticket.References = append(e.Ticket.References, ticket.Reference{Kind: ticket.RefProduct, ID: "sku-1", Label: "Kettle KX-200"})
	}
	tests := []struct {
		name   string
		event  notify.Event
		to     notify.Recipient
		status map[string]string // status label per locale
		want   map[string][]string
	}{
		{
			name: "OpenedForCustomer", event: event(notify.KindOpened, customer), to: toMarie,
			want: map[string][]string{"en": {"We received your request", "Hello Marie Curie"}, "fr": {"Demande reçue", "Bonjour Marie Curie"}},
		},
		{
			name: "OpenedForDepartment", event: event(notify.KindOpened, customer), to: toAlice,
			want: map[string][]string{"en": {"New ticket", "for Support"}, "fr": {"Nouveau ticket", "pour Assistance"}},
		},
		{
			name: "ReplyForCustomer", event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, "Your kettle ships today.")), to: toMarie,
			want: map[string][]string{"en": {"New reply", "Your kettle ships today."}, "fr": {"Nouvelle réponse", "Your kettle ships today."}},
		},
		{
			name: "CustomerMessageForStaff", event: event(notify.KindMessageAdded, customer, withMessage(ticket.MessageCustomer, "Still broken.")), to: toAlice,
			want: map[string][]string{"en": {"New message", "Still broken."}, "fr": {"Nouveau message", "Still broken."}},
		},
		{
			name: "NoteForStaff", event: event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageNote, "Refund approved.")), to: toAlice,
			want: map[string][]string{"en": {"Internal note", "Refund approved.", "Do not forward"}, "fr": {"Note interne", "Refund approved.", "Ne la transférez pas"}},
		},
		{
			name: "StatusChanged", event: event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusInProgress, ticket.StatusWaiting)), to: toMarie,
			status: map[string]string{"en": "Waiting on customer", "fr": "En attente du client"},
			want:   map[string][]string{"en": {"from In progress to Waiting on customer"}, "fr": {"de En cours à En attente du client"}},
		},
		{
			name: "Closed", event: event(notify.KindClosed, agent9, statusChange(ticket.StatusResolved, ticket.StatusClosed)), to: toMarie,
			status: map[string]string{"en": "Closed", "fr": "Clôturé"},
			want:   map[string][]string{"en": {"Closed:", "is now closed"}, "fr": {"Clôturé :", "est maintenant clôturé"}},
		},
		{
			name: "ClosedCollect", event: event(notify.KindClosed, agent9, statusChange(ticket.StatusResolved, ticket.StatusClosed), collect), to: toMarie,
			status: map[string]string{"en": "Closed", "fr": "Clôturé"},
			want:   map[string][]string{"en": {"Ready for collection", "Kettle KX-200"}, "fr": {"Prêt à être retiré", "Kettle KX-200"}},
		},
		{
			name: "Assigned", event: event(notify.KindAssigned, agent9, assignedTo("agent-7")), to: toAlice,
			want: map[string][]string{"en": {"Assigned to you", "was assigned to you (Support)"}, "fr": {"vous est attribué", "vous a été attribué (Assistance)"}},
		},
		{
			name: "Escalated", event: event(notify.KindEscalated, system), to: toAlice,
			want: map[string][]string{"en": {"Escalated:", "was escalated"}, "fr": {"Escaladé :", "a été escaladé"}},
		},
		{
			name: "SLAWarning", event: event(notify.KindSLAWarning, system, slaAlert("resolution", 80)), to: toAlice,
			want: map[string][]string{
				"en": {"SLA warning:", "resolution clock of policy", "used 80% of its target, due"},
				"fr": {"Alerte SLA :", "Le délai resolution de la politique", "consommé 80 % de son objectif, échéance"},
			},
		},
		{
			name: "SLABreached", event: event(notify.KindSLABreached, system, slaAlert("first_response", 100)), to: toAlice,
			want: map[string][]string{
				"en": {"SLA breached:", "missed its SLA target", "first_response target of policy", "was reached at"},
				"fr": {"SLA dépassé :", "a manqué son objectif", "L'objectif first_response de la politique", "a été atteint le"},
			},
		},
	}
	templates := notify.DefaultTemplates()
	for _, tt := range tests {
		for _, locale := range []string{"en", "fr"} {
			t.Run(tt.name+"/"+locale, func(t *testing.T) {
				t.Parallel()
				got, err := templates.Render(tt.event, inLocale(tt.to, locale), testCatalog())
				require.NoError(t, err)
				require.True(t, strings.HasPrefix(got.Subject, "[TK-2026-000042] "), got.Subject)
				require.Contains(t, got.Subject, "Kettle stopped working")
				require.NotContains(t, got.Subject, "\n")
				status := map[string]string{"en": "In progress", "fr": "En cours"}[locale]
				if tt.status != nil {
					status = tt.status[locale]
				}
				for _, want := range append(append(facts[locale], status), tt.want[locale]...) {
					require.Contains(t, got.Subject+"\n"+got.Text, want)
					require.Contains(t, got.Subject+"\n"+got.HTML, want)
				}
				require.Contains(t, got.HTML, `<html lang="`+locale+`">`)
				if tt.to.Audience == notify.AudienceCustomer {
					require.NotContains(t, got.Subject+got.Text+got.HTML, "agent-7")
				} else {
					require.Contains(t, got.Text, openedBy[locale])
					require.Contains(t, got.HTML, openedBy[locale])
				}
			})
		}
	}
}

func TestRenderLocaleFallback(t *testing.T) {
	t.Parallel()
	templates := notify.DefaultTemplates()
	require.NoError(t, templates.Override(notify.KindOpened, "", "fr-CA",
		"[{{.Number}}] Québec : {{.Subject}}", "Priorité {{.Priority}}", ""))
	tests := []struct {
		locale string
		want   string
	}{
		{locale: "fr-CA", want: "Québec"},
		{locale: "fr_ca", want: "Québec"},
		{locale: "fr-BE", want: "Demande reçue"},
		{locale: "fr", want: "Demande reçue"},
		{locale: "FR", want: "Demande reçue"},
		{locale: "en-GB", want: "We received your request"},
		{locale: "de", want: "We received your request"},
		{locale: "", want: "We received your request"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			got, err := templates.Render(event(notify.KindOpened, customer), inLocale(toMarie, tt.locale), testCatalog())
			require.NoError(t, err)
			require.Contains(t, got.Subject, tt.want)
		})
	}

	t.Run("LabelsUseTheFullLocale", func(t *testing.T) {
		t.Parallel()
		got, err := templates.Render(event(notify.KindOpened, customer), inLocale(toMarie, "fr-CA"), testCatalog())
		require.NoError(t, err)
		require.Equal(t, "Priorité Élevée", got.Text)
		require.Empty(t, got.HTML)
	})
}

func TestRenderEscapesHostileText(t *testing.T) {
	t.Parallel()
	hostile := func(e *notify.Event) {
		e.Ticket.Subject = "<script>alert(1)</script>\r\nBcc: victim@example.com"
		e.Ticket.Customer.Name = `Eve "<b>"`
		e.Message.Body = `<img src=x onerror="alert(2)">`
	}
	templates := notify.DefaultTemplates()
	for _, locale := range []string{"en", "fr"} {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			e := event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageReply, ""), hostile)
			got, err := templates.Render(e, inLocale(toMarie, locale), testCatalog())
			require.NoError(t, err)
			require.NotContains(t, got.HTML, "<script>")
			require.NotContains(t, got.HTML, "<img")
			require.NotContains(t, got.HTML, "<b>")
			require.Contains(t, got.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;")
			require.Contains(t, got.HTML, "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;")
			require.NotContains(t, got.Subject, "\r")
			require.NotContains(t, got.Subject, "\n")
			require.Contains(t, got.Subject, "<script>alert(1)</script> Bcc: victim@example.com")
			require.Contains(t, got.Text, `<img src=x onerror="alert(2)">`)
		})
	}
}

func TestOverride(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		kind                notify.Kind
		variant, locale     string
		subject, text, html string
		event               notify.Event
		to                  notify.Recipient
		want                notify.Rendered
	}{
		{
			name: "ReplacesTheDefault", kind: notify.KindOpened, locale: "en",
			subject: "Ticket {{.Number}} opened", text: "Hi {{.CustomerName}}", html: "<p>Hi {{.CustomerName}}</p>",
			event: event(notify.KindOpened, customer), to: toMarie,
			want: notify.Rendered{Subject: "Ticket TK-2026-000042 opened", Text: "Hi Marie Curie", HTML: "<p>Hi Marie Curie</p>"},
		},
		{
			name: "UsesTheLayout", kind: notify.KindEscalated, locale: "fr",
			subject: "[{{.Number}}] Alerte", text: `{{template "facts" .}}`, html: `{{template "facts" .}}`,
			event: event(notify.KindEscalated, system), to: inLocale(toAlice, "fr"),
		},
		{
			name: "TextOnly", kind: notify.KindClosed, locale: "en",
			subject: "Done", text: "Closed {{.Number}}.",
			event: event(notify.KindClosed, agent9), to: toMarie,
			want: notify.Rendered{Subject: "Done", Text: "Closed TK-2026-000042."},
		},
		{
			name: "CollectVariantOnly", kind: notify.KindClosed, variant: notify.VariantCollect, locale: "en",
			subject: "Come and get it", text: "Bring {{.Number}}.",
			event: event(notify.KindClosed, agent9, func(e *notify.Event) {
				e.Ticket.Tags = []string{notify.TagInService}
				e.Ticket.References = []ticket.Reference{{Kind: ticket.RefSerial, ID: "SN-9"}}
			}),
			to:   toMarie,
			want: notify.Rendered{Subject: "Come and get it", Text: "Bring TK-2026-000042."},
		},
		{
			name: "SubjectIsFoldedIntoOneLine", kind: notify.KindAssigned, locale: "en",
			subject: "  {{.Number}}\n\tfor   you\n", text: "x",
			event: event(notify.KindAssigned, agent9), to: toAlice,
			want: notify.Rendered{Subject: "TK-2026-000042 for you", Text: "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			templates := notify.DefaultTemplates()
			require.NoError(t, templates.Override(tt.kind, tt.variant, tt.locale, tt.subject, tt.text, tt.html))
			got, err := templates.Render(tt.event, tt.to, testCatalog())
			require.NoError(t, err)
			if tt.want != (notify.Rendered{}) {
				require.Equal(t, tt.want, got)
			} else {
				require.Contains(t, got.Text, "Dernière mise à jour :   6 mars 2026 à 09:15 UTC")
				require.Contains(t, got.HTML, "<th align=\"left\">Commande</th><td>10045</td>")
			}

			// A fresh set still has the default.
			def, err := notify.DefaultTemplates().Render(tt.event, tt.to, testCatalog())
			require.NoError(t, err)
			require.NotEqual(t, got, def)
		})
	}
}

func TestOverrideErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		kind                notify.Kind
		locale              string
		subject, text, html string
		want                []string
	}{
		{name: "SubjectParseError", kind: notify.KindOpened, locale: "fr-CA", subject: "{{.Number", text: "x", want: []string{"ticket.opened", `locale "fr-CA"`, "subject"}},
		{name: "TextParseError", kind: notify.KindClosed, locale: "fr", subject: "s", text: "{{if}}", want: []string{"ticket.closed", `locale "fr"`, "text body"}},
		{name: "HTMLParseError", kind: notify.KindAssigned, locale: "en", subject: "s", text: "t", html: "{{end}}", want: []string{"ticket.assigned", `locale "en"`, "HTML body"}},
		{name: "UnknownLayoutTemplate", kind: notify.KindAssigned, locale: "en", subject: "s", text: "t", html: `<p>{{template "nope" .}}</p>`, want: []string{"ticket.assigned", "HTML body"}},
		{name: "UnknownKind", kind: "ticket.archived", locale: "en", subject: "s", text: "t", want: []string{"ticket.archived", "unknown event kind"}},
		{name: "NoLocale", kind: notify.KindOpened, locale: " ", subject: "s", text: "t", want: []string{"ticket.opened", "locale is required"}},
		{name: "NoSubject", kind: notify.KindOpened, locale: "en", subject: " ", text: "t", want: []string{"ticket.opened", "subject is required"}},
		{name: "NoText", kind: notify.KindOpened, locale: "en", subject: "s", text: "", want: []string{"ticket.opened", "text body is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			templates := notify.DefaultTemplates()
			err := templates.Override(tt.kind, "", tt.locale, tt.subject, tt.text, tt.html)
			if tt.name == "UnknownLayoutTemplate" {
				// html/template reports unknown templates when it first
				// executes them.
				require.NoError(t, err)
				_, err = templates.Render(event(tt.kind, agent9), toAlice, nil)
			}
			require.Error(t, err)
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	broken := notify.DefaultTemplates()
	// A template that names only real fields can still fail at render.
	require.NoError(t, broken.Override(notify.KindOpened, "", "fr", "{{index .Ticket.Tags 5}}", "t", ""))
	tests := []struct {
		name      string
		templates *notify.Templates
		event     notify.Event
		to        notify.Recipient
		want      string
	}{
		{name: "NoTicket", templates: notify.DefaultTemplates(), event: notify.Event{ID: "e1", Kind: notify.KindOpened}, to: toMarie, want: "has no ticket"},
		{name: "NoTemplate", templates: &notify.Templates{}, event: event(notify.KindOpened, agent7), to: inLocale(toMarie, "fr"), want: `no ticket.opened template for locale "fr"`},
		{name: "ExecutionError", templates: broken, event: event(notify.KindOpened, agent7), to: inLocale(toMarie, "fr-CA"), want: `ticket.opened template (variant "", locale "fr"): subject`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.templates.Render(tt.event, tt.to, testCatalog())
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestRenderDetails(t *testing.T) {
	t.Parallel()
	t.Run("WithoutCatalogShowsCodes", func(t *testing.T) {
		t.Parallel()
		got, err := notify.DefaultTemplates().Render(event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusOpen, ticket.StatusWaiting)), toMarie, nil)
		require.NoError(t, err)
		require.Contains(t, got.Text, "from open to waiting")
		require.Contains(t, got.Text, "Priority:      high")
	})
	t.Run("ZeroValueTemplatesTakeOverrides", func(t *testing.T) {
		t.Parallel()
		var templates notify.Templates
		require.NoError(t, templates.Override(notify.KindOpened, "", "en", "{{.Number}}", "{{.Date .OpenedAt}}", "<i>{{.Subject}}</i>"))
		got, err := templates.Render(event(notify.KindOpened, agent7), inLocale(toMarie, "fr"), nil)
		require.NoError(t, err)
		require.Equal(t, notify.Rendered{Subject: "TK-2026-000042", Text: "5 mars 2026 à 14:30 UTC", HTML: "<i>Kettle stopped working</i>"}, got)
	})
	t.Run("SetLocation", func(t *testing.T) {
		t.Parallel()
		templates := notify.DefaultTemplates()
		templates.SetLocation(time.FixedZone("CET", 3600))
		got, err := templates.Render(event(notify.KindOpened, agent7), toMarie, testCatalog())
		require.NoError(t, err)
		require.Contains(t, got.Text, "March 5, 2026 at 15:30 CET")
	})
	t.Run("ChannelLabelInTheReadersLanguage", func(t *testing.T) {
		t.Parallel()
		e := event(notify.KindOpened, agent7, func(e *notify.Event) { e.Ticket.Channel = ticket.ChannelManual })
		for _, tc := range []struct{ locale, text, html string }{
			{"en", "Channel:       Manual entry\n", `<th align="left">Channel</th><td>Manual entry</td>`},
			{"fr", "Canal :                  Saisie manuelle\n", `<th align="left">Canal</th><td>Saisie manuelle</td>`},
			{"fr-CA", "Canal :                  Saisie manuelle\n", `<th align="left">Canal</th><td>Saisie manuelle</td>`},
		} {
			for _, to := range []notify.Recipient{inLocale(toMarie, tc.locale), inLocale(toAlice, tc.locale)} {
				got, err := notify.DefaultTemplates().Render(e, to, testCatalog())
				require.NoError(t, err)
				require.Contains(t, got.Text, tc.text, "%s %s", tc.locale, to.Audience)
				require.Contains(t, got.HTML, tc.html, "%s %s", tc.locale, to.Audience)
				require.NotContains(t, got.Text, "manual", "no raw code")
			}
		}
		// Even without a catalog, the channel is shown by its label.
		got, err := notify.DefaultTemplates().Render(e, toMarie, nil)
		require.NoError(t, err)
		require.Contains(t, got.Text, "Channel:       Manual entry\n")
		// A ticket without a channel shows no channel line.
		e.Ticket.Channel = ""
		got, err = notify.DefaultTemplates().Render(e, toMarie, testCatalog())
		require.NoError(t, err)
		require.NotContains(t, got.Text, "Channel")
	})
	t.Run("NoOrderNoCustomerName", func(t *testing.T) {
		t.Parallel()
		e := event(notify.KindOpened, agent7, func(e *notify.Event) {
			e.Ticket.References, e.Ticket.Customer.Name, e.Ticket.CreatedBy = nil, "", ""
		})
		got, err := notify.DefaultTemplates().Render(e, toMarie, testCatalog())
		require.NoError(t, err)
		require.NotContains(t, got.Text, "Order")
		require.NotContains(t, got.Text, "Customer:")
		require.Contains(t, got.Text, "Hello,")
		require.Contains(t, got.Text, "Opened:        March 5, 2026 at 14:30 UTC\n")
	})
}

func TestCollectVariant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tags []string
		refs []ticket.RefKind
		want bool
	}{
		{name: "ProductInService", tags: []string{"vip", notify.TagInService}, refs: []ticket.RefKind{ticket.RefOrder, ticket.RefProduct}, want: true},
		{name: "SerialInService", tags: []string{notify.TagInService}, refs: []ticket.RefKind{ticket.RefSerial}, want: true},
		{name: "ProductNotInService", tags: []string{"vip"}, refs: []ticket.RefKind{ticket.RefProduct}},
		{name: "InServiceWithoutProduct", tags: []string{notify.TagInService}, refs: []ticket.RefKind{ticket.RefOrder}},
		{name: "Nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := testTicket()
			tk.Tags, tk.References = tt.tags, nil
			for _, k := range tt.refs {
				tk.References = append(tk.References, ticket.Reference{Kind: k, ID: "x"})
			}
			require.Equal(t, tt.want, notify.CollectVariant(tk))
			closed := notify.Event{Kind: notify.KindClosed, Ticket: tk}
			opened := notify.Event{Kind: notify.KindOpened, Ticket: tk}
			require.Equal(t, tt.want, notify.Variant(closed) == notify.VariantCollect)
			require.Equal(t, notify.VariantDefault, notify.Variant(opened))
		})
	}
	require.False(t, notify.CollectVariant(nil))
}

func TestDefaultTemplatesCoverEveryKind(t *testing.T) {
	t.Parallel()
	templates := notify.DefaultTemplates()
	for _, k := range notify.Kinds() {
		for _, locale := range []string{"en", "fr"} {
			got, err := templates.Render(event(k, system), inLocale(toAlice, locale), nil)
			require.NoError(t, err, "%s %s", k, locale)
			require.NotEmpty(t, got.Subject)
			require.NotEmpty(t, got.Text)
			require.NotEmpty(t, got.HTML)
			require.NotContains(t, got.Text, "<no value>")
		}
	}
}

// slaAlert returns an event option setting the SLA clock of a warning or
// breach.
func slaAlert(target string, percent int) func(*notify.Event) {
	return func(e *notify.Event) {
		e.SLA = &notify.SLAAlert{Policy: "gold", Target: target, Percent: percent, Due: time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)}
	}
}

// TestRenderDefaultCatalogInFrench renders with the built-in catalog, as a
// host that configured no labels of its own does: a French customer reads
// French status and priority labels, not the English codes' text.
func TestRenderDefaultCatalogInFrench(t *testing.T) {
	t.Parallel()
	e := event(notify.KindStatusChanged, agent9, statusChange(ticket.StatusInProgress, ticket.StatusWaiting))
	for locale, want := range map[string][]string{
		"fr":    {"de En cours à Attente réponse"},
		"fr-BE": {"de En cours à Attente réponse"},
		"en":    {"from In progress to Waiting on customer"},
	} {
		got, err := notify.DefaultTemplates().Render(e, inLocale(toMarie, locale), ticket.DefaultCatalog())
		require.NoError(t, err)
		for _, w := range want {
			require.Contains(t, got.Text, w, locale)
			require.Contains(t, got.HTML, w, locale)
		}
		if locale != "en" {
			require.NotContains(t, got.Subject+got.Text+got.HTML, "Waiting on customer", locale)
		}
	}
}
