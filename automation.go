package ticketkit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// AutomationConfig is a desk's or a tenant's automation as data: event
// rules, which run inside the transaction of each change of a ticket,
// and time rules, which the escalation sweep ([Desk.RunEscalations])
// fires once per condition episode. Set it as Config.Automation (every
// tenant's default) or as TenantConfig.Automation (a tenant's own, which
// admins change at runtime with [Desk.ConfigureTenant]). Every problem
// is reported at save time as a *ValidationError field naming the rule,
// such as "automation.event_rules[2].do[0].value".
type AutomationConfig struct {
	// EventRules run in this order on every change of a plain ticket
	// (opening included); each fires at most once per change.
	EventRules []EventRule `json:"event_rules,omitempty"`
	// TimeRules fire when a ticket has been in a state for a while.
	TimeRules []TimeRule `json:"time_rules,omitempty"`
	// MaxDepth bounds the rounds of event rules one change runs: round 1
	// sees the caller's change, round n+1 only what the rules of round n
	// changed. Default [DefaultAutomationDepth]; at most
	// [MaxAutomationDepth].
	MaxDepth int `json:"max_depth,omitempty"`
}

// Limits of [AutomationConfig].
const (
	// DefaultAutomationDepth is the default of AutomationConfig.MaxDepth.
	DefaultAutomationDepth = 3
	// MaxAutomationDepth is the largest AutomationConfig.MaxDepth.
	MaxAutomationDepth = 10
	// MaxAutomationRules is the most event rules, and the most time
	// rules, one configuration holds.
	MaxAutomationRules = 1000
	// RuleActorPrefix starts the actor ID of the changes a rule makes:
	// their history lines carry ActorID "rule:<rule id>".
	RuleActorPrefix = "rule:"
)

// EventRule is one event rule: when its conditions hold for a change,
// its actions run in the change's transaction, as the actor
// "rule:<ID>" with the rule's Role.
type EventRule struct {
	// ID names the rule in history lines and errors: 1 to 64 letters,
	// digits, '-', '_' or '.', unique among the configuration's rules.
	ID string `json:"id"`
	// Name is an optional description for admins.
	Name string `json:"name,omitempty"`
	// Disabled rules never fire.
	Disabled bool `json:"disabled,omitempty"`
	// Role is the role the actions are taken with; the validation
	// refuses actions the role may not take. Default ticket.RoleSystem.
	Role ticket.Role `json:"role,omitempty"`
	// When is what the change must match.
	When RuleConditions `json:"when"`
	// Do are the actions, run in order. At least one.
	Do []RuleAction `json:"do"`
}

// RuleConditions are the conditions of a rule; all that are set must
// hold (each list matches when it holds any of its values).
type RuleConditions struct {
	// Events are the kinds of change the rule fires on: notify.KindOpened,
	// KindMessageAdded, KindStatusChanged, KindAssigned, KindRouted,
	// KindClosed, or [KindTicketUpdated] (any tracked field changed).
	// Empty: any change. Time rules ignore it.
	Events []notify.Kind `json:"events,omitempty"`
	// Fields are conditions on single fields.
	Fields []FieldCondition `json:"fields,omitempty"`
	// Channels the ticket came through.
	Channels []ticket.Channel `json:"channels,omitempty"`
	// Tiers are customer service tiers (the tier the ticket was opened
	// with, see OpenParams.Tier; kept with Config.SLA).
	Tiers []string `json:"tiers,omitempty"`
	// Tags must all be on the ticket; NotTags none of them.
	Tags    []string `json:"tags,omitempty"`
	NotTags []string `json:"not_tags,omitempty"`
	// ActorRoles are the roles of the actor who made the change.
	ActorRoles []ticket.Role `json:"actor_roles,omitempty"`
	// BusinessHours, when set, holds when the change happens within
	// (true) or outside (false) the opening hours of the SLA calendar
	// Calendar. It needs an SLA.
	BusinessHours *bool `json:"business_hours,omitempty"`
	// Calendar names the SLA calendar of BusinessHours and of a time
	// rule's business durations. Default workflow.AlwaysOpenName.
	Calendar string `json:"calendar,omitempty"`
}

// KindTicketUpdated is the event kind of [RuleConditions].Events that
// matches any change of a tracked field of the ticket.
const KindTicketUpdated notify.Kind = "ticket.updated"

