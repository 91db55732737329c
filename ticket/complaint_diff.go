package ticket

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// History fields of the complaint section, recorded by [ComplaintDiff]
// after the ticket fields of [Diff]. Every field of [ComplaintDetails]
// a change can touch has one, so that no change is stored without its
// history line.
const (
	FieldIssuedAt       = "complaint.issued_at"                    // FieldIssuedAt: the date of issue, RFC 3339.
	FieldRemedySought   = "complaint.remedy_sought"                // FieldRemedySought: the remedy kind the customer asks for.
	FieldSeverity       = "complaint.severity"                     // FieldSeverity: the severity assessment.
	FieldSource         = "complaint.source"                       // FieldSource: the source document, "invoice:INV-1 (Label)".
	FieldLines          = "complaint.lines"                        // FieldLines: a line added or removed, "line 3 KET-1: KET-1 serial S-1 batch B-7 3 pcs (Kettle)"; see FieldLineQuantity for the others.
	FieldSalesAdjust    = "complaint.accounting.required"          // FieldSalesAdjust: "yes" when a sales adjustment is required.
	FieldCompany        = "complaint.accounting.company"           // FieldCompany: the accounting company.
	FieldCounterparty   = "complaint.accounting.counterparty"      // FieldCounterparty: the accounting counterparty.
	FieldAcctContract   = "complaint.accounting.contract"          // FieldAcctContract: the accounting contract.
	FieldClaimedAmount  = "complaint.accounting.amount"            // FieldClaimedAmount: "120.00 EUR", the claimed amount.
	FieldBusinessUnit   = "complaint.responsibility.business_unit" // FieldBusinessUnit: the business unit in charge.
	FieldEmployee       = "complaint.responsibility.employee"      // FieldEmployee: the employee in charge.
	FieldSalesperson    = "complaint.responsibility.salesperson"   // FieldSalesperson: the salesperson.
	FieldAttachments    = "complaint.attachments"                  // FieldAttachments: the attachments, "photo.jpg (image/jpeg, 1024 bytes, sha256 …) [id key] photo, internal by u-1 at …" joined by ", ".
	FieldDecision       = "complaint.decision"                     // FieldDecision: "justified" or "not justified".
	FieldDecidedBy      = "complaint.decision.by"                  // FieldDecidedBy: who decided and when, "u-1 at 2006-01-02T15:04:05Z".
	FieldDecisionNotes  = "complaint.decision.notes"               // FieldDecisionNotes: the decision's notes.
	FieldCreditRequired = "complaint.decision.credit_required"     // FieldCreditRequired: "yes" when a credit is required.
	FieldRemedy         = "complaint.decision.remedy"              // FieldRemedy: "credit_note 99.90 EUR [credit_note:CN-1]".
	FieldFeedback       = "complaint.decision.remedy.feedback"     // FieldFeedback: the feedback given to the customer.
	FieldRemedyNotes    = "complaint.decision.remedy.notes"        // FieldRemedyNotes: the remedy's internal notes.
	FieldEndDate        = "complaint.end_date"                     // FieldEndDate: the end date, as 2006-01-02.
	FieldPosted         = "complaint.posted"                       // FieldPosted: the posting time, RFC 3339 ("posted" without one).
	FieldReviews        = "complaint.reviews"                      // FieldReviews: the latest review, "approved by u-1 (supervisor)".
	FieldReviewResults  = "complaint.review_results"               // FieldReviewResults: the latest review result, "by u-1: 2 findings".
	FieldComments       = "complaint.comments"                     // FieldComments: how many comments there are.
	FieldAction         = "complaint.action"                       // FieldAction: one action of the plan, "Title; owner u-1; due 2006-01-02T15:04:05Z; done; done at 2006-01-02T15:04:05Z; result ok; type corrective; effective per u-2 at 2006-01-02T15:04:05Z (notes)".
)

