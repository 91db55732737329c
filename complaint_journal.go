package ticketkit

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintJournalParams selects a page of the complaint journal. Empty
// fields do not filter; list fields match any of their values; all set
// fields must match. Codes refer to the desk's complaint catalog.
//
// Severity, accounting and responsibility are internal to the help
// desk: a customer filtering by them gets a *ValidationError naming the
// field ("forbidden"). A customer's journal holds only their own
// complaints; a customer setting CustomerID is refused the same way, as
// by [Desk.Search].
type ComplaintJournalParams struct {
	Statuses []string `json:"statuses,omitempty"`
	// StatusCategories selects statuses by category, such as every open
	// one; combined with Statuses, a complaint must match both.
	StatusCategories []ticket.StatusCategory `json:"status_categories,omitempty"`
	// Reasons are reason codes; "" selects the complaints logged without
	// a reason.
	Reasons    []string          `json:"reasons,omitempty"`
	Priorities []string          `json:"priorities,omitempty"`
	Severities []ticket.Severity `json:"severities,omitempty"`
	// CustomerID selects one customer's complaints (staff only;
	// customers always see only their own).
	CustomerID string `json:"customer_id,omitempty" validate:"max=200"`
	// Counterparty is the accounting counterparty.
	Counterparty  string   `json:"counterparty,omitempty" validate:"max=200"`
	BusinessUnits []string `json:"business_units,omitempty" validate:"max=100"`
	// Employees are employees in charge (Responsibility.Employee, which
	// is also the complaint's assignee).
	Employees    []string `json:"employees,omitempty" validate:"max=100"`
	Salespersons []string `json:"salespersons,omitempty" validate:"max=100"`
	// SourceKind and SourceID select by source document, such as the
	// invoice a complaint was created from; either may be set alone.
	SourceKind ticket.RefKind `json:"source_kind,omitempty"`
	SourceID   string         `json:"source_id,omitempty" validate:"max=200"`
	// AmountFrom and AmountTo bound the claimed amount to [From, To];
	// Currency selects the claimed amount's currency.
	AmountFrom *decimal.Decimal `json:"amount_from,omitempty"`
	AmountTo   *decimal.Decimal `json:"amount_to,omitempty"`
	Currency   string           `json:"currency,omitempty" validate:"max=3"`
	// IssuedFrom and IssuedTo bound the date of issue to
	// [IssuedFrom, IssuedTo).
	IssuedFrom time.Time `json:"issued_from,omitzero"`
	IssuedTo   time.Time `json:"issued_to,omitzero"`
	// Text matches subjects containing it, ignoring case.
	Text string `json:"text,omitempty" validate:"max=200"`
	// Desc lists the newest date of issue first; the journal is
	// otherwise sorted by date of issue, oldest first.
	Desc bool `json:"desc,omitempty"`
	// Limit is the page size, 1 to 500; default 50.
	Limit int `json:"limit,omitempty" validate:"min=0,max=500"`
	// After is the Next cursor of the previous page, made with the same
	// Desc.
	After string `json:"after,omitempty"`
}

// ComplaintJournalPage is one page of the complaint journal.
type ComplaintJournalPage struct {
	Complaints []*ticket.Complaint `json:"complaints"`
	// Next is the cursor of the following page; empty on the last one.
	Next string `json:"next,omitempty"`
}