// FieldCondition is a condition on one field: "status", "priority",
// "category", "department", "assignee", "channel", "subject",
// "description", or a custom field "fields.<key>". Every part that is set
// must hold.
type FieldCondition struct {
	// Field names the field.
	Field string `json:"field"`
	// Is lists values of which the field's value after the change must be
	// one ("" matches an empty field).
	Is []string `json:"is,omitempty"`
	// Not lists values the field's value after the change must not be.
	Not []string `json:"not,omitempty"`
	// Was lists values of which the value before the change must be one
	// (a change of an existing ticket only).
	Was []string `json:"was,omitempty"`
	// Changed requires the change to change the field.
	Changed bool `json:"changed,omitempty"`
	// Contains is a text the value must contain, case-insensitively.
	Contains string `json:"contains,omitempty"`
}

// RuleActionType is what a [RuleAction] does.
type RuleActionType string

// Rule actions.
const (
	ActionSet       RuleActionType = "set"        // ActionSet: set Field ("status", "priority", "category", "department" or "fields.<key>") to Value.
	ActionAssign    RuleActionType = "assign"     // ActionAssign: assign the ticket to the user Value ("" unassigns).
	ActionAddTag    RuleActionType = "add_tag"    // ActionAddTag: add the tag Value.
	ActionRemoveTag RuleActionType = "remove_tag" // ActionRemoveTag: remove the tag Value.
	ActionNote      RuleActionType = "note"       // ActionNote: add an internal note whose text is Template.
	ActionWatch     RuleActionType = "watch"      // ActionWatch: make the user Value a watcher (needs storage.WatcherStore).
	ActionNotify    RuleActionType = "notify"     // ActionNotify: notify Audience through the outbox (a notify.KindRuleNotified event naming the rule), with the text Template.
	ActionCall      RuleActionType = "call"       // ActionCall: call the host's action Value (Config.AutomationActions).
)

// RuleActionTypes returns every rule action type.
func RuleActionTypes() []RuleActionType {
	return []RuleActionType{ActionSet, ActionAssign, ActionAddTag, ActionRemoveTag, ActionNote, ActionWatch, ActionNotify, ActionCall}
}

// RuleAction is one action of a rule.
type RuleAction struct {
	// Type is what the action does.
	Type RuleActionType `json:"type"`
	// Field is the field an ActionSet sets.
	Field string `json:"field,omitempty"`
	// Value is the value, user, tag or host action of the action.
	Value string `json:"value,omitempty"`
	// Template is the text of an ActionNote or ActionNotify: a
	// text/template over [RuleTemplateData], checked at save time.
	Template string `json:"template,omitempty"`
	// Audience is whom an ActionNotify tells, in a notify.KindRuleNotified
	// event: the ticket audiences "customer", "contacts", "department",
	// "assignee", "owner" and "watchers", role names such as
	// "supervisor", or "user:<id>" (see notify.AudienceRule).
	Audience []string `json:"audience,omitempty"`
}

// RuleTemplateData is what the template of a rule action sees.
type RuleTemplateData struct {
	// Ticket is the ticket as the change stored it.
	Ticket *ticket.Ticket
	// RuleID is the rule's ID.
	RuleID string
	// Now is when the rule fires.
	Now time.Time
}

// TimeRule is one time rule: when a ticket has been in the state its
// conditions describe for After, the escalation sweep runs its actions
// once; the ticket must leave the state and enter it again (a new
// episode) for it to fire again.
type TimeRule struct {
	// ID, Name, Disabled and Role are as for [EventRule].
	ID       string      `json:"id"`
	Name     string      `json:"name,omitempty"`
	Disabled bool        `json:"disabled,omitempty"`
	Role     ticket.Role `json:"role,omitempty"`
	// State is the state whose duration counts. Required.
	State TimeState `json:"state"`
	// Statuses are the statuses of TimeInStatus, such as a status
	// waiting on the customer.
	Statuses []string `json:"statuses,omitempty"`
	// After is how long the ticket must have been in State.
	After workflow.Duration `json:"after"`
	// BusinessHours counts After in the opening hours of the calendar
	// When.Calendar.
	BusinessHours bool `json:"business_hours,omitempty"`
	// When are further conditions on the ticket, checked when the rule
	// comes due (Events and BusinessHours are not allowed).
	When RuleConditions `json:"when"`
	// Do are the actions. At least one.
	Do []RuleAction `json:"do"`
}

