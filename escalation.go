package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// escalationBatch is how many due tickets one transaction of a sweep
// claims and handles: with a store that writes each kind of row of a
// batch in one statement (bunstore on PostgreSQL), bigger batches cost
// fewer round trips.
const escalationBatch = storage.MaxClaimDueLimit

// overdueBatch is how many complaints with overdue actions one
// transaction of a sweep claims and handles.
const overdueBatch = 100

// EscalationResult counts what one escalation sweep did.
type EscalationResult struct {
	// Tickets is the number of due tickets the sweep handled.
	Tickets int
	// Warnings, Breaches and Escalations count the firings of SLA
	// clocks: warning percentages, targets reached and escalation
	// levels.
	Warnings    int
	Breaches    int
	Escalations int
	// Reminders counts waiting tickets woken because their
	// pending-until time passed.
	Reminders int
	// AutoClosed counts resolved tickets closed after
	// Config.AutoCloseAfter.
	AutoClosed int
	// Complaints is the number of complaints with actions announced as
	// overdue, OverdueActions the number of those actions (one
	// notify.KindComplaintActionOverdue each).
	Complaints     int
	OverdueActions int
	// TimeRules counts the time rules fired (see [TimeRule]).
	TimeRules int
}

func (r *EscalationResult) add(o EscalationResult) {
	r.Tickets += o.Tickets
	r.Warnings += o.Warnings
	r.Breaches += o.Breaches
	r.Escalations += o.Escalations
	r.Reminders += o.Reminders
	r.AutoClosed += o.AutoClosed
	r.Complaints += o.Complaints
	r.OverdueActions += o.OverdueActions
	r.TimeRules += o.TimeRules
}

// AutoCloseReason is the closure reason of tickets the escalation sweep
// closes after Config.AutoCloseAfter.
const AutoCloseReason = "closed automatically after resolution"

// RunEscalations runs one escalation sweep over the tickets of all
// tenants whose SLA wake time has come: it fires their warnings,
// breaches and escalation levels, wakes waiting tickets whose
// pending-until time passed and closes resolved tickets due for
// auto-closing.
//
// Each batch of due tickets is claimed, handled and stored in one
// transaction, with a history line per firing, the changes the
// escalation levels make (notify, reassign, raise priority, move to a
// status, on behalf of the system actor) and their notifications: a
// [notify.KindEscalated] event per level fired, whose Changes hold the
// level's history line, and a [notify.KindSLAWarning] or
// [notify.KindSLABreached] event per warning or breach. Firings are recorded in the ticket's SLA state
// in the same transaction, so each level fires exactly once per cycle
// however many sweeps run at once, in one process or several: the
// claim locks the tickets it returns (see storage.Tx.TicketClaimDue).
//
// A ticket whose firings change only its SLA state (a warning, a breach,
// a level that only notifies) keeps its Version and UpdatedAt: stores
// that keep SLA states apart (storage.TicketSLAUpdater) write nothing
// else (with storage.SLAChangeWriter, in the statement that also writes
// the batch's history lines and notifications), and an agent who read the ticket before the sweep can still save
// it at that version. Levels that reassign, raise the priority or move
// the status change the ticket as any edit does.
//
// With Config.Complaints, the sweep then announces the actions of
// complaint plans left open past their due date: a history line and a
// [notify.KindComplaintActionOverdue] event per action, once per action
// and due date, whatever the number of sweeps and processes (see
// [storage.ComplaintOverdueStore], which the store needs for it; a store
// without it announces none).
//
// Without Config.SLA and Config.Complaints, RunEscalations does nothing.
func (d *Desk) RunEscalations(ctx context.Context) (total EscalationResult, err error) {
	if d.obs != nil {
		var end func(EscalationResult, error)
		ctx, end = d.obs.ObserveSweep(ctx)
		defer func() { end(total, err) }()
	}
	return d.runEscalations(ctx)
}

// runEscalations is RunEscalations, unobserved.
func (d *Desk) runEscalations(ctx context.Context) (EscalationResult, error) {
	now := d.now()
	total, err := d.sweepTickets(ctx, now)
	if err != nil {
		return total, err
	}
	return total, d.sweepOverdue(ctx, now, &total)
}

