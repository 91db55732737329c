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

// decidedAndReversed returns sample with a decision on each line and
// the posting reversed, with internal notes and names a customer must
// never see.
func decidedAndReversed() *ticket.Complaint {
	c := sample()
	at := c.Details.PostedAt
	d := &c.Details
	d.Lines[0].No = 1
	d.Lines[0].Note = "INTERNAL-LINE-NOTE"
	d.Lines[0].Return = &ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"}
	d.Lines[0].Decision = &ticket.LineDecision{Justified: true, By: "qa-lea", At: at, Feedback: "Seals replaced at our cost.",
		Remedies: []ticket.LineRemedy{
			{Kind: ticket.RemedyCreditNote, Percent: decimal.NewFromInt(40), Notes: "INTERNAL-REMEDY-LINE-NOTE"},
			{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(3)},
		}}
	d.Lines = append(d.Lines, ticket.ComplaintLine{No: 3, Product: "CUP-06", Quantity: decimal.NewFromInt(4), Unit: "sets",
		Decision: &ticket.LineDecision{Justified: false, By: "qa-lea", At: at, Feedback: "The cups arrived intact."}})
	d.Reversal = &ticket.ComplaintReversal{By: "boss-1", Role: ticket.RoleSupervisor, At: at.Add(2 * time.Hour),
		Reason: "INTERNAL-REVERSAL-REASON", Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-0001"}, IdempotencyKey: "k"}
	return c
}

func TestBuild_LineDecisionsAndReversal(t *testing.T) {
	t.Parallel()
	r, err := complaintdoc.New(complaintdoc.Config{})
	require.NoError(t, err)
	c := decidedAndReversed()

	doc, html := render(t, r, complaintdoc.KindComplaint, c, "en")
	require.Equal(t, []string{"No.", "Product", "Serial", "Batch", "Quantity"}, doc.Section("lines").Table.Columns)
	require.Equal(t, []string{"3", "CUP-06", "", "", "4 sets"}, doc.Section("lines").Table.Rows[1], "by the line's number")
	ld := doc.Section("line_decisions")
	require.NotNil(t, ld)
	require.Equal(t, "Decisions per line", ld.Title)
	require.Equal(t, [][]string{
		{"1 KET-200", "Yes", "Credit note 40 %\nReplacement 3 pcs", "Seals replaced at our cost.", "Return RMA-7", "qa-lea", "2026-11-05",
			"INTERNAL-LINE-NOTE\nCredit note: INTERNAL-REMEDY-LINE-NOTE"},
		{"3 CUP-06", "No", "", "The cups arrived intact.", "", "qa-lea", "2026-11-05", ""},
	}, ld.Table.Rows)
	require.Equal(t, "2026-11-05 11:00", doc.Field("reversed_at"))
	require.Equal(t, "boss-1 (Supervisor)", doc.Field("reversed_by"))
	require.Equal(t, "debit_note DN-0001", doc.Field("reversal_document"), "a host's own document kind prints as it is")
	require.Equal(t, "INTERNAL-REVERSAL-REASON", doc.Field("reversal_reason"))
	for _, want := range []string{"Reversal", "Reversing entry", "Reason for the reversal", "Decisions per line"} {
		require.Contains(t, html, want)
	}

	fr, html := render(t, r, complaintdoc.KindComplaint, c, "fr")
	require.Equal(t, "Décisions par ligne", fr.Section("line_decisions").Title)
	require.Equal(t, "Avoir 40 %\nRemplacement 3 pcs", fr.Section("line_decisions").Table.Rows[0][2])
	require.Equal(t, "boss-1 (Superviseur)", fr.Field("reversed_by"))
	for _, want := range []string{"Extourne", "Extournée le", "Pièce d&#39;extourne", "Motif de l&#39;extourne", "Ligne", "N°", "Retour"} {
		require.Contains(t, html, want)
	}

	d8, _ := render(t, r, complaintdoc.KindReport8D, c, "en")
	require.NotNil(t, d8.Section("line_decisions"), "the 8D's closure lists the decisions per line")
	require.Nil(t, d8.Section("reversal"), "the reversal is accounting, not quality")

	for _, locale := range []string{"en", "fr"} {
		ack, html := render(t, r, complaintdoc.KindAcknowledgement, c, locale)
		rows := ack.Section("line_decisions").Table.Rows
		require.Len(t, rows, 2)
		require.Len(t, rows[0], 4, "line, justified, remedies, feedback: nothing internal")
		require.Contains(t, html, "Seals replaced at our cost.")
		require.Contains(t, html, "The cups arrived intact.")
		require.Contains(t, html, "DN-0001")
		require.NotEmpty(t, ack.Field("reversed_at"))
		for _, internal := range []string{"INTERNAL-LINE-NOTE", "INTERNAL-REMEDY-LINE-NOTE", "INTERNAL-REVERSAL-REASON", "qa-lea", "boss-1", "RMA-7"} {
			require.NotContains(t, html, internal, locale)
		}
	}
	ack, _ := render(t, r, complaintdoc.KindAcknowledgement, c, "fr")
	require.Equal(t, "Fondée", ack.Section("line_decisions").Table.Columns[1])
	require.Equal(t, "Oui", ack.Section("line_decisions").Table.Rows[0][1])

	c = sample() // nothing decided per line, nothing reversed: no sections
	for _, kind := range complaintdoc.Kinds() {
		doc, _ := render(t, r, kind, c, "en")
		require.Nil(t, doc.Section("line_decisions"), kind)
		require.Nil(t, doc.Section("reversal"), kind)
	}
}
