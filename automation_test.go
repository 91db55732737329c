package ticketkit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// withRules sets cfg's automation.
func withRules(a ticketkit.AutomationConfig, actions map[string]ticketkit.AutomationAction) func(*ticketkit.Config) {
	return func(c *ticketkit.Config) {
		c.Automation, c.AutomationActions = &a, ticketkit.NewAutomationActions(actions)
	}
}

// ruleLines returns the history lines of a ticket written by rules, as
// "actor field old→new".
func ruleLines(t *testing.T, desk *ticketkit.Desk, id string) []string {
	t.Helper()
	events, err := desk.History(t.Context(), super, id)
	require.NoError(t, err)
	var out []string
	for _, e := range events {
		if strings.HasPrefix(e.ActorID, ticketkit.RuleActorPrefix) {
			out = append(out, e.ActorID+" "+e.Field+" "+e.Old+"→"+e.New)
		}
	}
	return out
}

func TestDesk_EventRules(t *testing.T) {
	t.Parallel()

	orders := ticketkit.EventRule{
		ID:   "orders-hot",
		When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}, Channels: []ticket.Channel{ticket.ChannelEmail}, Fields: []ticketkit.FieldCondition{{Field: "subject", Contains: "order"}}},
		Do: []ticketkit.RuleAction{
			{Type: ticketkit.ActionSet, Field: "priority", Value: ticket.PriorityHigh},
			{Type: ticketkit.ActionAssign, Value: "returns-1"},
			{Type: ticketkit.ActionNote, Template: "Order ticket {{.Ticket.Subject}} sent to returns by {{.RuleID}}"},
			{Type: ticketkit.ActionWatch, Value: "lead-1"},
		},
	}
	hot := ticketkit.EventRule{
		ID:   "tag-high",
		When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "priority", Is: []string{ticket.PriorityHigh}, Changed: true}}},
		Do:   []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "hot"}},
	}

	t.Run("OpenRunsRulesInOrderAndHistoryNamesThem", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, withRules(ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{orders, hot}}, nil))
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Where is my Order 42?", Channel: ticket.ChannelEmail})
			require.Equal(t, ticket.PriorityHigh, tk.Priority)
			require.Equal(t, "returns-1", tk.Assignee)
			require.Equal(t, []string{"hot"}, tk.Tags, "the second rule sees what the first one changed")
			require.Equal(t, []string{
				"rule:orders-hot priority normal→high", "rule:orders-hot assignee →returns-1",
				"rule:tag-high tags →hot", "rule:orders-hot watcher →lead-1",
			}, ruleLines(t, desk, tk.ID))
			msgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			require.Equal(t, ticket.MessageNote, msgs.Messages[0].Kind)
			require.Equal(t, "Order ticket Where is my Order 42? sent to returns by orders-hot", msgs.Messages[0].Body)

			other := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Order by phone", Channel: ticket.ChannelPhone})
			require.Equal(t, ticket.PriorityNormal, other.Priority, "a rule whose channel does not match does not fire")
			require.Empty(t, ruleLines(t, desk, other.ID))
		})
	})

	t.Run("UpdateTriggersRulesOnceAndTheDepthStopsLoops", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ping := ticketkit.EventRule{ID: "ping", When: ticketkit.RuleConditions{Events: []notify.Kind{ticketkit.KindTicketUpdated}, NotTags: []string{"ping"}},
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "ping"}, {Type: ticketkit.ActionRemoveTag, Value: "pong"}}}
			pong := ticketkit.EventRule{ID: "pong", When: ticketkit.RuleConditions{Events: []notify.Kind{ticketkit.KindTicketUpdated}, NotTags: []string{"pong"}},
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "pong"}, {Type: ticketkit.ActionRemoveTag, Value: "ping"}}}
			desk, _ := setupDesk(t, b, withRules(ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{hot, ping, pong}, MaxDepth: 5}, nil))
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			require.Empty(t, ruleLines(t, desk, tk.ID), "no rule fires on opening")
			high := ticket.PriorityHigh
			got, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &high})
			require.NoError(t, err)
			// hot adds "hot"; ping adds "ping"; pong then adds "pong" and
			// removes "ping"; each once, however the rules undo each other.
			require.Equal(t, []string{"hot", "pong"}, got.Tags)
			require.Equal(t, []string{"rule:tag-high tags →hot", "rule:ping tags hot→hot, ping", "rule:pong tags hot, ping→hot, pong"}, ruleLines(t, desk, tk.ID))
		})
	})

	t.Run("AFailingRuleRollsTheChangeBackAndIsNamed", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			boom := errors.New("crm down")
			calls := 0
			actions := map[string]ticketkit.AutomationAction{
				"crm": ticketkit.AutomationActionFunc(func(ctx context.Context, tx storage.Tx, c ticketkit.AutomationCall) error {
					calls++
					if c.Ticket.Priority == ticket.PriorityUrgent {
						return boom
					}
					return nil
				}),
				"panics": ticketkit.AutomationActionFunc(func(context.Context, storage.Tx, ticketkit.AutomationCall) error { panic("host bug") }),
			}
			sync := ticketkit.EventRule{ID: "crm-sync", When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "priority", Changed: true}}},
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "synced"}, {Type: ticketkit.ActionCall, Value: "crm"}}}
			bad := ticketkit.EventRule{ID: "bad", When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "priority", Is: []string{ticket.PriorityLow}}}},
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionCall, Value: "panics"}}}
			desk, bundle := setupDesk(t, b, withRules(ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{sync, bad}}, actions))
			ctx := t.Context()
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
			before := historyLines(t, desk, tk.ID)
			sent := len(bundle.rec.Events())

			urgent := ticket.PriorityUrgent
			_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &urgent})
			re, ok := errors.AsType[*ticketkit.RuleError](err)
			require.True(t, ok, "got %v", err)
			require.Equal(t, "crm-sync", re.RuleID)
			require.Equal(t, 1, re.Action)
			require.ErrorIs(t, err, boom)

			low := ticket.PriorityLow
			_, err = desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &low})
			re, ok = errors.AsType[*ticketkit.RuleError](err)
			require.True(t, ok, "got %v", err)
			require.Equal(t, "bad", re.RuleID)
			require.ErrorContains(t, err, "panicked")

			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, tk.Version, got.Version, "nothing of the failed changes is stored")
			require.Equal(t, ticket.PriorityNormal, got.Priority)
			require.Empty(t, got.Tags)
			require.Equal(t, before, historyLines(t, desk, tk.ID))
			require.Len(t, bundle.rec.Events(), sent, "no notification of a change rolled back")
			require.Equal(t, 2, calls)
		})
	})

	t.Run("DryRunAnswersWithoutWriting", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend(), withRules(ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{orders, hot}}, nil))
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "kettle"})
		res, err := desk.DryRunRules(ctx, super, ticketkit.DryRunParams{TicketID: tk.ID, Set: map[string]string{"priority": ticket.PriorityHigh}})
		require.NoError(t, err)
		require.Len(t, res.Fired, 1)
		require.Equal(t, "tag-high", res.Fired[0].RuleID)
		require.Equal(t, []string{"hot"}, res.Ticket.Tags)
		got, err := desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Equal(t, tk.Version, got.Version)
		require.Empty(t, got.Tags)

		_, err = desk.DryRunRules(ctx, customer, ticketkit.DryRunParams{TicketID: tk.ID})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.DryRunRules(ctx, otherOrg, ticketkit.DryRunParams{TicketID: tk.ID})
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket is not found")
		_, err = desk.DryRunRules(ctx, super, ticketkit.DryRunParams{TicketID: tk.ID, Set: map[string]string{"customer\x00": "x"}})
		var ve *ticketkit.ValidationError
		require.ErrorAs(t, err, &ve)
	})
}

