package complaintdoc

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/ticket"
)

// Kind is the kind of a printed document.
type Kind string

// Kinds of documents.
const (
	// KindComplaint is the complaint document for staff: every field of
	// the complaint, internal ones included, with the decision on each
	// line (remedies, return, who decided, internal notes) and the
	// reversal of the posting (when, by whom, the reversing entry, why).
	KindComplaint Kind = "complaint"
	// KindAcknowledgement is the acknowledgement sent to the customer:
	// only what the customer told and may see (number, dates, subject,
	// description, products, remedy sought, source document, status),
	// the decision on each line as the customer is told it (justified,
	// remedies, feedback) and a reversal's time and reversing entry;
	// never the help desk's assessment, accounting, responsibility,
	// action plan, reviews, who decided or reversed, why it was
	// reversed, or internal notes.
	KindAcknowledgement Kind = "acknowledgement"
	// KindReport8D is an 8D-style quality report for staff: the team
	// (D1), the problem (D2), the action plan (D3-D7), the review
	// results (D4) and the decision, the decisions per line and the
	// reviews (D8).
	KindReport8D Kind = "report_8d"
)

// Kinds returns every document kind.
func Kinds() []Kind { return []Kind{KindComplaint, KindAcknowledgement, KindReport8D} }

// Valid reports whether k is one of [Kinds].
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// ErrUnknownKind is wrapped by the error of [Renderer.Build] for a kind
// that is not one of [Kinds].
var ErrUnknownKind = errors.New("complaintdoc: unknown document kind")

// Document is a complaint printed in one language: titled sections of
// captioned fields, tables and text, all already turned into display
// text. HTML templates and the PDF writer print the same Document.
type Document struct {
	// Kind is the kind of document.
	Kind Kind
	// Locale is the BCP 47 locale the captions are in, such as "fr".
	Locale string
	// Title is the document's title, such as "Complaint CC-2026-0001".
	Title string
	// Number is the complaint's number.
	Number string
	// Date is when the complaint was last changed; the PDF writer uses it
	// as the file's creation date, so that one complaint prints the same
	// bytes twice.
	Date time.Time
	// Sections are the document's sections in print order; sections with
	// nothing to show are left out.
	Sections []Section

	labels func(key string) string
}

// Section is one titled part of a [Document].
type Section struct {
	// Key names the section, such as "general" or "d8"; see
	// [DefaultLabels] for the keys.
	Key string
	// Title is the section's caption.
	Title string
	// Text is a paragraph of free text, such as the description; it may
	// span lines.
	Text string
	// Fields are captioned values.
	Fields []Field
	// Table is a table of rows, such as the products or the action plan;
	// nil when the section has none.
	Table *Table
}

// Field is one captioned value of a [Section].
type Field struct {
	// Key names the field, such as "customer" or "amount"; see
	// [DefaultLabels] for the keys.
	Key string
	// Label is the field's caption.
	Label string
	// Value is the display text of the value.
	Value string
}

// Table is a table of a [Section]: captions of the columns and rows of
// display text, each as long as Columns.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Label returns the caption of key in the document's locale, or key
// itself when there is none; templates call it as {{.Label "amount"}}.
func (d *Document) Label(key string) string {
	if d.labels == nil {
		return key
	}
	return d.labels(key)
}

// Field returns the value of the first field named key in any section,
// or "" when the document has none; templates call it as
// {{.Field "customer"}}.
func (d *Document) Field(key string) string {
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if f.Key == key {
				return f.Value
			}
		}
	}
	return ""
}

// Section returns the section named key, or nil when the document has
// none.
func (d *Document) Section(key string) *Section {
	for i := range d.Sections {
		if d.Sections[i].Key == key {
			return &d.Sections[i]
		}
	}
	return nil
}

// builder writes the sections of one document in one locale.
type builder struct {
	r      *Renderer
	locale string
	doc    *Document
}

// label returns the caption of key in b's locale.
func (b *builder) label(key string) string {
	l, ok := b.r.labels[key]
	if !ok {
		return key
	}
	return l.In(b.locale)
}