// sweepTickets runs the SLA part of an escalation sweep at now: see
// [Desk.RunEscalations]. Without Config.SLA it does nothing.
func (d *Desk) sweepTickets(ctx context.Context, now time.Time) (EscalationResult, error) {
	var total EscalationResult
	if d.sla == nil && d.tenants == nil && (d.automation == nil || len(d.automation.time) == 0) { // no SLA or time rules, and no tenant may have them
		return total, nil
	}
	handled := make(map[string]bool)
	// passOver holds the tickets whose time rules' actions failed in this
	// sweep: their batch runs again with those tickets' due time rules
	// passed over (see fireTimers), so that one failing host action
	// cannot stop the batch, nor every later sweep that claims it.
	passOver := make(map[string]bool)
	for conflicts := 0; ; {
		var res EscalationResult
		var notices []notify.Event
		var claimed, fresh []string
		err := d.runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			res, notices, claimed, fresh = EscalationResult{}, nil, nil, nil
			due, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: escalationBatch})
			if err != nil {
				return fmt.Errorf("ticketkit: claim due tickets: %w", err)
			}
			var steps []*escalation
			for _, t := range due {
				claimed = append(claimed, t.ID)
				if handled[t.ID] {
					continue // still due after being handled: leave it to the next sweep
				}
				fresh = append(fresh, t.ID)
				// Each ticket runs on its tenant's SLA, workflow and catalog.
				dt, err := d.forTenant(ctx, tx, t.TenantID)
				if err != nil {
					return err
				}
				steps = append(steps, dt.escalate(ctx, t, now, &res, passOver[t.ID]))
			}
			notices, err = d.storeEscalations(ctx, tx, steps)
			return err
		})
		if errors.Is(err, ErrConflict) && conflicts < maxConflictRetries && ctx.Err() == nil {
			conflicts++ // a busy database or a concurrent writer: run the batch again
			continue
		}
		if failed := (*timeRuleFailure)(nil); errors.As(err, &failed) && !passOver[failed.ticketID] && ctx.Err() == nil {
			d.log.WarnContext(ctx, "ticketkit: time rule actions failed; the ticket's due time rules are passed over",
				"ticket", failed.number, "err", failed.err)
			passOver[failed.ticketID] = true // the batch was rolled back: run it again without them
			continue
		}
		if err != nil {
			return total, err
		}
		for _, id := range fresh {
			handled[id] = true
		}
		total.add(res)
		d.deliver(ctx, notices)
		if len(claimed) < escalationBatch || len(fresh) == 0 {
			return total, nil
		}
	}
}

// escalation is what the sweep did to one ticket, to store.
type escalation struct {
	// d is the Desk view of the ticket's tenant (see forTenant).
	d         *Desk
	before, t *ticket.Ticket
	b         *batch
	// lines are the history lines of the firings, reminders and
	// auto-closes; escalated lists the levels fired.
	lines     []ticket.Event
	escalated []notify.Escalation
	// changed says that the sweep changed the ticket, not only its SLA
	// state (see ticketChanged).
	changed bool
	// alerts are the warnings and breaches fired, to notify.
	alerts []slaAlert
	// effects are the actions of time rules that need the stored ticket.
	effects []ruleEffect
}

// slaAlert is the notification of an SLA warning or breach.
type slaAlert struct {
	kind  notify.Kind
	alert notify.SLAAlert
}