// ComplaintDiff compares two versions of a complaint: the events of
// [Diff] on the ticket core, then one per complaint field whose text
// form changed, in the order of the constants above (one
// [FieldAction] event per action added, removed or changed, by action
// ID, and lines by number: one [FieldLines] event per line added or
// removed, one per changed field of a kept line, such as
// [FieldLineQuantity]). Comments and reviews are append-only: a new one
// is recorded.
// Both must be non-nil.
func ComplaintDiff(before, after *Complaint) []Event {
	events := Diff(&before.Ticket, &after.Ticket)
	add := func(field, old, new string) {
		if old != new {
			events = append(events, Event{Field: field, Old: old, New: new})
		}
	}
	b, a := &before.Details, &after.Details
	ba, aa := &b.Accounting, &a.Accounting
	br, ar := &b.Responsibility, &a.Responsibility
	bd, ad := decisionOrZero(b.Decision), decisionOrZero(a.Decision)
	add(FieldIssuedAt, dateText(b.IssuedAt, time.RFC3339), dateText(a.IssuedAt, time.RFC3339))
	add(FieldRemedySought, string(b.RemedySought), string(a.RemedySought))
	add(FieldSeverity, string(b.Severity), string(a.Severity))
	add(FieldSource, sourceText(b.Source), sourceText(a.Source))
	add(FieldSalesAdjust, yes(ba.SalesAdjustment), yes(aa.SalesAdjustment))
	add(FieldCompany, ba.Company, aa.Company)
	add(FieldCounterparty, ba.Counterparty, aa.Counterparty)
	add(FieldAcctContract, ba.Contract, aa.Contract)
	add(FieldClaimedAmount, moneyText(ba.Amount, ba.Currency), moneyText(aa.Amount, aa.Currency))
	add(FieldBusinessUnit, br.BusinessUnit, ar.BusinessUnit)
	add(FieldEmployee, br.Employee, ar.Employee)
	add(FieldSalesperson, br.Salesperson, ar.Salesperson)
	add(FieldAttachments, attachmentsText(b.Attachments), attachmentsText(a.Attachments))
	add(FieldDecision, decisionText(b.Decision), decisionText(a.Decision))
	add(FieldDecidedBy, decidedText(b.Decision), decidedText(a.Decision))
	add(FieldDecisionNotes, bd.Notes, ad.Notes)
	add(FieldCreditRequired, yes(bd.CreditRequired), yes(ad.CreditRequired))
	add(FieldRemedy, remedyText(b.Decision), remedyText(a.Decision))
	add(FieldFeedback, bd.Remedy.Feedback, ad.Remedy.Feedback)
	add(FieldRemedyNotes, bd.Remedy.Notes, ad.Remedy.Notes)
	add(FieldEndDate, dateText(b.EndDate, time.DateOnly), dateText(a.EndDate, time.DateOnly))
	add(FieldPosted, postedText(b), postedText(a))
	add(FieldReversal, reversalText(b.Reversal), reversalText(a.Reversal))
	add(FieldReversedBy, reversedByText(b.Reversal), reversedByText(a.Reversal))
	add(FieldReviews, reviewText(b.Reviews), reviewText(a.Reviews))
	add(FieldReviewResults, reviewResultText(b.ReviewResults), reviewResultText(a.ReviewResults))
	events = append(events, costDiff(b.Costs, a.Costs)...)
	events = append(events, qualityDiff(b, a)...)
	events = append(events, linesAndClaimsDiff(b, a)...)
	if len(b.Comments) != len(a.Comments) {
		add(FieldComments, strconv.Itoa(len(b.Comments)), strconv.Itoa(len(a.Comments)))
	}
	old := make(map[string]string, len(before.Actions))
	for _, x := range before.Actions {
		old[x.ID] = actionText(x)
	}
	for _, x := range after.Actions {
		add(FieldAction, old[x.ID], actionText(x))
		delete(old, x.ID)
	}
	for _, x := range before.Actions { // removed, in plan order
		if text, ok := old[x.ID]; ok {
			add(FieldAction, text, "")
		}
	}
	return events
}

// decisionOrZero returns *d, or the zero decision for nil.
func decisionOrZero(d *ComplaintDecision) ComplaintDecision {
	if d == nil {
		return ComplaintDecision{}
	}
	return *d
}

func decidedText(d *ComplaintDecision) string {
	if d == nil {
		return ""
	}
	return strings.TrimSpace(d.By + " at " + dateText(d.At, time.RFC3339))
}

