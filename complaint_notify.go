package ticketkit

import (
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// Notifications of complaint events (notify.ComplaintKinds): decided,
// posted, reversed and action assigned, each carrying the complaint's
// facts (notify.ComplaintFacts) so that the action owner, the
// salesperson and the super users can be resolved from the event alone.

// complaintFacts returns the facts of c that its notifications carry.
func complaintFacts(c *ticket.Complaint) *notify.ComplaintFacts {
	d := &c.Details
	f := &notify.ComplaintFacts{Salesperson: d.Responsibility.Salesperson}
	if dec := d.Decision; dec != nil {
		f.Justified, f.Remedy = dec.Justified, dec.Remedy.Kind
		f.Document = cloneDoc(dec.Remedy.Document)
	}
	if r := d.Reversal; r != nil {
		f.Document, f.Reason = cloneDoc(r.Document), r.Reason
	}
	return f
}

// cloneDoc returns a copy of doc, or nil.
func cloneDoc(doc *ticket.RemedyDocument) *ticket.RemedyDocument {
	if doc == nil {
		return nil
	}
	out := *doc
	return &out
}

// noticeComplaint queues a notification of kind about c, with c's facts
// changed by fill (if not nil), taken when the change's notifications
// are derived: after c is stored, so that it carries what was stored.
func (b *batch) noticeComplaint(kind notify.Kind, c *ticket.Complaint, fill func(*notify.ComplaintFacts)) {
	b.later = append(b.later, func() {
		b.notice(kind, &c.Ticket, func(e *notify.Event) {
			f := complaintFacts(c)
			if fill != nil {
				fill(f)
			}
			e.Complaint = f
		})
	})
}

// runLater queues the notifications noticeComplaint deferred, for a use
// case that does not derive its notifications (derive runs them).
func (b *batch) runLater() {
	for _, f := range b.later {
		f()
	}
	b.later = nil
}

// actionOwners returns the owner of each action of c's plan, by action
// ID.
func actionOwners(c *ticket.Complaint) map[string]string {
	owners := make(map[string]string, len(c.Actions))
	for _, a := range c.Actions {
		owners[a.ID] = a.Owner
	}
	return owners
}

// noticeAssignedActions queues a notify.KindComplaintActionAssigned for
// each open action of c whose owner is not its owner in before (see
// actionOwners), such as an action added with an owner or handed to
// another.
func (b *batch) noticeAssignedActions(c *ticket.Complaint, before map[string]string) {
	for _, a := range c.Actions {
		if a.Owner == "" || a.Done || a.Owner == before[a.ID] {
			continue
		}
		b.noticeComplaint(notify.KindComplaintActionAssigned, c, func(f *notify.ComplaintFacts) { f.Action = &a })
	}
}