// enum returns the caption of the value v of an enum ("remedy",
// "severity" ...), or v itself when there is none, such as for a
// host-defined document kind.
func (b *builder) enum(prefix, v string) string {
	if v == "" {
		return ""
	}
	if l, ok := b.r.labels[prefix+"."+v]; ok {
		return l.In(b.locale)
	}
	return v
}

// yesNo returns the caption of v.
func (b *builder) yesNo(v bool) string {
	if v {
		return b.label("yes")
	}
	return b.label("no")
}

// date returns t as a date in the renderer's location, or "" when t is
// zero.
func (b *builder) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(b.r.cfg.Location).Format(time.DateOnly)
}

// dateTime returns t to the minute in the renderer's location, or ""
// when t is zero.
func (b *builder) dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(b.r.cfg.Location).Format("2006-01-02 15:04")
}

// section starts a section titled by "section.<key>" and returns it for
// filling; add keeps it only when it has something to show.
func (b *builder) section(key string) *Section {
	return &Section{Key: key, Title: b.label("section." + key)}
}

// add appends s to the document unless it is empty.
func (b *builder) add(s *Section) {
	if s.Text == "" && len(s.Fields) == 0 && (s.Table == nil || len(s.Table.Rows) == 0) {
		return
	}
	b.doc.Sections = append(b.doc.Sections, *s)
}

// field adds the field key with value v to s unless v is empty.
func (b *builder) field(s *Section, key, v string) {
	if v != "" {
		s.Fields = append(s.Fields, Field{Key: key, Label: b.label(key), Value: v})
	}
}

// table gives s a table with the captions of columns.
func (b *builder) table(s *Section, columns ...string) *Table {
	t := &Table{Columns: make([]string, len(columns))}
	for i, c := range columns {
		t.Columns[i] = b.label(c)
	}
	s.Table = t
	return t
}

// Amount returns an amount as display text with its currency, exactly:
// at least two decimals, and every further digit the amount has
// ("1234.50 EUR", "0.125 EUR"), never rounded.
func Amount(amount decimal.Decimal, currency string) string {
	places := max(int32(2), -amount.Exponent())
	s := amount.StringFixed(places)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		keep := max(i+3, len(strings.TrimRight(s, "0")))
		s = s[:keep]
	}
	return strings.TrimSpace(s + " " + currency)
}

// quantity returns a line's quantity with its unit, or "" when none was
// given.
func quantity(l ticket.ComplaintLine) string {
	if l.Quantity.IsZero() {
		return ""
	}
	return strings.TrimSpace(l.Quantity.String() + " " + l.Unit)
}

// reference returns a reference as display text.
func (b *builder) reference(r *ticket.Reference) string {
	if r == nil {
		return ""
	}
	s := b.enum("reference", string(r.Kind)) + " " + r.ID
	if r.Label != "" {
		s += " (" + r.Label + ")"
	}
	return s
}

// catalogLabel returns the catalog's label of code in b's locale, or
// code itself when the catalog has no such entry.
func (b *builder) catalogLabel(code string, get func(string) (ticket.Label, bool)) string {
	if code == "" {
		return ""
	}
	if l, ok := get(code); ok {
		return l.In(b.locale)
	}
	return code
}

// Build returns the document of kind for c with captions in locale
// (such as "fr" or "en"; empty means the renderer's default locale).
// c is read, never changed. A document of [KindAcknowledgement] holds
// only what the customer may see, whatever c holds.
func (r *Renderer) Build(kind Kind, c *ticket.Complaint, locale string) (*Document, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	if c == nil {
		return nil, errors.New("complaintdoc: nil complaint")
	}
	if locale == "" {
		locale = r.cfg.Locale
	}
	b := &builder{r: r, locale: locale}
	b.doc = &Document{
		Kind: kind, Locale: locale, Number: c.Number, Date: c.UpdatedAt,
		labels: b.label,
	}
	b.doc.Title = strings.TrimSpace(b.label("title."+string(kind)) + " " + c.Number)
	switch kind {
	case KindComplaint:
		b.complaint(c)
	case KindAcknowledgement:
		b.acknowledgement(c)
	case KindReport8D:
		b.report8D(c)
	}
	return b.doc, nil
}
