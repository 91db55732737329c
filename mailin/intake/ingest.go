package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/ticket"
)

// Limits of the Desk's inputs that Ingest shortens mail to.
const (
	maxSubject     = 200
	maxDescription = 20000
	maxBody        = 100000
)

// ingest threads a claimed message and acts on it, filling res.
func (i *Intake) ingest(ctx context.Context, in mailin.Inbound, route mailin.RouteMatch, res *Result, inbound *ticketkit.InboundClaim) error {
	sys := ticket.SystemActor(route.TenantID)
	number, numbered, err := i.number(ctx, route.TenantID, in.Subject)
	if err != nil {
		return err
	}
	ref := mailin.Thread(in, i.cfg.Domain, func(string) (string, bool) { return number, numbered })
	t, match, err := i.find(ctx, sys, in, ref, number, numbered)
	if err != nil {
		return err
	}
	res.Thread = match
	if in.Class.Automated() {
		return i.automated(ctx, sys, in, t, res, inbound)
	}
	if t == nil {
		return i.open(ctx, in, route, res, inbound)
	}
	return i.reply(ctx, sys, in, t, res, inbound)
}

// find returns the ticket a message threads to, or nil for a new one,
// and how it was found. A header match must name a ticket of the routed
// tenant; a match by header or by subject counts only when the sender is
// the ticket's customer, one of its contacts or an address copied on it
// (ticketkit's Desk.AddCC): a thread ID is in the
// headers of every notification, and a ticket number is sequential, so
// either may be in a stranger's hands. A header match of automated mail
// counts whoever sent it (a bounce comes from a mail server), as such
// mail is only ever recorded as an internal note naming its sender.
func (i *Intake) find(ctx context.Context, sys ticket.Actor, in mailin.Inbound, ref mailin.ThreadRef, number string, ok bool) (*ticket.Ticket, mailin.ThreadMatch, error) {
	if ref.Match == mailin.ThreadByHeader {
		t, err := i.cfg.Desk.Get(ctx, sys, ref.TicketID)
		switch {
		case err == nil:
			to := i.followMerged(ctx, sys, t)
			if in.Class.Automated() || i.knows(ctx, sys, t, in.From.Address) || i.knows(ctx, sys, to, in.From.Address) {
				return to, mailin.ThreadByHeader, nil
			}
			// A stranger: the subject is checked the same way next.
		case !errors.Is(err, ticketkit.ErrNotFound):
			return nil, "", fmt.Errorf("intake: thread: %w", err)
		}
	}
	if !ok || in.From.Address == "" {
		return nil, mailin.ThreadNew, nil
	}
	page, err := i.cfg.Desk.Search(ctx, sys, ticketkit.SearchParams{Number: number, Limit: 1})
	if err != nil {
		return nil, "", fmt.Errorf("intake: thread by subject: %w", err)
	}
	if len(page.Tickets) == 0 {
		return nil, mailin.ThreadNew, nil
	}
	to := i.followMerged(ctx, sys, page.Tickets[0])
	if !i.knows(ctx, sys, page.Tickets[0], in.From.Address) && !i.knows(ctx, sys, to, in.From.Address) {
		return nil, mailin.ThreadNew, nil
	}
	return to, mailin.ThreadBySubject, nil
}

// number returns the ticket number in a subject of mail routed to a
// tenant: in the tenant's number format (ticketkit's
// TenantConfig.Numbers) or the Desk's, through Desk.FindTicketNumber,
// else in Config.Numberer's. A number in the format of another tenant
// only is not found, so the mail opens a new ticket.
func (i *Intake) number(ctx context.Context, tenantID, subject string) (string, bool, error) {
	n, ok, err := i.cfg.Desk.FindTicketNumber(ctx, tenantID, subject)
	if err != nil {
		return "", false, fmt.Errorf("intake: ticket number of the subject: %w", err)
	}
	if ok {
		return n, true, nil
	}
	n, ok = i.cfg.Numberer.Find(subject)
	return n, ok, nil
}