// TimeState is the state a [TimeRule] measures.
type TimeState string

// Time rule states.
const (
	TimeInStatus     TimeState = "in_status"      // TimeInStatus: the ticket is in one of TimeRule.Statuses.
	TimeUnassigned   TimeState = "unassigned"     // TimeUnassigned: the ticket is open and has no assignee.
	TimeNoAgentReply TimeState = "no_agent_reply" // TimeNoAgentReply: the customer waits for a reply (needs an SLA).
)

// TimeStates returns every time rule state.
func TimeStates() []TimeState {
	return []TimeState{TimeInStatus, TimeUnassigned, TimeNoAgentReply}
}

// AutomationAction is an action a host registers by name in
// Config.AutomationActions and rules call with ActionCall. It runs in
// the change's transaction; an error rolls the whole change back.
type AutomationAction interface {
	RunAction(ctx context.Context, tx storage.Tx, call AutomationCall) error
}

// AutomationActions are the host's actions that rules call by name
// (Config.AutomationActions). A pointer keeps Config comparable.
type AutomationActions struct {
	byName map[string]AutomationAction
}

// NewAutomationActions returns the actions byName for
// Config.AutomationActions; the Desk keeps a copy of the map.
func NewAutomationActions(byName map[string]AutomationAction) *AutomationActions {
	return &AutomationActions{byName: maps.Clone(byName)}
}

// clone returns a copy of a; nil for none.
func (a *AutomationActions) clone() *AutomationActions {
	if a == nil {
		return nil
	}
	return NewAutomationActions(a.byName)
}

// all returns the actions by name, nil for none; read only.
func (a *AutomationActions) all() map[string]AutomationAction {
	if a == nil {
		return nil
	}
	return a.byName
}

// AutomationActionFunc adapts a function to [AutomationAction].
type AutomationActionFunc func(ctx context.Context, tx storage.Tx, call AutomationCall) error

// RunAction calls f(ctx, tx, call).
func (f AutomationActionFunc) RunAction(ctx context.Context, tx storage.Tx, call AutomationCall) error {
	return f(ctx, tx, call)
}

// AutomationCall is what a host's action is given.
type AutomationCall struct {
	// RuleID is the rule that calls it; Name the action's name.
	RuleID, Name string
	// Ticket is a copy of the ticket as stored by the change.
	Ticket *ticket.Ticket
	// Actor is the actor the change was made by.
	Actor ticket.Actor
}

// RuleError is the error of a rule that failed while it ran: the whole
// change was rolled back. It wraps the cause.
type RuleError struct {
	// RuleID names the rule, Action the index of its failing action.
	RuleID string
	Action int
	Err    error
}

// Error names the rule.
func (e *RuleError) Error() string {
	return fmt.Sprintf("ticketkit: automation rule %q, action %d: %v", e.RuleID, e.Action, e.Err)
}

// Unwrap returns the cause.
func (e *RuleError) Unwrap() error { return e.Err }

// RuleActorID returns the actor ID of the changes the rule id makes.
func RuleActorID(id string) string { return RuleActorPrefix + id }

// automation is an AutomationConfig checked and compiled for a Desk.
type automation struct {
	event []*compiledRule
	time  []*compiledTime
	depth int
	// sla is the SLA of the view the automation was built for, whose
	// calendars the rules use.
	sla *workflow.SLA
}

// compiledRule is an event rule (or the conditions and actions of a
// time rule) ready to run.
type compiledRule struct {
	id    string
	name  string
	timed bool // a time rule's
	role  ticket.Role
	when  RuleConditions
	kinds map[notify.Kind]bool
	cal   *workflow.Calendar
	do    []compiledAction
}

type compiledAction struct {
	RuleAction
	tmpl *template.Template
}

// compiledTime is a time rule ready to run.
type compiledTime struct {
	compiledRule
	state    TimeState
	statuses []string
	after    time.Duration
	business bool
}

// automationChecker checks an AutomationConfig against a catalog, an SLA
// (may be nil), the host's actions and a tag catalog.
type automationChecker struct {
	v       *ticket.ValidationError
	cat     *ticket.Catalog
	sla     *workflow.SLA
	actions map[string]AutomationAction
	tags    *tagCatalog
	ids     map[string]string
}

