// Package pdf writes the printable complaint documents of package
// complaintdoc as PDF, with codeberg.org/go-pdf/fpdf (pure Go, no cgo,
// no external program).
//
// It is a module of its own, so that hosts that print no PDF download no
// PDF library:
//
//	r, err := complaintdoc.New(complaintdoc.Config{Catalog: desk.ComplaintCatalog()})
//	doc, err := r.Build(complaintdoc.KindComplaint, c, "fr")
//	err = pdf.Write(w, doc, pdf.Config{})
//
// By default the text is set in the PDF core font Helvetica with the
// Windows-1252 encoding, which covers English, French and the other
// Western European languages; a character outside it (such as Polish or
// Chinese letters) prints as a dot. A host printing other scripts hands in
// a TrueType font (Config.Font), which is embedded, subset, in each file.
package pdf

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/ticketkit/ticketkit/complaintdoc"
)

// PageSizeDefault is the page size of Config.PageSize when none is given.
const PageSizeDefault = "A4"

// Config configures [Write]. The zero value prints on A4 pages in
// Helvetica.
type Config struct {
	// PageSize is "A4", "A5", "Letter" or "Legal". Default:
	// [PageSizeDefault].
	PageSize string
	// Font, when set, is the text font instead of Helvetica.
	Font *Font
}

// Font is a TrueType font for text beyond Windows-1252, such as the Go
// fonts (golang.org/x/image/font/gofont) or DejaVu Sans.
type Font struct {
	// Regular is the font file (.ttf) of the body text.
	Regular []byte
	// Bold is the font file of captions and titles; nil means Regular.
	Bold []byte
}

// check reports a font file that is not a TrueType font, before fpdf
// would print its complaint to standard output and leave the font out.
func (ft *Font) check() error {
	for _, b := range [][]byte{ft.Regular, ft.Bold} {
		if b == nil && len(ft.Regular) > 0 {
			continue // Bold defaults to Regular
		}
		if _, err := sfnt.Parse(b); err != nil {
			return fmt.Errorf("complaintdoc/pdf: font: %w", err)
		}
	}
	return nil
}

// fontFamily is the name an embedded Config.Font is registered under.
const fontFamily = "text"

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.PageSize = cmp.Or(c.PageSize, PageSizeDefault)
	return c
}

// Layout of the page, in millimetres and points.
const (
	helvetica  = "Helvetica"
	lineHeight = 5.0  // mm per line of body text
	labelWidth = 55.0 // mm of the caption column of fields
	bodySize   = 10.0 // pt
	titleSize  = 16.0 // pt
	headSize   = 12.0 // pt
	footSize   = 8.0  // pt
)

