package ticket

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// History fields of the complaint section, recorded by [ComplaintDiff]
// after the ticket fields of [Diff].
const (
	FieldSeverity      = "complaint.severity"            // FieldSeverity: the severity assessment.
	FieldClaimedAmount = "complaint.accounting.amount"   // FieldClaimedAmount: "120.00 EUR", the claimed amount.
	FieldDecision      = "complaint.decision"            // FieldDecision: "justified" or "not justified".
	FieldRemedy        = "complaint.decision.remedy"     // FieldRemedy: "credit_note 99.90 EUR [credit_note:CN-1]".
	FieldEndDate       = "complaint.end_date"            // FieldEndDate: the end date, as 2006-01-02.
	FieldPosted        = "complaint.posted"              // FieldPosted: the posting time, RFC 3339.
	FieldReviews       = "complaint.reviews"             // FieldReviews: the latest review, "approved by u-1 (supervisor)".
	FieldComments      = "complaint.comments"            // FieldComments: how many comments there are.
	FieldSalesAdjust   = "complaint.accounting.required" // FieldSalesAdjust: "yes" when a sales adjustment is required.
)

// ComplaintDiff compares two versions of a complaint: the events of
// [Diff] on the ticket core, then one per complaint field whose text
// form changed, in the order of the constants above. Both must be
// non-nil.
func ComplaintDiff(before, after *Complaint) []Event {
	events := Diff(&before.Ticket, &after.Ticket)
	add := func(field, old, new string) {
		if old != new {
			events = append(events, Event{Field: field, Old: old, New: new})
		}
	}
	b, a := &before.Details, &after.Details
	add(FieldSeverity, string(b.Severity), string(a.Severity))
	add(FieldSalesAdjust, yes(b.Accounting.SalesAdjustment), yes(a.Accounting.SalesAdjustment))
	add(FieldClaimedAmount, moneyText(b.Accounting.Amount, b.Accounting.Currency), moneyText(a.Accounting.Amount, a.Accounting.Currency))
	add(FieldDecision, decisionText(b.Decision), decisionText(a.Decision))
	add(FieldRemedy, remedyText(b.Decision), remedyText(a.Decision))
	add(FieldEndDate, dateText(b.EndDate, time.DateOnly), dateText(a.EndDate, time.DateOnly))
	add(FieldPosted, dateText(b.PostedAt, time.RFC3339), dateText(a.PostedAt, time.RFC3339))
	add(FieldReviews, reviewText(b.Reviews), reviewText(a.Reviews))
	if len(b.Comments) != len(a.Comments) {
		add(FieldComments, strconv.Itoa(len(b.Comments)), strconv.Itoa(len(a.Comments)))
	}
	return events
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
	if r.Kind.Monetary() {
		parts = append(parts, moneyText(r.Amount, r.Currency))
	}
	if r.Document != nil {
		parts = append(parts, "["+string(r.Document.Kind)+":"+r.Document.ID+"]")
	}
	return strings.Join(parts, " ")
}

func dateText(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}

func reviewText(rs []Review) string {
	if len(rs) == 0 {
		return ""
	}
	r := rs[len(rs)-1]
	return string(r.Outcome) + " by " + r.By + " (" + string(r.Role) + ")"
}