// compileAutomation checks cfg, adding every problem to v under
// "automation...", and returns it compiled (nil for a nil cfg or when a
// problem was found).
func compileAutomation(v *ticket.ValidationError, cfg *AutomationConfig, cat *ticket.Catalog, sla *workflow.SLA, actions map[string]AutomationAction, tags *tagCatalog) *automation {
	if cfg == nil {
		return nil
	}
	before := len(v.Fields)
	c := &automationChecker{v: v, cat: cat, sla: sla, actions: actions, tags: tags, ids: map[string]string{}}
	a := &automation{depth: cfg.MaxDepth, sla: sla}
	if a.depth == 0 {
		a.depth = DefaultAutomationDepth
	}
	if cfg.MaxDepth < 0 || cfg.MaxDepth > MaxAutomationDepth {
		v.Add("automation.max_depth", "invalid", fmt.Sprintf("must be 0 (default %d) to %d", DefaultAutomationDepth, MaxAutomationDepth))
	}
	if len(cfg.EventRules) > MaxAutomationRules || len(cfg.TimeRules) > MaxAutomationRules {
		v.Add("automation", "too_many", fmt.Sprintf("at most %d event rules and %d time rules", MaxAutomationRules, MaxAutomationRules))
		return nil
	}
	for i, r := range cfg.EventRules {
		path := fmt.Sprintf("automation.event_rules[%d]", i)
		n := len(v.Fields)
		cr := c.rule(path, r.ID, r.Role, r.When, r.Do, false)
		nameRule(v, n, r.ID)
		if cr != nil && !r.Disabled {
			cr.name = r.Name
			a.event = append(a.event, cr)
		}
	}
	for i, r := range cfg.TimeRules {
		path := fmt.Sprintf("automation.time_rules[%d]", i)
		n := len(v.Fields)
		cr := c.rule(path, r.ID, r.Role, r.When, r.Do, true)
		ct := c.timeRule(path, r)
		nameRule(v, n, r.ID)
		if cr != nil && ct != nil && !r.Disabled {
			cr.name, cr.timed = r.Name, true
			ct.compiledRule = *cr
			a.time = append(a.time, ct)
		}
	}
	if len(v.Fields) > before {
		return nil
	}
	return a
}

// nameRule starts the messages of v's fields from the n-th on with the
// rule's ID, when it is a valid one, so that an admin reading the error
// sees which rule it is about as well as where.
func nameRule(v *ticket.ValidationError, n int, id string) {
	if !validRuleID(id) {
		return
	}
	for i := n; i < len(v.Fields); i++ {
		v.Fields[i].Message = fmt.Sprintf("rule %q: %s", id, v.Fields[i].Message)
	}
}

// clone returns a deep copy of c, through JSON: its slices and maps are
// the host's no more.
func (c *AutomationConfig) clone() *AutomationConfig {
	b, err := json.Marshal(c)
	if err != nil {
		return c
	}
	var out AutomationConfig
	if json.Unmarshal(b, &out) != nil {
		return c
	}
	return &out
}

// validRuleID reports whether id is 1 to 64 letters, digits, '-', '_'
// or '.'.
func validRuleID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// rule checks one rule's ID, role, conditions and actions.
func (c *automationChecker) rule(path, id string, role ticket.Role, when RuleConditions, do []RuleAction, timed bool) *compiledRule {
	n := len(c.v.Fields)
	if !validRuleID(id) {
		c.v.Add(path+".id", "invalid", "a rule ID is 1 to 64 letters, digits, '-', '_' or '.'")
	} else if prev, dup := c.ids[id]; dup {
		c.v.Add(path+".id", "duplicate", fmt.Sprintf("rule ID %q is used by %s too", id, prev))
	} else {
		c.ids[id] = path
	}
	if role == "" {
		role = ticket.RoleSystem
	}
	if !slices.Contains(ticket.Roles(), role) {
		c.v.Add(path+".role", "invalid", fmt.Sprintf("%q is not a role", role))
	}
	cr := &compiledRule{id: id, role: role, when: when}
	cr.kinds = c.conditions(path+".when", when, timed)
	if when.Calendar != "" || when.BusinessHours != nil {
		cr.cal = c.calendar(path+".when.calendar", when.Calendar)
	}
	if len(do) == 0 {
		c.v.Add(path+".do", "required", "a rule needs at least one action")
	}
	for i, a := range do {
		cr.do = append(cr.do, c.action(fmt.Sprintf("%s.do[%d]", path, i), role, a))
	}
	if len(c.v.Fields) > n {
		return nil
	}
	return cr
}