// escalate fires what has come due on t at now: SLA firings and the
// escalation levels' changes, a pending reminder, an auto-close.
//
// With passOver, the ticket's due time rules are passed over for their
// episode instead of run (their actions failed in an earlier try of the
// batch).
func (d *Desk) escalate(ctx context.Context, t *ticket.Ticket, now time.Time, res *EscalationResult, passOver bool) *escalation {
	actor := ticket.SystemActor(t.TenantID)
	e := &escalation{d: d, before: t.Clone(), t: t, b: &batch{actor: actor, at: now}}
	res.Tickets++
	if d.sla == nil {
		// The tenant's configuration has no SLA (any more): its clocks
		// stop, and the ticket is not due again.
		t.SLA.NextCheckAt, t.SLA.PendingUntil, t.SLA.AutoCloseAt = time.Time{}, time.Time{}, time.Time{}
		d.fireTimers(ctx, e, now, res, passOver)
		if e.changed = ticketChanged(e.before, t); e.changed {
			t.UpdatedAt, t.ConfigVersion = now, d.configVersion
			d.stampSortKeys(t)
		}
		return e
	}

	st, firings := d.sla.Evaluate(t.SLA, t, now)
	t.SLA = st
	for _, f := range firings {
		e.lines = append(e.lines, firingLine(f))
		alert := notify.SLAAlert{Policy: f.Policy, Target: string(f.Target), Percent: f.Percent, Due: f.Due}
		switch f.Kind {
		case workflow.FiringWarning:
			res.Warnings++
			e.alerts = append(e.alerts, slaAlert{notify.KindSLAWarning, alert})
		case workflow.FiringBreach:
			res.Breaches++
			e.alerts = append(e.alerts, slaAlert{notify.KindSLABreached, alert})
		case workflow.FiringEscalation:
			res.Escalations++
			e.escalated = append(e.escalated, notify.Escalation{
				Policy: f.Policy, Level: f.Level.Level, Target: string(f.Target),
				Percent: f.Percent, Notify: slices.Clone(f.Level.Notify),
			})
			f.Level.Apply(t, actor, now, newID)
			if f.Level.Status != "" {
				d.moveTo(ctx, t, actor, f.Level.Status, "", now)
			}
		}
	}
	if at := t.SLA.PendingUntil; !at.IsZero() && !at.After(now) {
		res.Reminders++
		t.SLA.PendingUntil = time.Time{}
		e.lines = append(e.lines, ticket.Event{Field: ticket.FieldSLAReminder, New: "pending until " + at.Format(time.RFC3339) + " passed"})
		d.moveTo(ctx, t, actor, d.wakeStatus, "", now)
	}
	if at := t.SLA.AutoCloseAt; !at.IsZero() && !at.After(now) {
		t.SLA.AutoCloseAt = time.Time{}
		if d.moveTo(ctx, t, actor, d.closedStatus(), AutoCloseReason, now) {
			res.AutoClosed++
		}
	}
	e.lines = append(e.lines, ticket.Diff(e.before, t)...)
	d.fireTimers(ctx, e, now, res, passOver) // after the SLA's lines: its own lines carry the rules' actors
	if e.changed = ticketChanged(e.before, t); e.changed {
		t.UpdatedAt, t.ConfigVersion = now, d.configVersion
	}
	// What the levels changed (priority, department, status) moves the
	// clocks too: a higher priority may select another policy.
	d.observeSLA(e.before, t, workflow.Observation{}, now)
	if e.changed {
		d.stampSortKeys(t) // d is the ticket's tenant's view: its catalog's order
	}
	return e
}

// ticketChanged reports whether after differs from before in anything
// but its SLA state: whether the sweep changed the ticket itself, which
// then gets a new UpdatedAt and Version, rather than only its SLA clocks
// (a warning, a breach, a notify-only level), which leave both as they
// are, so that no agent's edit becomes stale because a clock fired.
func ticketChanged(before, after *ticket.Ticket) bool {
	b, a := *before, *after
	b.SLA, a.SLA = ticket.SLAState{}, ticket.SLAState{}
	return !reflect.DeepEqual(b, a)
}

