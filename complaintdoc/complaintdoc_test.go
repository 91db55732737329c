package complaintdoc_test

import (
	"bytes"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/ticket"
)

// frenchCatalog is the complaint catalog with French labels, as a host
// configures it.
func frenchCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.ComplaintCatalogSpec()
	for i, s := range spec.Statuses {
		if s.Code == ticket.StatusPosted {
			spec.Statuses[i].Label.Translations = map[string]string{"fr": "Comptabilisée"}
		}
	}
	for i, r := range spec.Reasons {
		if r.Code == "CR02" {
			spec.Reasons[i].Label.Translations = map[string]string{"fr": "Produit défectueux"}
		}
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// sample returns a posted complaint with every section filled, and
// internal data an acknowledgement must leave out.
func sample() *ticket.Complaint {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := &ticket.Complaint{}
	c.Number, c.Subject, c.Status, c.Reason = "CC-BU1-2026-0001", "Kettles leak", ticket.StatusPosted, "CR02"
	c.Priority, c.Category = ticket.PriorityHigh, ticket.CategoryDefect
	c.Description = "Twelve kettles leak\nat the spout."
	c.Customer = ticket.Customer{ID: "CUST-7", Name: "Bistro Lumière", Email: "achats@bistro.example"}
	c.Contacts = []ticket.Contact{{Name: "Claire Dupont", Role: "buyer"}}
	c.CreatedAt, c.UpdatedAt = at, at.Add(72*time.Hour)
	c.Actions = []ticket.Action{{ID: "a1", Title: "Inspect the returned goods", Owner: "qa-lea", DueAt: at.Add(48 * time.Hour), Done: true, DoneAt: at.Add(24 * time.Hour), Result: "seal defect"}}
	d := &c.Details
	d.IssuedAt, d.RemedySought, d.Severity = at.Add(-24*time.Hour), ticket.RemedyCreditNote, ticket.SeverityHigh
	d.Source = &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-2026-0042"}
	d.Lines = []ticket.ComplaintLine{{Product: "KET-200", Description: "Kettle 2 l", Batch: "B-2611", Quantity: decimal.NewFromInt(12), Unit: "pcs"}}
	d.Accounting = ticket.Accounting{SalesAdjustment: true, Company: "ACME-FR", Counterparty: "CUST-7", Contract: "CT-2026-3",
		Amount: decimal.RequireFromString("1234.5678"), Currency: "EUR"}
	d.Responsibility = ticket.Responsibility{BusinessUnit: "BU1", Employee: "clerk-1", Salesperson: "sales-ana"}
	d.Reviews = []ticket.Review{{By: "boss-1", Role: ticket.RoleSupervisor, At: at.Add(48 * time.Hour), Outcome: ticket.ReviewApproved, Notes: "ok to post"}}
	d.ReviewResults = []ticket.ReviewResult{{ID: "r1", By: "qa-lea", At: at.Add(24 * time.Hour), Text: "Seal worn", Findings: []string{"seal supplier changed in batch B-2611"}}}
	d.Decision = &ticket.ComplaintDecision{Justified: true, Notes: "goodwill for a key account", By: "boss-1", At: at.Add(48 * time.Hour),
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("240.50"), Currency: "EUR",
			Feedback: "We credit the leaking kettles.", Notes: "INTERNAL-REMEDY-NOTE",
			Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-0001"}}}
	d.Comments = []ticket.Comment{{Author: "clerk-1", At: at, Text: "customer called twice"}}
	d.Posted, d.PostedAt, d.EndDate = true, at.Add(72*time.Hour), at.Add(60*time.Hour)
	return c
}

func render(t *testing.T, r *complaintdoc.Renderer, kind complaintdoc.Kind, c *ticket.Complaint, locale string) (*complaintdoc.Document, string) {
	t.Helper()
	doc, err := r.Build(kind, c, locale)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, r.HTML(&buf, doc))
	return doc, buf.String()
}

func TestBuild_LabelsAndValues(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{Catalog: frenchCatalog(t)})
	require.NoError(t, err)

	en, html := render(t, r, complaintdoc.KindComplaint, sample(), "")
	require.Equal(t, "Complaint CC-BU1-2026-0001", en.Title)
	require.Equal(t, "Bistro Lumière", en.Field("customer"))
	require.Equal(t, "1234.5678 EUR", en.Field("amount"), "the claimed amount, exactly")
	require.Equal(t, "Posted", en.Field("status"))
	require.Equal(t, "Product", en.Field("reason"))
	require.Equal(t, "Invoice INV-2026-0042", en.Field("source"))
	for _, want := range []string{"Customer", "Amount", "Decision", "Justified", "Yes", "Credit note", "240.50 EUR",
		"Credit note CN-0001", "INTERNAL-REMEDY-NOTE", "Action plan", "Inspect the returned goods", "12 pcs", "Approved"} {
		require.Contains(t, html, want)
	}

	fr, html := render(t, r, complaintdoc.KindComplaint, sample(), "fr-CA")
	require.Equal(t, "Réclamation CC-BU1-2026-0001", fr.Title)
	require.Equal(t, "Comptabilisée", fr.Field("status"), "the catalog's French label")
	require.Equal(t, "Produit défectueux", fr.Field("reason"))
	require.Equal(t, "Facture INV-2026-0042", fr.Field("source"))
	for _, want := range []string{`lang="fr-CA"`, "Client", "Montant", "Décision", "Fondée", "Oui", "Avoir", "Plan d&#39;actions"} {
		require.Contains(t, html, want)
	}
}