// maxMergeHops is how many merges followMerged follows.
const maxMergeHops = 8

// followMerged returns the ticket t was merged into (ticketkit's
// Desk.Merge), following merges of merged tickets too, or t when it
// was not merged: mail about a merged ticket, by its thread headers or
// its number, goes on the ticket that took its messages. find lets the
// sender in when they are the customer or a contact of either t, the
// thread they wrote on, or that ticket, which the merge gave t's
// customer and contacts.
func (i *Intake) followMerged(ctx context.Context, sys ticket.Actor, t *ticket.Ticket) *ticket.Ticket {
	for range maxMergeHops {
		if t.MergedInto == "" {
			return t
		}
		next, err := i.cfg.Desk.Get(ctx, sys, t.MergedInto)
		if err != nil {
			return t
		}
		t = next
	}
	return t
}

// knows reports whether addr is the email of t's customer, of one of
// its contacts, or an address copied on it (Desk.CC). A store that keeps
// no CC addresses, or fails to list them, knows none.
func (i *Intake) knows(ctx context.Context, sys ticket.Actor, t *ticket.Ticket, addr string) bool {
	return knows(t, addr) || i.copied(ctx, sys, t, addr)
}

// copied reports whether addr is copied on t (Desk.AddCC).
func (i *Intake) copied(ctx context.Context, sys ticket.Actor, t *ticket.Ticket, addr string) bool {
	if addr == "" {
		return false
	}
	cc, err := i.cfg.Desk.CC(ctx, sys, t.ID)
	if err != nil {
		return false
	}
	for _, w := range cc {
		if mailin.SameAddress(w.Key, addr) {
			return true
		}
	}
	return false
}

// knows reports whether addr is the email of t's customer or of one of
// its contacts.
func knows(t *ticket.Ticket, addr string) bool {
	if addr == "" {
		return false
	}
	if mailin.SameAddress(t.Customer.Email, addr) {
		return true
	}
	for _, c := range t.Contacts {
		if mailin.SameAddress(c.Email, addr) {
			return true
		}
	}
	return false
}

// automated records an automatic reply or a bounce on its ticket, or
// drops it.
func (i *Intake) automated(ctx context.Context, sys ticket.Actor, in mailin.Inbound, t *ticket.Ticket, res *Result, inbound *ticketkit.InboundClaim) error {
	policy := i.cfg.AutoReplies
	what := "Automatic reply"
	if in.Class.Class == mailin.ClassBounce {
		policy, what = i.cfg.Bounces, "Bounce"
	}
	if t == nil || policy == PolicyDrop {
		res.Outcome = Dropped
		return nil
	}
	from := in.From.Address
	if from == "" {
		from = "(no sender)"
	}
	body := fmt.Sprintf("%s (%s) from %s\nSubject: %s\n\n%s", what, in.Class.Reason, from, in.Subject, in.Text)
	msg, err := i.cfg.Desk.AddNote(ctx, sys, ticketkit.MessageParams{TicketID: t.ID, Body: truncate(body, maxBody), Inbound: inbound})
	if err != nil {
		return fmt.Errorf("intake: record %s on %s: %w", strings.ToLower(what), t.Number, err)
	}
	res.Outcome, res.TicketID, res.Number = Recorded, msg.TicketID, t.Number
	return nil
}

