package ticket_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/ticket"
)

// An ERP team creates a complaint from an invoice the host resolves,
// sets its category (which adds template actions), validates it and
// records a justified decision with a credit note.
func ExampleValidateComplaint() {
	catalog := ticket.ComplaintCatalog()
	invoices := ticket.SourceResolverFunc(func(_ context.Context, ref ticket.Reference) (ticket.SourceDocument, error) {
		return ticket.SourceDocument{
			Ref:      ref,
			Customer: ticket.Customer{ID: "C-42", Name: "Roe Retail"},
			Contacts: []ticket.Contact{{Name: "Jane Roe", Role: "buyer"}},
			Company:  "ACME-FR", Contract: "K-9", Currency: "EUR", Salesperson: "u-sam",
			Lines: []ticket.ComplaintLine{{Product: "KET-1", Batch: "B-17", Quantity: decimal.NewFromInt(12)}},
		}, nil
	})
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	n := 0
	newID := func() string { n++; return fmt.Sprintf("a-%d", n) }

	c := &ticket.Complaint{Ticket: ticket.Ticket{
		Subject: "Cracked kettles", Status: catalog.InitialStatus().Code,
		Priority: catalog.DefaultPriority().Code, Reason: "CR02", CreatedAt: now,
	}}
	c.Details.IssuedAt = now.Add(-24 * time.Hour)
	c.Details.RemedySought = ticket.RemedyCreditNote
	doc, _ := invoices.ResolveSource(context.Background(), ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-7"})
	_ = c.ApplySource(doc)
	defect, _ := catalog.Category(ticket.CategoryDefect)
	_, _ = c.SetCategory(defect, now, newID, nil)

	c.Details.Accounting.SalesAdjustment = true
	c.Details.Accounting.Amount = decimal.RequireFromString("-480")
	err := ticket.ValidateComplaint(c, catalog)
	var ve *ticket.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println("invalid:", f.Field, f.Message)
		}
	}
	c.Details.Accounting.Amount = decimal.RequireFromString("480.00")
	fmt.Println("valid:", ticket.ValidateComplaint(c, catalog) == nil)

	_, _ = c.Decide(ticket.ComplaintDecision{
		Justified: true, By: "u-ann", At: now.Add(48 * time.Hour), CreditRequired: true,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("480"), Currency: "EUR"},
	}, newID)
	for _, a := range c.Actions {
		fmt.Printf("action %s: %s (owner %q)\n", a.ID, a.Title, a.Owner)
	}
	// Output:
	// invalid: complaint.accounting.amount must not be negative
	// valid: true
	// action a-1: Inspect the returned goods (owner "")
	// action a-2: Check the batch for further defects (owner "")
	// action a-3: Issue a credit note over 480.00 EUR (owner "u-sam")
}

// Reports are pure functions over the complaints a store returns.
func ExampleClaimedAmounts() {
	mk := func(reason, batch, amount, cur string, justified bool) *ticket.Complaint {
		c := &ticket.Complaint{Ticket: ticket.Ticket{Reason: reason}}
		c.Details.Lines = []ticket.ComplaintLine{{Product: "KET-1", Batch: batch}}
		c.Details.Accounting.Amount = decimal.RequireFromString(amount)
		c.Details.Accounting.Currency = cur
		c.Details.Decision = &ticket.ComplaintDecision{Justified: justified}
		return c
	}
	cs := []*ticket.Complaint{
		mk("CR02", "B-17", "100.10", "EUR", true),
		mk("CR02", "B-17", "0.20", "EUR", true),
		mk("CR01", "B-18", "5000", "JPY", false),
	}
	for _, r := range ticket.ComplaintsByReason(cs) {
		fmt.Printf("reason %s: %d\n", r.Key, r.Count)
	}
	for _, r := range ticket.ComplaintsBySeries(cs) {
		fmt.Printf("%s %s %s: %d\n", r.Product, r.Kind, r.Series, r.Count)
	}
	fmt.Printf("justified: %.0f%%\n", ticket.ComplaintsJustified(cs).Percent())
	for _, t := range ticket.ClaimedAmounts(cs) {
		digits, _ := ticket.CurrencyDigits(t.Currency)
		fmt.Printf("claimed %s %s in %d complaints\n", t.Total.StringFixed(int32(digits)), t.Currency, t.Count)
	}
	// Output:
	// reason CR02: 2
	// reason CR01: 1
	// KET-1 batch B-17: 2
	// KET-1 batch B-18: 1
	// justified: 67%
	// claimed 100.30 EUR in 2 complaints
	// claimed 5000 JPY in 1 complaints
}
