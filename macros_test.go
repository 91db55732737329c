package ticketkit_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// macroCatalogSpec is the default catalog with two departments, a
// public custom field and an internal one.
func macroCatalogSpec() ticket.CatalogSpec {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{
		{Code: "returns", Label: ticket.Label{Text: "Returns", Translations: map[string]string{"fr": "Retours"}}},
		{Code: "sales", Label: ticket.Label{Text: "Sales"}},
	}
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true},
	}
	return spec
}

// refundMacro is a reply in English and French that tags, assigns to
// the agent applying it and waits for the customer.
func refundMacro() ticketkit.Macro {
	return ticketkit.Macro{
		ID:          "refund-ok",
		Name:        ticket.Label{Text: "Refund accepted", Translations: map[string]string{"fr": "Remboursement accepté"}},
		Departments: []string{"returns"},
		Text:        "Hello {{.Customer.Name}}, your refund for {{.Ticket.Number}} ({{.Ticket.Fields.store}}) is on its way. {{.Agent.Name}}",
		Translations: map[string]string{
			"fr": "Bonjour {{.Customer.Name}}, le remboursement de {{.Ticket.Number}} ({{index .Ticket.Fields \"store\"}}) est en route. {{.Agent.Name}}",
		},
		Status:       ticket.StatusWaiting,
		AddTags:      []string{"refund"},
		AssignToSelf: true,
	}
}

// escalateNote is an internal note naming staff-only data, which
// escalates the ticket.
func escalateNote() ticketkit.Macro {
	return ticketkit.Macro{
		ID:     "escalate",
		Name:   ticket.Label{Text: "Escalate"},
		Kind:   ticketkit.MacroNote,
		Teams:  []string{"tier2"},
		Text:   "Escalated by {{.Staff.AgentID}} from {{.Staff.Assignee}}, margin {{.Ticket.Fields.margin}}, tags {{.Staff.Tags}}",
		Status: ticket.StatusEscalated,
	}
}

// macroDesk returns a Desk on b with the macro catalog, macros ms and
// customers in French, and a ticket customer C-1 opened in returns.
func macroDesk(t *testing.T, b backend, ms []ticketkit.Macro, mods ...func(*ticketkit.Config)) (*ticketkit.Desk, *ticketBundle) {
	t.Helper()
	cat, err := ticket.NewCatalog(macroCatalogSpec())
	require.NoError(t, err)
	desk, bundle := setupDesk(t, b, append([]func(*ticketkit.Config){func(c *ticketkit.Config) {
		c.Catalog, c.Customers = cat, customerDirectory
		c.Macros = &ticketkit.MacroConfig{Macros: ms, Locale: func(context.Context, *ticket.Ticket) string { return "fr-CA" }}
	}}, mods...)...)
	tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{
		Subject: "Kettle", Department: "returns", Customer: ticket.Customer{ID: customer.CustomerID, Name: "Jane"},
		Assignee: "agent-7", Tags: []string{"vip"}, Fields: map[string]string{"store": "Lyon", "margin": "12.5"},
	})
	require.NoError(t, err)
	bundle.rec.Reset()
	return desk, &ticketBundle{deskBundle: bundle, tk: tk}
}

// snapshot is what a test compares to see that nothing was written.
type snapshot struct {
	version  int64
	status   string
	tags     []string
	assignee string
	messages int
	history  int
}

func takeSnapshot(t *testing.T, desk *ticketkit.Desk, id string) snapshot {
	t.Helper()
	tk, err := desk.Get(t.Context(), agent, id)
	require.NoError(t, err)
	msgs, err := desk.Messages(t.Context(), agent, ticketkit.MessageListParams{TicketID: id})
	require.NoError(t, err)
	hist, err := desk.History(t.Context(), agent, id)
	require.NoError(t, err)
	return snapshot{tk.Version, tk.Status, tk.Tags, tk.Assignee, len(msgs.Messages), len(hist)}
}

