package ticket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// SetCategory gives c the category cat and adds the category's template
// actions to the action plan, each with an ID from newID and, when the
// template has DueIn, a due date counted from now. keep is asked about
// each template first, for hosts that let a user confirm them; nil keeps
// all. Setting the category c already has adds nothing. It returns the
// added actions, or an error wrapping [ErrPosted] for a posted complaint.
func (c *Complaint) SetCategory(cat Category, now time.Time, newID func() string, keep func(ActionTemplate) bool) ([]Action, error) {
	if err := c.CheckEditable(); err != nil {
		return nil, err
	}
	if c.Category == cat.Code {
		return nil, nil
	}
	c.Category = cat.Code
	var added []Action
	for _, tmpl := range cat.Actions {
		if keep != nil && !keep(tmpl) {
			continue
		}
		a := Action{Title: tmpl.Title, Owner: tmpl.Owner}
		if newID != nil {
			a.ID = newID()
		}
		if tmpl.DueIn != "" {
			if d, err := time.ParseDuration(tmpl.DueIn); err == nil {
				a.DueAt = now.Add(d)
			}
		}
		added = append(added, a)
	}
	c.Actions = append(c.Actions, added...)
	return added, nil
}

// Decide records d as the decision on c. d is checked first (see
// [ValidateComplaint] for the rules), with problems named under
// "complaint.decision.". When d.CreditRequired is set, a follow-up action
// "Issue a credit note" (with the remedy's amount, when it has one) is
// added for the salesperson named in c's responsibility, with an ID from
// newID, and returned; its ID is kept as the decision's FollowUp.
//
// A decision replaces the previous one and the follow-up that one
// added: an open follow-up is removed (kept as it is when the new
// decision asks for the same one), a done one stays as a record of what
// was done. A posted complaint gives an error wrapping [ErrPosted].
func (c *Complaint) Decide(d ComplaintDecision, newID func() string) ([]Action, error) {
	if err := c.CheckEditable(); err != nil {
		return nil, err
	}
	v := &ValidationError{}
	merge(v, Validate(&d), complaintPrefix+"decision.")
	checkDecision(v, &d, &c.Details.Responsibility, complaintPrefix+"decision.")
	if len(v.Fields) > 0 {
		return nil, v
	}
	if d.Remedy.Document != nil {
		doc := *d.Remedy.Document
		d.Remedy.Document = &doc
	}
	d.FollowUp = ""
	stale := -1 // the previous decision's open follow-up
	if old := c.Details.Decision; old != nil && old.FollowUp != "" {
		stale = slices.IndexFunc(c.Actions, func(a Action) bool { return a.ID == old.FollowUp && !a.Done })
	}
	var added []Action
	if d.CreditRequired {
		a := Action{Title: "Issue a credit note", Owner: c.Details.Responsibility.Salesperson}
		if d.Remedy.Kind.Monetary() {
			a.Title = fmt.Sprintf("Issue a credit note over %s %s", d.Remedy.Amount.StringFixed(digitsOf(d.Remedy.Currency)), d.Remedy.Currency)
		}
		if stale >= 0 && c.Actions[stale].Title == a.Title && c.Actions[stale].Owner == a.Owner {
			d.FollowUp, stale = c.Actions[stale].ID, -1 // the same task: keep it
		} else {
			if newID != nil {
				a.ID = newID()
			}
			d.FollowUp = a.ID
			added = append(added, a)
		}
	}
	if stale >= 0 {
		c.Actions = slices.Delete(c.Actions, stale, stale+1)
	}
	c.Actions = append(c.Actions, added...)
	c.Details.Decision = &d
	return added, nil
}

// digitsOf returns the decimals of a currency, 2 when unknown.
func digitsOf(cur string) int32 {
	if d, ok := CurrencyDigits(cur); ok {
		return int32(d)
	}
	return 2
}

// SourceDocument is what a [SourceResolver] finds about a host document
// a complaint is created from.
type SourceDocument struct {
	// Ref is the document itself, such as an invoice.
	Ref Reference `json:"ref"`
	// Customer is the counterparty the document was made out to.
	Customer Customer `json:"customer"`
	// Contacts are the counterparty's contact persons, with roles.
	Contacts []Contact `json:"contacts,omitempty"`
	// Company is the host's legal entity that issued the document.
	Company string `json:"company,omitempty"`
	// Contract is the host's contract the document belongs to.
	Contract string `json:"contract,omitempty"`
	// Currency is the document's ISO 4217 currency.
	Currency string `json:"currency,omitempty"`
	// Salesperson is the host user ID of the salesperson in charge of the
	// counterparty.
	Salesperson string `json:"salesperson,omitempty"`
	// Lines are the document's products, with serial or batch numbers.
	Lines []ComplaintLine `json:"lines,omitempty"`
}