// ComplaintJournal lists the complaint documents the actor may see that
// match p, one page at a time, by date of issue, through
// storage.ComplaintStore.ComplaintList (indexed on every backend). A
// customer sees only their own complaints, as complaintView shows them.
// Unknown codes, a bad range and a bad cursor are a *ValidationError
// naming the field.
func (d *Desk) ComplaintJournal(ctx context.Context, actor ticket.Actor, p ComplaintJournalParams) (_ *ComplaintJournalPage, err error) {
	ctx, end := d.begin(ctx, "ComplaintJournal", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	d, cs, err := d.complaintSetup(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	q, empty, err := d.journalQuery(cs, actor, p)
	if err != nil {
		return nil, err
	}
	if empty {
		return &ComplaintJournalPage{}, nil
	}
	store, err := complaintTx(d.store)
	if err != nil {
		return nil, err
	}
	res, err := store.ComplaintList(ctx, q)
	if err != nil {
		return nil, wrapList("complaints", err)
	}
	page := &ComplaintJournalPage{Complaints: make([]*ticket.Complaint, 0, len(res.Complaints)), Next: res.Next}
	for _, c := range res.Complaints {
		c.Details.NumberLines() // lines stored before lines had numbers
		page.Complaints = append(page.Complaints, d.complaintView(actor, c))
	}
	return page, nil
}

// journalQuery validates p and turns it into a store query. empty reports
// a query that can match nothing, such as statuses outside the requested
// categories.
func (d *Desk) journalQuery(cs *complaints, actor ticket.Actor, p ComplaintJournalParams) (q storage.ComplaintListParams, empty bool, err error) {
	v := asValidation(ticket.Validate(p))
	cat := cs.catalog
	checkCodes(v, "statuses", p.Statuses, func(c string) bool { _, ok := cat.Status(c); return ok })
	checkCodes(v, "status_categories", p.StatusCategories, ticket.StatusCategory.Valid)
	checkCodes(v, "priorities", p.Priorities, func(c string) bool { _, ok := cat.Priority(c); return ok })
	checkCodes(v, "reasons", p.Reasons, func(c string) bool {
		_, ok := cat.Reason(c)
		return ok || c == "" || cat.AllowsNewReasons()
	})
	checkCodes(v, "severities", p.Severities, ticket.Severity.Valid)
	if p.SourceKind != "" && !p.SourceKind.Valid() {
		v.Add("source_kind", "oneof", "must be one of the reference kinds")
	}
	if p.AmountFrom != nil && p.AmountTo != nil && p.AmountFrom.GreaterThan(*p.AmountTo) {
		v.Add("amount_to", "gtefield", "must not be below amount_from")
	}
	if !p.IssuedFrom.IsZero() && !p.IssuedTo.IsZero() && !p.IssuedFrom.Before(p.IssuedTo) {
		v.Add("issued_to", "gtfield", "must be after issued_from")
	}
	customerID := strings.TrimSpace(p.CustomerID)
	if actor.Role == ticket.RoleCustomer {
		customerID = actor.CustomerID
		refuseFilters(v, "may not be used by a customer", customerIDFilter(p.CustomerID))
		refuseFilters(v, "is internal to the help desk",
			staffFilter{"severities", len(p.Severities) > 0}, staffFilter{"counterparty", p.Counterparty != ""},
			staffFilter{"business_units", len(p.BusinessUnits) > 0}, staffFilter{"employees", len(p.Employees) > 0},
			staffFilter{"salespersons", len(p.Salespersons) > 0}, staffFilter{"amount_from", p.AmountFrom != nil},
			staffFilter{"amount_to", p.AmountTo != nil}, staffFilter{"currency", p.Currency != ""},
		)
	}
	if err := failed(v); err != nil {
		return q, false, err
	}
	statuses := p.Statuses
	if len(p.StatusCategories) > 0 {
		inCats := d.statusesIn(p.StatusCategories, p.Statuses)
		if len(inCats) == 0 {
			return q, true, nil
		}
		statuses = inCats
	}
	return storage.ComplaintListParams{
		ComplaintFilter: storage.ComplaintFilter{
			TenantID: actor.TenantID, Reasons: p.Reasons, Statuses: statuses, Priorities: p.Priorities,
			Severities: p.Severities, CustomerID: customerID, Counterparty: strings.TrimSpace(p.Counterparty),
			BusinessUnits: p.BusinessUnits, Employees: p.Employees, Salespersons: p.Salespersons,
			SourceKind: p.SourceKind, SourceID: strings.TrimSpace(p.SourceID),
			AmountFrom: p.AmountFrom, AmountTo: p.AmountTo, Currency: strings.ToUpper(strings.TrimSpace(p.Currency)),
			IssuedFrom: p.IssuedFrom.UTC(), IssuedTo: p.IssuedTo.UTC(), Text: strings.TrimSpace(p.Text),
		},
		Desc: p.Desc, Limit: p.Limit, After: p.After,
	}, false, nil
}