func TestAutomationConfig_Validation(t *testing.T) {
	t.Parallel()
	ok := []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "x"}}
	cases := []struct {
		name  string
		cfg   ticketkit.AutomationConfig
		field string
	}{
		{"UnknownField", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "colour"}}}, Do: ok}}}, "automation.event_rules[0].when.fields[0].field"},
		{"UnknownStatus", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "status", Is: []string{"limbo"}}}}, Do: ok}}}, "automation.event_rules[0].when.fields[0].is[0]"},
		{"UnknownPriorityToSet", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "priority", Value: "meh"}}}}}, "automation.event_rules[0].do[0].value"},
		{"NeverTrue", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "priority", Is: []string{"high"}, Not: []string{"high"}}}}, Do: ok}}}, "automation.event_rules[0].when.fields[0].not"},
		{"NeverTrueOnOpen", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}, Fields: []ticketkit.FieldCondition{{Field: "priority", Was: []string{"low"}}}}, Do: ok}}}, "automation.event_rules[0].when.fields[0].was"},
		{"TagRequiredAndExcluded", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", When: ticketkit.RuleConditions{Tags: []string{"a"}, NotTags: []string{"a"}}, Do: ok}}}, "automation.event_rules[0].when.tags[0]"},
		{"CustomerMayNotAssign", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Role: ticket.RoleCustomer, Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAssign, Value: "a"}}}}}, "automation.event_rules[0].do[0].type"},
		{"TemplateDoesNotParse", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNote, Template: "{{.Ticket.Subject"}}}}}, "automation.event_rules[0].do[0].template"},
		{"TemplateUnknownField", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNote, Template: "{{.Ticket.Secret}}"}}}}}, "automation.event_rules[0].do[0].template"},
		{"UnknownHostAction", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionCall, Value: "nope"}}}}}, "automation.event_rules[0].do[0].value"},
		{"DuplicateID", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: ok}, {ID: "r", Do: ok}}}, "automation.event_rules[1].id"},
		{"NulInID", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r\x00", Do: ok}}}, "automation.event_rules[0].id"},
		{"HugeTag", ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: strings.Repeat("x", 1<<20)}}}}}, "automation.event_rules[0].do[0].value"},
		{"TimeRuleUnknownStatus", ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{{ID: "t", State: ticketkit.TimeInStatus, Statuses: []string{"limbo"}, After: 1, Do: ok}}}, "automation.time_rules[0].statuses[0]"},
		{"TimeRuleNoDuration", ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{{ID: "t", State: ticketkit.TimeUnassigned, Do: ok}}}, "automation.time_rules[0].after"},
		{"TimeRuleBusinessHoursWithoutSLA", ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{{ID: "t", State: ticketkit.TimeUnassigned, After: 1, BusinessHours: true, When: ticketkit.RuleConditions{Calendar: "office"}, Do: ok}}}, "automation.time_rules[0].when.calendar"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Automation: &tc.cfg})
			var ve *ticketkit.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, f := range ve.Fields {
				fields = append(fields, f.Field)
			}
			require.Contains(t, fields, tc.field)
		})
	}

	t.Run("TenantConfigNamesTheRule", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupDesk(t, memoryBackend())
		admin := ticketkit.Actor{ID: "adm", Role: ticket.RoleAdmin, TenantID: "acme"}
		spec := ticket.DefaultCatalog().Spec()
		_, err := desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec,
			Automation: &ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "r", Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: "limbo"}}}}}}})
		var ve *ticketkit.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "automation.event_rules[0].do[0].value", ve.Fields[0].Field)

		_, err = desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec,
			Automation: &ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "vip", When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}},
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "tenant-rule"}}}}}}})
		require.NoError(t, err)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{})
		require.Equal(t, []string{"tenant-rule"}, tk.Tags, "a rule saved at runtime runs at once")
		other := mustOpen(t, desk, otherOrg, ticketkit.OpenParams{})
		require.Empty(t, other.Tags, "another tenant's rules do not run")
	})

	t.Run("TheDesksRulesRunForTenantsWithoutTheirOwn", func(t *testing.T) {
		t.Parallel()
		rules := ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "desk", When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}},
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "priority", Value: ticket.PriorityHigh}}}}}
		desk, _ := setupDesk(t, memoryBackend(), withRules(rules, nil))
		rules.EventRules[0].Do[0].Value = ticket.PriorityLow // the Desk keeps its own copy
		admin := ticketkit.Actor{ID: "adm", Role: ticket.RoleAdmin, TenantID: "acme"}
		spec := ticket.DefaultCatalog().Spec()
		_, err := desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
		require.NoError(t, err)
		require.Equal(t, ticket.PriorityHigh, mustOpen(t, desk, agent, ticketkit.OpenParams{}).Priority)

		spec.Priorities = slices.DeleteFunc(spec.Priorities, func(p ticket.Priority) bool { return p.Code == ticket.PriorityHigh })
		_, err = desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec},
			Mapping: ticketkit.TenantConfigMapping{Priorities: map[string]string{ticket.PriorityHigh: ticket.PriorityUrgent}}})
		require.NoError(t, err, "the Desk's rules do not make a tenant's configuration invalid")
		require.Equal(t, ticket.PriorityNormal, mustOpen(t, desk, agent, ticketkit.OpenParams{}).Priority, "rules that do not fit the tenant's catalog do not run")
	})
}

