package ticketkit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// FieldAutomationNotify is the history field of the line an ActionNotify
// writes: New is the rendered text, and the line travels in the
// notification's Changes.
const FieldAutomationNotify = "automation.notify"

// ruleRun is what the event rules of one change did: history lines (each
// carrying its rule's actor), the work that needs the stored ticket, and
// the rules that fired.
type ruleRun struct {
	// user are the history lines of the caller's own change.
	user    []ticket.Event
	lines   []ticket.Event
	effects []ruleEffect
	fired   []RuleFiring
}

// ruleEffect is an action run once the ticket is stored.
type ruleEffect struct {
	rule   string
	action int
	run    func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error
}

// RuleFiring is one rule that fired (or, in a dry run, would fire).
type RuleFiring struct {
	// RuleID names the rule; Round is the round it fired in (1: on the
	// caller's change).
	RuleID string `json:"rule_id"`
	Round  int    `json:"round"`
	// Changes are the field changes its actions made.
	Changes []ticket.Event `json:"changes,omitempty"`
}

// changeFacts describe the change a round of rules looks at.
type changeFacts struct {
	before *ticket.Ticket // nil when the ticket is being opened
	kinds  map[notify.Kind]bool
	actor  ticket.Actor
	now    time.Time
}

// kindsOf returns the event kinds of the change from before to after (a
// nil before: the ticket is being opened), with a message when one was
// added.
func kindsOf(c *ticket.Catalog, before, after *ticket.Ticket, message bool) map[notify.Kind]bool {
	k := map[notify.Kind]bool{}
	if before == nil {
		k[notify.KindOpened] = true
		return k
	}
	if message {
		k[notify.KindMessageAdded] = true
	}
	if before.Status != after.Status {
		k[notify.KindStatusChanged] = true
		old, _ := c.Status(before.Status)
		now, _ := c.Status(after.Status)
		if now.Category == ticket.CategoryClosed && old.Category != ticket.CategoryClosed {
			k[notify.KindClosed] = true
		}
	}
	if before.Assignee != after.Assignee || before.Department != after.Department {
		k[notify.KindAssigned] = true
	}
	if before.Department != after.Department {
		k[notify.KindRouted] = true
	}
	if len(ticket.Diff(before, after)) > 0 {
		k[KindTicketUpdated] = true
	}
	return k
}

// fieldValue returns the value of a rule field of t.
func fieldValue(t *ticket.Ticket, field string) string {
	switch field {
	case ticket.FieldStatus:
		return t.Status
	case ticket.FieldPriority:
		return t.Priority
	case ticket.FieldCategory:
		return t.Category
	case ticket.FieldDepartment:
		return t.Department
	case ticket.FieldAssignee:
		return t.Assignee
	case ticket.FieldChannel:
		return string(t.Channel)
	case ticket.FieldSubject:
		return t.Subject
	case ticket.FieldDescription:
		return t.Description
	}
	if key, ok := strings.CutPrefix(field, ticket.FieldCustomPrefix); ok {
		return t.Fields[key]
	}
	return ""
}

