package ticket

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// complaintPrefix is the JSON path of a complaint's section.
const complaintPrefix = "complaint."

// maxAmount bounds amounts and quantities: 15 integer digits and 4
// decimals fit a numeric(19,4) column.
var maxAmount = decimal.New(1, 15)

// maxScale is the number of decimals an amount or quantity may have.
const maxScale = 4

// SourceKinds returns the reference kinds a complaint's source document
// may have: invoice, order, job and transaction.
func SourceKinds() []RefKind { return []RefKind{RefInvoice, RefOrder, RefJob, RefTransaction} }

// ValidCurrency reports whether code is an ISO 4217 currency code in its
// canonical upper-case form, as known to golang.org/x/text/currency.
// "XXX" (no currency) and "XTS" (testing) are not valid.
//
// golang.org/x/text carries CLDR 32 data, so a few codes introduced since
// 2018 (VES, MRU, SLE, ZWG) are not known yet.
func ValidCurrency(code string) bool {
	_, ok := currencyUnit(code)
	return ok
}

// CurrencyDigits returns the number of decimals amounts in a valid
// currency have, such as 2 for EUR and 0 for JPY.
func CurrencyDigits(code string) (int, bool) {
	u, ok := currencyUnit(code)
	if !ok {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}

func currencyUnit(code string) (currency.Unit, bool) {
	if len(code) != 3 || strings.ToUpper(code) != code || code == "XXX" || code == "XTS" {
		return currency.Unit{}, false
	}
	u, err := currency.ParseISO(code)
	return u, err == nil
}

// ValidateComplaint checks c and returns nil or a *[ValidationError]
// naming every invalid field by its JSON path: ticket fields as
// [Validate] names them ("subject", "customer.email", "reason") and
// complaint fields under "complaint." ("complaint.accounting.amount",
// "complaint.decision.remedy.feedback"). Catalog codes are checked
// against catalog; nil means [ComplaintCatalog]. A reason code the
// catalog does not hold passes when the catalog allows new reasons.
//
// Besides struct tags, it checks: a working name (subject), a customer
// and the date of issue are given; contacts have roles; the category is a
// complaint category; the remedy sought is a remedy the customer can ask
// for; amounts are never negative, have at most the currency's decimals
// and come with an ISO 4217 currency; a sales adjustment names company,
// counterparty and a positive amount; a decision's remedy matches whether
// the complaint is justified; a posted complaint has its posting time.
func ValidateComplaint(c *Complaint, catalog *Catalog) error {
	if c == nil {
		return errors.New("ticket: validate complaint: nil complaint")
	}
	if catalog == nil {
		catalog = ComplaintCatalog()
	}
	v := &ValidationError{}
	merge(v, validateDocument(&c.Ticket), "")
	merge(v, validateDocument(&c.Details), complaintPrefix)

	if strings.TrimSpace(c.Subject) == "" {
		v.Add(FieldSubject, "required", "is required: the complaint's working name")
	}
	if strings.TrimSpace(c.Customer.ID) == "" && strings.TrimSpace(c.Customer.Name) == "" {
		v.Add(FieldCustomer, "required", "is required: the counterparty's ID or name")
	}
	for i, ct := range c.Contacts {
		if strings.TrimSpace(ct.Role) == "" {
			v.Add(fmt.Sprintf("contacts[%d].role", i), "required", "is required")
		}
	}
	for i, a := range c.Actions {
		if strings.TrimSpace(a.Title) == "" {
			v.Add(fmt.Sprintf("actions[%d].title", i), "required", "is required")
		}
	}
	checkCatalog(v, c, catalog)
	checkDetails(v, &c.Details, c)
	checkQuality(v, c, catalog)
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// merge adds the fields of err, a *ValidationError or nil, to v under
// prefix.
func merge(v *ValidationError, err error, prefix string) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		v.Add(strings.TrimSuffix(prefix, "."), "invalid", err.Error())
		return
	}
	for _, f := range ve.Fields {
		f.Field = prefix + f.Field
		v.Fields = append(v.Fields, f)
	}
}

