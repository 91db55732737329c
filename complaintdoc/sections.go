package complaintdoc

import (
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// complaint writes the staff's complaint document: every section.
func (b *builder) complaint(c *ticket.Complaint) {
	b.general(c, true)
	b.customer(c, true)
	b.description(c)
	b.lines(c)
	b.accounting(c)
	b.responsibility(c, "responsibility")
	b.actions(c, "actions")
	b.decision(c, "decision")
	b.lineDecisions(c, "line_decisions", true)
	b.reversal(c, "reversal", true)
	b.reviews(c, "reviews")
	b.reviewResults(c, "review_results")
	b.comments(c)
}

// acknowledgement writes the customer's acknowledgement: the intro and
// only what a customer may see (see [KindAcknowledgement]).
func (b *builder) acknowledgement(c *ticket.Complaint) {
	b.doc.Sections = append(b.doc.Sections, Section{Key: "intro", Text: b.label("ack.intro")})
	b.general(c, false)
	b.customer(c, false)
	b.description(c)
	b.lines(c)
	b.lineDecisions(c, "line_decisions", false)
	b.reversal(c, "reversal", false)
}

// report8D writes the 8D-style report.
func (b *builder) report8D(c *ticket.Complaint) {
	b.general(c, true)
	b.responsibility(c, "d1")
	d2 := b.section("d2")
	b.field(d2, "customer", c.Customer.Name)
	b.field(d2, "subject", c.Subject)
	d2.Text = c.Description
	b.field(d2, "reason", b.reason(c.Reason))
	b.field(d2, "severity", b.enum("severity", string(c.Details.Severity)))
	b.add(d2)
	b.lines(c)
	b.reviewResults(c, "d4")
	b.rootCause(c, "root_cause")
	b.qualityActions(c, "d3_d7")
	b.steps(c, "steps")
	b.decision(c, "d8")
	b.lineDecisions(c, "line_decisions", true)
	b.reviews(c, "reviews")
}

// reason returns the catalog's label of a reason code.
func (b *builder) reason(code string) string {
	return b.catalogLabel(code, func(code string) (ticket.Label, bool) {
		r, ok := b.r.cfg.Catalog.Reason(code)
		return r.Label, ok
	})
}

// general writes the document's identification; internal adds what only
// staff see (priority, severity, category).
func (b *builder) general(c *ticket.Complaint, internal bool) {
	cat := b.r.cfg.Catalog
	s := b.section("general")
	b.field(s, "number", c.Number)
	b.field(s, "status", b.catalogLabel(c.Status, func(code string) (ticket.Label, bool) {
		st, ok := cat.Status(code)
		return st.Label, ok
	}))
	b.field(s, "subject", c.Subject)
	b.field(s, "issued_at", b.date(c.Details.IssuedAt))
	b.field(s, "registered_at", b.date(c.CreatedAt))
	b.field(s, "source", b.reference(c.Details.Source))
	b.field(s, "reason", b.reason(c.Reason))
	b.field(s, "remedy_sought", b.enum("remedy", string(c.Details.RemedySought)))
	if internal {
		b.field(s, "category", b.catalogLabel(c.Category, func(code string) (ticket.Label, bool) {
			x, ok := cat.Category(code)
			return x.Label, ok
		}))
		b.field(s, "priority", b.catalogLabel(c.Priority, func(code string) (ticket.Label, bool) {
			x, ok := cat.Priority(code)
			return x.Label, ok
		}))
		b.field(s, "severity", b.enum("severity", string(c.Details.Severity)))
		b.field(s, "end_date", b.date(c.Details.EndDate))
		b.field(s, "posted_at", b.date(c.Details.PostedAt))
	}
	b.add(s)
}

// customer writes the customer and, with contacts, the contact persons.
func (b *builder) customer(c *ticket.Complaint, contacts bool) {
	s := b.section("customer")
	b.field(s, "customer", c.Customer.Name)
	b.field(s, "customer_id", c.Customer.ID)
	b.field(s, "email", c.Customer.Email)
	b.add(s)
	if !contacts {
		return
	}
	s = b.section("contacts")
	t := b.table(s, "name", "role", "email")
	for _, p := range c.Contacts {
		t.Rows = append(t.Rows, []string{p.Name, p.Role, p.Email})
	}
	b.add(s)
}

// description writes the complaint's description.
func (b *builder) description(c *ticket.Complaint) {
	s := b.section("description")
	s.Text = c.Description
	b.add(s)
}

// lines writes the products complained about.
func (b *builder) lines(c *ticket.Complaint) {
	s := b.section("lines")
	t := b.table(s, "line_no", "product", "serial", "batch", "quantity")
	for i, l := range c.Details.Lines {
		product := l.Product
		if l.Description != "" {
			product += " " + l.Description
		}
		no := l.No
		if no == 0 {
			no = i + 1
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(no), product, l.Serial, l.Batch, quantity(l)})
	}
	b.add(s)
}