// matches reports whether the rule's conditions hold for t after the
// change f describes (f.kinds nil: kinds are not checked, as for time
// rules).
func (r *compiledRule) matches(t *ticket.Ticket, f changeFacts) bool {
	w := &r.when
	if f.kinds != nil && len(r.kinds) > 0 && !anyKind(r.kinds, f.kinds) {
		return false
	}
	if len(w.Channels) > 0 && !slices.Contains(w.Channels, t.Channel) {
		return false
	}
	if len(w.Tiers) > 0 && !slices.Contains(w.Tiers, t.SLA.Tier) {
		return false
	}
	if len(w.ActorRoles) > 0 && !slices.Contains(w.ActorRoles, f.actor.Role) {
		return false
	}
	for _, tag := range w.Tags {
		if !slices.Contains(t.Tags, tag) {
			return false
		}
	}
	for _, tag := range w.NotTags {
		if slices.Contains(t.Tags, tag) {
			return false
		}
	}
	for _, fc := range w.Fields {
		now := fieldValue(t, fc.Field)
		if len(fc.Is) > 0 && !slices.Contains(fc.Is, now) {
			return false
		}
		if slices.Contains(fc.Not, now) {
			return false
		}
		if fc.Contains != "" && !strings.Contains(strings.ToLower(now), strings.ToLower(fc.Contains)) {
			return false
		}
		if fc.Changed || len(fc.Was) > 0 {
			if f.before == nil {
				return false
			}
			was := fieldValue(f.before, fc.Field)
			if fc.Changed && was == now {
				return false
			}
			if len(fc.Was) > 0 && !slices.Contains(fc.Was, was) {
				return false
			}
		}
	}
	if w.BusinessHours != nil && r.cal != nil && r.cal.IsOpen(f.now) != *w.BusinessHours {
		return false
	}
	return true
}

func anyKind(want, have map[notify.Kind]bool) bool {
	for k := range have {
		if want[k] {
			return true
		}
	}
	return false
}

// runEventRules runs the event rules of d's automation on the change of
// t from before (nil: t is being opened), made by actor with a message
// added or not, in rounds (see AutomationConfig.MaxDepth). The actions'
// field changes are made on t; what needs the stored ticket is returned
// as effects. dry makes no effect and reads nothing. A rule that fails
// returns a *RuleError.
func (d *Desk) runEventRules(ctx context.Context, before, t *ticket.Ticket, actor ticket.Actor, message bool) (*ruleRun, error) {
	a := d.automation
	if a == nil || len(a.event) == 0 || t.Kind == ticket.KindComplaint {
		return nil, nil
	}
	run := &ruleRun{}
	if before != nil {
		run.user = ticket.Diff(before, t)
	}
	fired := make(map[string]bool)
	base := before
	kinds := kindsOf(d.catalog, before, t, message)
	for round := 1; round <= a.depth; round++ {
		f := changeFacts{before: base, kinds: kinds, actor: actor, now: t.UpdatedAt}
		start := t.Clone()
		any := false
		for _, r := range a.event {
			if fired[r.id] || !r.matches(t, f) {
				continue
			}
			fired[r.id] = true
			any = true
			pre := t.Clone()
			if err := d.applyRule(ctx, r, t, run); err != nil {
				return nil, err
			}
			lines := ticket.Diff(pre, t)
			for i := range lines {
				lines[i].ActorID, lines[i].ActorRole = RuleActorID(r.id), r.role
			}
			run.lines = append(run.lines, lines...)
			run.fired = append(run.fired, RuleFiring{RuleID: r.id, Round: round, Changes: lines})
		}
		if !any || len(ticket.Diff(start, t)) == 0 {
			break
		}
		// The next round sees only what this round's rules changed.
		base, kinds, actor = start, kindsOf(d.catalog, start, t, false), ticket.Actor{ID: RuleActorPrefix, Role: ticket.RoleSystem, TenantID: t.TenantID}
	}
	return run, nil
}

// ruleActor returns the actor a rule acts as.
func ruleActor(r *compiledRule, tenantID string) ticket.Actor {
	return ticket.Actor{ID: RuleActorID(r.id), Role: r.role, TenantID: tenantID}
}