func TestDesk_TimeRules(t *testing.T) {
	t.Parallel()
	rules := ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{
		{ID: "remind", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: ticketkitDays(3),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "reminded"}, {Type: ticketkit.ActionNote, Template: "Reminder for {{.Ticket.Number}}"}}},
		{ID: "close", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: ticketkitDays(7),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: ticket.StatusResolved}}},
		{ID: "unassigned", State: ticketkit.TimeUnassigned, After: ticketkitDays(1),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAssign, Value: "triage"}}},
	}}

	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withRules(rules, nil))
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Assignee: agent.ID})
		_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting})
		require.NoError(t, err)

		sweep := func() ticketkit.EscalationResult {
			res, err := desk.RunEscalations(ctx)
			require.NoError(t, err)
			return res
		}
		bundle.clock.Advance(2 * 24 * time.Hour)
		require.Zero(t, sweep().TimeRules, "nothing is due after 2 days")
		bundle.clock.Advance(24*time.Hour + time.Minute)
		require.Equal(t, 1, sweep().TimeRules, "the reminder fires after 3 days")
		require.Zero(t, sweep().TimeRules, "and not twice in one episode")
		got, err := desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"reminded"}, got.Tags)

		// The customer answers: the episode ends; waiting again starts a
		// new one, in which the reminder fires again.
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting})
		require.NoError(t, err)
		bundle.clock.Advance(3*24*time.Hour + time.Minute)
		require.Equal(t, 1, sweep().TimeRules, "a new episode reminds again")
		bundle.clock.Advance(4 * 24 * time.Hour)
		require.Equal(t, 1, sweep().TimeRules, "closed after 7 days of waiting")
		require.Zero(t, sweep().TimeRules)
		got, err = desk.Get(ctx, agent, tk.ID)
		require.NoError(t, err)
		require.Equal(t, ticket.StatusResolved, got.Status)
		lines := ruleLines(t, desk, tk.ID)
		require.Equal(t, []string{
			"rule:remind automation.time_rule →remind", "rule:remind tags →reminded",
			"rule:remind automation.time_rule →remind",
			"rule:close automation.time_rule →close", "rule:close status waiting→resolved",
		}, slices.DeleteFunc(lines, func(s string) bool { return strings.Contains(s, "resolved_at") || strings.Contains(s, "closure") }))
		msgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, msgs.Messages, 2)
		require.Equal(t, "Reminder for "+tk.Number, msgs.Messages[0].Body)
	})
}