func TestDesk_ApplyMacro(t *testing.T) {
	t.Parallel()

	t.Run("PostsTheReplyInTheCustomersLocaleAndAppliesEveryAction", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, s := macroDesk(t, b, []ticketkit.Macro{refundMacro()})
			res, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok", Version: s.tk.Version})
			require.NoError(t, err)
			require.Equal(t, "Bonjour Jane, le remboursement de "+s.tk.Number+" (Lyon) est en route. Support team", res.Message.Body)
			require.Equal(t, ticket.MessageReply, res.Message.Kind)
			require.Equal(t, ticket.StatusWaiting, res.Ticket.Status)
			require.Equal(t, []string{"vip", "refund"}, res.Ticket.Tags)
			require.Equal(t, agent.ID, res.Ticket.Assignee)

			mine, err := desk.Messages(t.Context(), customer, ticketkit.MessageListParams{TicketID: s.tk.ID})
			require.NoError(t, err)
			require.Len(t, mine.Messages, 1, "the customer reads the reply")
			hist, err := desk.History(t.Context(), agent, s.tk.ID)
			require.NoError(t, err)
			require.Subset(t, fieldsOf(hist), []string{ticket.FieldTags, ticket.FieldAssignee, ticket.FieldStatus})
			require.Subset(t, s.rec.Kinds(), []notify.Kind{notify.KindMessageAdded, notify.KindAssigned, notify.KindStatusChanged},
				"notified after the one commit")

			res, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok", Locale: "de"})
			require.NoError(t, err, "a status the ticket has already is left as it is")
			require.True(t, strings.HasPrefix(res.Message.Body, "Hello Jane"), "the default text when no translation fits: %q", res.Message.Body)
			require.Equal(t, []string{"vip", "refund"}, res.Ticket.Tags, "a tag once")
		})
	})

	t.Run("ARefusedActionWritesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			closeIt := ticketkit.Macro{ID: "close", Name: ticket.Label{Text: "Close"}, Text: "Bye {{.Customer.Name}}",
				AddTags: []string{"done"}, Assignee: new(""), Status: ticket.StatusClosed} // no reason: the guard refuses
			waitIt := ticketkit.Macro{ID: "wait", Name: ticket.Label{Text: "Wait"}, Kind: ticketkit.MacroNote, Text: "waiting",
				RemoveTags: []string{"vip"}, Status: ticket.StatusWaiting}
			def := workflow.DefaultDefinition()
			for i := range def.Transitions {
				if def.Transitions[i].To == ticket.StatusWaiting {
					def.Transitions[i].Roles = []ticket.Role{ticket.RoleSupervisor}
				}
			}
			cat, err := ticket.NewCatalog(macroCatalogSpec())
			require.NoError(t, err)
			wf, err := workflow.New(workflow.Config{Definition: def, Catalog: cat})
			require.NoError(t, err)
			desk, s := macroDesk(t, b, []ticketkit.Macro{closeIt, waitIt}, func(c *ticketkit.Config) { c.Workflow = wf })
			before := takeSnapshot(t, desk, s.tk.ID)

			_, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "close"})
			require.ErrorIs(t, err, ticketkit.ErrGuard)
			require.Equal(t, before, takeSnapshot(t, desk, s.tk.ID), "the workflow guard refused: nothing written")

			_, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "wait"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			var te *ticketkit.TransitionError
			require.ErrorAs(t, err, &te)
			require.Equal(t, before, takeSnapshot(t, desk, s.tk.ID), "the role was refused: nothing written")
			require.Zero(t, s.rec.Len(), "nothing announced")

			_, err = desk.ApplyMacro(t.Context(), super, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "wait"})
			require.NoError(t, err, "a supervisor may")
		})
	})

	t.Run("CustomersMayNotUseMacros", func(t *testing.T) {
		t.Parallel()
		desk, s := macroDesk(t, memoryBackend(), []ticketkit.Macro{refundMacro(), escalateNote()})
		_, err := desk.ApplyMacro(t.Context(), customer, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.PreviewMacro(t.Context(), customer, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "escalate"})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.ListMacros(t.Context(), customer, ticketkit.ListMacrosParams{})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
	})

	t.Run("UnknownMacroOtherTenantsTicketAndHostileIDs", func(t *testing.T) {
		t.Parallel()
		desk, s := macroDesk(t, memoryBackend(), []ticketkit.Macro{refundMacro()})
		_, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "nope"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
		_, err = desk.ApplyMacro(t.Context(), otherOrg, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket")
		_, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: "a\x00b", MacroID: strings.Repeat("m", 1<<20), Locale: "fr\x00"})
		require.ElementsMatch(t, []string{"ticket_id", "macro_id", "locale"}, invalidFields(t, err))
		_, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok", Version: s.tk.Version + 5})
		require.ErrorIs(t, err, ticketkit.ErrConflict)
	})

	t.Run("ANoteNeverReachesTheCustomer", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, s := macroDesk(t, b, []ticketkit.Macro{escalateNote()})
			res, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "escalate"})
			require.NoError(t, err)
			require.Equal(t, "Escalated by agent-1 from agent-7, margin 12.5, tags vip", res.Message.Body)
			require.Equal(t, ticket.MessageNote, res.Message.Kind)
			mine, err := desk.Messages(t.Context(), customer, ticketkit.MessageListParams{TicketID: s.tk.ID})
			require.NoError(t, err)
			require.Empty(t, mine.Messages)
			for _, e := range s.rec.OfKind(notify.KindMessageAdded) {
				require.True(t, e.Message.Kind.Internal())
			}
		})
	})

	// AReplyShowsNothingStaffOnly: whatever a reply's template does with
	// its data (printing all of it), the customer reads no staff ID, tag
	// or internal field.
	t.Run("AReplyShowsNothingStaffOnly", func(t *testing.T) {
		t.Parallel()
		dump := ticketkit.Macro{ID: "dump", Name: ticket.Label{Text: "Dump"}, Text: `{{printf "%+v" .}} {{printf "%v" $}}`}
		desk, s := macroDesk(t, memoryBackend(), []ticketkit.Macro{dump})
		res, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "dump"})
		require.NoError(t, err)
		require.Contains(t, res.Message.Body, "Lyon")
		for _, secret := range []string{"agent-7", "agent-1", "12.5", "vip", "margin"} {
			require.NotContains(t, res.Message.Body, secret)
		}
	})

	// AReplyTooLongForAMessageWritesNothing: a macro that passed its
	// checks but renders more than a message holds on a ticket with a
	// long subject is refused as a whole.
	t.Run("AReplyTooLongForAMessageWritesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			long := ticketkit.Macro{ID: "long", Name: ticket.Label{Text: "Long"}, Text: strings.Repeat("{{.Ticket.Subject}}", 1000),
				Status: ticket.StatusWaiting}
			desk, s := macroDesk(t, b, []ticketkit.Macro{long})
			tk, err := desk.Update(t.Context(), agent, ticketkit.UpdateParams{TicketID: s.tk.ID, Subject: new(strings.Repeat("é", 100))})
			require.NoError(t, err)
			before := takeSnapshot(t, desk, tk.ID)
			_, err = desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: tk.ID, MacroID: "long"})
			require.Equal(t, []string{"macro_id"}, invalidFields(t, err))
			require.Equal(t, before, takeSnapshot(t, desk, tk.ID))
		})
	})

	t.Run("ApplyMacroTxRollsBackWithTheHost", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, s := macroDesk(t, b, []ticketkit.Macro{refundMacro()})
			before := takeSnapshot(t, desk, s.tk.ID)
			errRollback := errors.New("host rollback")
			err := s.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				res, err := desk.ApplyMacroTx(ctx, tx, agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
				require.NoError(t, err)
				require.Equal(t, ticket.StatusWaiting, res.Ticket.Status)
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			require.Equal(t, before, takeSnapshot(t, desk, s.tk.ID))

			err = s.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				_, err := desk.ApplyMacroTx(ctx, tx, agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
				return err
			})
			require.NoError(t, err)
			after := takeSnapshot(t, desk, s.tk.ID)
			require.Equal(t, ticket.StatusWaiting, after.status)
			require.Equal(t, before.messages+1, after.messages)
			_, err = desk.ApplyMacroTx(t.Context(), nil, agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
			require.ErrorIs(t, err, ticketkit.ErrNoTx)
		})
	})

	// RacingAgentsLoseNothing: agents apply macros to one ticket at once;
	// each application is whole, and with one version exactly one wins.
	t.Run("RacingAgentsLoseNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			tagIt := ticketkit.Macro{ID: "tag", Name: ticket.Label{Text: "Tag"}, Text: "noted", AddTags: []string{"seen"}}
			desk, s := macroDesk(t, b, []ticketkit.Macro{tagIt, refundMacro()})
			const n = 6
			var wg sync.WaitGroup
			errs := make(chan error, 2*n)
			for range n {
				wg.Go(func() {
					_, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "tag"})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			snap := takeSnapshot(t, desk, s.tk.ID)
			require.Equal(t, n, snap.messages)
			require.Equal(t, []string{"vip", "seen"}, snap.tags)

			var wins, conflicts int
			var mu sync.Mutex
			for range n {
				wg.Go(func() {
					_, err := desk.ApplyMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok", Version: snap.version})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins++
					case errors.Is(err, ticketkit.ErrConflict):
						conflicts++
					default:
						t.Errorf("unexpected error: %v", err)
					}
				})
			}
			wg.Wait()
			require.Equal(t, 1, wins)
			require.Equal(t, n-1, conflicts)
			require.Equal(t, n+1, takeSnapshot(t, desk, s.tk.ID).messages, "the losers wrote nothing")
		})
	})
}