// applyRule applies the actions of r to t, queuing in run those that
// need the stored ticket.
func (d *Desk) applyRule(ctx context.Context, r *compiledRule, t *ticket.Ticket, run *ruleRun) error {
	actor := ruleActor(r, t.TenantID)
	now := t.UpdatedAt
	for i, a := range r.do {
		fail := func(err error) error { return &RuleError{RuleID: r.id, Action: i, Err: err} }
		switch a.Type {
		case ActionSet:
			if a.Field == ticket.FieldStatus {
				if t.Status == a.Value {
					continue
				}
				dec, err := d.workflow.Decide(ctx, workflow.Request{Ticket: t, Actor: actor, To: a.Value, Reason: "automation rule " + r.id, Now: now})
				if err != nil {
					return fail(err)
				}
				dec.Apply(t, actor, now, newID)
				continue
			}
			setField(t, a.Field, a.Value)
		case ActionAssign:
			t.Assignee = a.Value
		case ActionAddTag:
			if !slices.Contains(t.Tags, a.Value) {
				t.Tags = append(t.Tags, a.Value)
			}
		case ActionRemoveTag:
			t.Tags = slices.DeleteFunc(slices.Clone(t.Tags), func(s string) bool { return s == a.Value })
		case ActionNote, ActionNotify:
			tmpl, audience, id, name, timed := a.tmpl, slices.Clone(a.Audience), r.id, r.name, r.timed
			render := func(t *ticket.Ticket) (string, error) {
				var sb strings.Builder
				if err := tmpl.Execute(&sb, RuleTemplateData{Ticket: t.Clone(), RuleID: id, Now: now}); err != nil {
					return "", fmt.Errorf("render the template: %w", err)
				}
				return sb.String(), nil
			}
			if a.Type == ActionNote {
				run.effects = append(run.effects, ruleEffect{r.id, i, func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
					text, err := render(t)
					if err != nil {
						return err
					}
					return tx.MessageCreate(ctx, newMessage(actor, t, ticket.MessageNote, text, nil, now))
				}})
				continue
			}
			run.effects = append(run.effects, ruleEffect{r.id, i, func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
				text, err := render(t)
				if err != nil {
					return err
				}
				line := ticket.Event{ID: newID(), TenantID: t.TenantID, TicketID: t.ID, ActorID: actor.ID, ActorRole: actor.Role,
					At: b.when(t), Field: FieldAutomationNotify, New: text}
				b.events = append(b.events, &line)
				b.notice(notify.KindRuleNotified, t, func(e *notify.Event) {
					e.Changes = []*ticket.Event{&line}
					e.Rule = &notify.RuleNotice{ID: id, Name: name, Time: timed, Text: text, Audience: audience}
				})
				return nil
			}})
		case ActionWatch:
			user := a.Value
			run.effects = append(run.effects, ruleEffect{r.id, i, func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
				ws, ok := tx.(storage.WatcherStore)
				if !ok {
					return fmt.Errorf("%T does not implement storage.WatcherStore: %w", tx, ErrWatchersUnsupported)
				}
				have, err := watchersOf(ctx, ws, t, ticket.WatcherAgent)
				if err != nil {
					return err
				}
				if slices.ContainsFunc(have, func(w *ticket.Watcher) bool { return w.Key == user }) {
					return nil
				}
				w := &ticket.Watcher{TenantID: t.TenantID, TicketID: t.ID, Kind: ticket.WatcherAgent, Key: user, CreatedBy: actor.ID, CreatedAt: now}
				if err := ws.WatcherAdd(ctx, w); err != nil {
					return err
				}
				line := ticket.Event{ID: newID(), TenantID: t.TenantID, TicketID: t.ID, ActorID: actor.ID, ActorRole: actor.Role,
					At: b.when(t), Field: ticket.FieldWatcher, New: user}
				b.events = append(b.events, &line)
				return nil
			}})
		case ActionCall:
			name, host := a.Value, d.root().actions.all()[a.Value]
			if host == nil {
				return fail(fmt.Errorf("the host action %q is not registered", name))
			}
			run.effects = append(run.effects, ruleEffect{r.id, i, func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("the host action %q panicked: %v", name, p)
					}
				}()
				return host.RunAction(ctx, tx, AutomationCall{RuleID: r.id, Name: name, Ticket: t.Clone(), Actor: actor})
			}})
		}
	}
	return nil
}