// reply adds a person's message to t as its customer, under the Desk's
// reopen policy. The message of an address copied on t (and not the
// customer's or a contact's) names its sender first: it is on the
// customer's side, but not the customer's own. A reply never copies
// anyone on t: only the customer or staff do (Desk.AddCC).
func (i *Intake) reply(ctx context.Context, sys ticket.Actor, in mailin.Inbound, t *ticket.Ticket, res *Result, inbound *ticketkit.InboundClaim) error {
	actor := sys
	if t.Customer.ID != "" {
		actor = customerActor(t.TenantID, t.Customer.ID)
	}
	withSender := actor.Role != ticket.RoleCustomer || (!knows(t, in.From.Address) && i.copied(ctx, sys, t, in.From.Address))
	before := i.category(t.Status)
	msg, err := i.cfg.Desk.Reply(ctx, actor, ticketkit.MessageParams{
		TicketID: t.ID, Body: body(in, withSender), Attachments: attachments(in), Inbound: inbound,
	})
	if err != nil {
		return fmt.Errorf("intake: add message to %s: %w", t.Number, err)
	}
	res.TicketID, res.Number = msg.TicketID, t.Number
	if msg.TicketID != t.ID {
		res.Outcome = FollowUp
		if f, err := i.cfg.Desk.Get(ctx, sys, msg.TicketID); err == nil {
			res.Number = f.Number
		}
		return nil
	}
	res.Outcome = Appended
	if before == ticket.CategoryResolved || before == ticket.CategoryClosed {
		if now, err := i.cfg.Desk.Get(ctx, sys, t.ID); err == nil {
			if c := i.category(now.Status); c != ticket.CategoryResolved && c != ticket.CategoryClosed {
				res.Outcome = Reopened
			}
		}
	}
	return nil
}

// category returns the category of a status code.
func (i *Intake) category(code string) ticket.StatusCategory {
	s, _ := i.cfg.Desk.Catalog().Status(code)
	return s.Category
}

// open opens a ticket for a person's message. The ticket's description
// is the text, and the whole mail, with its attachments, is the ticket's
// first customer message, stored in the transaction that opens the
// ticket, so that the thread starts with it. The Cc'd addresses that
// Config.CcContacts vouches for become the ticket's contacts. Should the
// attachments be refused, the ticket is opened without them and an
// internal note says why; should the workflow's routing rules refuse
// the route's department, the ticket is opened without one and a note
// says why: a person's mail always opens its ticket.
func (i *Intake) open(ctx context.Context, in mailin.Inbound, route mailin.RouteMatch, res *Result, inbound *ticketkit.InboundClaim) error {
	cust, err := i.customer(ctx, route.TenantID, in.From)
	if err != nil {
		return err
	}
	actor := customerActor(route.TenantID, cust.ID)
	subject := strings.TrimSpace(in.Subject)
	if subject == "" {
		subject = "(no subject)"
	}
	p := ticketkit.OpenParams{
		Subject:     truncate(subject, maxSubject),
		Description: truncate(in.Text, maxDescription),
		Department:  route.Department,
		Channel:     ticket.ChannelEmail,
		Customer:    cust,
		Inbound:     inbound,
		Vouched:     true, // the sender's address and the route's department
	}
	p.Message, p.Attachments = body(in, false), attachments(in)
	if p.Contacts, err = i.ccContacts(ctx, route, cust, in); err != nil {
		return err
	}
	t, err := i.cfg.Desk.Open(ctx, actor, p)
	var notes []string
	if err != nil && p.Department != "" && routingRefused(err) && ctx.Err() == nil {
		notes = append(notes, fmt.Sprintf("The mail route's department %q was refused by the workflow: %v", p.Department, err))
		p.Department = ""
		t, err = i.cfg.Desk.Open(ctx, actor, p)
	}
	if err != nil && len(p.Attachments) > 0 && !routingRefused(err) && ctx.Err() == nil {
		notes = append(notes, fmt.Sprintf("The email's attachments could not be stored: %v", err))
		p.Attachments = nil
		t, err = i.cfg.Desk.Open(ctx, actor, p)
	}
	if err != nil {
		return fmt.Errorf("intake: open ticket: %w", err)
	}
	res.Outcome, res.TicketID, res.Number = Opened, t.ID, t.Number
	for _, note := range notes {
		_, _ = i.cfg.Desk.AddNote(context.WithoutCancel(ctx), ticket.SystemActor(route.TenantID),
			ticketkit.MessageParams{TicketID: t.ID, Body: truncate(note, maxBody)})
	}
	return nil
}

// routingRefused reports whether err is the workflow refusing the
// department or assignee a ticket was to be opened with.
func routingRefused(err error) bool {
	var te *ticketkit.TransitionError
	return errors.As(err, &te) && te.Route != nil
}