func TestDesk_PreviewMacro(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, s := macroDesk(t, b, []ticketkit.Macro{refundMacro(), escalateNote()})
		before := takeSnapshot(t, desk, s.tk.ID)
		p, err := desk.PreviewMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
		require.NoError(t, err)
		require.Equal(t, "fr", p.Locale)
		require.Contains(t, p.Body, "Bonjour Jane")
		require.Equal(t, ticket.StatusWaiting, p.Status)
		require.Equal(t, agent.ID, *p.Assignee)
		p, err = desk.PreviewMacro(t.Context(), agent, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "escalate", Locale: "en"})
		require.NoError(t, err)
		require.Equal(t, ticketkit.MacroNote, p.Kind)
		require.Equal(t, "", p.Locale)
		require.Equal(t, before, takeSnapshot(t, desk, s.tk.ID), "a preview writes nothing")
		_, err = desk.PreviewMacro(t.Context(), otherOrg, ticketkit.MacroParams{TicketID: s.tk.ID, MacroID: "refund-ok"})
		require.ErrorIs(t, err, ticketkit.ErrNotFound)
	})
}

func TestDesk_ListMacros(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		desk, _ := macroDesk(t, b, []ticketkit.Macro{refundMacro(), escalateNote()})
		ids := func(a ticketkit.Actor, p ticketkit.ListMacrosParams) []string {
			t.Helper()
			ms, err := desk.ListMacros(ctx, a, p)
			require.NoError(t, err)
			out := []string{}
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		require.Equal(t, []string{"refund-ok", "escalate"}, ids(agent, ticketkit.ListMacrosParams{}))
		require.Equal(t, []string{"refund-ok", "escalate"}, ids(agent, ticketkit.ListMacrosParams{Department: "returns"}))
		require.Equal(t, []string{"escalate"}, ids(agent, ticketkit.ListMacrosParams{Department: "sales"}))
		require.Equal(t, []string{"refund-ok"}, ids(agent, ticketkit.ListMacrosParams{Team: "tier1"}))

		// A tenant's own macros replace the Desk's; an empty list is none.
		mine := ticketkit.Macro{ID: "hello", Name: ticket.Label{Text: "Hello"}, Text: "Hello {{.Customer.Name}}"}
		_, err := desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: macroCatalogSpec(), Macros: []ticketkit.Macro{mine}}})
		require.NoError(t, err)
		require.Equal(t, []string{"hello"}, ids(agent, ticketkit.ListMacrosParams{}))
		require.Equal(t, []string{"refund-ok", "escalate"}, ids(otherOrg, ticketkit.ListMacrosParams{}), "other tenants keep the Desk's")
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: macroCatalogSpec(), Macros: []ticketkit.Macro{}}})
		require.NoError(t, err)
		require.Empty(t, ids(agent, ticketkit.ListMacrosParams{}))
		_, err = desk.ConfigureTenant(ctx, tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: macroCatalogSpec()}})
		require.NoError(t, err)
		require.Equal(t, []string{"refund-ok", "escalate"}, ids(agent, ticketkit.ListMacrosParams{}), "no macros: the Desk's")
	})
}