func checkCatalog(v *ValidationError, c *Complaint, catalog *Catalog) {
	refs := Refs{Status: c.Status, Priority: c.Priority, Category: c.Category, Department: c.Department}
	if !catalog.AllowsNewReasons() {
		refs.Reason = c.Reason
	}
	v.Fields = append(v.Fields, catalog.CheckRefs(refs)...)
	// A complaint may be logged without a reason and get one at the
	// follow-up; the workflow may require it before a step
	// (workflow.GuardReasonCodeSet), and posting always does.
	if strings.TrimSpace(c.Reason) == "" {
		if c.Details.Posted {
			v.Add(FieldReason, "required", "is required to post a complaint: a complaint reason code")
		}
	} else if len(c.Reason) > 32 {
		v.Add(FieldReason, "max", "must be at most 32 characters")
	}
	if cat, ok := catalog.Category(c.Category); ok && !cat.Complaint {
		v.Add(FieldCategory, "complaint_category", fmt.Sprintf("category %q is not a complaint category", c.Category))
	}
}

func checkDetails(v *ValidationError, d *ComplaintDetails, c *Complaint) {
	const p = complaintPrefix
	switch {
	case d.IssuedAt.IsZero():
		v.Add(p+"issued_at", "required", "is required: the date of issue")
	case !c.CreatedAt.IsZero() && d.IssuedAt.After(c.CreatedAt):
		v.Add(p+"issued_at", "not_after_created", "must not be after the complaint was registered")
	}
	switch {
	case d.RemedySought == "":
		v.Add(p+"remedy_sought", "required", "is required")
	case !d.RemedySought.Valid() || d.RemedySought == RemedyRejection:
		v.Add(p+"remedy_sought", "remedy", "must be one of: credit_note refund replacement repair")
	}
	if d.Severity != "" && !d.Severity.Valid() {
		v.Add(p+"severity", "severity", "must be one of: "+joinPlain(Severities()))
	}
	if s := d.Source; s != nil && s.Kind.Valid() && !isSourceKind(s.Kind) {
		v.Add(p+"source.kind", "source_kind", "must be one of: "+joinPlain(SourceKinds()))
	}
	checkLinesAndClaims(v, p, d)
	checkAccounting(v, &d.Accounting)
	for i, a := range d.Attachments {
		at := fmt.Sprintf("%sattachments[%d].", p, i)
		if strings.TrimSpace(a.Name) == "" {
			v.Add(at+"name", "required", "is required")
		}
		if strings.TrimSpace(a.Key) == "" {
			v.Add(at+"key", "required", "is required")
		}
		if a.Type != "" && !a.Type.Valid() {
			v.Add(at+"type", "oneof", "must be one of: "+joinPlain(AttachmentTypes()))
		}
	}
	checkCosts(v, p, d.Costs)
	for i, r := range d.Reviews {
		at := fmt.Sprintf("%sreviews[%d].", p, i)
		if !r.Role.Valid() || !r.Role.Staff() {
			v.Add(at+"role", "role", "must be one of: agent supervisor system")
		}
		if !r.Outcome.Valid() {
			v.Add(at+"outcome", "outcome", "must be one of: "+joinPlain(ReviewOutcomes()))
		}
		if r.At.IsZero() {
			v.Add(at+"at", "required", "is required")
		}
	}
	for i, r := range d.ReviewResults {
		at := fmt.Sprintf("%sreview_results[%d].", p, i)
		if strings.TrimSpace(r.Text) == "" && len(r.Findings) == 0 {
			v.Add(at+"text", "required", "is required without findings")
		}
		if r.At.IsZero() {
			v.Add(at+"at", "required", "is required")
		}
	}
	if d.Decision != nil {
		checkDecision(v, d.Decision, &d.Responsibility, p+"decision.")
	}
	if !d.EndDate.IsZero() && !d.IssuedAt.IsZero() && d.EndDate.Before(d.IssuedAt) {
		v.Add(p+"end_date", "not_before_issued", "must not be before the date of issue")
	}
	if d.Posted && d.PostedAt.IsZero() {
		v.Add(p+"posted_at", "required", "is required for a posted complaint")
	}
}

func isSourceKind(k RefKind) bool { return slices.Contains(SourceKinds(), k) }

func checkAccounting(v *ValidationError, a *Accounting) {
	const p = complaintPrefix + "accounting."
	checkMoney(v, p, a.Amount, a.Currency, a.SalesAdjustment)
	if a.SalesAdjustment {
		if strings.TrimSpace(a.Company) == "" {
			v.Add(p+"company", "required", "is required for a sales adjustment")
		}
		if strings.TrimSpace(a.Counterparty) == "" {
			v.Add(p+"counterparty", "required", "is required for a sales adjustment")
		}
	}
}

