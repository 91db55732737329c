package ticket

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Complaint is a customer complaint document: a [Ticket] (the shared core:
// number, status, customer, contacts, references, reason code, action plan,
// closure reason, timestamps) plus the complaint section in Details.
//
// The core's fields keep their ticket meaning: Subject is the working
// name, Customer the counterparty, Contacts the contact persons with their
// roles, Reason a reason code from the catalog, Actions the action plan and
// Channel how the complaint arrived. Everything that exists only for
// complaints lives in Details, encoded under the JSON key "complaint", so
// validation names its fields "complaint.accounting.amount" and so on.
// Pass &c.Ticket wherever a *Ticket is expected.
type Complaint struct {
	Ticket
	// Details is the complaint section.
	Details ComplaintDetails `json:"complaint"`
}

// ComplaintDetails is the part of a [Complaint] that tickets do not have.
type ComplaintDetails struct {
	// CounterpartyRole is who the counterparty (the ticket's Customer)
	// is: a customer, a supplier or a carrier; empty means a customer.
	// A supplier or carrier complaint is a claim, such as a back-charge
	// raised from a customer complaint (see ClaimOf).
	CounterpartyRole CounterpartyRole `json:"counterparty_role,omitempty"`
	// ClaimOf links a supplier or carrier claim to the customer
	// complaint it was raised from; nil otherwise.
	ClaimOf *ClaimLink `json:"claim_of,omitempty"`
	// Claims link a customer complaint to the supplier and carrier
	// claims raised from it; customers never see them.
	Claims []ClaimLink `json:"claims,omitempty"`
	// IssuedAt is the date of issue: when the customer raised the
	// complaint, which may be before it was registered (CreatedAt).
	IssuedAt time.Time `json:"issued_at"`
	// RemedySought is what the customer asks for; never [RemedyRejection].
	RemedySought RemedyKind `json:"remedy_sought"`
	// Severity is staff's assessment of how serious the complaint is;
	// empty until assessed.
	Severity Severity `json:"severity,omitempty"`
	// Source is the host document the complaint is about, such as the
	// invoice, order or job it was created from.
	Source *Reference `json:"source,omitempty"`
	// Lines are the products, quantities and serial or batch numbers the
	// complaint is about, usually copied from the source document. Each
	// has its number (ComplaintLine.No); see [ComplaintDetails.NumberLines].
	Lines []ComplaintLine `json:"lines,omitempty" validate:"dive"`
	// LineSeq is the highest line number the complaint has given, so
	// that the number of a removed line is never given again.
	LineSeq int `json:"line_seq,omitempty"`
	// Accounting says whether a sales adjustment is required, and for how
	// much.
	Accounting Accounting `json:"accounting"`
	// Responsibility names who handles the complaint.
	Responsibility Responsibility `json:"responsibility"`
	// Attachments are files attached to the document itself, such as a
	// photo of the damage or a delivery note; customers see only those
	// marked CustomerVisible.
	Attachments []ComplaintAttachment `json:"attachments,omitempty"`
	// Costs are the help desk's internal costs of the complaint; see
	// [CostEntry]. Customers never see them.
	Costs []CostEntry `json:"costs,omitempty"`
	// Comments are remarks on the document; the conversation with the
	// customer stays in the ticket's messages.
	Comments []Comment `json:"comments,omitempty" validate:"dive"`
	// Reviews are approvals, such as a supervisor's follow-up review
	// before posting: an outcome the workflow's supervisor_review guard
	// reads.
	Reviews []Review `json:"reviews,omitempty" validate:"dive"`
	// ReviewResults are the findings of reviews of the complaint, kept
	// apart from the approvals in Reviews: what was examined and found,
	// by whom and when. They are internal to the help desk.
	ReviewResults []ReviewResult `json:"review_results,omitempty" validate:"max=200,dive"`
	// RootCause is the analysed root cause (8D's D4); nil until set.
	// Customers never see it.
	RootCause *RootCause `json:"root_cause,omitempty"`
	// Steps are the 8D steps completed so far, in order (see [Step]).
	// Customers never see them.
	Steps []StepRecord `json:"steps,omitempty"`
	// Decision is the decision on the complaint; nil until decided.
	Decision *ComplaintDecision `json:"decision,omitempty"`
	// EndDate is when the remedy was carried out; the complaint workflow
	// requires it to fulfil the complaint.
	EndDate time.Time `json:"end_date,omitzero"`
	// Posted is set once the complaint is posted; a posted complaint is
	// immutable (see [Complaint.CheckEditable]).
	Posted bool `json:"posted,omitempty"`
	// PostedAt is when the complaint was posted.
	PostedAt time.Time `json:"posted_at,omitzero"`
	// Reversal links a posted complaint to its reversal; nil until
	// reversed. It is the only part of a posted complaint that is ever
	// written, once (see [ComplaintReversal]).
	Reversal *ComplaintReversal `json:"reversal,omitempty"`
}

// ComplaintLine is one product the complaint is about.
type ComplaintLine struct {
	// No is the line's number in the complaint, its position as an ERP
	// prints it: given by the Desk from 1 when the complaint is opened
	// and when lines are added, kept when lines before it are removed,
	// and never given again within the complaint. Line methods address
	// lines by it (Desk.ComplaintLineUpdate and the others).
	No int `json:"no,omitempty"`
	// Product is the host's product code or SKU.
	Product string `json:"product" validate:"required,max=200"`
	// Description is the product's name as printed on the source document.
	Description string `json:"description,omitempty" validate:"max=500"`
	// Serial is a serial number; Batch a batch or lot number. Reports
	// group complaints by them to spot defective series.
	Serial string `json:"serial,omitempty" validate:"max=200"`
	Batch  string `json:"batch,omitempty" validate:"max=200"`
	// Quantity is the quantity complained about; zero means not given.
	Quantity decimal.Decimal `json:"quantity,omitzero"`
	// Unit is the unit of Quantity, such as "pcs" or "kg".
	Unit string `json:"unit,omitempty" validate:"max=20"`
	// Return is the host's return (RMA) document of the line, linked
	// with Desk.ComplaintLineReturnLink; nil until linked.
	Return *Reference `json:"return,omitempty"`
	// Decision is the decision on the line and its remedies; nil until
	// decided (see [LineDecision]).
	Decision *LineDecision `json:"decision,omitempty"`
	// Note is an internal note on the line; customers never see it.
	Note string `json:"note,omitempty" validate:"max=4000"`
}

// Accounting is the accounting side of a complaint. Amounts are decimals,
// never floats; Currency is an ISO 4217 code such as "EUR".
type Accounting struct {
	// SalesAdjustment is set when the complaint requires a sales
	// adjustment; Company, Counterparty, Amount and Currency are then
	// required.
	SalesAdjustment bool `json:"sales_adjustment,omitempty"`
	// Company is the host's own legal entity the adjustment is booked in.
	Company string `json:"company,omitempty" validate:"max=200"`
	// Counterparty is the host's counterparty (customer account) ID.
	Counterparty string `json:"counterparty,omitempty" validate:"max=200"`
	// Contract is the host's contract ID.
	Contract string `json:"contract,omitempty" validate:"max=200"`
	// Amount is the amount the customer claims.
	Amount decimal.Decimal `json:"amount,omitzero"`
	// Currency is the ISO 4217 code of Amount.
	Currency string `json:"currency,omitempty"`
}

// Responsibility names who is in charge of a complaint. All values are
// host IDs.
type Responsibility struct {
	// BusinessUnit is the business unit in charge.
	BusinessUnit string `json:"business_unit,omitempty" validate:"max=200"`
	// Employee is the employee in charge. It is the source of truth of
	// who handles the complaint, and the ticket's Assignee follows it
	// (see [Complaint.SyncAssignee]), so that a search by assignee finds
	// the complaints in an employee's charge.
	Employee string `json:"employee,omitempty" validate:"max=200"`
	// Salesperson receives the follow-up task when a decision requires a
	// credit.
	Salesperson string `json:"salesperson,omitempty" validate:"max=200"`
}

// Comment is a remark on a complaint document.
type Comment struct {
	Author string    `json:"author" validate:"required"`
	At     time.Time `json:"at"`
	Text   string    `json:"text" validate:"required,max=4000"`
}

// Review is the result of a review of a complaint, such as a supervisor's
// follow-up review before the complaint is posted.
type Review struct {
	// By is the reviewer's host user ID; Role the role they reviewed in.
	By      string        `json:"by" validate:"required"`
	Role    Role          `json:"role"`
	At      time.Time     `json:"at"`
	Outcome ReviewOutcome `json:"outcome"`
	Notes   string        `json:"notes,omitempty" validate:"max=4000"`
}

// ReviewResult is the result of a review of a complaint, such as a
// quality engineer's examination of returned goods: free text and
// findings, by whom and when. It approves nothing; approvals are
// [Review]s.
type ReviewResult struct {
	// ID identifies the result within the complaint.
	ID string `json:"id"`
	// By is the reviewer's host user ID, at At.
	By string    `json:"by" validate:"required,max=200"`
	At time.Time `json:"at"`
	// Text is the review's free text.
	Text string `json:"text,omitempty" validate:"max=4000"`
	// Findings are the review's findings, one short statement each.
	Findings []string `json:"findings,omitempty" validate:"max=50,dive,required,max=500"`
}

// ComplaintDecision is the decision on a complaint.
type ComplaintDecision struct {
	// Justified says whether the complaint is justified.
	Justified bool `json:"justified"`
	// Notes explain the decision.
	Notes string `json:"notes,omitempty" validate:"max=4000"`
	// By is the host user ID of who decided, at At.
	By string    `json:"by" validate:"required"`
	At time.Time `json:"at"`
	// Remedy is the outcome: a [RemedyRejection] for an unjustified
	// complaint, another kind for a justified one.
	Remedy Remedy `json:"remedy"`
	// CreditRequired adds a follow-up task for the salesperson
	// ([Responsibility].Salesperson) when the decision is recorded with
	// [Complaint.Decide].
	CreditRequired bool `json:"credit_required,omitempty"`
	// FollowUp is the ID of the action [Complaint.Decide] added for
	// CreditRequired, so that a later decision replaces it; empty when
	// it added none.
	FollowUp string `json:"follow_up,omitempty"`
}

// Remedy is the typed outcome of a decision, handed to a [RemedyHandler]
// so the host's ERP carries it out.
type Remedy struct {
	Kind RemedyKind `json:"kind"`
	// Amount and Currency are required for [RemedyCreditNote] and
	// [RemedyRefund], and not allowed for other kinds.
	Amount   decimal.Decimal `json:"amount,omitzero"`
	Currency string          `json:"currency,omitempty"`
	// Feedback is the explanation given to the customer; required for a
	// [RemedyRejection].
	Feedback string `json:"feedback,omitempty" validate:"max=4000"`
	// Notes are internal notes, such as what is replaced or repaired.
	Notes string `json:"notes,omitempty" validate:"max=4000"`
	// Document is the host document that carried the remedy out, such as
	// a credit note, as returned by the [RemedyHandler].
	Document *RemedyDocument `json:"document,omitempty"`
}

// RemedyDocument is a host document that carries a remedy out, such as
// the credit note, the return (RMA) or the replacement order an ERP
// issued for a complaint.
type RemedyDocument struct {
	// Kind is one of [DocumentKinds] or a kind of the host's own.
	Kind DocumentKind `json:"kind"`
	// ID is the host's document ID or number.
	ID string `json:"id"`
	// Label is a display text, such as "Credit note CN-2026-0042".
	Label string `json:"label,omitempty"`
}

// DocumentKind is the kind of a [RemedyDocument]: one of
// [DocumentKinds], or a kind the host defines, written as a lower-case
// letter followed by at most 49 lower-case letters, digits, '_', '-' or
// '.' (such as "debit_memo" or "sap.vbak").
type DocumentKind string

// Kinds of remedy documents ERPs commonly return.
const (
	DocCreditNote       DocumentKind = "credit_note"       // DocCreditNote: a credit note.
	DocRefund           DocumentKind = "refund"            // DocRefund: a refund or payment order.
	DocReturn           DocumentKind = "return"            // DocReturn: a return or RMA.
	DocReplacementOrder DocumentKind = "replacement_order" // DocReplacementOrder: an order shipping replacement goods.
	DocRepairOrder      DocumentKind = "repair_order"      // DocRepairOrder: a repair or service order.
)

// DocumentKinds returns the document kinds ticketkit names; hosts may
// use others (see [DocumentKind]).
func DocumentKinds() []DocumentKind {
	return []DocumentKind{DocCreditNote, DocRefund, DocReturn, DocReplacementOrder, DocRepairOrder}
}

// maxDocumentKind is the length limit of a [DocumentKind].
const maxDocumentKind = 50

// Valid reports whether k is well formed: one of [DocumentKinds] or a
// host-defined kind as [DocumentKind] describes.
func (k DocumentKind) Valid() bool {
	if len(k) == 0 || len(k) > maxDocumentKind || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}

// RemedyKind is what a complaint is settled with.
type RemedyKind string

// Kinds of remedies.
const (
	RemedyCreditNote  RemedyKind = "credit_note" // RemedyCreditNote: a credit note over an amount.
	RemedyRefund      RemedyKind = "refund"      // RemedyRefund: money paid back.
	RemedyReplacement RemedyKind = "replacement" // RemedyReplacement: the goods are replaced.
	RemedyRepair      RemedyKind = "repair"      // RemedyRepair: the goods are repaired.
	RemedyRejection   RemedyKind = "rejection"   // RemedyRejection: the complaint is rejected, with feedback.
)

// RemedyKinds returns every remedy kind.
func RemedyKinds() []RemedyKind {
	return []RemedyKind{RemedyCreditNote, RemedyRefund, RemedyReplacement, RemedyRepair, RemedyRejection}
}

// Valid reports whether k is one of [RemedyKinds].
func (k RemedyKind) Valid() bool { return slices.Contains(RemedyKinds(), k) }

// Monetary reports whether a remedy of kind k carries an amount.
func (k RemedyKind) Monetary() bool { return k == RemedyCreditNote || k == RemedyRefund }

// Severity is staff's assessment of how serious a complaint is.
type Severity string

// Severities from least to most serious.
const (
	SeverityLow      Severity = "low"      // SeverityLow: an inconvenience.
	SeverityMedium   Severity = "medium"   // SeverityMedium: a real loss for the customer.
	SeverityHigh     Severity = "high"     // SeverityHigh: a serious loss, or many customers affected.
	SeverityCritical Severity = "critical" // SeverityCritical: safety, legal or reputational risk.
)

// Severities returns every severity from least to most serious.
func Severities() []Severity {
	return []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// Valid reports whether s is one of [Severities].
func (s Severity) Valid() bool { return slices.Contains(Severities(), s) }

// ReviewOutcome is the result of a [Review].
type ReviewOutcome string

// Review outcomes.
const (
	ReviewApproved         ReviewOutcome = "approved"          // ReviewApproved: the handling is approved.
	ReviewChangesRequested ReviewOutcome = "changes_requested" // ReviewChangesRequested: the reviewer asks for more work.
)

// ReviewOutcomes returns every review outcome.
func ReviewOutcomes() []ReviewOutcome { return []ReviewOutcome{ReviewApproved, ReviewChangesRequested} }

// Valid reports whether o is one of [ReviewOutcomes].
func (o ReviewOutcome) Valid() bool { return slices.Contains(ReviewOutcomes(), o) }

// ErrPosted is wrapped by errors about changing a posted complaint.
var ErrPosted = errors.New("ticket: complaint is posted")

// CheckEditable returns an error wrapping [ErrPosted] when c is posted,
// and nil otherwise. Callers check it before every change to a complaint;
// a posted complaint is immutable.
func (c *Complaint) CheckEditable() error {
	if !c.Details.Posted {
		return nil
	}
	name := c.Number
	if name == "" {
		name = c.ID
	}
	if c.Details.PostedAt.IsZero() {
		return fmt.Errorf("%w: %s cannot be changed", ErrPosted, name)
	}
	return fmt.Errorf("%w: %s was posted at %s and cannot be changed",
		ErrPosted, name, c.Details.PostedAt.UTC().Format(time.RFC3339))
}

// LatestReview returns the most recent review made in role, by At.
func (c *Complaint) LatestReview(role Role) (Review, bool) {
	var best Review
	found := false
	for _, r := range c.Details.Reviews {
		if r.Role == role && (!found || !r.At.Before(best.At)) {
			best, found = r, true
		}
	}
	return best, found
}

// Clone returns a deep copy of c, so that the copy can be changed without
// touching c.
func (c *Complaint) Clone() *Complaint {
	if c == nil {
		return nil
	}
	out := &Complaint{Ticket: *c.Ticket.Clone(), Details: c.Details}
	d := &out.Details
	if c.Details.Source != nil {
		s := *c.Details.Source
		d.Source = &s
	}
	d.Lines = cloneLines(c.Details.Lines)
	d.Claims = slices.Clone(c.Details.Claims)
	if c.Details.ClaimOf != nil {
		of := *c.Details.ClaimOf
		d.ClaimOf = &of
	}
	d.Attachments = slices.Clone(c.Details.Attachments)
	d.Costs = slices.Clone(c.Details.Costs)
	d.Comments = slices.Clone(c.Details.Comments)
	d.Reviews = slices.Clone(c.Details.Reviews)
	d.Steps = slices.Clone(c.Details.Steps)
	if c.Details.RootCause != nil {
		r := *c.Details.RootCause
		d.RootCause = &r
	}
	if c.Details.ReviewResults != nil {
		d.ReviewResults = make([]ReviewResult, len(c.Details.ReviewResults))
		for i, r := range c.Details.ReviewResults {
			r.Findings = slices.Clone(r.Findings)
			d.ReviewResults[i] = r
		}
	}
	if c.Details.Decision != nil {
		dec := *c.Details.Decision
		if dec.Remedy.Document != nil {
			doc := *dec.Remedy.Document
			dec.Remedy.Document = &doc
		}
		d.Decision = &dec
	}
	d.Reversal = c.Details.Reversal.clone()
	return out
}

// SyncAssignee keeps the ticket's Assignee and the employee in charge
// (Responsibility.Employee) in step: the employee is the source of
// truth, so the assignee becomes the employee, unless only the assignee
// changed since before (a generic assignment of the ticket), which then
// moves the employee in charge with it. before is the complaint as it
// was stored, or nil for a new one, whose assignee fills an empty
// employee.
func (c *Complaint) SyncAssignee(before *Complaint) {
	emp := &c.Details.Responsibility.Employee
	switch {
	case before == nil:
		if *emp == "" {
			*emp = c.Assignee
		}
	case c.Assignee != before.Assignee && *emp == before.Details.Responsibility.Employee:
		*emp = c.Assignee
	}
	c.Assignee = *emp
}