func TestBuild_AcknowledgementLeavesInternalDataOut(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, html := render(t, r, complaintdoc.KindAcknowledgement, sample(), "en")
	require.Equal(t, "CC-BU1-2026-0001", doc.Field("number"))
	require.Contains(t, html, "We have received your complaint")
	require.Contains(t, html, "KET-200 Kettle 2 l")
	for _, internal := range []string{"INTERNAL-REMEDY-NOTE", "goodwill", "1234.5678", "clerk-1", "sales-ana", "boss-1",
		"qa-lea", "seal supplier", "customer called twice", "ACME-FR", "CT-2026-3", "Severity", "High", "Claire Dupont"} {
		require.NotContains(t, html, internal)
	}
}

func TestBuild_Report8D(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	doc, _ := render(t, r, complaintdoc.KindReport8D, sample(), "en")
	var keys []string
	for _, s := range doc.Sections {
		keys = append(keys, s.Key)
	}
	require.Equal(t, []string{"general", "d1", "d2", "lines", "d4", "d3_d7", "d8", "reviews"}, keys)
	require.Equal(t, [][]string{{"qa-lea", "2026-11-03", "Seal worn", "seal supplier changed in batch B-2611"}}, doc.Section("d4").Table.Rows)
	require.Equal(t, "Yes", doc.Field("justified"))

	c := sample()
	c.Details.Decision, c.Details.ReviewResults = nil, nil
	doc, _ = render(t, r, complaintdoc.KindReport8D, c, "en")
	require.Nil(t, doc.Section("d8"), "no decision, no D8")
	require.Nil(t, doc.Section("d4"))
}

func TestHTML_EscapesHostileText(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	c := sample()
	c.Subject = `<script>alert("x")</script>`
	c.Customer.Name = `"><img src=x onerror=alert(1)>`
	c.Details.Lines[0].Product = "<b>KET</b>"
	for _, kind := range complaintdoc.Kinds() {
		_, html := render(t, r, kind, c, "en")
		require.NotContains(t, html, "<script>", kind)
		require.NotContains(t, html, "<img", kind)
		require.NotContains(t, html, "<b>KET", kind)
		require.Contains(t, html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", kind)
	}
}

func TestNew_HostTemplates(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		complaintdoc.LayoutFile:     {Data: []byte(`{{define "header"}}<header class="acme"><h1>ACME — {{.Title}}</h1></header>{{end}}`)},
		"acknowledgement.html.tmpl": {Data: []byte(`<p>{{.Label "number"}}: {{.Field "number"}} / {{.Field "subject"}}</p>`)},
	}
	r, err := complaintdoc.New(complaintdoc.Config{Templates: fsys, Labels: map[string]ticket.Label{"number": {Text: "Ref."}}})
	require.NoError(t, err)
	c := sample()
	c.Subject = "<i>x</i>"
	_, html := render(t, r, complaintdoc.KindComplaint, c, "en")
	require.Contains(t, html, `<header class="acme"><h1>ACME — Complaint CC-BU1-2026-0001</h1>`, "the host's layout block")
	require.Contains(t, html, "Ref.", "the host's caption")
	_, html = render(t, r, complaintdoc.KindAcknowledgement, c, "en")
	require.Equal(t, "<p>Ref.: CC-BU1-2026-0001 / &lt;i&gt;x&lt;/i&gt;</p>", html)

	_, err = complaintdoc.New(complaintdoc.Config{Templates: fstest.MapFS{"report_8d.html.tmpl": {Data: []byte("{{.Oops")}}})
	require.ErrorContains(t, err, "report_8d.html.tmpl")
}

func TestBuild_UnknownKind(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	_, err = r.Build("invoice", sample(), "en")
	require.ErrorIs(t, err, complaintdoc.ErrUnknownKind)
}

func TestAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"1234.5": "1234.50 EUR", "100": "100.00 EUR", "0.125": "0.125 EUR", "-240.5000": "-240.50 EUR", "1234.5678": "1234.5678 EUR",
	} {
		require.Equal(t, want, complaintdoc.Amount(decimal.RequireFromString(in), "EUR"), in)
	}
	require.Equal(t, "7.00", complaintdoc.Amount(decimal.NewFromInt(7), ""))
}
