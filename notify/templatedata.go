package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// TemplateData is what notification templates are executed with. Labels
// are in the recipient's locale; codes without a catalog entry are shown
// as they are.
//
// For the customer (ForCustomer), the data names no staff user, so that
// no template, built in or the host's, can show one: Ticket and
// Event.Ticket are copies without the assignee, the creator and the
// action owners; a staff or system author of Message and the actor of
// Event lose their IDs; Event.Changes, the Notify list of
// Event.Escalation, Event.Watchers and the assignees of a [KindAssigned]
// event are left out; OpenedBy is empty.
type TemplateData struct {
	// Event is the event being sent.
	Event Event
	// Ticket is the ticket after the change; never nil.
	Ticket *ticket.Ticket
	// Message is the added message of a [KindMessageAdded] event, or nil.
	Message *ticket.Message
	// Recipient is who the message is written for.
	Recipient Recipient
	// ForCustomer reports whether Recipient is the customer, or one of
	// the customer's contacts, rather than staff or a department.
	ForCustomer bool
	// Internal reports whether Message is an internal note.
	Internal bool
	// Locale is the recipient's locale, such as "fr-CA"; "en" when the
	// recipient has none.
	Locale string
	// Variant is the variant of the template being executed.
	Variant string

	// Number is the ticket's number, such as "TK-2026-000042".
	Number string
	// Subject is the ticket's subject.
	Subject string
	// CustomerName is the customer's name.
	CustomerName string
	// OpenedBy is the ID of the user who opened the ticket; empty for
	// the customer, who is never shown a user ID.
	OpenedBy string
	// OpenedAt is when the ticket was opened.
	OpenedAt time.Time
	// UpdatedAt is when the ticket was last changed.
	UpdatedAt time.Time
	// Order is the ID of the order the ticket is about, if any.
	Order string
	// Product is the label or ID of the product the ticket is about, if
	// any.
	Product string
	// Serial is the serial number the ticket is about, if any.
	Serial string

	// Status, Priority, Category and Department are the labels of the
	// ticket's codes.
	Status     string
	Priority   string
	Category   string
	Department string
	// Channel is the label of the channel the ticket arrived through,
	// such as "Saisie manuelle" for ticket.ChannelManual in French (see
	// ticket.Channel.Label); empty when the ticket names none.
	Channel string
	// From and To are the labels of the old and new status of a
	// [KindStatusChanged] or [KindClosed] event, the old and new
	// assignee IDs of a [KindAssigned] event (empty for the customer),
	// and the labels of the old and new department of a [KindRouted]
	// event.
	From string
	To   string

	loc *time.Location
}

func newTemplateData(e Event, r Recipient, c *ticket.Catalog, locale, variant string, loc *time.Location) TemplateData {
	t := e.Ticket
	d := TemplateData{
		Event:        e,
		Ticket:       t,
		Message:      e.Message,
		Recipient:    r,
		ForCustomer:  r.Audience == AudienceCustomer || r.Audience == AudienceContacts,
		Internal:     e.Message != nil && e.Message.Kind.Internal(),
		Locale:       locale,
		Variant:      variant,
		Number:       t.Number,
		Subject:      t.Subject,
		CustomerName: t.Customer.Name,
		OpenedBy:     t.CreatedBy,
		OpenedAt:     t.CreatedAt,
		UpdatedAt:    t.UpdatedAt,
		Status:       t.Status,
		Priority:     t.Priority,
		Category:     t.Category,
		Department:   t.Department,
		Channel:      t.Channel.Label().In(locale),
		From:         e.From,
		To:           e.To,
		loc:          loc,
	}
	if d.ForCustomer {
		d.hideStaff()
	}
	if ref, ok := t.Reference(ticket.RefOrder); ok {
		d.Order = ref.ID
	}
	if ref, ok := t.Reference(ticket.RefProduct); ok {
		d.Product = ref.ID
		if ref.Label != "" {
			d.Product = ref.Label
		}
	}
	if ref, ok := t.Reference(ticket.RefSerial); ok {
		d.Serial = ref.ID
	}
	if c == nil {
		return d
	}
	statusLabel := func(code string) string {
		if s, ok := c.Status(code); ok {
			return s.Label.In(locale)
		}
		return code
	}
	d.Status = statusLabel(t.Status)
	if p, ok := c.Priority(t.Priority); ok {
		d.Priority = p.Label.In(locale)
	}
	if x, ok := c.Category(t.Category); ok {
		d.Category = x.Label.In(locale)
	}
	if x, ok := c.Department(t.Department); ok {
		d.Department = x.Label.In(locale)
	}
	if e.Kind == KindStatusChanged || e.Kind == KindClosed {
		d.From, d.To = statusLabel(e.From), statusLabel(e.To)
	}
	if e.Kind == KindRouted {
		d.From, d.To = departmentLabel(c, locale, e.From), departmentLabel(c, locale, e.To)
	}
	return d
}

// departmentLabel returns the label of department code in locale, or the
// code when c does not know it.
func departmentLabel(c *ticket.Catalog, locale, code string) string {
	if x, ok := c.Department(code); ok {
		return x.Label.In(locale)
	}
	return code
}

// hideStaff removes from d, written for the customer, every host user
// ID of a staff member: see [TemplateData].
func (d *TemplateData) hideStaff() {
	t := d.Ticket.Clone()
	t.Assignee, t.CreatedBy = "", ""
	for i := range t.Actions {
		t.Actions[i].Owner = ""
	}
	d.Ticket, d.Event.Ticket, d.OpenedBy = t, t, ""
	if m := d.Message; m != nil && m.AuthorRole != ticket.RoleCustomer {
		m = m.Clone()
		m.AuthorID = ""
		d.Message, d.Event.Message = m, m
	}
	if d.Event.Actor.Role != ticket.RoleCustomer {
		d.Event.Actor.ID = ""
	}
	d.Event.Changes, d.Event.Watchers = nil, nil
	if esc := d.Event.Escalation; esc != nil {
		c := *esc
		c.Notify = nil
		d.Event.Escalation = &c
	}
	if d.Event.Kind == KindAssigned {
		d.From, d.To, d.Event.From, d.Event.To = "", "", "", ""
	}
	if rule := d.Event.Rule; rule != nil {
		// The customer reads the rule's text, not how the desk is set up.
		d.Event.Rule = &RuleNotice{Text: rule.Text}
	}
	d.hideComplaintStaff()
}

// Date formats tm in the templates' time zone and the recipient's
// language: "March 5, 2026 at 14:30 UTC" in English, "5 mars 2026 à
// 14:30 UTC" in French. Other languages get the English form. The zero
// time gives "".
func (d TemplateData) Date(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	if d.loc != nil {
		tm = tm.In(d.loc)
	}
	if lang, _, _ := strings.Cut(normLocale(d.Locale), "-"); lang == "fr" {
		return fmt.Sprintf("%d %s %d à %s", tm.Day(), frenchMonths[tm.Month()-1], tm.Year(), tm.Format("15:04 MST"))
	}
	return tm.Format("January 2, 2006 at 15:04 MST")
}

var frenchMonths = [...]string{
	"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre",
}
