package ticket_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// validComplaint returns a registered complaint that passes
// ValidateComplaint on ticket.ComplaintCatalog.
func validComplaint() *ticket.Complaint {
	return &ticket.Complaint{
		Ticket: ticket.Ticket{
			ID: "tk-1", Number: "CP-2026-000001", TenantID: "t1",
			Subject:     "Cracked housings in March delivery",
			Description: "12 of 40 kettles arrived with cracked housings.",
			Status:      ticket.StatusRegistered, Priority: ticket.PriorityNormal,
			Category: ticket.CategoryComplaint, Channel: ticket.ChannelEmail,
			Customer:  ticket.Customer{ID: "C-42", Name: "Roe Retail"},
			Contacts:  []ticket.Contact{{Name: "Jane Roe", Email: "jane@roe.example", Role: "buyer"}},
			Reason:    "CR02",
			CreatedAt: t0, UpdatedAt: t0,
		},
		Details: ticket.ComplaintDetails{
			IssuedAt:     t0.Add(-24 * time.Hour),
			RemedySought: ticket.RemedyCreditNote,
			Source:       &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-7"},
			Lines: []ticket.ComplaintLine{
				{Product: "KET-1", Batch: "B-17", Quantity: decimal.RequireFromString("12"), Unit: "pcs"},
			},
			Accounting: ticket.Accounting{
				SalesAdjustment: true, Company: "ACME-FR", Counterparty: "C-42", Contract: "K-9",
				Amount: decimal.RequireFromString("480.00"), Currency: "EUR",
			},
			Responsibility: ticket.Responsibility{BusinessUnit: "aftersales", Employee: "u-ann", Salesperson: "u-sam"},
		},
	}
}

func creditNote(amount string) ticket.ComplaintDecision {
	return ticket.ComplaintDecision{
		Justified: true, By: "u-ann", At: t0.Add(48 * time.Hour),
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString(amount), Currency: "EUR"},
	}
}

func requireFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ve *ticket.ValidationError
	require.ErrorAs(t, err, &ve)
	got := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		got[i] = f.Field
	}
	require.ElementsMatch(t, fields, got, "invalid fields: %v", ve)
}

