package ticketkit

import (
	"context"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// active reports whether t is in the state of r, and since when: the
// episode's start (prev's when the episode goes on).
func (r *compiledTime) active(c *ticket.Catalog, t *ticket.Ticket, prev *ticket.RuleTimer, now time.Time) (time.Time, bool) {
	var on bool
	switch r.state {
	case TimeInStatus:
		on = slices.Contains(r.statuses, t.Status)
	case TimeUnassigned:
		st, _ := c.Status(t.Status)
		on = t.Assignee == "" && st.Category != ticket.CategoryResolved && st.Category != ticket.CategoryClosed
	case TimeNoAgentReply:
		if since := t.SLA.AwaitingReplySince; !since.IsZero() {
			return since, true
		}
		return time.Time{}, false
	}
	if !on {
		return time.Time{}, false
	}
	if prev != nil {
		return prev.Since, true
	}
	return now, true
}

// due returns when r comes due in an episode that started at since.
func (r *compiledTime) due(since time.Time) time.Time {
	if r.business && r.cal != nil {
		return r.cal.Add(since, r.after)
	}
	return since.Add(r.after)
}

// trackTimers brings the time rules' episodes of t up to date at now,
// given the ones it had before the change (prev): an episode goes on
// while t stays in the rule's state, ends when t leaves it, and a new
// one starts when t enters it. It sets t.SLA.TimerDue.
func (d *Desk) trackTimers(prev []ticket.RuleTimer, t *ticket.Ticket, now time.Time) {
	a := d.automation
	if a == nil || len(a.time) == 0 || t.Kind == ticket.KindComplaint {
		if len(t.SLA.Timers) > 0 || !t.SLA.TimerDue.IsZero() {
			t.SLA.Timers, t.SLA.TimerDue = nil, time.Time{}
		}
		return
	}
	var next []ticket.RuleTimer
	var due time.Time
	for _, r := range a.time {
		var old *ticket.RuleTimer
		if i := slices.IndexFunc(prev, func(x ticket.RuleTimer) bool { return x.Rule == r.id }); i >= 0 {
			old = &prev[i]
		}
		since, on := r.active(d.catalog, t, old, now)
		if !on {
			continue
		}
		timer := ticket.RuleTimer{Rule: r.id, Since: since, Due: r.due(since)}
		if old != nil && old.Since.Equal(since) {
			timer.Fired = old.Fired
		}
		next = append(next, timer)
		if !timer.Fired && (due.IsZero() || timer.Due.Before(due)) {
			due = timer.Due
		}
	}
	t.SLA.Timers, t.SLA.TimerDue = next, due
}

// fireTimers fires the time rules of e's ticket that have come due at
// now, each once per episode, adding their history lines (with the
// rule's actor) and effects to e. With passOver it runs none of them:
// each due one is marked fired for its episode and logged.
func (d *Desk) fireTimers(ctx context.Context, e *escalation, now time.Time, res *EscalationResult, passOver bool) {
	t := e.t
	d.trackTimers(e.before.SLA.Timers, t, now) // the ticket may have changed by paths that keep no timers
	if len(t.SLA.Timers) == 0 {
		return
	}
	run := &ruleRun{}
	for i := range t.SLA.Timers {
		timer := &t.SLA.Timers[i]
		if timer.Fired || timer.Due.After(now) {
			continue
		}
		timer.Fired = true // fired or passed over: once per episode
		if passOver {
			d.log.WarnContext(ctx, "ticketkit: time rule passed over", "ticket", t.Number, "rule", timer.Rule)
			continue
		}
		r := d.automation.timeRule(timer.Rule)
		if r == nil || !r.matches(t, changeFacts{now: now, actor: ticket.SystemActor(t.TenantID)}) {
			continue
		}
		pre := t.Clone()
		saved := t.UpdatedAt
		t.UpdatedAt = now
		if err := d.applyRule(ctx, &r.compiledRule, t, run); err != nil {
			// A time rule that cannot run is logged and passed over for
			// this episode: one ticket's rule must not stop the sweep.
			*t = *pre
			t.SLA.Timers[i].Fired = true
			d.log.WarnContext(ctx, "ticketkit: time rule failed", "ticket", t.Number, "rule", r.id, "err", err)
			continue
		}
		t.UpdatedAt = saved
		res.TimeRules++
		actor := ruleActor(&r.compiledRule, t.TenantID)
		e.lines = append(e.lines, ticket.Event{ActorID: actor.ID, ActorRole: actor.Role, Field: ticket.FieldTimeRule, New: r.id})
		for _, l := range ticket.Diff(pre, t) {
			l.ActorID, l.ActorRole = actor.ID, actor.Role
			e.lines = append(e.lines, l)
		}
	}
	e.effects = append(e.effects, run.effects...)
	// What the rules changed may end episodes (a ticket closed) or
	// start others.
	d.trackTimers(t.SLA.Timers, t, now)
}

// timeRule returns the time rule id, nil when there is none (any more).
func (a *automation) timeRule(id string) *compiledTime {
	for _, r := range a.time {
		if r.id == id {
			return r
		}
	}
	return nil
}