// storeEscalations stores the tickets of one batch of the sweep, then
// their history lines and notifications, in as few statements as the
// store allows, and returns the notifications.
func (d *Desk) storeEscalations(ctx context.Context, tx storage.Tx, steps []*escalation) ([]notify.Event, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	slaOnly, canSLA := tx.(storage.TicketSLAUpdater)
	// Where the store can, the clocks go with the history lines and
	// notifications in one write at the end; only when no step has
	// effects, which would otherwise run before the clocks are checked.
	together, canTogether := tx.(storage.SLAChangeWriter)
	var changed, clocks []*ticket.Ticket
	for _, e := range steps {
		if canSLA && !e.changed {
			clocks = append(clocks, e.t)
		} else {
			changed = append(changed, e.t)
		}
		canTogether = canTogether && len(e.effects) == 0
	}
	canTogether = canTogether && canSLA && len(clocks) > 0
	if len(clocks) > 0 && !canTogether {
		if err := slaOnly.TicketSLAUpdate(ctx, clocks); err != nil {
			return nil, fmt.Errorf("ticketkit: update SLA states of due tickets: %w", err)
		}
	}
	if u, ok := tx.(storage.TicketBatchUpdater); ok && len(changed) > 0 {
		if err := u.TicketUpdateBatch(ctx, changed); err != nil {
			return nil, fmt.Errorf("ticketkit: update due tickets: %w", err)
		}
	} else {
		for _, t := range changed {
			if err := tx.TicketUpdate(ctx, t); err != nil {
				return nil, fmt.Errorf("ticketkit: update ticket %s: %w", t.Number, err)
			}
		}
	}
	all := &batch{}
	for _, e := range steps {
		if err := (&ruleRun{effects: e.effects}).runEffects(ctx, tx, e.t, e.b); err != nil {
			return nil, &timeRuleFailure{ticketID: e.t.ID, number: e.t.Number, err: err}
		}
		e.b.history(e.t, e.lines)
		e.b.derive(e.before, e.t, e.d.catalog)
		for _, a := range e.alerts {
			e.b.notice(a.kind, e.t, func(n *notify.Event) { n.SLA = &a.alert })
		}
		for _, esc := range e.escalated {
			e.b.notice(notify.KindEscalated, e.t, func(n *notify.Event) { n.Escalation = &esc })
		}
		if e.changed { // an auto-close, a level or a time rule may resolve the ticket
			if err := e.d.noticeSurvey(ctx, tx, e.b, e.before, e.t); err != nil {
				return nil, err
			}
		}
		all.events = append(all.events, e.b.events...)
		all.notices = append(all.notices, e.b.notices...)
	}
	if canTogether {
		if err := all.readWatchers(ctx, tx); err != nil {
			return nil, err
		}
		entries, err := all.entries(d.lockUntil())
		if err != nil {
			return nil, err
		}
		if err := together.ChangeWriteSLA(ctx, clocks, &storage.Change{Events: all.events, Outbox: entries}); err != nil {
			return nil, fmt.Errorf("ticketkit: update SLA states of due tickets, write history and outbox: %w", err)
		}
		return all.notices, nil
	}
	if _, err := all.write(ctx, tx, d.lockUntil()); err != nil {
		return nil, err
	}
	return all.notices, nil
}

// moveTo moves t to status code on behalf of the system actor when the
// workflow allows it, and reports whether it did. A refusal is logged
// and leaves t as it is: an escalation must not stop the sweep.
func (d *Desk) moveTo(ctx context.Context, t *ticket.Ticket, actor ticket.Actor, code, reason string, now time.Time) bool {
	if code == "" || t.Status == code {
		return false
	}
	dec, err := d.workflow.Decide(ctx, workflow.Request{Ticket: t, Actor: actor, To: code, Reason: reason, Now: now})
	if err != nil {
		d.log.WarnContext(ctx, "ticketkit: escalation sweep could not change the status", "ticket", t.Number, "to", code, "err", err)
		return false
	}
	dec.Apply(t, actor, now, newID)
	return true
}

// closedStatus returns the first status of category closed.
func (d *Desk) closedStatus() string {
	for _, s := range d.catalog.Statuses() {
		if s.Category == ticket.CategoryClosed {
			return s.Code
		}
	}
	return ""
}

// firingLine returns the history line of a firing, such as
// "level 2: resolution at 150% of policy std (c1:resolution:L2), notify supervisor".
func firingLine(f workflow.Firing) ticket.Event {
	var field, what string
	switch f.Kind {
	case workflow.FiringWarning:
		field, what = ticket.FieldSLAWarning, fmt.Sprintf("%s at %d%%", f.Target, f.Percent)
	case workflow.FiringBreach:
		field, what = ticket.FieldSLABreach, fmt.Sprintf("%s target reached", f.Target)
	default:
		field, what = ticket.FieldSLAEscalation, fmt.Sprintf("level %d: %s at %d%%", f.Level.Level, f.Target, f.Percent)
	}
	text := fmt.Sprintf("%s of policy %s (%s)", what, f.Policy, f.Key)
	if f.Level != nil && len(f.Level.Notify) > 0 {
		text += ", notify " + strings.Join(f.Level.Notify, ", ")
	}
	return ticket.Event{Field: field, New: text}
}

// timeRuleFailure is the error of a sweep batch in which the actions of
// a ticket's time rules failed (a host action, a note): the batch rolls
// back and runs again with that ticket's due time rules passed over.
type timeRuleFailure struct {
	ticketID, number string
	err              error
}

func (f *timeRuleFailure) Error() string {
	return fmt.Sprintf("ticketkit: time rules of ticket %s: %v", f.number, f.err)
}

func (f *timeRuleFailure) Unwrap() error { return f.err }
