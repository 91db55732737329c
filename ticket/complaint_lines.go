package ticket

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// LineDecision is the decision on one [ComplaintLine]: whether the
// complaint about that line is justified, and the remedies that settle
// it. A line may have several remedies, each for a part of the line,
// such as a credit of 40 % of its value and the replacement of 3 of its
// pieces.
type LineDecision struct {
	// Justified says whether the complaint about the line is justified;
	// an unjustified line has no remedies.
	Justified bool `json:"justified"`
	// Remedies are the remedies of a justified line; at least one.
	Remedies []LineRemedy `json:"remedies,omitempty" validate:"max=20"`
	// Feedback is the explanation given to the customer about the line.
	Feedback string `json:"feedback,omitempty" validate:"max=4000"`
	// By is the host user ID of who decided, at At.
	By string    `json:"by" validate:"required,max=200"`
	At time.Time `json:"at"`
}

// LineRemedy is one remedy on one complaint line. Kind is never
// [RemedyRejection] (an unjustified line has no remedies). A monetary
// kind ([RemedyKind.Monetary]) gives either Percent, a share of the
// line's value the host's ERP computes, or Amount and Currency, and no
// Quantity; replacement and repair give the Quantity of the line's
// pieces they cover, at most the line's quantity, and no money.
type LineRemedy struct {
	Kind RemedyKind `json:"kind"`
	// Percent is the share of the line's value credited or refunded,
	// more than 0 and at most 100.
	Percent decimal.Decimal `json:"percent,omitzero"`
	// Quantity is how much of the line is replaced or repaired, in the
	// line's unit.
	Quantity decimal.Decimal `json:"quantity,omitzero"`
	// Amount and Currency are a fixed sum credited or refunded.
	Amount   decimal.Decimal `json:"amount,omitzero"`
	Currency string          `json:"currency,omitempty"`
	// Notes are internal notes; customers never see them.
	Notes string `json:"notes,omitempty" validate:"max=4000"`
}

// LineRemedyItem is one remedy of one line, as a [RemedyHandler] gets it
// in [RemedyRequest].LineRemedies.
type LineRemedyItem struct {
	// Line is the line's number ([ComplaintLine.No]).
	Line int `json:"line"`
	// Product, Serial, Batch and Unit are the line's.
	Product string `json:"product"`
	Serial  string `json:"serial,omitempty"`
	Batch   string `json:"batch,omitempty"`
	Unit    string `json:"unit,omitempty"`
	// Return is the line's return (RMA) document, if linked.
	Return *Reference `json:"return,omitempty"`
	// Remedy is the remedy to carry out.
	Remedy LineRemedy `json:"remedy"`
}

// LineRemedies returns the remedies of c's justified lines, line by
// line in order, for a [RemedyHandler]; nil when no line has one.
func (c *Complaint) LineRemedies() []LineRemedyItem {
	var out []LineRemedyItem
	for i, l := range c.Details.Lines {
		if l.Decision == nil || !l.Decision.Justified {
			continue
		}
		for _, r := range l.Decision.Remedies {
			item := LineRemedyItem{Line: lineNo(i, l), Product: l.Product, Serial: l.Serial, Batch: l.Batch, Unit: l.Unit, Remedy: r}
			if l.Return != nil {
				ret := *l.Return
				item.Return = &ret
			}
			out = append(out, item)
		}
	}
	return out
}

// cloneLines returns a deep copy of lines.
func cloneLines(lines []ComplaintLine) []ComplaintLine {
	out := slices.Clone(lines)
	for i := range out {
		if r := out[i].Return; r != nil {
			ret := *r
			out[i].Return = &ret
		}
		if d := out[i].Decision; d != nil {
			dec := *d
			dec.Remedies = slices.Clone(d.Remedies)
			out[i].Decision = &dec
		}
	}
	return out
}

// HideInternal removes from d what customers never see of lines and
// claims: each line's internal note, who decided on it and the internal
// notes of its remedies, and the links to supplier or carrier claims (back-charges)
// raised from the complaint. d must not share lines with a stored
// complaint (use a [Complaint.Clone]).
func (d *ComplaintDetails) HideInternal() {
	for i := range d.Lines {
		l := &d.Lines[i]
		l.Note = ""
		if l.Decision != nil {
			l.Decision.By = ""
			for j := range l.Decision.Remedies {
				l.Decision.Remedies[j].Notes = ""
			}
		}
	}
	d.Claims = nil
}

// checkLines checks the lines of a complaint under prefix p, naming each
// problem's field, such as "complaint.lines[2].quantity".
func checkLines(v *ValidationError, p string, lines []ComplaintLine) {
	seen := make(map[int]bool, len(lines))
	for i, l := range lines {
		at := fmt.Sprintf("%slines[%d].", p, i)
		switch {
		case l.No < 0:
			v.Add(at+"no", "min", "must not be negative")
		case l.No > 0 && seen[l.No]:
			v.Add(at+"no", "unique", fmt.Sprintf("line number %d is given twice", l.No))
		}
		seen[l.No] = true
		checkLine(v, at, l)
	}
}

