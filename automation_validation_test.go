package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// The bad input, audited: a rule with an unknown field or status,
// a condition that can never be true, an action the rule's role may not
// take, a template that does not parse. Each is refused at save time,
// both as the Desk's Config.Automation and as a tenant's configuration
// saved at runtime, by a *ValidationError whose field is the rule's path
// to the bad part and whose message names the rule's ID; nothing is
// saved.
func TestAutomationConfig_SaveTimeAudit(t *testing.T) {
	t.Parallel()
	ok := []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "x"}}
	event := func(r ticketkit.EventRule) ticketkit.AutomationConfig {
		r.ID = "bad-rule"
		if r.Do == nil {
			r.Do = ok
		}
		// A valid rule first, so that the path's index is the bad one's.
		return ticketkit.AutomationConfig{EventRules: []ticketkit.EventRule{{ID: "fine", Do: ok}, r}}
	}
	timed := func(r ticketkit.TimeRule) ticketkit.AutomationConfig {
		r.ID = "bad-rule"
		if r.Do == nil {
			r.Do = ok
		}
		if r.After == 0 {
			r.After = workflow.Duration(time.Hour)
		}
		return ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{{ID: "fine", State: ticketkit.TimeUnassigned, After: workflow.Duration(time.Hour), Do: ok}, r}}
	}
	fields := func(f ...ticketkit.FieldCondition) ticketkit.RuleConditions {
		return ticketkit.RuleConditions{Fields: f}
	}
	waiting := []string{ticket.StatusWaiting}
	cases := []struct {
		name  string
		cfg   ticketkit.AutomationConfig
		field string
	}{
		// Unknown fields and values.
		{"UnknownConditionField", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "colour", Is: []string{"red"}})}), "event_rules[1].when.fields[0].field"},
		{"UnknownCustomField", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "fields.nope", Is: []string{"x"}})}), "event_rules[1].when.fields[0].field"},
		{"UnknownStatusIs", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "status", Is: []string{"limbo"}})}), "event_rules[1].when.fields[0].is[0]"},
		{"UnknownStatusWas", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "status", Was: []string{"limbo"}})}), "event_rules[1].when.fields[0].was[0]"},
		{"UnknownEventKind", event(ticketkit.EventRule{When: ticketkit.RuleConditions{Events: []notify.Kind{"ticket.exploded"}}}), "event_rules[1].when.events[0]"},
		{"UnknownFieldToSet", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "subject", Value: "x"}}}), "event_rules[1].do[0].field"},
		{"UnknownStatusToSet", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: "limbo"}}}), "event_rules[1].do[0].value"},
		{"UnknownActionType", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: "explode"}}}), "event_rules[1].do[0].type"},
		{"TimeRuleUnknownStatus", timed(ticketkit.TimeRule{State: ticketkit.TimeInStatus, Statuses: []string{"limbo"}}), "time_rules[1].statuses[0]"},
		{"TimeRuleUnknownState", timed(ticketkit.TimeRule{State: "sleeping"}), "time_rules[1].state"},
		// Conditions that can never hold.
		{"IsAllExcludedByNot", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "priority", Is: []string{"high"}, Not: []string{"high"}})}), "event_rules[1].when.fields[0].not"},
		{"ChangedToTheSameValue", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "priority", Changed: true, Is: []string{"high"}, Was: []string{"high"}})}), "event_rules[1].when.fields[0].was"},
		{"WasOnOpen", event(ticketkit.EventRule{When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}, Fields: []ticketkit.FieldCondition{{Field: "status", Was: []string{"open"}}}}}), "event_rules[1].when.fields[0].was"},
		{"ContainsNoValueOfIs", event(ticketkit.EventRule{When: fields(ticketkit.FieldCondition{Field: "subject", Is: []string{"Refund"}, Contains: "order"})}), "event_rules[1].when.fields[0].contains"},
		{"TagRequiredAndExcluded", event(ticketkit.EventRule{When: ticketkit.RuleConditions{Tags: []string{"vip"}, NotTags: []string{"vip"}}}), "event_rules[1].when.tags[0]"},
		{"TimeRuleStatusOutsideItsStatuses", timed(ticketkit.TimeRule{State: ticketkit.TimeInStatus, Statuses: waiting,
			When: fields(ticketkit.FieldCondition{Field: "status", Is: []string{ticket.StatusOpen}})}), "time_rules[1].when.fields[0].is"},
		{"TimeRuleExcludesItsStatuses", timed(ticketkit.TimeRule{State: ticketkit.TimeInStatus, Statuses: waiting,
			When: fields(ticketkit.FieldCondition{Field: "status", Not: waiting})}), "time_rules[1].when.fields[0].not"},
		{"UnassignedRuleWantsAnAssignee", timed(ticketkit.TimeRule{State: ticketkit.TimeUnassigned,
			When: fields(ticketkit.FieldCondition{Field: "assignee", Is: []string{"ann"}})}), "time_rules[1].when.fields[0].is"},
		{"TimeRuleOnEvents", timed(ticketkit.TimeRule{State: ticketkit.TimeUnassigned, When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}}}), "time_rules[1].when.events"},
		// Actions the rule's role may not take.
		{"CustomerRoleSets", event(ticketkit.EventRule{Role: ticket.RoleCustomer, Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "priority", Value: "high"}}}), "event_rules[1].do[0].type"},
		{"CustomerRoleWritesANote", event(ticketkit.EventRule{Role: ticket.RoleCustomer, Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNote, Template: "x"}}}), "event_rules[1].do[0].type"},
		{"CustomerRoleTimeRuleAssigns", timed(ticketkit.TimeRule{State: ticketkit.TimeUnassigned, Role: ticket.RoleCustomer,
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAssign, Value: "ann"}}}), "time_rules[1].do[0].type"},
		{"UnknownRole", event(ticketkit.EventRule{Role: "overlord"}), "event_rules[1].role"},
		// Templates.
		{"NoteTemplateDoesNotParse", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNote, Template: "{{.Ticket.Subject"}}}), "event_rules[1].do[0].template"},
		{"NotifyTemplateUnknownField", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"customer"}, Template: "{{.Ticket.Password}}"}}}), "event_rules[1].do[0].template"},
		{"NotifyTemplateUnknownFunction", timed(ticketkit.TimeRule{State: ticketkit.TimeUnassigned,
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"supervisor"}, Template: "{{shout .Ticket.Number}}"}}}), "time_rules[1].do[0].template"},
		{"NotifyEmptyAudienceEntry", event(ticketkit.EventRule{Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"customer", "user:"}, Template: "hi"}}}), "event_rules[1].do[0].audience[1]"},
	}
	admin := ticketkit.Actor{ID: "adm", Role: ticket.RoleAdmin, TenantID: "acme"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			check := func(t *testing.T, err error, prefix string) {
				t.Helper()
				fields := invalidFields(t, err)
				require.Contains(t, fields, prefix+tc.field, "%v", err)
				require.NotContains(t, fields, prefix+"event_rules[0].id", "the valid rule is not blamed")
				require.ErrorContains(t, err, `rule "bad-rule": `, "the message names the rule")
			}
			_, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Automation: &tc.cfg})
			require.ErrorContains(t, err, "Config.Automation")
			check(t, err, "automation.")

			desk, _ := setupDesk(t, memoryBackend())
			cfg := tc.cfg
			_, err = desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
				Catalog: ticket.DefaultCatalog().Spec(), Automation: &cfg}})
			check(t, err, "automation.")
			got, err := desk.TenantConfig(t.Context(), admin, 0)
			require.NoError(t, err)
			require.Zero(t, got.Version, "nothing was saved")
		})
	}
}