// calendar returns the SLA calendar name, reporting a missing SLA or an
// unknown calendar under path.
func (c *automationChecker) calendar(path, name string) *workflow.Calendar {
	if name == "" {
		name = workflow.AlwaysOpenName
	}
	if c.sla == nil {
		if name == workflow.AlwaysOpenName {
			return workflow.AlwaysOpen()
		}
		c.v.Add(path, "needs_sla", "business hours come from an SLA calendar: configure an SLA")
		return nil
	}
	cal, ok := c.sla.Calendar(name)
	if !ok {
		c.v.Add(path, "unknown_calendar", fmt.Sprintf("%q is not a calendar of the SLA", name))
	}
	return cal
}

// ruleKinds are the kinds an event rule may fire on.
var ruleKinds = []notify.Kind{notify.KindOpened, notify.KindMessageAdded, notify.KindStatusChanged,
	notify.KindAssigned, notify.KindRouted, notify.KindClosed, KindTicketUpdated}

// conditions checks a rule's conditions, reporting unknown values and
// conditions that can never hold, and returns the set of its kinds.
func (c *automationChecker) conditions(path string, w RuleConditions, timed bool) map[notify.Kind]bool {
	kinds := map[notify.Kind]bool{}
	if timed && len(w.Events) > 0 {
		c.v.Add(path+".events", "invalid", "a time rule fires on time, not on events")
	}
	if timed && w.BusinessHours != nil {
		c.v.Add(path+".business_hours", "invalid", "a time rule counts business hours with business_hours of the rule")
	}
	for i, k := range w.Events {
		if !slices.Contains(ruleKinds, k) {
			c.v.Add(fmt.Sprintf("%s.events[%d]", path, i), "unknown_kind", fmt.Sprintf("%q is not an event kind a rule fires on", k))
		}
		kinds[k] = true
	}
	onlyOpened := len(kinds) == 1 && kinds[notify.KindOpened]
	for i, f := range w.Fields {
		c.field(fmt.Sprintf("%s.fields[%d]", path, i), f, onlyOpened)
	}
	for i, ch := range w.Channels {
		if !slices.Contains(ticket.Channels(), ch) {
			c.v.Add(fmt.Sprintf("%s.channels[%d]", path, i), "invalid", fmt.Sprintf("%q is not a channel", ch))
		}
	}
	for i, r := range w.ActorRoles {
		if !slices.Contains(ticket.Roles(), r) {
			c.v.Add(fmt.Sprintf("%s.actor_roles[%d]", path, i), "invalid", fmt.Sprintf("%q is not a role", r))
		}
	}
	for i, tag := range w.Tags {
		if slices.Contains(w.NotTags, tag) {
			c.v.Add(fmt.Sprintf("%s.tags[%d]", path, i), "never_true", fmt.Sprintf("tag %q is required and excluded: the rule can never fire", tag))
		}
	}
	return kinds
}

// ruleFields are the fields a FieldCondition may name, besides custom
// fields.
var ruleFields = []string{ticket.FieldStatus, ticket.FieldPriority, ticket.FieldCategory, ticket.FieldDepartment,
	ticket.FieldAssignee, ticket.FieldChannel, ticket.FieldSubject, ticket.FieldDescription}