// setField sets a field an ActionSet may set.
func setField(t *ticket.Ticket, field, value string) {
	switch field {
	case ticket.FieldPriority:
		t.Priority = value
	case ticket.FieldCategory:
		t.Category = value
	case ticket.FieldDepartment:
		t.Department = value
	default:
		if key, ok := strings.CutPrefix(field, ticket.FieldCustomPrefix); ok {
			fields := maps.Clone(t.Fields)
			if fields == nil {
				fields = map[string]string{}
			}
			if value == "" {
				delete(fields, key)
			} else {
				fields[key] = value
			}
			t.Fields = fields
		}
	}
}

// split returns the history lines of a change whose rules ran: the
// caller's own lines, then the rules' lines with their actors; changes
// (all lines, of the caller) when no rule fired.
func (run *ruleRun) split(changes []ticket.Event) []ticket.Event {
	if len(run.fired) == 0 {
		return changes
	}
	return append(slices.Clone(run.user), run.lines...)
}

// runEffects runs the effects of run on the stored ticket t in tx.
func (run *ruleRun) runEffects(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
	if run == nil {
		return nil
	}
	for _, e := range run.effects {
		if err := e.run(ctx, tx, t, b); err != nil {
			return &RuleError{RuleID: e.rule, Action: e.action, Err: err}
		}
	}
	return nil
}

// DryRunParams asks which event rules would fire on a change of a
// ticket.
type DryRunParams struct {
	// TicketID is the ticket. Required.
	TicketID string `json:"ticket_id"`
	// Set are the changes to try, by rule field ("status", "priority",
	// "category", "department", "assignee" or "fields.<key>"), applied to
	// a copy of the ticket; none tries a change that changes nothing.
	Set map[string]string `json:"set,omitempty"`
	// Message tries the change as one that adds a message.
	Message bool `json:"message,omitempty"`
	// Opened tries the ticket as being opened (notify.KindOpened).
	Opened bool `json:"opened,omitempty"`
}

// DryRunResult is the answer of [Desk.DryRunRules].
type DryRunResult struct {
	// Fired are the rules that would fire, in order.
	Fired []RuleFiring `json:"fired"`
	// Ticket is the ticket as the change and the rules would leave it.
	Ticket *ticket.Ticket `json:"ticket"`
}

// DryRunRules answers which event rules of the ticket's tenant would
// fire, and what they would change, on the change p describes, made by
// actor, without writing anything: no effect (notes, watchers,
// notifications, host actions) runs. Only staff may ask
// (ErrForbidden otherwise).
func (d *Desk) DryRunRules(ctx context.Context, actor ticket.Actor, p DryRunParams) (_ *DryRunResult, err error) {
	ctx, end := d.begin(ctx, "DryRunRules", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if actor.Role == ticket.RoleCustomer {
		return nil, fmt.Errorf("ticketkit: customers may not dry-run rules: %w", ErrForbidden)
	}
	d, err = d.forTenant(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	v := &ticket.ValidationError{}
	for _, k := range slices.Sorted(maps.Keys(p.Set)) {
		if !slices.Contains(append(slices.Clone(setFields), ticket.FieldAssignee), k) && !strings.HasPrefix(k, ticket.FieldCustomPrefix) {
			v.Add("set."+k, "unknown_field", fmt.Sprintf("%q is not a field a dry run can set", k))
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	var out *DryRunResult
	err = d.inTx(ctx, nil, func(ctx context.Context, tx storage.Tx, _ time.Time) error {
		t, err := load(ctx, tx, actor, p.TicketID)
		if err != nil {
			return err
		}
		before := t.Clone()
		after := t.Clone()
		after.UpdatedAt = d.now()
		for k, val := range p.Set {
			switch k {
			case ticket.FieldStatus:
				after.Status = val
			case ticket.FieldAssignee:
				after.Assignee = val
			default:
				setField(after, k, val)
			}
		}
		if p.Opened {
			before = nil
		}
		run, err := d.runEventRules(ctx, before, after, actor, p.Message)
		if err != nil {
			return err
		}
		out = &DryRunResult{Ticket: after, Fired: []RuleFiring{}}
		if run != nil {
			out.Fired = run.fired
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
