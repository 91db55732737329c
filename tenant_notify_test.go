package ticketkit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_TenantNotifications gives two tenants of one Desk their own
// templates (one in French), switches and number formats, and a third
// none: each tenant's mails and numbers follow its own configuration
// only, through the stored configuration on every backend.
func TestDesk_TenantNotifications(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		resolver := &notify.Resolver{CustomerLocale: func(_ context.Context, tk *ticket.Ticket) string {
			if tk.TenantID == "paris" {
				return "fr-FR"
			}
			return "en"
		}}
		mail := notifytest.NewMailbox(resolver, nil, nil)
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Notifier: mail})
		require.NoError(t, err)
		resolver.Tenants = desk

		paris := ticketkit.TenantConfig{
			Catalog: ticket.DefaultCatalogSpec(),
			Templates: []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "fr",
				Subject: "Paris {{.Number}} : {{.Status}}", Text: "Bonjour {{.CustomerName}}, merci.\n{{template \"footer\" .}}"}},
			// Agent replies (comment mails) are switched off.
			Notifications: &ticketkit.TenantNotifications{Off: []notify.Kind{notify.MessageRule(ticket.MessageReply)}},
			Numbers:       &ticketkit.TenantNumberFormat{Prefix: "PAR", OmitYear: true, Digits: 4},
		}
		berlin := ticketkit.TenantConfig{
			Catalog: ticket.DefaultCatalogSpec(),
			Templates: []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "en",
				Subject: "Berlin {{.Number}}", Text: "Hello {{.CustomerName}}"}},
			// Only the customer hears of a new ticket; replies follow the
			// default rules.
			Notifications: &ticketkit.TenantNotifications{Rules: notify.Rules{
				notify.KindOpened:                       {notify.AudienceCustomer},
				notify.MessageRule(ticket.MessageReply): {notify.AudienceCustomer},
			}},
			Numbers: &ticketkit.TenantNumberFormat{Prefix: "BER", Separator: "/"},
		}
		numbers := map[string]string{}
		for name, cfg := range map[string]*ticketkit.TenantConfig{"paris": &paris, "berlin": &berlin, "plain": nil} {
			if cfg != nil {
				admin := ticketkit.Actor{ID: name + "-admin", Role: ticket.RoleAdmin, TenantID: name}
				_, err := desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: *cfg})
				require.NoError(t, err, name)
			}
			staff := ticketkit.Actor{ID: name + "-agent", Role: ticket.RoleAgent, TenantID: name}
			tk, err := desk.Open(ctx, staff, ticketkit.OpenParams{Subject: "late parcel",
				Customer: ticket.Customer{Name: "Zoé", Email: name + "@shop.example"}})
			require.NoError(t, err, name)
			numbers[name] = tk.Number
			_, err = desk.Reply(ctx, staff, ticketkit.MessageParams{TicketID: tk.ID, Body: "on its way"})
			require.NoError(t, err, name)
		}
		require.Regexp(t, `^PAR-0001$`, numbers["paris"])
		require.Regexp(t, `^BER/\d{4}/000001$`, numbers["berlin"])
		require.Regexp(t, `^TK-\d{4}-000001$`, numbers["plain"])

		got := mail.To("paris@shop.example")
		require.Len(t, got, 1, "paris switched reply mails off: only the acknowledgement")
		require.Equal(t, "Paris PAR-0001 : Ouvert", got[0].Subject, "the French template, with the French label")
		require.Contains(t, got[0].Text, "Bonjour Zoé, merci.")

		got = mail.To("berlin@shop.example")
		require.Len(t, got, 2, "berlin's acknowledgement and reply")
		require.Equal(t, "Berlin "+numbers["berlin"], got[0].Subject)
		require.Equal(t, notify.KindMessageAdded, got[1].Event.Kind)
		require.NotContains(t, got[1].Subject, "Berlin", "berlin's template is for opened tickets only")

		got = mail.To("plain@shop.example")
		require.Len(t, got, 2)
		require.Contains(t, got[0].Subject, "We received your request", "the default template: nothing of paris or berlin")
		for _, m := range mail.Mails() {
			if m.Event.TenantID == "berlin" {
				require.Equal(t, notify.AudienceCustomer, m.To.Audience, "berlin's rules tell the customer only")
			}
		}

		setup, err := desk.NotifySetup(ctx, "paris")
		require.NoError(t, err)
		require.Equal(t, int64(1), setup.Version)
		require.Len(t, setup.Templates, 1)
		setup, err = desk.NotifySetup(ctx, "plain")
		require.NoError(t, err)
		require.Zero(t, setup.Version)
		require.Empty(t, setup.Templates)
		require.Nil(t, setup.Rules)
	})
}

