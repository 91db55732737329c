package complaintdoc

import (
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// The per-line decisions and the reversal of a posting. Staff documents
// print them whole; the acknowledgement prints only what the customer
// may see of them: for each line whether it is justified, its remedies
// and the feedback, and of a reversal its time and reversing document,
// never who decided or reversed, why, or any internal note.

// lineName names a line as "2 KET-200", by its number (by its position
// for a line without one) and product.
func lineName(i int, l ticket.ComplaintLine) string {
	no := l.No
	if no == 0 {
		no = i + 1
	}
	return strconv.Itoa(no) + " " + l.Product
}

// lineDecisions writes the decision on each decided line, under the
// section key; internal adds the return document, who decided and when,
// the line's internal note and the remedies' internal notes.
func (b *builder) lineDecisions(c *ticket.Complaint, key string, internal bool) {
	s := b.section(key)
	columns := []string{"line", "justified", "remedies", "feedback"}
	if internal {
		columns = append(columns, "return", "by", "at", "notes")
	}
	t := b.table(s, columns...)
	for i, l := range c.Details.Lines {
		d := l.Decision
		if d == nil {
			continue
		}
		remedies := make([]string, len(d.Remedies))
		var notes []string
		if internal && l.Note != "" {
			notes = append(notes, l.Note)
		}
		for j, r := range d.Remedies {
			remedies[j] = b.lineRemedy(r, l.Unit)
			if internal && r.Notes != "" {
				notes = append(notes, b.enum("remedy", string(r.Kind))+": "+r.Notes)
			}
		}
		row := []string{lineName(i, l), b.yesNo(d.Justified), strings.Join(remedies, "\n"), d.Feedback}
		if internal {
			row = append(row, b.reference(l.Return), d.By, b.date(d.At), strings.Join(notes, "\n"))
		}
		t.Rows = append(t.Rows, row)
	}
	b.add(s)
}

// lineRemedy renders a line remedy: "Credit note 40 %", "Replacement
// 3 pcs", "Refund 12.50 EUR", without its internal notes.
func (b *builder) lineRemedy(r ticket.LineRemedy, unit string) string {
	s := b.enum("remedy", string(r.Kind))
	switch {
	case !r.Percent.IsZero():
		s += " " + r.Percent.String() + " %"
	case !r.Quantity.IsZero():
		s += " " + strings.TrimSpace(r.Quantity.String()+" "+unit)
	case !r.Amount.IsZero() || r.Currency != "":
		s += " " + Amount(r.Amount, r.Currency)
	}
	return s
}

// reversal writes the reversal of a posted complaint, under the section
// key; internal adds who reversed it and why.
func (b *builder) reversal(c *ticket.Complaint, key string, internal bool) {
	rv := c.Details.Reversal
	if rv == nil {
		return
	}
	s := b.section(key)
	b.field(s, "reversed_at", b.dateTime(rv.At))
	if doc := rv.Document; doc != nil {
		b.field(s, "reversal_document", b.document(doc))
	}
	if internal {
		by := rv.By
		if rv.Role != "" {
			by += " (" + b.enum("role", string(rv.Role)) + ")"
		}
		b.field(s, "reversed_by", by)
		b.field(s, "reversal_reason", rv.Reason)
	}
	b.add(s)
}

// document renders a remedy document as "Credit note CN-1 (label)".
func (b *builder) document(doc *ticket.RemedyDocument) string {
	v := b.enum("document", string(doc.Kind)) + " " + doc.ID
	if doc.Label != "" {
		v += " (" + doc.Label + ")"
	}
	return v
}