func TestValidateComplaint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *ticket.Complaint)
		fields []string // nil: valid
	}{
		{name: "Valid", change: func(*ticket.Complaint) {}},
		{name: "MissingWorkingName", change: func(c *ticket.Complaint) { c.Subject = " " }, fields: []string{"subject"}},
		{name: "MissingCounterparty", change: func(c *ticket.Complaint) { c.Customer = ticket.Customer{} }, fields: []string{"customer"}},
		{name: "BadCustomerEmail", change: func(c *ticket.Complaint) { c.Customer.Email = "nope" }, fields: []string{"customer.email"}},
		{name: "ContactWithoutRole", change: func(c *ticket.Complaint) { c.Contacts[0].Role = "" }, fields: []string{"contacts[0].role"}},
		{name: "ContactWithoutName", change: func(c *ticket.Complaint) { c.Contacts[0].Name = "" }, fields: []string{"contacts[0].name"}},
		{name: "NoReasonYet", change: func(c *ticket.Complaint) { c.Reason = "" }},
		{name: "PostedWithoutReason", change: func(c *ticket.Complaint) {
			c.Reason, c.Details.Posted, c.Details.PostedAt = "", true, c.CreatedAt
		}, fields: []string{"reason"}},
		{name: "EmptyReviewResult", change: func(c *ticket.Complaint) {
			c.Details.ReviewResults = []ticket.ReviewResult{{ID: "r-1", By: "qa-1"}}
		}, fields: []string{"complaint.review_results[0].text", "complaint.review_results[0].at"}},
		{name: "ReviewResultWithFindings", change: func(c *ticket.Complaint) {
			c.Details.ReviewResults = []ticket.ReviewResult{{ID: "r-1", By: "qa-1", At: c.CreatedAt, Findings: []string{"seal cracked"}}}
		}},
		{name: "UnknownReason", change: func(c *ticket.Complaint) { c.Reason = "CR99" }, fields: []string{"reason"}},
		{name: "UnknownStatus", change: func(c *ticket.Complaint) { c.Status = "open" }, fields: []string{"status"}},
		{name: "MissingIssueDate", change: func(c *ticket.Complaint) { c.Details.IssuedAt = time.Time{} }, fields: []string{"complaint.issued_at"}},
		{name: "IssuedAfterRegistration", change: func(c *ticket.Complaint) { c.Details.IssuedAt = t0.Add(time.Hour) }, fields: []string{"complaint.issued_at"}},
		{name: "MissingRemedySought", change: func(c *ticket.Complaint) { c.Details.RemedySought = "" }, fields: []string{"complaint.remedy_sought"}},
		{name: "RejectionSought", change: func(c *ticket.Complaint) { c.Details.RemedySought = ticket.RemedyRejection }, fields: []string{"complaint.remedy_sought"}},
		{name: "BadSeverity", change: func(c *ticket.Complaint) { c.Details.Severity = "dire" }, fields: []string{"complaint.severity"}},
		{name: "SourceOfWrongKind", change: func(c *ticket.Complaint) { c.Details.Source.Kind = ticket.RefProduct }, fields: []string{"complaint.source.kind"}},
		{name: "SourceWithoutID", change: func(c *ticket.Complaint) { c.Details.Source.ID = "" }, fields: []string{"complaint.source.id"}},
		{name: "LineWithoutProduct", change: func(c *ticket.Complaint) { c.Details.Lines[0].Product = "" }, fields: []string{"complaint.lines[0].product"}},
		{
			name:   "NegativeQuantity",
			change: func(c *ticket.Complaint) { c.Details.Lines[0].Quantity = decimal.RequireFromString("-1") },
			fields: []string{"complaint.lines[0].quantity"},
		},
		{
			name:   "NegativeAmount",
			change: func(c *ticket.Complaint) { c.Details.Accounting.Amount = decimal.RequireFromString("-480") },
			fields: []string{"complaint.accounting.amount"},
		},
		{
			name:   "ZeroAmountForAdjustment",
			change: func(c *ticket.Complaint) { c.Details.Accounting.Amount = decimal.Zero },
			fields: []string{"complaint.accounting.amount"},
		},
		{
			name: "AdjustmentWithoutParties",
			change: func(c *ticket.Complaint) {
				c.Details.Accounting.Company, c.Details.Accounting.Counterparty = "", ""
			},
			fields: []string{"complaint.accounting.company", "complaint.accounting.counterparty"},
		},
		{name: "UnknownCurrency", change: func(c *ticket.Complaint) { c.Details.Accounting.Currency = "EUX" }, fields: []string{"complaint.accounting.currency"}},
		{name: "LowerCaseCurrency", change: func(c *ticket.Complaint) { c.Details.Accounting.Currency = "eur" }, fields: []string{"complaint.accounting.currency"}},
		{name: "MissingCurrency", change: func(c *ticket.Complaint) { c.Details.Accounting.Currency = "" }, fields: []string{"complaint.accounting.currency"}},
		{
			name:   "TooManyDecimalsForCurrency",
			change: func(c *ticket.Complaint) { c.Details.Accounting.Amount = decimal.RequireFromString("480.005") },
			fields: []string{"complaint.accounting.amount"},
		},
		{
			name: "AmountWithoutAdjustmentStillNeedsCurrency",
			change: func(c *ticket.Complaint) {
				c.Details.Accounting = ticket.Accounting{Amount: decimal.RequireFromString("10")}
			},
			fields: []string{"complaint.accounting.currency"},
		},
		{name: "NoAdjustmentNoAmount", change: func(c *ticket.Complaint) { c.Details.Accounting = ticket.Accounting{} }},
		{
			name: "ReviewByCustomer",
			change: func(c *ticket.Complaint) {
				c.Details.Reviews = []ticket.Review{{By: "c-1", Role: ticket.RoleCustomer, At: t0, Outcome: "meh"}}
			},
			fields: []string{"complaint.reviews[0].role", "complaint.reviews[0].outcome"},
		},
		{
			name: "AttachmentWithoutKey",
			change: func(c *ticket.Complaint) {
				c.Details.Attachments = []ticket.ComplaintAttachment{{Attachment: ticket.Attachment{Name: "photo.jpg"}}}
			},
			fields: []string{"complaint.attachments[0].key"},
		},
		{
			name: "JustifiedButRejected",
			change: func(c *ticket.Complaint) {
				d := creditNote("1")
				d.Remedy = ticket.Remedy{Kind: ticket.RemedyRejection, Feedback: "no"}
				c.Details.Decision = &d
			},
			fields: []string{"complaint.decision.remedy.kind"},
		},
		{
			name: "RejectionWithoutFeedback",
			change: func(c *ticket.Complaint) {
				c.Details.Decision = &ticket.ComplaintDecision{By: "u-ann", At: t0, Remedy: ticket.Remedy{Kind: ticket.RemedyRejection}}
			},
			fields: []string{"complaint.decision.remedy.feedback"},
		},
		{
			name: "CreditNoteWithoutAmount",
			change: func(c *ticket.Complaint) {
				d := creditNote("0")
				d.Remedy.Currency = ""
				c.Details.Decision = &d
			},
			fields: []string{"complaint.decision.remedy.amount", "complaint.decision.remedy.currency"},
		},
		{
			name: "RepairWithAmount",
			change: func(c *ticket.Complaint) {
				d := creditNote("5")
				d.Remedy.Kind = ticket.RemedyRepair
				c.Details.Decision = &d
			},
			fields: []string{"complaint.decision.remedy.amount"},
		},
		{
			name: "DecisionWithoutDecider",
			change: func(c *ticket.Complaint) {
				d := creditNote("5")
				d.By, d.At = "", time.Time{}
				c.Details.Decision = &d
			},
			fields: []string{"complaint.decision.by", "complaint.decision.at"},
		},
		{
			name:   "EndBeforeIssue",
			change: func(c *ticket.Complaint) { c.Details.EndDate = c.Details.IssuedAt.Add(-time.Hour) },
			fields: []string{"complaint.end_date"},
		},
		{name: "PostedWithoutTime", change: func(c *ticket.Complaint) { c.Details.Posted = true }, fields: []string{"complaint.posted_at"}},
		{name: "ActionWithoutTitle", change: func(c *ticket.Complaint) { c.Actions = []ticket.Action{{ID: "a-1"}} }, fields: []string{"actions[0].title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validComplaint()
			tt.change(c)
			err := ticket.ValidateComplaint(c, nil)
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			requireFields(t, err, tt.fields...)
		})
	}
}