// TestDesk_TenantConfigExtrasValidation saves a configuration with every
// kind of bad notification rule, template, number format, tag and guard:
// one *ValidationError names each, and nothing is saved.
func TestDesk_TenantConfigExtrasValidation(t *testing.T) {
	t.Parallel()
	desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
	require.NoError(t, err)
	def := workflow.DefaultDefinition()
	def.Transitions[0].Guards = []string{"paid"}
	def.Transitions[1].Effects = []workflow.Effect{{AddTags: []string{"vip", "fragile"}}}
	bad := ticketkit.TenantConfig{
		Catalog:  ticket.DefaultCatalogSpec(),
		Workflow: &def,
		Notifications: &ticketkit.TenantNotifications{
			Rules: notify.Rules{"ticket.nope": {notify.AudienceCustomer}, notify.KindClosed: {"boss"}},
			Off:   []notify.Kind{notify.KindOpened, "ticket.message_added/shout"},
		},
		Templates: []notify.TemplateSpec{
			{Kind: notify.KindOpened, Locale: "fr", Subject: "{{.Number", Text: "x"},         // does not parse
			{Kind: notify.KindClosed, Locale: "fr", Subject: "{{.Ticket.Nmber}}", Text: "x"}, // unknown field
			{Kind: notify.KindClosed, Locale: "FR", Subject: "ok", Text: "x"},                // same as the one above
			{Kind: notify.KindClosed, Locale: "de", Subject: "ok", Text: "{{$.Event.Gone}}"}, // unknown field through $
			{Kind: notify.KindClosed, Locale: "it", Subject: "ok", Text: "x", HTML: "<p>{{.Nope}}</p>"},
			{Kind: "ticket.unknown", Locale: "en", Subject: "ok", Text: "x"},
		},
		Numbers: &ticketkit.TenantNumberFormat{Prefix: "TOO-LONG-PREFIX"},
		Tags: []ticketkit.TagDef{
			{Code: "vip", Label: ticket.Label{Text: "VIP", Color: "#ffd700"}},
			{Code: "vip", Label: ticket.Label{Text: "again"}},
			{Code: "", Label: ticket.Label{Color: "gold"}},
		},
	}
	_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: bad})
	fields := invalidFields(t, err)
	for _, want := range []string{
		"notifications.rules.ticket.nope", "notifications.rules.ticket.closed[0]", "notifications.off[1]",
		"templates[0]", "templates[1]", "templates[2]", "templates[3]", "templates[4]", "templates[5]",
		"numbers.prefix", "tags[1].code", "tags[2].code", "tags[2].label.text", "tags[2].label.color",
		"workflow", "workflow.transitions[1].effects",
	} {
		require.Contains(t, fields, want)
	}
	require.NotContains(t, fields, "notifications.off[0]")
	require.NotContains(t, fields, "tags[0].code")
	v, _ := errors.AsType[*ticketkit.ValidationError](err)
	var msgs []string
	for _, f := range v.Fields {
		msgs = append(msgs, f.Field+": "+f.Message)
	}
	all := strings.Join(msgs, "\n")
	require.Contains(t, all, `unknown field "Nmber"`)
	require.Contains(t, all, `"paid"`, "the unknown guard is named")
	require.Contains(t, all, `tag "fragile" is not in the tenant's tag catalog`)

	got, err := desk.TenantConfig(t.Context(), tenantAdmin, 0)
	require.NoError(t, err)
	require.Zero(t, got.Version, "nothing saved")
}

// TestDesk_TenantWorkflowHostGuards lets a tenant's workflow name a
// guard the host registered on the Desk's workflow: it runs for the
// tenant's tickets.
func TestDesk_TenantWorkflowHostGuards(t *testing.T) {
	t.Parallel()
	errUnpaid := errors.New("the order is not paid")
	host, err := workflow.New(workflow.Config{Definition: workflow.DefaultDefinition(), Guards: map[string]workflow.Guard{
		"paid": func(_ context.Context, in workflow.GuardInput) error {
			if slices.Contains(in.Ticket.Tags, "paid") {
				return nil
			}
			return errUnpaid
		},
	}})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Workflow: host})
	require.NoError(t, err)
	def := workflow.DefaultDefinition()
	for i, tr := range def.Transitions {
		if tr.Name == "resolve" {
			def.Transitions[i].Guards = []string{"paid"}
		}
	}
	_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), Workflow: &def}})
	require.NoError(t, err)
	tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "refund"})
	_, err = desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
	require.ErrorIs(t, err, workflow.ErrGuard)
	require.ErrorContains(t, err, "not paid")
}