// checkLine checks the quantity and decision of line l under at, with
// a trailing dot or empty.
func checkLine(v *ValidationError, at string, l ComplaintLine) {
	checkQuantity(v, at+"quantity", l.Quantity)
	if d := l.Decision; d != nil {
		checkLineDecision(v, at+"decision.", l, d)
	}
}

// checkLineDecision checks the decision d on line l under at.
func checkLineDecision(v *ValidationError, at string, l ComplaintLine, d *LineDecision) {
	if d.At.IsZero() {
		v.Add(at+"at", "required", "is required")
	}
	switch {
	case d.Justified && len(d.Remedies) == 0:
		v.Add(at+"remedies", "required", "a justified line needs at least one remedy")
	case !d.Justified && len(d.Remedies) > 0:
		v.Add(at+"remedies", "excluded", "an unjustified line has no remedies")
	case !d.Justified && strings.TrimSpace(d.Feedback) == "":
		v.Add(at+"feedback", "required", "is required for an unjustified line")
	}
	var pieces decimal.Decimal
	for j, r := range d.Remedies {
		ra := fmt.Sprintf("%sremedies[%d].", at, j)
		switch {
		case !r.Kind.Valid() || r.Kind == RemedyRejection:
			v.Add(ra+"kind", "remedy", "must be one of: credit_note refund replacement repair")
		case r.Kind.Monetary():
			checkLineMoney(v, ra, r)
		default:
			if !r.Percent.IsZero() || !r.Amount.IsZero() || r.Currency != "" {
				v.Add(ra+"amount", "excluded", fmt.Sprintf("is not allowed for %s: give a quantity", r.Kind))
			}
			if !r.Quantity.IsPositive() {
				v.Add(ra+"quantity", "required", "is required and must be more than 0")
				continue
			}
			checkQuantity(v, ra+"quantity", r.Quantity)
			pieces = pieces.Add(r.Quantity)
		}
	}
	if l.Quantity.IsPositive() && pieces.GreaterThan(l.Quantity) {
		v.Add(at+"remedies", "max", fmt.Sprintf("replace and repair %s in all, more than the line's quantity %s", pieces, l.Quantity))
	}
}

// hundred is the most a [LineRemedy]'s Percent may be.
var hundred = decimal.NewFromInt(100)

// checkLineMoney checks a monetary line remedy under ra: a percentage or
// an amount, one of them.
func checkLineMoney(v *ValidationError, ra string, r LineRemedy) {
	if !r.Quantity.IsZero() {
		v.Add(ra+"quantity", "excluded", fmt.Sprintf("is not allowed for %s: give a percent or an amount", r.Kind))
	}
	switch {
	case !r.Percent.IsZero() && (!r.Amount.IsZero() || r.Currency != ""):
		v.Add(ra+"percent", "excluded_with", "give a percent or an amount, not both")
	case !r.Percent.IsZero():
		if !r.Percent.IsPositive() || r.Percent.GreaterThan(hundred) {
			v.Add(ra+"percent", "range", "must be more than 0 and at most 100")
		} else if !r.Percent.Equal(r.Percent.Round(maxScale)) {
			v.Add(ra+"percent", "scale", fmt.Sprintf("must have at most %d decimals", maxScale))
		}
	default:
		checkMoney(v, ra, r.Amount, r.Currency, true)
	}
}

// FieldLineDecision is the history field of the decision on one
// complaint line: "line 2 KET-1: justified: credit_note 40%; replacement 3
// by u-1 at 2026-06-04T10:00:00Z" or "line 2 KET-1: not justified by …; feedback: …", one event per line whose decision
// changed, as [ComplaintDiff] records it. FieldLineReturn is the same
// for a line's return document, "line 2 KET-1: return:RMA-7", and
// FieldLineNote for its internal note. The line is named by its number
// ([ComplaintLine.No]) and product.
const (
	FieldLineDecision = "complaint.lines.decision"
	FieldLineReturn   = "complaint.lines.return"
	FieldLineNote     = "complaint.lines.note"
)

// History fields of a line's own data, one event per changed field of a
// line that was kept, such as "line 2 KET-1: 10 pcs" to "line 2 KET-1:
// 12 pcs" for a new quantity. A line added or removed is one
// [FieldLines] event, "line 3 KET-9: KET-9 serial S-1 batch B-7 2 pcs
// (Kettle)", with an empty Old or New.
const (
	FieldLineProduct     = "complaint.lines.product"     // FieldLineProduct: the product code.
	FieldLineDescription = "complaint.lines.description" // FieldLineDescription: the product's name.
	FieldLineSerial      = "complaint.lines.serial"      // FieldLineSerial: the serial number.
	FieldLineBatch       = "complaint.lines.batch"       // FieldLineBatch: the batch or lot number.
	FieldLineQuantity    = "complaint.lines.quantity"    // FieldLineQuantity: the quantity and its unit, "12 pcs".
)

