package cloudevents

import (
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/webhook"
	"github.com/ticketkit/ticketkit/ticket"
)

// Data is the "data" of every event, version 1 ([DataVersion]). It is the
// "data" object of the webhook payload ([webhook.Data], whose fields it
// holds at its top level: event_id, tenant_id, ticket_id, number,
// subject, status, priority, department, assignee, from, to, actor,
// message, changes), with the same rules: an internal note travels
// without its body and attachments. Four objects are added for the
// kinds that have them; every other kind omits them.
//
// Fields may be added to version 1; none is renamed, removed or given a
// new meaning without a new version.
type Data struct {
	webhook.Data
	// Escalation is the level that fired, for "ticket.escalated".
	Escalation *notify.Escalation `json:"escalation,omitempty"`
	// SLA is the clock that warned or breached, for "ticket.sla_warning"
	// and "ticket.sla_breached".
	SLA *notify.SLAAlert `json:"sla,omitempty"`
	// Complaint is the complaint side of the "complaint.*" kinds.
	Complaint *Complaint `json:"complaint,omitempty"`
	// Rule is the automation rule of "ticket.rule_notified".
	Rule *Rule `json:"rule,omitempty"`
}

// Rule is the automation rule whose notify action fired. Its text
// travels in the data's changes (field "automation.notify").
type Rule struct {
	// ID is the rule's ID; Name its description, if any.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Time says that a time rule fired, rather than an event rule.
	Time bool `json:"time,omitempty"`
	// Audience is whom the rule's action tells.
	Audience []string `json:"audience,omitempty"`
}

// Complaint is the complaint side of a complaint event. The reason of a
// reversal, free text written for staff, is not carried (like the body
// of an internal note); neither are an action's result and
// effectiveness check.
type Complaint struct {
	// Salesperson is the host user ID of the complaint's salesperson.
	Salesperson string `json:"salesperson,omitempty"`
	// Justified and Remedy are the decision, once decided.
	Justified bool              `json:"justified,omitempty"`
	Remedy    ticket.RemedyKind `json:"remedy,omitempty"`
	// Document is the host document of the event: the remedy's (such as
	// the credit note) for "complaint.posted", the reversing entry for
	// "complaint.reversed".
	Document *ticket.RemedyDocument `json:"document,omitempty"`
	// Action is the action of "complaint.action_assigned" and
	// "complaint.action_overdue".
	Action *Action `json:"action,omitempty"`
}

// Action is an action of a complaint's plan.
type Action struct {
	// ID identifies the action within its complaint.
	ID string `json:"id"`
	// Title says what is to be done.
	Title string `json:"title"`
	// Type is "containment", "corrective" or "preventive"; empty for a
	// plain action.
	Type ticket.ActionType `json:"type,omitempty"`
	// Owner is the host user ID of whoever carries the action out.
	Owner string `json:"owner,omitempty"`
	// DueAt is when the action falls due, in UTC; zero if never.
	DueAt time.Time `json:"due_at,omitzero"`
	// Done reports whether the action is done.
	Done bool `json:"done"`
}

// newData returns the data of e, whose webhook data is d.
func newData(d webhook.Data, e notify.Event) Data {
	out := Data{Data: d, Escalation: e.Escalation, SLA: e.SLA}
	if f := e.Complaint; f != nil {
		c := &Complaint{Salesperson: f.Salesperson, Justified: f.Justified, Remedy: f.Remedy, Document: f.Document}
		if a := f.Action; a != nil {
			c.Action = &Action{ID: a.ID, Title: a.Title, Type: a.Type, Owner: a.Owner, DueAt: a.DueAt.UTC(), Done: a.Done}
		}
		out.Complaint = c
	}
	if r := e.Rule; r != nil {
		out.Rule = &Rule{ID: r.ID, Name: r.Name, Time: r.Time, Audience: r.Audience}
	}
	if out.SLA != nil && !out.SLA.Due.IsZero() {
		sla := *out.SLA
		sla.Due = sla.Due.UTC()
		out.SLA = &sla
	}
	return out
}
