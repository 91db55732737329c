package pdf_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	pdfread "github.com/ledongthuc/pdf"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/complaintdoc/pdf"
	"github.com/ticketkit/ticketkit/ticket"
)

// complaint returns a decided complaint with a French customer name and
// an amount with four decimals.
func complaint() *ticket.Complaint {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := &ticket.Complaint{}
	c.Number, c.Subject, c.Status, c.Reason = "CC-BU1-2026-0001", "Bouilloires qui fuient", ticket.StatusFulfilled, "CR02"
	c.Description = "Douze bouilloires fuient au bec."
	c.Customer = ticket.Customer{ID: "CUST-7", Name: "Bistro Lumière"}
	c.CreatedAt, c.UpdatedAt = at, at.Add(time.Hour)
	for i := range 30 { // enough rows for a second page
		c.Actions = append(c.Actions, ticket.Action{ID: "a", Title: "Inspect the returned goods, step " + string(rune('A'+i%26)), Owner: "qa-lea", DueAt: at})
	}
	d := &c.Details
	d.Accounting = ticket.Accounting{SalesAdjustment: true, Company: "ACME-FR", Counterparty: "CUST-7",
		Amount: decimal.RequireFromString("1234.5678"), Currency: "EUR"}
	d.Lines = []ticket.ComplaintLine{{Product: "KET-200", Quantity: decimal.NewFromInt(12), Unit: "pcs"}}
	d.Decision = &ticket.ComplaintDecision{Justified: true, By: "boss-1", At: at,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("240.50"), Currency: "EUR"}}
	return c
}

// text renders c as kind in locale to PDF and reads the text back with a
// PDF reader that knows nothing of how it was written.
func text(t *testing.T, kind complaintdoc.Kind, c *ticket.Complaint, locale string) (string, int) {
	t.Helper()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, err := r.Build(kind, c, locale)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, pdf.Write(&buf, doc, pdf.Config{}))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))

	rd, err := pdfread.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	return readText(t, buf.Bytes()), rd.NumPage()
}

// streamRE matches a PDF stream's data.
var streamRE = regexp.MustCompile(`(?s)\bstream\r?\n(.*?)endstream`)

// contentStreams returns the inflated streams of the PDF file b.
func contentStreams(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range streamRE.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not compressed
		}
		data, _ := io.ReadAll(zr) // a stream's trailing newline is no zlib data
		out.Write(data)
	}
	return out.String()
}

// utf16be returns s in UTF-16BE.
func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// readText returns the text of the PDF file b.
func readText(t *testing.T, b []byte) string {
	t.Helper()
	rd, err := pdfread.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	plain, err := rd.GetPlainText()
	require.NoError(t, err)
	out, err := io.ReadAll(plain)
	require.NoError(t, err)
	return string(out)
}

func TestWrite_ReadBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale string
		want   []string
	}{
		{"en", []string{"Complaint CC-BU1-2026-0001", "Customer", "Amount", "Decision", "Justified", "Yes", "Credit note", "Page 1/2"}},
		{"fr", []string{"Réclamation CC-BU1-2026-0001", "Client", "Montant", "Décision", "Fondée", "Oui", "Avoir", "Page 2/2"}},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			got, pages := text(t, complaintdoc.KindComplaint, complaint(), tc.locale)
			require.Equal(t, 2, pages)
			for _, want := range append(tc.want, "Bistro Lumière", "1234.5678 EUR", "240.50 EUR", "12 pcs") {
				require.Contains(t, got, want)
			}
		})
	}
}

func TestWrite_EveryKind(t *testing.T) {
	t.Parallel()
	for _, kind := range complaintdoc.Kinds() {
		got, _ := text(t, kind, complaint(), "fr")
		require.Contains(t, got, "CC-BU1-2026-0001", kind)
		require.Contains(t, got, "Bistro Lumière", kind)
		if kind == complaintdoc.KindAcknowledgement {
			require.Contains(t, got, "Nous avons bien reçu votre réclamation")
			require.NotContains(t, got, "1234.5678", "the acknowledgement shows no accounting")
		} else {
			require.Contains(t, got, "240.50 EUR", kind)
		}
	}
}

// The core font's Windows-1252 has French letters but not Polish ones,
// which print as dots (see the package documentation).
func TestWrite_CharactersOutsideWindows1252(t *testing.T) {
	t.Parallel()
	c := complaint()
	c.Customer.Name = "Łódź Œuvre"
	got, _ := text(t, complaintdoc.KindAcknowledgement, c, "fr")
	require.Contains(t, got, ".ód. Œuvre")
}

// A host's TrueType font prints what Windows-1252 cannot.
func TestWrite_TrueTypeFont(t *testing.T) {
	t.Parallel()
	c := complaint()
	c.Customer.Name = "Łódź Œuvre Ωmega"
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, err := r.Build(complaintdoc.KindComplaint, c, "fr")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, pdf.Write(&buf, doc, pdf.Config{Font: &pdf.Font{Regular: goregular.TTF, Bold: gobold.TTF}}))
	got := readText(t, buf.Bytes())
	for _, want := range []string{"Réclamation CC-BU1-2026-0001", "1234.5678 EUR", "Fondée", "Page 2/2"} {
		require.Contains(t, got, want)
	}
	// The reader decodes only the low byte of two-byte codes, so the name
	// is looked for in the content streams, where an embedded TrueType
	// font's text is UTF-16BE.
	require.Contains(t, contentStreams(t, buf.Bytes()), string(utf16be("Łódź Œuvre Ωmega")))

	require.Error(t, pdf.Write(io.Discard, doc, pdf.Config{Font: &pdf.Font{Regular: []byte("not a font")}}))
}