// checkDecision checks a decision; at is its path with a trailing dot.
func checkDecision(v *ValidationError, d *ComplaintDecision, resp *Responsibility, at string) {
	if d.At.IsZero() {
		v.Add(at+"at", "required", "is required")
	}
	r := d.Remedy
	rp := at + "remedy."
	switch {
	case r.Kind == "":
		v.Add(rp+"kind", "required", "is required")
	case !r.Kind.Valid():
		v.Add(rp+"kind", "remedy", "must be one of: "+joinPlain(RemedyKinds()))
	case d.Justified && r.Kind == RemedyRejection:
		v.Add(rp+"kind", "remedy", "a justified complaint cannot be settled with a rejection")
	case !d.Justified && r.Kind != RemedyRejection:
		v.Add(rp+"kind", "remedy", "an unjustified complaint is settled with a rejection")
	}
	if r.Kind == RemedyRejection && strings.TrimSpace(r.Feedback) == "" {
		v.Add(rp+"feedback", "required", "is required: the explanation given to the customer")
	}
	switch {
	case r.Kind.Monetary():
		checkMoney(v, rp, r.Amount, r.Currency, true)
	case !r.Amount.IsZero() || r.Currency != "":
		v.Add(rp+"amount", "no_amount", fmt.Sprintf("a %s carries no amount", r.Kind))
	}
	if d.CreditRequired && strings.TrimSpace(resp.Salesperson) == "" {
		v.Add(complaintPrefix+"responsibility.salesperson", "required", "is required when a credit is required")
	}
	if r.Document != nil {
		r.Document.check(v, rp+"document.")
	}
}

// Check returns nil or a *[ValidationError] naming what is wrong with
// doc under "complaint.decision.remedy.document.": a well-formed kind
// (see [DocumentKind]), an ID, and lengths that fit the store. The Desk
// checks a handler's document with it.
func (doc *RemedyDocument) Check() error {
	v := &ValidationError{}
	doc.check(v, complaintPrefix+"decision.remedy.document.")
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// check adds doc's problems to v under at, with a trailing dot.
func (doc *RemedyDocument) check(v *ValidationError, at string) {
	if !doc.Kind.Valid() {
		v.Add(at+"kind", "document_kind", fmt.Sprintf("%q must be one of %s, or a host kind of lower-case letters, digits, '_', '-' and '.' (at most %d)", doc.Kind, joinPlain(DocumentKinds()), maxDocumentKind))
	}
	switch {
	case strings.TrimSpace(doc.ID) == "":
		v.Add(at+"id", "required", "is required")
	case len(doc.ID) > 200:
		v.Add(at+"id", "max", "must be at most 200 characters")
	}
	if len(doc.Label) > 500 {
		v.Add(at+"label", "max", "must be at most 500 characters")
	}
}

// checkMoney checks an amount and its currency under prefix p (with a
// trailing dot). With required set, the amount must be positive and the
// currency given.
func checkMoney(v *ValidationError, p string, amount decimal.Decimal, cur string, required bool) {
	switch {
	case amount.IsNegative():
		v.Add(p+"amount", "min", "must not be negative")
	case required && amount.IsZero():
		v.Add(p+"amount", "required", "is required and must be more than 0")
	case amount.Abs().Cmp(maxAmount) >= 0:
		v.Add(p+"amount", "max", "must be less than 1000000000000000")
	}
	switch {
	case cur == "" && (required || !amount.IsZero()):
		v.Add(p+"currency", "required", "is required: an ISO 4217 code such as EUR")
	case cur != "" && !ValidCurrency(cur):
		v.Add(p+"currency", "currency", fmt.Sprintf("%q is not an ISO 4217 currency code such as EUR", cur))
	case cur != "":
		digits, _ := CurrencyDigits(cur)
		if !amount.Equal(amount.Round(int32(digits))) {
			v.Add(p+"amount", "currency_digits", fmt.Sprintf("must have at most %d decimals in %s", digits, cur))
		}
	}
}

func checkQuantity(v *ValidationError, field string, q decimal.Decimal) {
	switch {
	case q.IsNegative():
		v.Add(field, "min", "must not be negative")
	case q.Abs().Cmp(maxAmount) >= 0:
		v.Add(field, "max", "must be less than 1000000000000000")
	case !q.Equal(q.Round(maxScale)):
		v.Add(field, "scale", fmt.Sprintf("must have at most %d decimals", maxScale))
	}
}
