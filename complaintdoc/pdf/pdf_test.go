package pdf_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	pdfread "github.com/ledongthuc/pdf"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

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
	plain, err := rd.GetPlainText()
	require.NoError(t, err)
	out, err := io.ReadAll(plain)
	require.NoError(t, err)
	return string(out), rd.NumPage()
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