func sourceText(r *Reference) string {
	if r == nil {
		return ""
	}
	return refText(string(r.Kind), r.ID, r.Label)
}

// refText renders a document as "kind:id (label)".
func refText(kind, id, label string) string {
	s := kind + ":" + id
	if label != "" {
		s += " (" + label + ")"
	}
	return s
}

// lineText renders a line's data, "KET-1 serial S-1 batch B-7 3 pcs
// (Kettle)".
func lineText(l ComplaintLine) string {
	p := []string{l.Product}
	if l.Serial != "" {
		p = append(p, "serial "+l.Serial)
	}
	if l.Batch != "" {
		p = append(p, "batch "+l.Batch)
	}
	if q := quantityText(l); q != "" {
		p = append(p, q)
	}
	if l.Description != "" {
		p = append(p, "("+l.Description+")")
	}
	return strings.Join(p, " ")
}

// attachmentsText renders attachments as "name (type, size bytes,
// sha256 digest) [id key] kind, visibility by who at when", such as
// "photo.jpg (image/jpeg, 1024 bytes, sha256 …) [a-1 k-1] photo,
// internal by u-1 at 2026-06-04T10:00:00Z".
func attachmentsText(as []ComplaintAttachment) string {
	parts := make([]string, len(as))
	for i, a := range as {
		kind := cmp.Or(a.Type, AttachOther)
		parts[i] = fmt.Sprintf("%s (%s, %d bytes, sha256 %s) [%s %s] %s, %s", a.Name, a.ContentType, a.Size, a.SHA256, a.ID, a.Key,
			kind, visibilityText(a.CustomerVisible))
		if by := strings.TrimSpace(a.By + " at " + dateText(a.At, time.RFC3339)); by != "at" {
			parts[i] += " by " + by
		}
	}
	return strings.Join(parts, ", ")
}

func postedText(d *ComplaintDetails) string {
	if t := dateText(d.PostedAt, time.RFC3339); t != "" || !d.Posted {
		return t
	}
	return "posted"
}

// actionText renders an action of the plan, "" for none.
func actionText(a Action) string {
	p := []string{a.Title}
	if a.Owner != "" {
		p = append(p, "owner "+a.Owner)
	}
	if !a.DueAt.IsZero() {
		p = append(p, "due "+dateText(a.DueAt, time.RFC3339))
	}
	if a.Done {
		p = append(p, "done")
	}
	if !a.DoneAt.IsZero() {
		p = append(p, "done at "+dateText(a.DoneAt, time.RFC3339))
	}
	if a.Result != "" {
		p = append(p, "result "+a.Result)
	}
	if q := qualityText(a); q != "" {
		p = append(p, q)
	}
	return strings.Join(p, "; ")
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return ""
}

// moneyText renders an amount with its currency's decimals, "" for none.
func moneyText(amount decimal.Decimal, cur string) string {
	if amount.IsZero() && cur == "" {
		return ""
	}
	return strings.TrimSpace(amount.StringFixed(digitsOf(cur)) + " " + cur)
}

func decisionText(d *ComplaintDecision) string {
	switch {
	case d == nil:
		return ""
	case d.Justified:
		return "justified"
	}
	return "not justified"
}

func remedyText(d *ComplaintDecision) string {
	if d == nil {
		return ""
	}
	r := d.Remedy
	parts := []string{string(r.Kind)}
	if m := moneyText(r.Amount, r.Currency); m != "" {
		parts = append(parts, m)
	}
	if r.Document != nil {
		parts = append(parts, "["+refText(string(r.Document.Kind), r.Document.ID, r.Document.Label)+"]")
	}
	return strings.Join(parts, " ")
}

func dateText(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}

func reviewResultText(rs []ReviewResult) string {
	if len(rs) == 0 {
		return ""
	}
	r := rs[len(rs)-1]
	return fmt.Sprintf("by %s: %d findings", r.By, len(r.Findings))
}

func reviewText(rs []Review) string {
	if len(rs) == 0 {
		return ""
	}
	r := rs[len(rs)-1]
	return string(r.Outcome) + " by " + r.By + " (" + string(r.Role) + ")"
}