func TestWrite_SameBytesTwice(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, err := r.Build(complaintdoc.KindReport8D, complaint(), "en")
	require.NoError(t, err)
	var a, b bytes.Buffer
	require.NoError(t, pdf.Write(&a, doc, pdf.Config{}))
	require.NoError(t, pdf.Write(&b, doc, pdf.Config{PageSize: "A4"}))
	require.Equal(t, a.Bytes(), b.Bytes())
	require.True(t, strings.Contains(a.String(), "D:20261102"), "the complaint's date, not the clock's")
}

func TestWrite_Errors(t *testing.T) {
	t.Parallel()
	require.Error(t, pdf.Write(io.Discard, nil, pdf.Config{}))
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, err := r.Build(complaintdoc.KindComplaint, complaint(), "en")
	require.NoError(t, err)
	require.Error(t, pdf.Write(io.Discard, doc, pdf.Config{PageSize: "B17"}))
}

// decided returns complaint() with a decision on its line and a
// second, rejected line, and the posting reversed, with internal notes
// a customer must never see.
func decided() *ticket.Complaint {
	c := complaint()
	at := c.UpdatedAt
	d := &c.Details
	d.Lines[0].No = 1
	d.Lines[0].Note = "NOTE-INTERNE-LIGNE"
	d.Lines[0].Decision = &ticket.LineDecision{Justified: true, By: "qa-lea", At: at, Feedback: "Joints remplacés.",
		Remedies: []ticket.LineRemedy{
			{Kind: ticket.RemedyCreditNote, Percent: decimal.NewFromInt(40), Notes: "NOTE-INTERNE-SOLUTION"},
			{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(3)},
		}}
	d.Lines = append(d.Lines, ticket.ComplaintLine{No: 3, Product: "CUP-06", Quantity: decimal.NewFromInt(4), Unit: "sets",
		Decision: &ticket.LineDecision{By: "qa-lea", At: at, Feedback: "Tasses intactes."}})
	d.Posted, d.PostedAt = true, at
	d.Reversal = &ticket.ComplaintReversal{By: "boss-1", Role: ticket.RoleSupervisor, At: at.Add(time.Hour),
		Reason: "MOTIF-INTERNE", Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-0001"}}
	return c
}

// TestWrite_LineDecisionsAndReversal prints the decisions per line and
// the reversal in every kind and language they belong to, and reads
// them back from the PDF: whole for staff, without internal data for
// the customer.
func TestWrite_LineDecisionsAndReversal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind        complaintdoc.Kind
		locale      string
		want, never []string
	}{
		{complaintdoc.KindComplaint, "en", []string{"Decisions per line", "1 KET-200", "Credit note 40 %", "Replacement 3 pcs",
			"3 CUP-06", "Joints remplacés.", "NOTE-INTERNE-LIGNE", "NOTE-INTERNE-SOLUTION", "Reversal", "Reversed", "2026-11-02 11:00",
			"Reversing entry", "debit_note DN-0001", "boss-1 (Supervisor)", "Reason for the reversal", "MOTIF-INTERNE"}, nil},
		{complaintdoc.KindComplaint, "fr", []string{"Décisions par ligne", "Avoir 40 %", "Remplacement 3 pcs", "Extourne",
			"Extournée le", "Pièce d'extourne", "Motif de l'extourne", "MOTIF-INTERNE", "boss-1 (Superviseur)"}, nil},
		{complaintdoc.KindReport8D, "fr", []string{"Décisions par ligne", "Avoir 40 %", "NOTE-INTERNE-SOLUTION"}, []string{"Extourne"}},
		{complaintdoc.KindAcknowledgement, "fr", []string{"Décisions par ligne", "1 KET-200", "Avoir 40 %", "Remplacement 3 pcs",
			"Joints remplacés.", "Tasses intactes.", "Extourne", "Extournée le", "DN-0001"},
			[]string{"NOTE-INTERNE", "MOTIF-INTERNE", "qa-lea", "boss-1", "Motif de l'extourne"}},
		{complaintdoc.KindAcknowledgement, "en", []string{"Decisions per line", "Credit note 40 %", "Reversal", "DN-0001"},
			[]string{"NOTE-INTERNE", "MOTIF-INTERNE", "qa-lea", "boss-1"}},
	} {
		t.Run(string(tc.kind)+"_"+tc.locale, func(t *testing.T) {
			t.Parallel()
			// Narrow cells wrap, even inside words: compare without
			// white space.
			got, _ := text(t, tc.kind, decided(), tc.locale)
			got = squeeze(got)
			for _, want := range tc.want {
				require.Contains(t, got, squeeze(want))
			}
			for _, never := range tc.never {
				require.NotContains(t, got, squeeze(never))
			}
		})
	}
}

// squeeze returns s without white space.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