// field checks one field condition.
func (c *automationChecker) field(path string, f FieldCondition, onlyOpened bool) {
	if !c.knownField(f.Field, ruleFields) {
		c.v.Add(path+".field", "unknown_field", fmt.Sprintf("%q is not a field a rule can look at", f.Field))
		return
	}
	for _, list := range []struct {
		name   string
		values []string
	}{{"is", f.Is}, {"not", f.Not}, {"was", f.Was}} {
		for i, val := range list.values {
			if val != "" && !c.knownValue(f.Field, val) {
				c.v.Add(fmt.Sprintf("%s.%s[%d]", path, list.name, i), "unknown_value", fmt.Sprintf("%q is not a %s of the catalog", val, f.Field))
			}
		}
	}
	switch {
	case len(f.Is) > 0 && !slices.ContainsFunc(f.Is, func(s string) bool { return !slices.Contains(f.Not, s) }):
		c.v.Add(path+".not", "never_true", "every value of is is excluded by not: the rule can never fire")
	case f.Changed && len(f.Is) == 1 && len(f.Was) == 1 && f.Is[0] == f.Was[0]:
		c.v.Add(path+".was", "never_true", "a changed field cannot be the same value before and after: the rule can never fire")
	case onlyOpened && (f.Changed || len(f.Was) > 0):
		c.v.Add(path+".was", "never_true", "a ticket being opened has no value before: the rule can never fire")
	case f.Contains != "" && len(f.Is) > 0 && !slices.ContainsFunc(f.Is, func(s string) bool {
		return strings.Contains(strings.ToLower(s), strings.ToLower(f.Contains))
	}):
		c.v.Add(path+".contains", "never_true", "no value of is contains the text: the rule can never fire")
	}
}

// knownField reports whether name is one of fixed or a custom field of
// the catalog.
func (c *automationChecker) knownField(name string, fixed []string) bool {
	if slices.Contains(fixed, name) {
		return true
	}
	if key, ok := strings.CutPrefix(name, ticket.FieldCustomPrefix); ok {
		_, known := c.cat.Field(key)
		return known
	}
	return false
}

// knownValue reports whether val is a valid value of field: a catalog
// code for the coded fields, a channel for channel; free text otherwise.
func (c *automationChecker) knownValue(field, val string) bool {
	var ok bool
	switch field {
	case ticket.FieldStatus:
		_, ok = c.cat.Status(val)
	case ticket.FieldPriority:
		_, ok = c.cat.Priority(val)
	case ticket.FieldCategory:
		_, ok = c.cat.Category(val)
	case ticket.FieldDepartment:
		_, ok = c.cat.Department(val)
	case ticket.FieldChannel:
		ok = slices.Contains(ticket.Channels(), ticket.Channel(val))
	default:
		ok = true
	}
	return ok
}

// staffActions are the actions only staff (and the system) may take;
// a rule with the customer role may notify and call the host only.
var staffActions = []RuleActionType{ActionSet, ActionAssign, ActionAddTag, ActionRemoveTag, ActionNote, ActionWatch}

// setFields are the fields ActionSet sets, besides custom fields.
var setFields = []string{ticket.FieldStatus, ticket.FieldPriority, ticket.FieldCategory, ticket.FieldDepartment}

// action checks one action.
func (c *automationChecker) action(path string, role ticket.Role, a RuleAction) compiledAction {
	out := compiledAction{RuleAction: a}
	if !slices.Contains(RuleActionTypes(), a.Type) {
		c.v.Add(path+".type", "invalid", fmt.Sprintf("%q is not an action", a.Type))
		return out
	}
	if role == ticket.RoleCustomer && slices.Contains(staffActions, a.Type) {
		c.v.Add(path+".type", "forbidden", fmt.Sprintf("a rule acting as %s may not take the action %s", role, a.Type))
	}
	switch a.Type {
	case ActionSet:
		if !c.knownField(a.Field, setFields) {
			c.v.Add(path+".field", "unknown_field", fmt.Sprintf("%q is not a field a rule can set", a.Field))
		} else if !c.knownValue(a.Field, a.Value) || (a.Value == "" && (a.Field == ticket.FieldStatus || a.Field == ticket.FieldPriority)) {
			c.v.Add(path+".value", "unknown_value", fmt.Sprintf("%q is not a %s of the catalog", a.Value, a.Field))
		}
	case ActionAddTag, ActionRemoveTag:
		if strings.TrimSpace(a.Value) == "" || len(a.Value) > 50 {
			c.v.Add(path+".value", "invalid", "a tag is 1 to 50 bytes")
		} else if a.Type == ActionAddTag && c.tags != nil && !c.tags.codes[a.Value] {
			c.v.Add(path+".value", "unknown_tag", fmt.Sprintf("%q is not in the tenant's tag catalog", a.Value))
		}
	case ActionWatch:
		if strings.TrimSpace(a.Value) == "" {
			c.v.Add(path+".value", "required", "the user to add as a watcher")
		}
	case ActionAssign:
		if len(a.Value) > 200 {
			c.v.Add(path+".value", "invalid", "a user ID is at most 200 bytes")
		}
	case ActionCall:
		if _, ok := c.actions[a.Value]; !ok {
			c.v.Add(path+".value", "unknown_action", fmt.Sprintf("%q is not an action the host registered (Config.AutomationActions)", a.Value))
		}
	case ActionNote, ActionNotify:
		if a.Type == ActionNotify && len(a.Audience) == 0 {
			c.v.Add(path+".audience", "required", "whom to notify")
		}
		for i, who := range a.Audience {
			if id, user := strings.CutPrefix(who, "user:"); strings.TrimSpace(who) == "" || user && strings.TrimSpace(id) == "" ||
				len(who) > 200 || strings.ContainsRune(who, 0) {
				c.v.Add(fmt.Sprintf("%s.audience[%d]", path, i), "invalid", "an audience is a ticket audience, a role name or \"user:<id>\", at most 200 bytes")
			}
		}
		if strings.TrimSpace(a.Template) == "" {
			c.v.Add(path+".template", "required", "the text to write")
			break
		}
		t, err := template.New(path).Option("missingkey=error").Parse(a.Template)
		if err == nil {
			err = t.Execute(discard{}, RuleTemplateData{Ticket: &ticket.Ticket{Fields: map[string]string{}}})
		}
		if err != nil {
			c.v.Add(path+".template", "template", err.Error())
		} else {
			out.tmpl = t
		}
	}
	for _, s := range []string{a.Field, a.Value, a.Template} {
		if strings.ContainsRune(s, 0) {
			c.v.Add(path, "invalid", "NUL bytes are not allowed")
			break
		}
	}
	return out
}

