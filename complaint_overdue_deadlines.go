package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ActionDeadlines make the actions of complaint plans fall due an amount
// of business time after they are added, counted on a business-hours
// calendar ([workflow.Calendar.Add]): with {containment: 24h} on a
// calendar open 09:00-17:00 on weekdays, a containment action added on
// Friday at 16:00 is due on Wednesday at 16:00. Set it as
// ComplaintConfig.Deadlines; the zero value sets no deadline.
//
// A deadline applies when an action without a due date is added with a
// type of ByType ([Desk.ComplaintPlan]) or is given such a type later,
// counted from then; an action given a due date (ActionInput.DueAt,
// ActionChange.DueAt) keeps it, and one whose due date is cleared stays
// without. The template actions a category adds ([ticket.ActionTemplate]
// DueIn) are counted on the same calendar when Calendar or CalendarName
// is set. Once due, an open action is announced as overdue by the
// escalation sweep ([Desk.RunEscalations]).
type ActionDeadlines struct {
	// Calendar is the business-hours calendar deadlines are counted on,
	// built with workflow.NewCalendar. Set Calendar or CalendarName, not
	// both. Default: [workflow.AlwaysOpen], every hour counts.
	Calendar *workflow.Calendar
	// CalendarName names a calendar of Config.SLA (workflow.SLA.Calendar)
	// to count deadlines on, so that complaint steps and ticket SLAs
	// share business hours and holidays. It needs Config.SLA.
	CalendarName string
	// ByType is the business time within which an action of each type
	// (ticket.ActionContainment, ActionCorrective, ActionPreventive) is
	// due. A type it does not list gets no deadline; each listed one
	// must be positive.
	ByType map[ticket.ActionType]time.Duration
}

// WithDefaults returns a copy of a whose ByType is its own copy;
// ActionDeadlines has no other default to fill: an unset calendar counts
// every hour. [ComplaintConfig.WithDefaults] calls it.
func (a ActionDeadlines) WithDefaults() ActionDeadlines {
	a.ByType = maps.Clone(a.ByType)
	return a
}

// validate reports every problem of a, each naming its field of Config;
// sla is Config.SLA.
func (a ActionDeadlines) validate(sla *workflow.SLA) error {
	const field = "Config.Complaints.Deadlines"
	var errs []error
	switch {
	case a.Calendar != nil && a.CalendarName != "":
		errs = append(errs, fmt.Errorf("%s: set Calendar or CalendarName, not both", field))
	case a.CalendarName != "" && sla == nil:
		errs = append(errs, fmt.Errorf("%s.CalendarName %q needs Config.SLA, whose calendar it names", field, a.CalendarName))
	case a.CalendarName != "":
		if _, ok := sla.Calendar(a.CalendarName); !ok {
			errs = append(errs, fmt.Errorf("%s.CalendarName %q is not a calendar of Config.SLA", field, a.CalendarName))
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(a.ByType)) {
		switch d := a.ByType[typ]; {
		case !typ.Valid():
			errs = append(errs, fmt.Errorf("%s.ByType: %q is not an action type (%v)", field, typ, ticket.ActionTypes()))
		case d <= 0:
			errs = append(errs, fmt.Errorf("%s.ByType[%s] must be positive, not %v", field, typ, d))
		}
	}
	return errors.Join(errs...)
}

// calendar returns the calendar deadlines are counted on, and nil when
// a counts nothing on one: no ByType and no calendar for the template
// actions. a is valid.
func (a ActionDeadlines) calendar(sla *workflow.SLA) *workflow.Calendar {
	switch {
	case a.Calendar != nil:
		return a.Calendar
	case a.CalendarName != "" && sla != nil:
		if c, ok := sla.Calendar(a.CalendarName); ok {
			return c
		}
	case len(a.ByType) > 0:
		return workflow.AlwaysOpen()
	}
	return nil
}

// actionTypes returns the type of each action of c's plan, by action ID:
// what a change's deadlines are compared with (applyDeadlines).
func actionTypes(c *ticket.Complaint) map[string]ticket.ActionType {
	types := make(map[string]ticket.ActionType, len(c.Actions))
	for _, a := range c.Actions {
		types[a.ID] = a.Type
	}
	return types
}

// applyDeadlines gives a due date to each open action of c without one
// that was added, or given its type, since before (see actionTypes) and
// whose type has a deadline: that much business time after at.
func (cs *complaints) applyDeadlines(c *ticket.Complaint, before map[string]ticket.ActionType, at time.Time) {
	byType := cs.cfg.Deadlines.ByType
	if len(byType) == 0 {
		return
	}
	for i := range c.Actions {
		a := &c.Actions[i]
		d, ok := byType[a.Type]
		if !ok || a.Done || !a.DueAt.IsZero() {
			continue
		}
		if typ, existed := before[a.ID]; existed && typ == a.Type {
			continue // no new type: a due date cleared stays cleared
		}
		a.DueAt = cs.calendar.Add(at, d)
	}
}

// setCategory gives c the category cat as ticket.Complaint.SetCategory
// does, at at, and counts the DueIn of the template actions it adds on
// the deadlines' calendar, when there is one.
func (d *Desk) setCategory(ctx context.Context, c *ticket.Complaint, cat ticket.Category, at time.Time) error {
	keep := d.confirmActions(ctx, c)
	var kept []ticket.ActionTemplate
	added, err := c.SetCategory(cat, at, newID, func(t ticket.ActionTemplate) bool {
		if keep != nil && !keep(t) {
			return false
		}
		kept = append(kept, t)
		return true
	})
	cal := d.complaints.calendar
	if err != nil || cal == nil || len(added) != len(kept) {
		return err
	}
	first := len(c.Actions) - len(added) // SetCategory appends them in template order
	for i, t := range kept {
		if due, perr := time.ParseDuration(t.DueIn); t.DueIn != "" && perr == nil {
			c.Actions[first+i].DueAt = cal.Add(at, due)
		}
	}
	return nil
}