// TestMacro_RejectedAtSave: every bad macro is refused when it is saved,
// in Config.Macros and in a tenant's configuration, naming the macro
// and its field.
func TestMacro_RejectedAtSave(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name  string
		edit  func(m *ticketkit.Macro)
		field string
	}{
		{"UnknownPlaceholder", func(m *ticketkit.Macro) { m.Text = "Hi {{.Ticket.Nmber}}" }, "macros[0].text"},
		{"UnknownCustomField", func(m *ticketkit.Macro) { m.Text = "Hi {{.Ticket.Fields.colour}}" }, "macros[0].text"},
		{"UnknownCustomFieldByIndex", func(m *ticketkit.Macro) {
			m.Translations = map[string]string{"fr": `{{index .Ticket.Fields "colour"}}`}
		}, "macros[0].translations.fr"},
		{"DoesNotParse", func(m *ticketkit.Macro) { m.Text = "Hi {{.Customer.Name" }, "macros[0].text"},
		{"StaffFieldInAReply", func(m *ticketkit.Macro) { m.Text = "{{.Staff.Assignee}}" }, "macros[0].text"},
		{"StaffFieldThroughWith", func(m *ticketkit.Macro) { m.Text = "{{with $.Staff}}{{.AgentID}}{{end}}" }, "macros[0].text"},
		{"InternalFieldInAReply", func(m *ticketkit.Macro) { m.Text = "{{.Ticket.Fields.margin}}" }, "macros[0].text"},
		{"Range", func(m *ticketkit.Macro) { m.Text = "{{range .Ticket.Fields}}{{.}}{{end}}" }, "macros[0].text"},
		{"Define", func(m *ticketkit.Macro) { m.Text = `{{define "x"}}a{{end}}{{template "x"}}` }, "macros[0].text"},
		{"FailsWhenItRuns", func(m *ticketkit.Macro) { m.Text = `{{index .Customer.Name 99}}` }, "macros[0].text"},
		{"NUL", func(m *ticketkit.Macro) { m.Text = "Hi\x00" }, "macros[0].text"},
		{"OneMegabyte", func(m *ticketkit.Macro) { m.Text = huge }, "macros[0].text"},
		{"OneMegabyteTranslation", func(m *ticketkit.Macro) { m.Translations = map[string]string{"fr": huge} }, "macros[0].translations.fr"},
		{"EmptyText", func(m *ticketkit.Macro) { m.Text = " " }, "macros[0].text"},
		{"BadID", func(m *ticketkit.Macro) { m.ID = "a b\x00" }, "macros[0].id"},
		{"NoName", func(m *ticketkit.Macro) { m.Name = ticket.Label{} }, "macros[0].name.text"},
		{"UnknownKind", func(m *ticketkit.Macro) { m.Kind = "sms" }, "macros[0].kind"},
		{"UnknownStatus", func(m *ticketkit.Macro) { m.Status = "limbo" }, "macros[0].status"},
		{"UnknownDepartment", func(m *ticketkit.Macro) { m.Departments = []string{"nowhere"} }, "macros[0].departments[0]"},
		{"TagAddedAndRemoved", func(m *ticketkit.Macro) { m.RemoveTags = []string{"refund"} }, "macros[0].add_tags[0]"},
		{"HugeTag", func(m *ticketkit.Macro) { m.AddTags = []string{huge} }, "macros[0].add_tags[0]"},
		{"AssigneeAndSelf", func(m *ticketkit.Macro) { m.Assignee = new("agent-2") }, "macros[0].assign_to_self"},
		{"ReasonWithoutStatus", func(m *ticketkit.Macro) { m.Status, m.Reason = "", "why" }, "macros[0].reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := refundMacro()
			tc.edit(&m)
			cat, err := ticket.NewCatalog(macroCatalogSpec())
			require.NoError(t, err)
			_, err = ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Catalog: cat, Macros: &ticketkit.MacroConfig{Macros: []ticketkit.Macro{m}}})
			require.Contains(t, invalidFields(t, err), tc.field)

			desk, s := setupDesk(t, memoryBackend())
			_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
				Catalog: macroCatalogSpec(), Macros: []ticketkit.Macro{m}}})
			require.Contains(t, invalidFields(t, err), tc.field)
			v, _ := errors.AsType[*ticketkit.ValidationError](err)
			for _, f := range v.Fields {
				if f.Field == tc.field && tc.name != "BadID" {
					require.Contains(t, f.Message, `macro "`+m.ID+`"`, "the message names the macro")
				}
			}
			versions, err := s.store.(storage.ConfigStore).TenantConfigList(t.Context(), storage.TenantConfigListParams{TenantID: tenantAdmin.TenantID, Limit: 10})
			require.NoError(t, err)
			require.Empty(t, versions, "nothing saved")
		})
	}

	t.Run("DuplicateIDAndUnknownTagOfTheCatalog", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend())
		_, err := desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: macroCatalogSpec(), Tags: []ticketkit.TagDef{{Code: "vip", Label: ticket.Label{Text: "VIP"}}},
			Macros: []ticketkit.Macro{refundMacro(), refundMacro()}}})
		require.ElementsMatch(t, []string{"macros[0].add_tags[0]", "macros[1].add_tags[0]", "macros[1].id"}, invalidFields(t, err))
	})

	t.Run("ANoteMayNameStaffFields", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend())
		_, err := desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
			Catalog: macroCatalogSpec(), Macros: []ticketkit.Macro{escalateNote()}}})
		require.NoError(t, err)
	})
}

// ApplyMacro leaves a history line naming the macro, which staff see
// and customers do not.
func TestDesk_ApplyMacroHistoryNamesTheMacro(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, tb := macroDesk(t, b, []ticketkit.Macro{refundMacro()})
		ctx := t.Context()
		_, err := desk.ApplyMacro(ctx, agent, ticketkit.MacroParams{TicketID: tb.tk.ID, MacroID: "refund-ok"})
		require.NoError(t, err)
		macroLines := func(actor ticket.Actor) []string {
			events, err := desk.History(ctx, actor, tb.tk.ID)
			require.NoError(t, err)
			var out []string
			for _, e := range events {
				if e.Field == ticket.FieldMacro {
					out = append(out, e.ActorID+" "+e.New)
				}
			}
			return out
		}
		require.Equal(t, []string{agent.ID + " refund-ok"}, macroLines(agent))
		require.Empty(t, macroLines(customer), "customers do not see which macro answered them")
	})
}
