// Command erp-complaint walks an ERP team through a complaint document on
// an embedded SQLite database: a complaint opened from an invoice through
// a host source resolver, lines added and corrected by their numbers
// at the follow-up, an action plan, a justified decision with a
// credit note, a decision per line with partial remedies (a credit of
// 40 % and 3 kettles replaced; the cups' line rejected), internal costs
// and their totals, fulfilment, posting (the host's remedy handler issues
// the credit note, line remedies included, inside the posting's
// transaction), a refused edit of the posted document and the posting's
// reversal through the host's reversal handler (a debit note), its
// history, a small report and the complaint journal.
// Complaints are numbered per business unit (CC-BU1-2026-0001); the
// reason code is chosen at the follow-up, and the review's findings are
// recorded apart from the supervisor's approval. Last, the posted
// complaint and its 8D report are printed as PDF, and the customer's
// acknowledgement as HTML in French, beside the database file.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/complaintdoc/pdf"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

var (
	clerk = ticketkit.Actor{ID: "clerk-1", Role: ticket.RoleAgent, TenantID: "acme"}
	boss  = ticketkit.Actor{ID: "boss-1", Role: ticket.RoleSupervisor, TenantID: "acme"}
)

func main() {
	path := flag.String("db", bunopen.Memory, `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// invoices is the host's ERP: it resolves invoices into source documents.
var invoices = ticket.SourceResolverFunc(func(_ context.Context, ref ticket.Reference) (ticket.SourceDocument, error) {
	if ref.Kind != ticket.RefInvoice || ref.ID != "INV-2026-0042" {
		return ticket.SourceDocument{}, fmt.Errorf("%s %s: %w", ref.Kind, ref.ID, ticket.ErrSourceNotFound)
	}
	return ticket.SourceDocument{
		Ref:      ref,
		Customer: ticket.Customer{ID: "CUST-7", Name: "Bistro Lumière", Email: "achats@bistro.example"},
		Contacts: []ticket.Contact{{Name: "Claire Dupont", Role: "buyer"}},
		Company:  "ACME-FR", Contract: "CT-2026-3", Currency: "EUR", Salesperson: "sales-ana",
		Lines: []ticket.ComplaintLine{
			{Product: "KET-200", Description: "Kettle 2 l", Batch: "B-2611", Quantity: decimal.NewFromInt(12), Unit: "pcs"},
			{Product: "CUP-06", Description: "Tea cups, set of 6", Quantity: decimal.NewFromInt(4), Unit: "sets"},
		},
	}, nil
})

func run(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	clk := clock.NewFake(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	mailbox := notifytest.NewMailbox(&notify.Resolver{Catalog: ticket.ComplaintCatalog()}, nil, nil)
	mailbox.OnMail = func(m notifytest.Mail) { fmt.Fprintf(w, "   mail to %s: %s\n", m.To.Address, m.Subject) }
	remedies := ticket.RemedyHandlerFunc(func(_ context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
		r := req.Remedy
		fmt.Fprintf(w, "   ERP: credit note CN-%s for %s over %s %s (contract %s)\n",
			req.Complaint.Number, req.Complaint.Customer.Name, r.Amount.StringFixed(2), r.Currency, req.Complaint.Details.Accounting.Contract)
		for _, l := range req.LineRemedies {
			fmt.Fprintf(w, "   ERP: line %d %s batch %s: %s\n", l.Line, l.Product, l.Batch, lineRemedy(l.Remedy, l.Unit))
		}
		// A real ERP call passes req.IdempotencyKey on, so that a retried
		// posting finds this credit note instead of issuing another.
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-" + req.Complaint.Number, Label: "credit note"}}, nil
	})
	// The ERP cancels a posted credit note with a debit note.
	reversals := ticket.ReversalHandlerFunc(func(_ context.Context, req ticket.ReversalRequest) (ticket.RemedyResult, error) {
		fmt.Fprintf(w, "   ERP: debit note DN-%s cancels %s %s: %s\n", req.Complaint.Number, req.Original.Kind, req.Original.ID, req.Reason)
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: "debit_note", ID: "DN-" + req.Complaint.Number, Label: "debit note"}}, nil
	})
	series, err := ticket.NewSeriesNumberer(ticket.SeriesFormat{Prefix: "CC", By: ticket.SeriesByBusinessUnit})
	if err != nil {
		return err
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, Notifier: mailbox, Complaints: &ticketkit.ComplaintConfig{
		Rules: workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true}, Sources: invoices, Remedies: remedies,
		Reversals: reversals, Numbering: series,
	}})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "1. A complaint from invoice INV-2026-0042, logged without a reason code")
	c, err := desk.ComplaintOpen(ctx, clerk, ticketkit.ComplaintOpenParams{
		Subject: "Kettles leak after a week", Category: ticket.CategoryDefect, Channel: ticket.ChannelPhone,
		RemedySought: ticket.RemedyCreditNote, Severity: ticket.SeverityHigh,
		Source:         &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-2026-0042"},
		Accounting:     ticket.Accounting{SalesAdjustment: true, Amount: decimal.RequireFromString("540.00")},
		Responsibility: ticket.Responsibility{BusinessUnit: "BU1", Employee: "clerk-1"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s, customer %s, contract %s, %d action(s) from the category, assignee %s\n",
		c.Number, c.Status, c.Customer.Name, c.Details.Accounting.Contract, len(c.Actions), c.Assignee)
	other, err := desk.ComplaintOpen(ctx, clerk, ticketkit.ComplaintOpenParams{
		Subject: "One kettle lid missing", Reason: "CR01", Category: ticket.CategoryDefect, RemedySought: ticket.RemedyReplacement,
		Source:         &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-2026-0042"},
		Responsibility: ticket.Responsibility{BusinessUnit: "BU2", Employee: "clerk-2"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s in business unit %s\n", other.Number, other.Status, other.Details.Responsibility.BusinessUnit)
	fmt.Fprintln(w, "   at the follow-up call: a line added, a quantity corrected")
	if c, err = correctLines(ctx, w, desk, c); err != nil {
		return err
	}

	fmt.Fprintln(w, "2. Plan and decide: justified, credit note, credit required")
	if c, err = desk.ComplaintTransition(ctx, clerk, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned}); err != nil {
		return err
	}
	if c, err = desk.ComplaintPlan(ctx, clerk, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Add: []ticketkit.ActionInput{
		{Title: "Collect the kettles", Owner: "logistics", DueAt: clk.Now().Add(72 * time.Hour)},
	}}); err != nil {
		return err
	}
	clk.Advance(24 * time.Hour)
	if c, err = desk.ComplaintDecide(ctx, clerk, ticketkit.ComplaintDecideParams{
		ComplaintID: c.ID, Justified: true, Notes: "Seal defect in batch B-2611", CreditRequired: true,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("540.00"), Currency: "EUR"},
	}); err != nil {
		return err
	}
	for _, a := range c.Actions {
		fmt.Fprintf(w, "   action %q owner %s\n", a.Title, a.Owner)
	}
	if c, err = decideLines(ctx, w, desk, c); err != nil {
		return err
	}
	refuseDecidedChange(ctx, w, desk, c)
	if err = addCosts(ctx, w, desk, c); err != nil {
		return err
	}
	if c, err = desk.ComplaintGet(ctx, clerk, c.ID); err != nil {
		return err
	}

	fmt.Fprintln(w, "3. Fulfil: refused while actions are open and without a reason code, then done")
	_, err = desk.ComplaintTransition(ctx, clerk, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: clk.Now()})
	fmt.Fprintf(w, "   refused: %v\n", err)
	var done []ticketkit.ActionChange
	for _, a := range c.Actions {
		done = append(done, ticketkit.ActionChange{ID: a.ID, Done: new(true), Result: new("done")})
	}
	if c, err = desk.ComplaintPlan(ctx, clerk, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: done}); err != nil {
		return err
	}
	_, err = desk.ComplaintTransition(ctx, clerk, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: clk.Now()})
	fmt.Fprintf(w, "   refused: %v\n", err)
	if c, err = desk.ComplaintUpdate(ctx, clerk, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Reason: new("CR02")}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   reason code %s chosen at the follow-up\n", c.Reason)
	if c, err = desk.ComplaintTransition(ctx, clerk, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: clk.Now()}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s\n", c.Number, c.Status)

	fmt.Fprintln(w, "4. Post after the review's findings and the supervisor's approval")
	if c, err = desk.ComplaintReviewResultAdd(ctx, boss, ticketkit.ComplaintReviewResultParams{
		ComplaintID: c.ID, Text: "Returned kettles examined", Findings: []string{"seal cracked", "batch B-2611 only"},
	}); err != nil {
		return err
	}
	r := c.Details.ReviewResults[0]
	fmt.Fprintf(w, "   review result by %s: %q, findings %q\n", r.By, r.Text, r.Findings)
	if _, err = desk.ComplaintReview(ctx, boss, ticketkit.ComplaintReviewParams{ComplaintID: c.ID, Outcome: ticket.ReviewApproved}); err != nil {
		return err
	}
	if c, err = desk.ComplaintPost(ctx, clerk, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: "credit note issued"}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s, remedy document %s\n", c.Number, c.Status, c.Details.Decision.Remedy.Document.ID)

	fmt.Fprintln(w, "5. Edit the posted document, then reverse it")
	_, err = desk.ComplaintUpdate(ctx, clerk, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Subject: new("changed")})
	fmt.Fprintf(w, "   refused: %v (posted: %t)\n", err, errors.Is(err, ticketkit.ErrPosted))
	fmt.Fprintln(w, "   the posting is reversed instead:")
	clk.Advance(time.Hour)
	if c, err = desk.ComplaintReverse(ctx, boss, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "credit note sent to the wrong company"}); err != nil {
		return err
	}
	rv := c.Details.Reversal
	fmt.Fprintf(w, "   %s still %s, reversed by %s with %s %s: %q\n", c.Number, c.Status, rv.By, rv.Document.Kind, rv.Document.ID, rv.Reason)
	_, err = desk.ComplaintReverse(ctx, boss, ticketkit.ComplaintReverseParams{ComplaintID: c.ID, Reason: "again"})
	fmt.Fprintf(w, "   reversing again is refused (reversed: %t)\n", errors.Is(err, ticketkit.ErrReversed))

	fmt.Fprintln(w, "6. The document")
	printComplaint(w, c)
	fmt.Fprintln(w, "   history:")
	hist, err := desk.History(ctx, clerk, c.ID)
	if err != nil {
		return err
	}
	for _, e := range hist {
		fmt.Fprintf(w, "   - %s %-28s %q → %q\n", e.At.Format("01-02 15:04"), e.Field, e.Old, e.New)
	}

	fmt.Fprintln(w, "7. Report")
	rep, err := desk.ComplaintReport(ctx, clerk, ticketkit.ComplaintReportParams{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   complaints %d, justified %d of %d decided\n", rep.Complaints, rep.Justified.Justified, rep.Justified.Decided)
	for _, r := range rep.ByReason {
		fmt.Fprintf(w, "   reason %s: %d\n", r.Key, r.Count)
	}
	for _, r := range rep.BySeries {
		fmt.Fprintf(w, "   series %s %s %s: %d\n", r.Product, r.Kind, r.Series, r.Count)
	}
	for _, r := range rep.Claimed {
		fmt.Fprintf(w, "   claimed %s %s\n", r.Total.StringFixed(2), r.Currency)
	}
	if err := journal(ctx, w, desk); err != nil {
		return err
	}
	return printDocuments(ctx, w, desk, c, printDir(path))
}

// printDir returns where printDocuments writes its files: beside the
// database file, or the working directory for an in-memory database.
func printDir(dbPath string) string {
	if dbPath == bunopen.Memory {
		return "."
	}
	return filepath.Dir(dbPath)
}

// printDocuments prints the posted complaint for the file (PDF, English),
// its 8D report (PDF) and the customer's acknowledgement (HTML, French,
// from the complaint as the customer sees it) into dir.
func printDocuments(ctx context.Context, w io.Writer, desk *ticketkit.Desk, c *ticket.Complaint, dir string) error {
	fmt.Fprintln(w, "9. Print")
	r, err := complaintdoc.New(complaintdoc.Config{Catalog: desk.ComplaintCatalog()})
	if err != nil {
		return err
	}
	customer := ticketkit.Actor{ID: "claire", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "CUST-7"}
	seen, err := desk.ComplaintGet(ctx, customer, c.ID)
	if err != nil {
		return err
	}
	for _, p := range []struct {
		kind   complaintdoc.Kind
		c      *ticket.Complaint
		locale string
		file   string
	}{
		{complaintdoc.KindComplaint, c, "en", c.Number + ".pdf"},
		{complaintdoc.KindReport8D, c, "en", c.Number + "-8d.pdf"},
		{complaintdoc.KindAcknowledgement, seen, "fr", c.Number + "-ack.html"},
	} {
		doc, err := r.Build(p.kind, p.c, p.locale)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if filepath.Ext(p.file) == ".pdf" {
			err = pdf.Write(&buf, doc, pdf.Config{})
		} else {
			err = r.HTML(&buf, doc)
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, p.file), buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "   %s: %s (%s), %d sections\n", p.file, doc.Title, p.locale, len(doc.Sections))
	}
	return nil
}

// journal shows the complaint journal: filtered, newest first, one page
// at a time, and as a customer sees it.
func journal(ctx context.Context, w io.Writer, desk *ticketkit.Desk) error {
	fmt.Fprintln(w, "8. Journal")
	show := func(title string, actor ticketkit.Actor, p ticketkit.ComplaintJournalParams) error {
		for page := 1; ; page++ {
			res, err := desk.ComplaintJournal(ctx, actor, p)
			if err != nil {
				return err
			}
			for _, c := range res.Complaints {
				fmt.Fprintf(w, "   %s page %d: %s %s %q employee %q\n", title, page, c.Number, c.Status, c.Subject, c.Details.Responsibility.Employee)
			}
			if res.Next == "" {
				return nil
			}
			p.After = res.Next
		}
	}
	steps := []struct {
		title string
		actor ticketkit.Actor
		p     ticketkit.ComplaintJournalParams
	}{
		{"from INV-2026-0042", clerk, ticketkit.ComplaintJournalParams{SourceKind: ticket.RefInvoice, SourceID: "INV-2026-0042", Desc: true, Limit: 1}},
		{"open work", clerk, ticketkit.ComplaintJournalParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen}}},
		{"BU1 over 500 EUR", clerk, ticketkit.ComplaintJournalParams{BusinessUnits: []string{"BU1"}, AmountFrom: new(decimal.RequireFromString("500")), Currency: "EUR"}},
		{"the customer's", ticketkit.Actor{ID: "claire", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "CUST-7"}, ticketkit.ComplaintJournalParams{}},
	}
	for _, s := range steps {
		if err := show(s.title, s.actor, s.p); err != nil {
			return err
		}
	}
	return nil
}

// printComplaint prints the main fields of a complaint document.
func printComplaint(w io.Writer, c *ticket.Complaint) {
	d := c.Details
	fmt.Fprintf(w, "   %s %q status %s, reason %s, severity %s\n", c.Number, c.Subject, c.Status, c.Reason, d.Severity)
	fmt.Fprintf(w, "   customer %s [%s], source %s %s, issued %s\n", c.Customer.Name, c.Customer.ID, d.Source.Kind, d.Source.ID, d.IssuedAt.Format(time.DateOnly))
	for _, l := range d.Lines {
		batch := ""
		if l.Batch != "" {
			batch = " batch " + l.Batch
		}
		fmt.Fprintf(w, "   line %s %s%s qty %s %s\n", l.Product, l.Description, batch, l.Quantity, l.Unit)
	}
	a := d.Accounting
	fmt.Fprintf(w, "   accounting: company %s, counterparty %s, contract %s, claimed %s %s\n", a.Company, a.Counterparty, a.Contract, a.Amount.StringFixed(2), a.Currency)
	fmt.Fprintf(w, "   decision: justified %t, remedy %s %s %s, posted %s\n", d.Decision.Justified, d.Decision.Remedy.Kind,
		d.Decision.Remedy.Amount.StringFixed(2), d.Decision.Remedy.Currency, d.PostedAt.Format(time.RFC3339))
}
