package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestOverrideRefusesUnknownFields sets templates that name fields
// TemplateData lacks, at any depth, through $, and in HTML: each is
// refused when set. Names inside with and range, methods and map keys
// are allowed.
func TestOverrideRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	bad := map[string][3]string{
		"Top":         {"{{.Numbr}}", "x", ""},
		"Deep":        {"ok", "{{.Ticket.Customer.Emial}}", ""},
		"ThroughRoot": {"ok", "{{with .Message}}{{$.Nope}}{{end}}", ""},
		"InIf":        {"ok", "{{if .Internal}}{{.Secret}}{{end}}", ""},
		"InElse":      {"ok", "{{with .Message}}{{.Body}}{{else}}{{.Missing}}{{end}}", ""},
		"HTML":        {"ok", "x", "<p>{{.Ticket.Nope}}</p>"},
		"Unexported":  {"ok", "{{.loc}}", ""},
		"PastString":  {"ok", "{{.Number.Len}}", ""},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := notify.DefaultTemplates().Override(notify.KindOpened, "", "fr", tt[0], tt[1], tt[2])
			require.ErrorContains(t, err, "unknown field")
		})
	}
	good := "{{.Number}} {{.Date .OpenedAt}} {{.Ticket.Customer.Name}} {{.Ticket.Fields.anything}} " +
		"{{range .Ticket.Tags}}{{.Whatever}}{{end}} {{with .Event.Escalation}}{{.Level}}{{end}} {{template \"footer\" .}}"
	templates := notify.DefaultTemplates()
	require.NoError(t, templates.Override(notify.KindOpened, "", "fr", "ok", good, ""))
	_, err := templates.Render(event(notify.KindOpened, agent7), inLocale(toMarie, "fr"), testCatalog())
	require.NoError(t, err)
}

// TestTemplatesWith applies specs over a set without changing it, and
// names each bad spec by index.
func TestTemplatesWith(t *testing.T) {
	t.Parallel()
	base := notify.DefaultTemplates()
	fr := inLocale(toMarie, "fr")
	before, err := base.Render(event(notify.KindOpened, agent7), fr, testCatalog())
	require.NoError(t, err)
	tenant, err := base.With(notify.TemplateSpec{Kind: notify.KindOpened, Locale: "fr", Subject: "Nouveau {{.Number}} : {{.Status}}", Text: "Bonjour"})
	require.NoError(t, err)
	got, err := tenant.Render(event(notify.KindOpened, agent7), fr, testCatalog())
	require.NoError(t, err)
	require.Equal(t, "Nouveau TK-2026-000042 : En cours", got.Subject)
	again, err := base.Render(event(notify.KindOpened, agent7), fr, testCatalog())
	require.NoError(t, err)
	require.Equal(t, before, again, "the base set is unchanged")

	_, err = base.With(
		notify.TemplateSpec{Kind: notify.KindOpened, Locale: "fr", Subject: "ok", Text: "ok"},
		notify.TemplateSpec{Kind: notify.KindOpened, Locale: "fr", Subject: "{{", Text: "ok"},
		notify.TemplateSpec{Kind: "nope", Locale: "fr", Subject: "ok", Text: "ok"},
	)
	var specErrs []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		se, ok := errors.AsType[*notify.TemplateSpecError](e)
		require.True(t, ok)
		specErrs = append(specErrs, se.Index)
	}
	require.Equal(t, []int{1, 2}, specErrs)
	var nilSet *notify.Templates
	_, err = nilSet.With()
	require.Error(t, err)
}

// TestResolverTenants follows each tenant's setup: its rules, its
// switches (one message kind or every message) and its catalog's
// department mailboxes; a tenant the source gives nothing uses the
// resolver's own.
func TestResolverTenants(t *testing.T) {
	t.Parallel()
	other := ticket.DefaultCatalogSpec()
	other.Departments = []ticket.Department{{Code: "support", Label: ticket.Label{Text: "Support"}, Email: "help@other.example"}}
	otherCat, err := ticket.NewCatalog(other)
	require.NoError(t, err)
	setups := map[string]notify.TenantSetup{
		"quiet":  {Off: []notify.Kind{notify.MessageRule(ticket.MessageReply)}},
		"silent": {Off: []notify.Kind{notify.KindMessageAdded}},
		"own":    {Catalog: otherCat, Rules: notify.Rules{notify.KindOpened: {notify.AudienceDepartment}}},
	}
	r := &notify.Resolver{Catalog: testCatalog(), Tenants: notify.TenantSourceFunc(func(_ context.Context, tenantID string) (notify.TenantSetup, error) {
		if tenantID == "broken" {
			return notify.TenantSetup{}, errors.New("store down")
		}
		return setups[tenantID], nil
	})}
	in := func(tenant string, e notify.Event) notify.Event {
		e.TenantID, e.Ticket.TenantID = tenant, tenant
		return e
	}
	addresses := func(e notify.Event) []string {
		t.Helper()
		rs, err := r.Recipients(t.Context(), e)
		require.NoError(t, err)
		var out []string
		for _, rc := range rs {
			out = append(out, rc.Address)
		}
		return out
	}
	reply := func() notify.Event {
		return event(notify.KindMessageAdded, agent7, withMessage(ticket.MessageReply, "hi"))
	}
	note := func() notify.Event {
		return event(notify.KindMessageAdded, agent9, withMessage(ticket.MessageNote, "psst"))
	}
	require.Equal(t, []string{"marie@example.com"}, addresses(in("acme", reply())))
	require.Empty(t, addresses(in("quiet", reply())), "replies switched off")
	require.NotEmpty(t, addresses(in("quiet", note())), "only replies are switched off")
	require.Empty(t, addresses(in("silent", note())), "every message switched off")
	require.Equal(t, []string{"help@other.example"}, addresses(in("own", event(notify.KindOpened, agent7))), "the tenant's rules and mailbox")
	require.Equal(t, []string{"marie@example.com", "support@shop.example"}, addresses(in("acme", event(notify.KindOpened, agent7))))
	_, err = r.Recipients(t.Context(), in("broken", reply()))
	require.ErrorContains(t, err, "store down")

	out, err := r.Outgoing(t.Context(), in("own", event(notify.KindOpened, agent7)), notify.DefaultTemplates(), testCatalog())
	require.NoError(t, err)
	require.Same(t, otherCat, out.Catalog)
	setups["bad"] = notify.TenantSetup{Templates: []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "en", Subject: "{{.Gone}}", Text: "x"}}}
	_, err = r.Outgoing(t.Context(), in("bad", event(notify.KindOpened, agent7)), notify.DefaultTemplates(), nil)
	require.ErrorIs(t, err, notify.ErrPermanent, "templates that no longer apply are not retried")
}
