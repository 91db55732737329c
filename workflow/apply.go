package workflow

import (
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Apply changes t as d says, on behalf of actor at now:
//
//   - Status becomes To.Code.
//   - Entering a status of category closed sets ClosedAt to now and
//     ClosureReason to d.Reason; leaving one (a reopen) clears both.
//   - Then each effect, in order: Set changes the named fields ("$actor"
//     is actor.ID, "" clears), and AddActions appends actions with an ID
//     from newID, the template's title and owner ("$actor" is actor.ID) and
//     DueAt = now + DueIn when DueIn is set; AddTags adds the tags the
//     ticket lacks and RemoveTags removes tags.
//
// Apply does not touch UpdatedAt or Version and emits nothing: the caller
// records the change. newID may be nil when no effect adds actions.
func (d Decision) Apply(t *ticket.Ticket, actor ticket.Actor, now time.Time, newID func() string) {
	t.Status = d.To.Code
	switch {
	case d.To.Category == ticket.CategoryClosed:
		t.ClosedAt = now
		t.ClosureReason = d.Reason
	case d.From.Category == ticket.CategoryClosed || d.Reopen:
		t.ClosedAt = time.Time{}
		t.ClosureReason = ""
	}
	for _, e := range d.Effects {
		applyEffect(t, e, actor, now, newID)
	}
}

func applyEffect(t *ticket.Ticket, e Effect, actor ticket.Actor, now time.Time, newID func() string) {
	for key, val := range e.Set {
		if val == ActorValue {
			val = actor.ID
		}
		switch key {
		case SetAssignee:
			t.Assignee = val
		case SetDepartment:
			t.Department = val
		case SetPriority:
			t.Priority = val
		case SetCategory:
			t.Category = val
		}
	}
	for _, tmpl := range e.AddActions {
		a := ticket.Action{Title: tmpl.Title, Owner: tmpl.Owner}
		if a.Owner == ActorValue {
			a.Owner = actor.ID
		}
		if newID != nil {
			a.ID = newID()
		}
		if tmpl.DueIn != "" {
			if due, err := time.ParseDuration(tmpl.DueIn); err == nil {
				a.DueAt = now.Add(due)
			}
		}
		t.Actions = append(t.Actions, a)
	}
	for _, tag := range e.AddTags {
		if !slices.Contains(t.Tags, tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	if len(e.RemoveTags) > 0 {
		t.Tags = slices.DeleteFunc(slices.Clone(t.Tags), func(tag string) bool { return slices.Contains(e.RemoveTags, tag) })
	}
}