func TestValidateComplaintNonComplaintCategory(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Status = ticket.StatusOpen
	c.Category = ticket.CategoryQuestion
	requireFields(t, ticket.ValidateComplaint(c, ticket.DefaultCatalog()), "category")
}

func TestValidateComplaintReportsEveryField(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Subject = ""
	c.Details.Accounting.Amount = decimal.RequireFromString("-1")
	c.Details.Accounting.Currency = "ZZZ"
	err := ticket.ValidateComplaint(c, nil)
	requireFields(t, err, "subject", "complaint.accounting.amount", "complaint.accounting.currency")
	require.ErrorContains(t, err, `complaint.accounting.currency: "ZZZ" is not an ISO 4217 currency code`)
	require.Error(t, ticket.ValidateComplaint(nil, nil))
}

func TestNewReasonsOnTheFly(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Reason = "CR07"
	requireFields(t, ticket.ValidateComplaint(c, nil), "reason")

	_, err := ticket.ComplaintCatalog().WithReason(ticket.ReasonCode{Code: "CR07"})
	require.ErrorIs(t, err, ticket.ErrNewReasonsNotAllowed)

	spec := ticket.ComplaintCatalogSpec()
	spec.AllowNewReasons = true
	open, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	require.True(t, open.AllowsNewReasons())
	require.True(t, open.Spec().AllowNewReasons, "Spec keeps the option")
	require.NoError(t, ticket.ValidateComplaint(c, open), "an open catalog accepts a new code")

	grown, err := open.WithReason(ticket.ReasonCode{Code: " CR07 "})
	require.NoError(t, err)
	r, ok := grown.Reason("CR07")
	require.True(t, ok)
	require.Equal(t, "CR07", r.Label.Text)
	_, ok = open.Reason("CR07")
	require.False(t, ok, "WithReason does not change the catalog")

	_, err = grown.WithReason(ticket.ReasonCode{Code: "CR07"})
	var ce *ticket.CatalogError
	require.ErrorAs(t, err, &ce, "a duplicate code")
}