// ApplySource fills c from a resolved source document: the source
// reference (also added to References, with a contract reference when the
// document names a contract), the customer and contacts, the accounting
// company, counterparty, contract and currency, the salesperson and the
// lines. Fields c already has are kept, except Source, which the
// document replaces. Lines c already has are kept too: a complaint about
// two lines of a ten-line invoice stays about those two, and the lines a
// caller gave are never dropped for a document that has none. Without
// lines of its own, c takes the document's, numbered by the complaint
// ([ComplaintDetails.NumberLines]) whatever the document numbered them.
// A posted complaint gives an error wrapping [ErrPosted].
func (c *Complaint) ApplySource(doc SourceDocument) error {
	if err := c.CheckEditable(); err != nil {
		return err
	}
	d := &c.Details
	ref := doc.Ref
	d.Source = &ref
	if len(d.Lines) == 0 {
		d.Lines = slices.Clone(doc.Lines)
		for i := range d.Lines { // numbered by the complaint, not the document
			d.Lines[i].No = 0
		}
		d.NumberLines()
	}
	addRef := func(r Reference) {
		if !slices.ContainsFunc(c.References, func(x Reference) bool { return x.Kind == r.Kind && x.ID == r.ID }) {
			c.References = append(c.References, r)
		}
	}
	addRef(ref)
	if doc.Contract != "" {
		addRef(Reference{Kind: RefContract, ID: doc.Contract})
	}
	if c.Customer == (Customer{}) {
		c.Customer = doc.Customer
	}
	if len(c.Contacts) == 0 {
		c.Contacts = slices.Clone(doc.Contacts)
	}
	a := &d.Accounting
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&a.Company, doc.Company)
	fill(&a.Counterparty, doc.Customer.ID)
	fill(&a.Contract, doc.Contract)
	fill(&a.Currency, doc.Currency)
	fill(&d.Responsibility.Salesperson, doc.Salesperson)
	return nil
}

// ErrSourceNotFound is what a [SourceResolver] wraps when the host has no
// document for a reference.
var ErrSourceNotFound = errors.New("ticket: source document not found")

// SourceResolver finds a host document, such as an invoice, order or job,
// so a complaint can be created from it. The host implements it; ticketkit
// calls it and fills the complaint with [Complaint.ApplySource].
type SourceResolver interface {
	// ResolveSource returns the document ref points at, or an error
	// wrapping [ErrSourceNotFound].
	ResolveSource(ctx context.Context, ref Reference) (SourceDocument, error)
}

// SourceResolverFunc adapts a function to a [SourceResolver].
type SourceResolverFunc func(ctx context.Context, ref Reference) (SourceDocument, error)

// ResolveSource calls f.
func (f SourceResolverFunc) ResolveSource(ctx context.Context, ref Reference) (SourceDocument, error) {
	return f(ctx, ref)
}

// RemedyRequest asks a [RemedyHandler] to carry out a remedy.
type RemedyRequest struct {
	// Complaint is the complaint, as decided. Do not modify.
	Complaint *Complaint
	// Remedy is the outcome to carry out.
	Remedy Remedy
	// LineRemedies are the remedies decided line by line (see
	// [LineDecision]), such as a credit of 40 % on one line and the
	// replacement of 3 pieces on another, as [Complaint.LineRemedies]
	// returns them; nil when no line has one.
	LineRemedies []LineRemedyItem
	// Actor is who triggered it, at At.
	Actor Actor
	At    time.Time
	// IdempotencyKey is the same for every attempt to carry out the same
	// decision of the same complaint, and differs for another decision
	// or complaint. A handler that calls an external system passes it
	// on (as an idempotency or reference key), so that a posting
	// retried after a failure — the handler's own, or a failed commit
	// after it returned — finds the document issued the first time
	// instead of issuing a second one.
	IdempotencyKey string
	// Tx is the store transaction the posting runs in, a storage.Tx of
	// the desk's store (typed any because package ticket imports no
	// storage package): the Desk's own, or the host's when it posts
	// with a ...Tx method. A handler writes the host's own rows, such
	// as its credit note, in it so that they commit or roll back with
	// the posting; with the Bun store, bunstore.TxDB(req.Tx) returns
	// the transaction's bun.IDB. Use it only during the call.
	Tx any
}

// RemedyResult is what a [RemedyHandler] did.
type RemedyResult struct {
	// Document is the host document that carries the remedy out, such as
	// a credit note; nil when there is none. It is kept as
	// Remedy.Document and must pass [RemedyDocument.Check].
	Document *RemedyDocument
}

// RemedyHandler carries out a decided remedy in the host's ERP: it issues
// the credit note or refund, orders the replacement or repair, or sends the
// rejection feedback. The host implements it.
type RemedyHandler interface {
	// HandleRemedy carries out req.Remedy. See ticketkit's
	// Desk.ComplaintPost for what a handler may assume: it runs inside
	// the posting's transaction, at most once at a time per complaint,
	// and a retried posting passes the same IdempotencyKey.
	HandleRemedy(ctx context.Context, req RemedyRequest) (RemedyResult, error)
}

// RemedyHandlerFunc adapts a function to a [RemedyHandler].
type RemedyHandlerFunc func(ctx context.Context, req RemedyRequest) (RemedyResult, error)

// HandleRemedy calls f.
func (f RemedyHandlerFunc) HandleRemedy(ctx context.Context, req RemedyRequest) (RemedyResult, error) {
	return f(ctx, req)
}