// accounting writes the sales adjustment.
func (b *builder) accounting(c *ticket.Complaint) {
	a := c.Details.Accounting
	s := b.section("accounting")
	b.field(s, "sales_adjustment", b.yesNo(a.SalesAdjustment))
	b.field(s, "company", a.Company)
	b.field(s, "counterparty", a.Counterparty)
	b.field(s, "contract", a.Contract)
	if !a.Amount.IsZero() || a.SalesAdjustment {
		b.field(s, "amount", Amount(a.Amount, a.Currency))
	}
	b.add(s)
}

// responsibility writes who is in charge, under the section key.
func (b *builder) responsibility(c *ticket.Complaint, key string) {
	r := c.Details.Responsibility
	s := b.section(key)
	b.field(s, "business_unit", r.BusinessUnit)
	b.field(s, "employee", r.Employee)
	b.field(s, "salesperson", r.Salesperson)
	b.add(s)
}

// actions writes the action plan, under the section key.
func (b *builder) actions(c *ticket.Complaint, key string) {
	s := b.section(key)
	t := b.table(s, "action", "owner", "due_at", "done", "result")
	for _, a := range c.Actions {
		t.Rows = append(t.Rows, []string{a.Title, a.Owner, b.date(a.DueAt), b.doneText(a), a.Result})
	}
	b.add(s)
}

// doneText renders whether an action is done, and when.
func (b *builder) doneText(a ticket.Action) string {
	done := b.yesNo(a.Done)
	if a.Done && !a.DoneAt.IsZero() {
		done += " " + b.date(a.DoneAt)
	}
	return done
}

// decision writes the decision and its remedy, under the section key.
func (b *builder) decision(c *ticket.Complaint, key string) {
	d := c.Details.Decision
	if d == nil {
		return
	}
	s := b.section(key)
	b.field(s, "justified", b.yesNo(d.Justified))
	b.field(s, "remedy", b.enum("remedy", string(d.Remedy.Kind)))
	if d.Remedy.Kind.Monetary() {
		b.field(s, "amount", Amount(d.Remedy.Amount, d.Remedy.Currency))
	}
	b.field(s, "feedback", d.Remedy.Feedback)
	b.field(s, "notes", strings.TrimSpace(d.Notes+"\n"+d.Remedy.Notes))
	b.field(s, "by", d.By)
	b.field(s, "at", b.date(d.At))
	if doc := d.Remedy.Document; doc != nil {
		b.field(s, "remedy_document", b.document(doc))
	}
	b.add(s)
}

// reviews writes the approvals, under the section key.
func (b *builder) reviews(c *ticket.Complaint, key string) {
	s := b.section(key)
	t := b.table(s, "by", "role", "at", "outcome", "notes")
	for _, r := range c.Details.Reviews {
		t.Rows = append(t.Rows, []string{r.By, b.enum("role", string(r.Role)), b.date(r.At), b.enum("outcome", string(r.Outcome)), r.Notes})
	}
	b.add(s)
}

// reviewResults writes the review results and their findings, under the
// section key.
func (b *builder) reviewResults(c *ticket.Complaint, key string) {
	s := b.section(key)
	t := b.table(s, "by", "at", "text", "findings")
	for _, r := range c.Details.ReviewResults {
		t.Rows = append(t.Rows, []string{r.By, b.date(r.At), r.Text, strings.Join(r.Findings, "\n")})
	}
	b.add(s)
}

// comments writes the remarks on the document.
func (b *builder) comments(c *ticket.Complaint) {
	s := b.section("comments")
	t := b.table(s, "by", "at", "text")
	for _, m := range c.Details.Comments {
		t.Rows = append(t.Rows, []string{m.Author, b.dateTime(m.At), m.Text})
	}
	b.add(s)
}