func TestCurrencies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   string
		valid  bool
		digits int
	}{
		{"EUR", true, 2}, {"USD", true, 2}, {"JPY", true, 0}, {"BHD", true, 3}, {"CHF", true, 2},
		{"eur", false, 0}, {"EU", false, 0}, {"EURO", false, 0}, {"", false, 0},
		{"ABC", false, 0}, {"XXX", false, 0}, {"XTS", false, 0}, {" EUR", false, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.code), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.valid, ticket.ValidCurrency(tt.code))
			d, ok := ticket.CurrencyDigits(tt.code)
			require.Equal(t, tt.valid, ok)
			require.Equal(t, tt.digits, d)
		})
	}
}

func TestComplaintMoneyIsDecimal(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Details.Accounting.Amount = decimal.RequireFromString("0.10").Add(decimal.RequireFromString("0.20"))
	require.Equal(t, "0.3", c.Details.Accounting.Amount.String(), "no binary float rounding")

	data, err := json.Marshal(c)
	require.NoError(t, err)
	var raw struct {
		Complaint struct {
			Accounting map[string]any `json:"accounting"`
		} `json:"complaint"`
		Subject string `json:"subject"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	require.Equal(t, "0.3", raw.Complaint.Accounting["amount"], "amounts travel as JSON strings")
	require.Equal(t, c.Subject, raw.Subject, "the ticket core is inlined")

	var back ticket.Complaint
	require.NoError(t, json.Unmarshal(data, &back))
	require.True(t, back.Details.Accounting.Amount.Equal(c.Details.Accounting.Amount))
	require.Equal(t, c.Number, back.Number)

	// JPY has no minor unit.
	c.Details.Accounting.Currency = "JPY"
	requireFields(t, ticket.ValidateComplaint(c, nil), "complaint.accounting.amount")
	c.Details.Accounting.Amount = decimal.RequireFromString("48000")
	require.NoError(t, ticket.ValidateComplaint(c, nil))
	c.Details.Accounting.Amount = decimal.New(1, 15)
	requireFields(t, ticket.ValidateComplaint(c, nil), "complaint.accounting.amount")
}

func TestSetCategoryAddsTemplateActions(t *testing.T) {
	t.Parallel()
	defect, ok := ticket.ComplaintCatalog().Category(ticket.CategoryDefect)
	require.True(t, ok)
	ids := 0
	newID := func() string { ids++; return fmt.Sprintf("a-%d", ids) }

	t.Run("AddsAll", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		added, err := c.SetCategory(defect, t0, newID2(), nil)
		require.NoError(t, err)
		require.Equal(t, ticket.CategoryDefect, c.Category)
		require.Len(t, added, 2)
		require.Equal(t, c.Actions, added)
		require.Equal(t, "Inspect the returned goods", added[0].Title)
		require.Equal(t, "a-1", added[0].ID)
		require.True(t, added[0].DueAt.Equal(t0.Add(48*time.Hour)))
		require.Equal(t, 2, c.OpenActions())

		again, err := c.SetCategory(defect, t0, newID2(), nil)
		require.NoError(t, err)
		require.Empty(t, again, "the same category adds nothing twice")
		require.Len(t, c.Actions, 2)
	})
	t.Run("HostConfirms", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		var asked []string
		added, err := c.SetCategory(defect, t0, newID2(), func(a ticket.ActionTemplate) bool {
			asked = append(asked, a.Title)
			return a.Title == "Inspect the returned goods"
		})
		require.NoError(t, err)
		require.Len(t, asked, 2)
		require.Len(t, added, 1)
		require.Len(t, c.Actions, 1)
	})
	t.Run("PostedIsImmutable", func(t *testing.T) {
		t.Parallel()
		c := posted(validComplaint())
		_, err := c.SetCategory(defect, t0, newID, nil)
		require.ErrorIs(t, err, ticket.ErrPosted)
		require.Equal(t, ticket.CategoryComplaint, c.Category)
	})
}

func newID2() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("a-%d", n) }
}

func posted(c *ticket.Complaint) *ticket.Complaint {
	c.Status = ticket.StatusPosted
	c.Details.Posted = true
	c.Details.PostedAt = t0.Add(72 * time.Hour)
	return c
}

func TestDecide(t *testing.T) {
	t.Parallel()
	t.Run("CreditRequiredAddsFollowUpForSalesperson", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		d := creditNote("480")
		d.CreditRequired = true
		added, err := c.Decide(d, newID2())
		require.NoError(t, err)
		require.Len(t, added, 1)
		require.Equal(t, ticket.Action{ID: "a-1", Title: "Issue a credit note over 480.00 EUR", Owner: "u-sam"}, added[0])
		require.Equal(t, added, c.Actions)
		require.True(t, c.Details.Decision.Justified)
	})
	t.Run("NoCreditNoFollowUp", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		added, err := c.Decide(ticket.ComplaintDecision{
			By: "u-ann", At: t0, Remedy: ticket.Remedy{Kind: ticket.RemedyRejection, Feedback: "Handling damage"},
		}, nil)
		require.NoError(t, err)
		require.Empty(t, added)
		require.Empty(t, c.Actions)
	})
	t.Run("InvalidDecisionNamesFields", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		c.Details.Responsibility.Salesperson = ""
		d := creditNote("-5")
		d.CreditRequired = true
		_, err := c.Decide(d, nil)
		requireFields(t, err, "complaint.decision.remedy.amount", "complaint.responsibility.salesperson")
		require.Nil(t, c.Details.Decision, "nothing recorded")
	})
	t.Run("PostedIsImmutable", func(t *testing.T) {
		t.Parallel()
		c := posted(validComplaint())
		_, err := c.Decide(creditNote("1"), nil)
		require.ErrorIs(t, err, ticket.ErrPosted)
		require.ErrorContains(t, err, "CP-2026-000001 was posted at 2026-03-05T09:30:00Z")
	})
}

func TestApplySource(t *testing.T) {
	t.Parallel()
	resolver := ticket.SourceResolverFunc(func(_ context.Context, ref ticket.Reference) (ticket.SourceDocument, error) {
		if ref.ID != "INV-7" {
			return ticket.SourceDocument{}, fmt.Errorf("invoice %s: %w", ref.ID, ticket.ErrSourceNotFound)
		}
		return ticket.SourceDocument{
			Ref:      ref,
			Customer: ticket.Customer{ID: "C-42", Name: "Roe Retail"},
			Contacts: []ticket.Contact{{Name: "Jane Roe", Role: "buyer"}},
			Company:  "ACME-FR", Contract: "K-9", Currency: "EUR", Salesperson: "u-sam",
			Lines: []ticket.ComplaintLine{{Product: "KET-1", Batch: "B-17"}},
		}, nil
	})
	_, err := resolver.ResolveSource(t.Context(), ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-8"})
	require.ErrorIs(t, err, ticket.ErrSourceNotFound)

	doc, err := resolver.ResolveSource(t.Context(), ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-7"})
	require.NoError(t, err)
	c := &ticket.Complaint{}
	c.Details.Accounting.Currency = "USD" // kept: the user chose it
	require.NoError(t, c.ApplySource(doc))
	require.Equal(t, doc.Customer, c.Customer)
	require.Equal(t, doc.Contacts, c.Contacts)
	require.Equal(t, &doc.Ref, c.Details.Source)
	require.Equal(t, []ticket.Reference{doc.Ref, {Kind: ticket.RefContract, ID: "K-9"}}, c.References)
	require.Equal(t, ticket.Accounting{Company: "ACME-FR", Counterparty: "C-42", Contract: "K-9", Currency: "USD"}, c.Details.Accounting)
	require.Equal(t, "u-sam", c.Details.Responsibility.Salesperson)
	require.Len(t, c.Details.Lines, len(doc.Lines))
	for i, l := range c.Details.Lines {
		require.Equal(t, i+1, l.No, "numbered by the complaint")
		l.No = doc.Lines[i].No
		require.Equal(t, doc.Lines[i], l)
	}
	require.NoError(t, c.ApplySource(doc))
	require.Len(t, c.References, 2, "references are not repeated")

	require.ErrorIs(t, posted(c).ApplySource(doc), ticket.ErrPosted)

	mine := &ticket.Complaint{}
	mine.Details.Lines = []ticket.ComplaintLine{{No: 1, Product: "CUP-9"}}
	require.NoError(t, mine.ApplySource(doc))
	require.Equal(t, []ticket.ComplaintLine{{No: 1, Product: "CUP-9"}}, mine.Details.Lines, "lines given are kept")
	require.NoError(t, mine.ApplySource(ticket.SourceDocument{Ref: doc.Ref}))
	require.Len(t, mine.Details.Lines, 1, "a document without lines drops none")
}

func TestRemedyHandlerFunc(t *testing.T) {
	t.Parallel()
	var h ticket.RemedyHandler = ticket.RemedyHandlerFunc(func(_ context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
		if req.Remedy.Kind != ticket.RemedyCreditNote {
			return ticket.RemedyResult{}, errors.New("unsupported")
		}
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}}, nil
	})
	res, err := h.HandleRemedy(t.Context(), ticket.RemedyRequest{Remedy: creditNote("1").Remedy})
	require.NoError(t, err)
	require.Equal(t, "CN-1", res.Document.ID)
}

func TestCheckEditableAndClone(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	require.NoError(t, c.CheckEditable())
	d := creditNote("480")
	d.Remedy.Document = &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}
	c.Details.Decision = &d
	c.Details.Reviews = []ticket.Review{{By: "u-boss", Role: ticket.RoleSupervisor, At: t0, Outcome: ticket.ReviewApproved}}

	cp := c.Clone()
	require.Equal(t, c, cp)
	cp.Details.Source.ID = "INV-9"
	cp.Details.Lines[0].Product = "X"
	cp.Details.Decision.Remedy.Document.ID = "CN-9"
	cp.Details.Reviews[0].By = "x"
	cp.Contacts[0].Name = "x"
	require.Equal(t, validComplaint().Details.Source, c.Details.Source)
	require.Equal(t, "KET-1", c.Details.Lines[0].Product)
	require.Equal(t, "CN-1", c.Details.Decision.Remedy.Document.ID)
	require.Equal(t, "u-boss", c.Details.Reviews[0].By)
	require.Equal(t, "Jane Roe", c.Contacts[0].Name)
	require.Nil(t, (*ticket.Complaint)(nil).Clone())

	p := posted(c)
	p.Number = ""
	require.ErrorIs(t, p.CheckEditable(), ticket.ErrPosted)
	p.Details.PostedAt = time.Time{}
	require.EqualError(t, p.CheckEditable(), "ticket: complaint is posted: tk-1 cannot be changed")
}

func TestComplaintCatalog(t *testing.T) {
	t.Parallel()
	c := ticket.ComplaintCatalog()
	require.Equal(t, ticket.StatusRegistered, c.InitialStatus().Code)
	for _, code := range []string{ticket.StatusPosted, ticket.StatusRejected} {
		s, ok := c.Status(code)
		require.True(t, ok)
		require.True(t, s.Terminal)
	}
	for _, cat := range c.Categories() {
		require.True(t, cat.Complaint, cat.Code)
	}
	require.Len(t, c.Reasons(), 4)
	require.False(t, c.AllowsNewReasons())
	_, ok := ticket.DefaultCatalog().Status(ticket.StatusRegistered)
	require.False(t, ok, "the default catalog is unchanged")
}

func TestEnums(t *testing.T) {
	t.Parallel()
	for _, k := range ticket.RemedyKinds() {
		require.True(t, k.Valid())
	}
	require.False(t, ticket.RemedyKind("gift").Valid())
	require.True(t, ticket.RemedyRefund.Monetary())
	require.False(t, ticket.RemedyRepair.Monetary())
	for _, s := range ticket.Severities() {
		require.True(t, s.Valid())
	}
	require.False(t, ticket.Severity("dire").Valid())
	for _, o := range ticket.ReviewOutcomes() {
		require.True(t, o.Valid())
	}
	require.False(t, ticket.ReviewOutcome("ok").Valid())
	for _, k := range ticket.SeriesKinds() {
		require.True(t, k.Valid())
	}
	require.False(t, ticket.SeriesKind("lot").Valid())
}

// TestDecideAgainReplacesTheFollowUp decides a complaint three times:
// a new amount replaces the open credit task, the same amount keeps it,
// no credit removes it, and a follow-up already done stays.
func TestDecideAgainReplacesTheFollowUp(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.Actions = []ticket.Action{{ID: "mine", Title: "Inspect"}}
	ids := newID2()
	decide := func(amount string, credit bool) {
		t.Helper()
		d := creditNote(amount)
		d.CreditRequired = credit
		_, err := c.Decide(d, ids)
		require.NoError(t, err)
	}
	titles := func() []string {
		var out []string
		for _, a := range c.Actions {
			out = append(out, a.ID+" "+a.Title)
		}
		return out
	}
	decide("480", true)
	require.Equal(t, []string{"mine Inspect", "a-1 Issue a credit note over 480.00 EUR"}, titles())
	require.Equal(t, "a-1", c.Details.Decision.FollowUp)
	decide("400", true)
	require.Equal(t, []string{"mine Inspect", "a-2 Issue a credit note over 400.00 EUR"}, titles())
	decide("400", true)
	require.Equal(t, []string{"mine Inspect", "a-2 Issue a credit note over 400.00 EUR"}, titles(), "the same task is kept")
	require.Equal(t, "a-2", c.Details.Decision.FollowUp)
	decide("400", false)
	require.Equal(t, []string{"mine Inspect"}, titles())
	require.Empty(t, c.Details.Decision.FollowUp)

	decide("300", true)
	c.Actions[1].Done = true // the salesperson issued it
	decide("250", true)
	require.Equal(t, []string{"mine Inspect", "a-3 Issue a credit note over 300.00 EUR", "a-4 Issue a credit note over 250.00 EUR"}, titles(), "a done follow-up is a record")
}

func TestRemedyDocumentCheck(t *testing.T) {
	t.Parallel()
	for _, k := range append(ticket.DocumentKinds(), "debit_memo", "sap.vbak", "x-rma") {
		require.NoError(t, (&ticket.RemedyDocument{Kind: k, ID: "D-1"}).Check(), k)
	}
	requireFields(t, (&ticket.RemedyDocument{Kind: "Credit Note"}).Check(),
		"complaint.decision.remedy.document.kind", "complaint.decision.remedy.document.id")
	requireFields(t, (&ticket.RemedyDocument{Kind: ticket.DocumentKind(strings.Repeat("a", 51)), ID: "1"}).Check(),
		"complaint.decision.remedy.document.kind")
	c := validComplaint()
	d := creditNote("10")
	d.Remedy.Document = &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}
	c.Details.Decision = &d
	require.NoError(t, ticket.ValidateComplaint(c, nil), "a credit note is a valid remedy document")
}