// maxContacts is how many contacts a ticket holds (OpenParams.Contacts).
const maxContacts = 20

// ccContacts returns the contacts Config.CcContacts vouches for among the
// Cc'd addresses of in, the first mail of customer's new ticket.
func (i *Intake) ccContacts(ctx context.Context, route mailin.RouteMatch, customer ticket.Customer, in mailin.Inbound) ([]ticket.Contact, error) {
	if i.cfg.CcContacts == nil {
		return nil, nil
	}
	var out []ticket.Contact
	seen := map[string]bool{}
	for _, cc := range in.Cc {
		key := strings.ToLower(strings.TrimSpace(cc.Address))
		if key == "" || seen[key] || len(out) == maxContacts ||
			mailin.SameAddress(cc.Address, in.From.Address) || mailin.SameAddress(cc.Address, customer.Email) {
			continue
		}
		seen[key] = true
		if _, own := i.cfg.Routes.Match(mailin.Inbound{To: []mailin.Address{cc}}); own {
			continue // one of the desk's mailboxes
		}
		c, ok, err := i.cfg.CcContacts(ctx, route.TenantID, customer, cc)
		if err != nil {
			return nil, fmt.Errorf("intake: vouch for cc %s: %w", cc.Address, err)
		}
		if !ok {
			continue
		}
		c.Email = cmp.Or(c.Email, cc.Address)
		c.Name = cmp.Or(c.Name, truncate(cc.Name, 200), cc.Address)
		out = append(out, c)
	}
	return out, nil
}

// customer returns the customer of a new ticket from the sender.
func (i *Intake) customer(ctx context.Context, tenant string, from mailin.Address) (ticket.Customer, error) {
	if i.cfg.Customers != nil {
		c, err := i.cfg.Customers(ctx, tenant, from)
		if err != nil {
			return ticket.Customer{}, fmt.Errorf("intake: resolve customer %s: %w", from.Address, err)
		}
		if c.ID == "" {
			return ticket.Customer{}, fmt.Errorf("intake: resolve customer %s: the resolver returned no customer ID", from.Address)
		}
		return c, nil
	}
	page, err := i.cfg.Desk.Search(ctx, ticket.SystemActor(tenant), ticketkit.SearchParams{
		CustomerEmail: from.Address, Desc: true, Limit: 1,
	})
	if err != nil {
		return ticket.Customer{}, fmt.Errorf("intake: find customer %s: %w", from.Address, err)
	}
	// The search ignores Unicode case, so it also finds the tickets of a
	// look-alike address: reuse only a customer whose address this is.
	if len(page.Tickets) > 0 && page.Tickets[0].Customer.ID != "" && mailin.SameAddress(page.Tickets[0].Customer.Email, from.Address) {
		return page.Tickets[0].Customer, nil
	}
	return ticket.Customer{ID: "email:" + from.Address, Name: truncate(from.Name, 200), Email: from.Address}, nil
}

// customerActor is the actor a customer's mail acts as.
func customerActor(tenant, customerID string) ticket.Actor {
	return ticket.Actor{ID: customerID, Role: ticket.RoleCustomer, TenantID: tenant, CustomerID: customerID}
}

// body is the message text of a mail, never empty; withSender names the
// sender first, for messages not posted as the customer.
func body(in mailin.Inbound, withSender bool) string {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		text = "(no text)"
	}
	if withSender {
		text = "From: " + in.From.String() + "\n\n" + text
	}
	return truncate(text, maxBody)
}

// attachments turns a mail's parts into attachment inputs.
func attachments(in mailin.Inbound) []ticketkit.AttachmentInput {
	if len(in.Parts) == 0 {
		return nil
	}
	out := make([]ticketkit.AttachmentInput, 0, len(in.Parts))
	for _, p := range in.Parts {
		out = append(out, ticketkit.AttachmentInput{Name: p.Name, ContentType: p.ContentType, Content: p.Open()})
	}
	return out
}