// Write writes doc to w as a PDF document: the title, then each section
// with its caption, text, fields and table, and page numbers in the
// footer. The file's dates are doc.Date, so that one document prints the
// same bytes twice.
func Write(w io.Writer, doc *complaintdoc.Document, cfg Config) error {
	if doc == nil {
		return errors.New("complaintdoc/pdf: nil document")
	}
	cfg = cfg.WithDefaults()
	p := &printer{f: fpdf.New("P", "mm", cfg.PageSize, ""), font: helvetica}
	f := p.f
	p.tr = f.UnicodeTranslatorFromDescriptor("")
	if ft := cfg.Font; ft != nil {
		if err := ft.check(); err != nil {
			return err
		}
		f.AddUTF8FontFromBytes(fontFamily, "", ft.Regular)
		bold := ft.Bold
		if bold == nil {
			bold = ft.Regular
		}
		f.AddUTF8FontFromBytes(fontFamily, "B", bold)
		p.font, p.tr = fontFamily, func(s string) string { return s }
	}
	f.SetCompression(true)
	f.SetCatalogSort(true)
	if !doc.Date.IsZero() {
		f.SetCreationDate(doc.Date)
		f.SetModificationDate(doc.Date)
	}
	f.SetTitle(doc.Title, true)
	f.SetAutoPageBreak(true, 15)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(p.font, "", footSize)
		f.CellFormat(0, lineHeight, p.tr(fmt.Sprintf("%s - %s %d/{nb}", doc.Title, doc.Label("page"), f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.SetFont(p.font, "", bodySize)
	f.AddPage()
	if err := f.Error(); err != nil { // such as an unknown page size or a bad font
		return fmt.Errorf("complaintdoc/pdf: %w", err)
	}
	f.SetFont(p.font, "B", titleSize)
	f.MultiCell(0, 8, p.tr(doc.Title), "", "L", false)
	for _, s := range doc.Sections {
		p.section(s)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("complaintdoc/pdf: %w", err)
	}
	return nil
}

// printer writes one document.
type printer struct {
	f    *fpdf.Fpdf
	font string              // the font family
	tr   func(string) string // UTF-8 to the font's encoding
}

// width returns the width between the margins.
func (p *printer) width() float64 {
	pw, _ := p.f.GetPageSize()
	l, _, r, _ := p.f.GetMargins()
	return pw - l - r
}

// room starts a new page unless h millimetres fit on this one.
func (p *printer) room(h float64) {
	_, ph := p.f.GetPageSize()
	_, _, _, bottom := p.f.GetMargins()
	if p.f.GetY()+h > ph-bottom {
		p.f.AddPage()
	}
}

// split returns text cut into lines that fit w in the current font.
func (p *printer) split(text string, w float64) []string {
	if text == "" {
		return []string{""}
	}
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		lines = append(lines, p.f.SplitText(para, w)...)
	}
	return lines
}

// lines writes lines in a box of width w at x, y.
func (p *printer) lines(x, y, w float64, lines []string) {
	for i, l := range lines {
		p.f.SetXY(x, y+float64(i)*lineHeight)
		p.f.CellFormat(w, lineHeight, p.tr(l), "", 0, "L", false, 0, "")
	}
}

// section writes s.
func (p *printer) section(s complaintdoc.Section) {
	f := p.f
	l, _, _, _ := f.GetMargins()
	width := p.width()
	if s.Title != "" {
		p.room(4 * lineHeight)
		f.Ln(3)
		f.SetFont(p.font, "B", headSize)
		f.CellFormat(width, 7, p.tr(s.Title), "B", 1, "L", false, 0, "")
		f.Ln(1)
	}
	if s.Text != "" {
		f.SetFont(p.font, "", bodySize)
		f.MultiCell(width, lineHeight, p.tr(s.Text), "", "L", false)
	}
	for _, fl := range s.Fields {
		f.SetFont(p.font, "B", bodySize)
		label := p.split(fl.Label, labelWidth)
		f.SetFont(p.font, "", bodySize)
		value := p.split(fl.Value, width-labelWidth)
		h := float64(max(len(label), len(value))) * lineHeight
		p.room(h)
		y := f.GetY()
		f.SetFont(p.font, "B", bodySize)
		p.lines(l, y, labelWidth, label)
		f.SetFont(p.font, "", bodySize)
		p.lines(l+labelWidth, y, width-labelWidth, value)
		f.SetXY(l, y+h)
	}
	if s.Table != nil {
		p.table(s.Table, l, width)
	}
}

// table writes t at x over width, one row at a time, each row as high as
// its tallest cell.
func (p *printer) table(t *complaintdoc.Table, x, width float64) {
	if len(t.Columns) == 0 {
		return
	}
	cw := width / float64(len(t.Columns))
	row := func(cells []string, style string) {
		p.f.SetFont(p.font, style, bodySize)
		split := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			split[i] = p.split(c, cw)
			n = max(n, len(split[i]))
		}
		h := float64(n) * lineHeight
		p.room(h)
		y := p.f.GetY()
		for i, lines := range split {
			p.f.Rect(x+float64(i)*cw, y, cw, h, "D")
			p.lines(x+float64(i)*cw, y, cw, lines)
		}
		p.f.SetXY(x, y+h)
	}
	row(t.Columns, "B")
	for _, r := range t.Rows {
		row(r, "")
	}
}
