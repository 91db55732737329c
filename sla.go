package ticketkit

import (
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// startSLA gives a new ticket its SLA state, for a customer in tier.
func (d *Desk) startSLA(t *ticket.Ticket, tier string, now time.Time) {
	if d.sla == nil {
		return
	}
	t.SLA = d.lifecycle(d.sla.Start(t, tier, now), t)
}

// observeSLA brings after's SLA state up to date with the change from
// before at now, and what obs adds to it.
func (d *Desk) observeSLA(before, after *ticket.Ticket, obs workflow.Observation, now time.Time) {
	if d.sla == nil {
		return
	}
	after.SLA = d.lifecycle(d.sla.Observe(after.SLA, before, after, obs, now), after)
}

// observation says what a change adds to the field changes SLA rules see
// for themselves: a reply to the customer or a customer's message.
func observation(b *batch) workflow.Observation {
	var obs workflow.Observation
	if m := b.message; m != nil {
		switch m.Kind {
		case ticket.MessageReply:
			obs.AgentReplied = true
		case ticket.MessageCustomer:
			obs.CustomerMessaged = true
		}
	}
	return obs
}

// lifecycle sets the wake-ups the Desk keeps besides the SLA rules': the
// pending-until time holds only while t waits in a pausing status, and
// a resolved ticket is closed AutoCloseAfter after it was resolved.
func (d *Desk) lifecycle(st ticket.SLAState, t *ticket.Ticket) ticket.SLAState {
	status, _ := d.catalog.Status(t.Status)
	if !status.Paused() {
		st.PendingUntil = time.Time{}
	}
	st.AutoCloseAt = time.Time{}
	if d.autoClose > 0 && status.Category == ticket.CategoryResolved && !st.ResolvedAt.IsZero() {
		st.AutoCloseAt = st.ResolvedAt.Add(d.autoClose)
	}
	return st
}

// setPendingUntil sets when a ticket moving to status to is woken again.
func (d *Desk) setPendingUntil(t *ticket.Ticket, to ticket.Status, until time.Time) error {
	switch {
	case d.sla == nil:
		return ticket.NewValidationError(ticket.FieldError{Field: "pending_until", Rule: "sla", Message: "needs an SLA (Config.SLA)"})
	case !to.Paused():
		return ticket.NewValidationError(ticket.FieldError{Field: "pending_until", Rule: "paused", Message: fmt.Sprintf("status %q does not pause SLA clocks", to.Code)})
	case !until.After(t.UpdatedAt):
		return ticket.NewValidationError(ticket.FieldError{Field: "pending_until", Rule: "future", Message: "must be in the future"})
	}
	t.SLA.PendingUntil = until.UTC()
	return nil
}