func ticketkitDays(n int) workflow.Duration {
	return workflow.Duration(time.Duration(n) * 24 * time.Hour)
}

// A time rule whose host action fails for one ticket neither stops the
// sweep nor blocks the batch on every later sweep: that ticket's rule is
// passed over for its episode (nothing of it stored), the other tickets
// of the batch get theirs.
func TestDesk_TimeRuleActionFailureDoesNotBlockTheSweep(t *testing.T) {
	t.Parallel()
	var poisoned atomic.Value
	poisoned.Store("")
	actions := map[string]ticketkit.AutomationAction{
		"crm": ticketkit.AutomationActionFunc(func(_ context.Context, _ storage.Tx, call ticketkit.AutomationCall) error {
			if call.Ticket.ID == poisoned.Load().(string) {
				return errors.New("crm is down for this customer")
			}
			return nil
		}),
	}
	rules := ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{
		{ID: "remind", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: ticketkitDays(3),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "reminded"}, {Type: ticketkit.ActionCall, Value: "crm"}}},
	}}
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withRules(rules, actions))
		ctx := t.Context()
		var tickets []*ticket.Ticket
		for range 3 {
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Assignee: agent.ID})
			_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting})
			require.NoError(t, err)
			tickets = append(tickets, tk)
		}
		poisoned.Store(tickets[1].ID)
		bundle.clock.Advance(3*24*time.Hour + time.Minute)
		res, err := desk.RunEscalations(ctx)
		require.NoError(t, err, "one ticket's failing action must not fail the sweep")
		require.Equal(t, 2, res.TimeRules)
		for i, tk := range tickets {
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			if i == 1 {
				require.Empty(t, got.Tags, "the failing rule is not half-applied")
				require.Empty(t, ruleLines(t, desk, tk.ID))
			} else {
				require.Equal(t, []string{"reminded"}, got.Tags)
			}
		}
		res, err = desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Zero(t, res.TimeRules, "the passed-over rule waits for its next episode")
	})
}