// discard is an io.Writer that keeps nothing.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// timeRule checks the parts of a time rule beyond its conditions and
// actions.
func (c *automationChecker) timeRule(path string, r TimeRule) *compiledTime {
	n := len(c.v.Fields)
	ct := &compiledTime{state: r.State, statuses: slices.Clone(r.Statuses), after: time.Duration(r.After), business: r.BusinessHours}
	if !slices.Contains(TimeStates(), r.State) {
		c.v.Add(path+".state", "invalid", fmt.Sprintf("%q is not a time rule state", r.State))
	}
	if r.State == TimeInStatus && len(r.Statuses) == 0 {
		c.v.Add(path+".statuses", "required", "the statuses whose time counts")
	}
	for i, s := range r.Statuses {
		if _, ok := c.cat.Status(s); !ok {
			c.v.Add(fmt.Sprintf("%s.statuses[%d]", path, i), "unknown_value", fmt.Sprintf("%q is not a status of the catalog", s))
		}
	}
	if r.State == TimeNoAgentReply && c.sla == nil {
		c.v.Add(path+".state", "needs_sla", "waiting for a reply is tracked by the SLA clocks: configure an SLA")
	}
	if r.After <= 0 {
		c.v.Add(path+".after", "invalid", "a positive duration")
	}
	if r.BusinessHours {
		c.calendar(path+".when.calendar", r.When.Calendar)
	}
	c.timeConditions(path, r)
	if len(c.v.Fields) > n {
		return nil
	}
	return ct
}

// timeConditions reports the field conditions of time rule r that can
// never hold while the ticket is in the rule's state: a status other than
// the rule's statuses, an assignee for a ticket that has none.
func (c *automationChecker) timeConditions(path string, r TimeRule) {
	for i, f := range r.When.Fields {
		fp := fmt.Sprintf("%s.when.fields[%d]", path, i)
		var possible []string // the values the field can have in the state
		switch {
		case r.State == TimeInStatus && f.Field == ticket.FieldStatus:
			possible = r.Statuses
		case r.State == TimeUnassigned && f.Field == ticket.FieldAssignee:
			possible = []string{""}
		default:
			continue
		}
		if len(f.Is) > 0 && !slices.ContainsFunc(f.Is, func(s string) bool { return slices.Contains(possible, s) }) {
			c.v.Add(fp+".is", "never_true", fmt.Sprintf("while the rule's state holds, %s is none of these: the rule can never fire", f.Field))
		} else if len(possible) > 0 && !slices.ContainsFunc(possible, func(s string) bool { return !slices.Contains(f.Not, s) }) {
			c.v.Add(fp+".not", "never_true", fmt.Sprintf("every %s the rule's state allows is excluded: the rule can never fire", f.Field))
		}
	}
}