// lineDiff returns the history lines of the lines added, removed and
// changed from before to after, matching lines by number: the lines of
// after in order, then those removed, each with its decision, return
// and note as Old, so that nothing leaves the document unrecorded. A
// line without a number counts as numbered by its position, as
// NumberLines would number it.
func lineDiff(before, after []ComplaintLine) []Event {
	var events []Event
	old := make(map[int]ComplaintLine, len(before))
	for i, l := range before {
		old[lineNo(i, l)] = l
	}
	for i, a := range after {
		no := lineNo(i, a)
		b, kept := old[no]
		delete(old, no)
		label := "line " + strconv.Itoa(no) + " " + cmp.Or(a.Product, b.Product) + ": "
		if !kept {
			events = append(events, Event{Field: FieldLines, New: label + lineText(a)})
		} else {
			events = append(events, lineFieldsDiff(label, b, a)...)
		}
		events = append(events, lineStateDiff(label, b, a)...)
	}
	for i, b := range before { // removed, in their order
		no := lineNo(i, b)
		if _, gone := old[no]; gone {
			label := "line " + strconv.Itoa(no) + " " + b.Product + ": "
			events = append(events, Event{Field: FieldLines, Old: label + lineText(b)})
			events = append(events, lineStateDiff(label, b, ComplaintLine{})...)
		}
	}
	return events
}

// lineStateDiff returns the history lines of a line's decision, return
// and note that changed from b to a, each value under label.
func lineStateDiff(label string, b, a ComplaintLine) []Event {
	var events []Event
	if old, new := lineDecisionText(b.Decision), lineDecisionText(a.Decision); old != new {
		events = append(events, Event{Field: FieldLineDecision, Old: prefixed(label, old), New: prefixed(label, new)})
	}
	if old, new := sourceText(b.Return), sourceText(a.Return); old != new {
		events = append(events, Event{Field: FieldLineReturn, Old: prefixed(label, old), New: prefixed(label, new)})
	}
	if b.Note != a.Note {
		events = append(events, Event{Field: FieldLineNote, Old: prefixed(label, b.Note), New: prefixed(label, a.Note)})
	}
	return events
}

// lineNo returns the number of l, the line at index i: its No, or i+1
// for a line without one.
func lineNo(i int, l ComplaintLine) int {
	if l.No != 0 {
		return l.No
	}
	return i + 1
}

// lineFieldsDiff returns the history lines of the line data that
// changed from b to a, each value under label.
func lineFieldsDiff(label string, b, a ComplaintLine) []Event {
	var events []Event
	add := func(field, old, new string) {
		if old != new {
			events = append(events, Event{Field: field, Old: prefixed(label, old), New: prefixed(label, new)})
		}
	}
	add(FieldLineProduct, b.Product, a.Product)
	add(FieldLineDescription, b.Description, a.Description)
	add(FieldLineSerial, b.Serial, a.Serial)
	add(FieldLineBatch, b.Batch, a.Batch)
	add(FieldLineQuantity, quantityText(b), quantityText(a))
	return events
}

// quantityText renders a line's quantity and unit, "12 pcs", "" for
// neither.
func quantityText(l ComplaintLine) string {
	if l.Quantity.IsZero() && l.Unit == "" {
		return ""
	}
	return strings.TrimSpace(l.Quantity.String() + " " + l.Unit)
}

// prefixed returns label+s, or "" for an empty s.
func prefixed(label, s string) string {
	if s == "" {
		return ""
	}
	return label + s
}

// lineDecisionText renders a line decision for its history line, with
// who decided and when, the remedies (internal notes in brackets) and
// the feedback.
func lineDecisionText(d *LineDecision) string {
	if d == nil {
		return ""
	}
	s := "not justified"
	if d.Justified {
		s = "justified"
	}
	if len(d.Remedies) > 0 {
		parts := make([]string, len(d.Remedies))
		for i, r := range d.Remedies {
			parts[i] = lineRemedyText(r)
		}
		s += ": " + strings.Join(parts, "; ")
	}
	s += " by " + d.By + " at " + dateText(d.At, time.RFC3339)
	if d.Feedback != "" {
		s += "; feedback: " + d.Feedback
	}
	return s
}

// lineRemedyText renders a line remedy: "credit_note 40%",
// "replacement 3", "refund 12.50 EUR", with notes in brackets.
func lineRemedyText(r LineRemedy) string {
	p := []string{string(r.Kind)}
	if !r.Percent.IsZero() {
		p = append(p, r.Percent.String()+"%")
	}
	if !r.Quantity.IsZero() {
		p = append(p, r.Quantity.String())
	}
	if m := moneyText(r.Amount, r.Currency); m != "" {
		p = append(p, m)
	}
	if r.Notes != "" {
		p = append(p, "["+r.Notes+"]")
	}
	return strings.Join(p, " ")
}