// TestDesk_TenantNumbersForComplaints opens complaints, numbered like
// tickets, for a tenant with its own number format and for one without:
// each follows its tenant's.
func TestDesk_TenantNumbersForComplaints(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Clock: clock.NewFake(t0), Complaints: &ticketkit.ComplaintConfig{}})
		require.NoError(t, err)
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: ticket.DefaultCatalogSpec(), Numbers: &ticketkit.TenantNumberFormat{Prefix: "RC", Separator: "/", Digits: 3}}})
		require.NoError(t, err)
		open := func(a ticketkit.Actor) string {
			c, err := desk.ComplaintOpen(ctx, a, ticketkit.ComplaintOpenParams{
				Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect, RemedySought: ticket.RemedyReplacement,
				Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop"},
			})
			require.NoError(t, err)
			return c.Number
		}
		require.Equal(t, "RC/2026/001", open(agent))
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "plain"})
		require.Equal(t, "RC/2026/002", tk.Number, "tickets and complaints share the tenant's series")
		other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
		require.Equal(t, "TK-2026-000001", open(other))
	})
}

// TestDesk_TenantTagCatalog gives a tenant a tag catalog: its tickets
// may carry only those tags, a tenant without one tags freely.
func TestDesk_TenantTagCatalog(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
	require.NoError(t, err)
	_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(),
		Tags: []ticketkit.TagDef{
			{Code: "vip", Label: ticket.Label{Text: "VIP", Translations: map[string]string{"fr": "Client important"}, Color: "#ffd700"}},
			{Code: "fragile", Label: ticket.Label{Text: "Fragile", Color: "#c62828"}},
		}}})
	require.NoError(t, err)
	_, err = desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "x", Tags: []string{"vip", "urgent!!"}})
	require.Equal(t, []string{"tags[1]"}, invalidFields(t, err))
	tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "x", Tags: []string{"vip"}})
	_, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Tags: []string{"fragile", "nope"}})
	require.Equal(t, []string{"tags[1]"}, invalidFields(t, err))
	tk, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Tags: []string{"fragile"}})
	require.NoError(t, err)
	require.Equal(t, []string{"fragile"}, tk.Tags)

	other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "globex"}
	tk = mustOpen(t, desk, other, ticketkit.OpenParams{Subject: "x", Tags: []string{"anything"}})
	require.Equal(t, []string{"anything"}, tk.Tags, "no catalog: tags are free")
}

// TestDispatcher_TenantTemplates delivers from the outbox with a
// Dispatcher in a process whose Desk only answers NotifySetup: mails
// follow the ticket's tenant's template, and the mailer sees a new
// version saved through another Desk within its TenantConfigTTL.
func TestDispatcher_TenantTemplates(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		store := b.Open(t)
		desk, err := ticketkit.New(ticketkit.Config{Store: store}) // no inline delivery: the outbox keeps the events
		require.NoError(t, err)
		mailer, err := ticketkit.New(ticketkit.Config{Store: store, TenantConfigTTL: time.Nanosecond})
		require.NoError(t, err)
		mail := notifytest.NewMailbox(&notify.Resolver{Tenants: mailer}, nil, nil)
		disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: mail})
		require.NoError(t, err)
		cfg := func(subject string) ticketkit.ConfigureTenantParams {
			return ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(),
				Templates: []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "en", Subject: subject, Text: "x"}}}}
		}
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, cfg("first {{.Number}}"))
		require.NoError(t, err)
		mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "a", Customer: ticket.Customer{Email: "a@example.com"}})
		_, err = disp.RunOnce(ctx)
		require.NoError(t, err)
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, cfg("second {{.Number}}"))
		require.NoError(t, err)
		mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "b", Customer: ticket.Customer{Email: "b@example.com"}})
		_, err = disp.RunOnce(ctx)
		require.NoError(t, err)
		require.Regexp(t, `^first TK-`, mail.To("a@example.com")[0].Subject)
		require.Regexp(t, `^second TK-`, mail.To("b@example.com")[0].Subject, "the mailer's Desk read the new version")
	})
}
