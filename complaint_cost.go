package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintCostAddParams is an internal cost to record on a complaint; see
// [ticket.CostEntry].
type ComplaintCostAddParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Kind is one of ticket.CostKinds or a kind of the host's own.
	Kind ticket.CostKind `json:"kind"`
	// Amount is positive, with at most the decimals of Currency, an ISO
	// 4217 code such as "EUR".
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
	Note     string          `json:"note,omitempty"`
}

// ComplaintCostAdd records an internal cost on a complaint, by the
// actor at the Desk's clock time, with a history line
// (ticket.FieldCosts). Only staff may record costs, and customers never
// see them (see complaintView). A posted complaint is immutable: its
// costs cannot change (ErrPosted). A bad kind, amount or currency is a
// *ValidationError naming the params field.
func (d *Desk) ComplaintCostAdd(ctx context.Context, actor ticket.Actor, p ComplaintCostAddParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostAdd", actor)
	defer func() { end(err) }()
	return d.addComplaintCost(ctx, nil, actor, p)
}

// ComplaintCostAddTx is [Desk.ComplaintCostAdd] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintCostAddTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintCostAddParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostAddTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.addComplaintCost(ctx, tx, actor, p)
}

// addComplaintCost is ComplaintCostAdd in the host's transaction host,
// or in the Desk's own when host is nil.
func (d *Desk) addComplaintCost(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintCostAddParams) (*ticket.Complaint, error) {
	v := asValidation(ticket.Validate(p))
	// Checked as the entry it becomes: ID, by and at are ours.
	probe := ticket.CostEntry{ID: "-", Kind: p.Kind, Amount: p.Amount, Currency: p.Currency, By: "-", At: time.Unix(1, 0), Note: p.Note}
	if err := probe.Check(); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		c.Details.Costs = append(c.Details.Costs, ticket.CostEntry{
			ID: newID(), Kind: p.Kind, Amount: p.Amount, Currency: p.Currency, By: actor.ID, At: c.UpdatedAt, Note: p.Note,
		})
		return nil
	})
}

// ComplaintCostRemoveParams names a cost entry to remove from a complaint.
type ComplaintCostRemoveParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// CostID is the ticket.CostEntry's ID.
	CostID string `json:"cost_id" validate:"required"`
}

// ComplaintCostRemove removes a cost entry recorded in error from a
// complaint, with a history line (ticket.FieldCosts, the entry as Old).
// An unknown entry gives ErrNotFound; otherwise it behaves as
// [Desk.ComplaintCostAdd].
func (d *Desk) ComplaintCostRemove(ctx context.Context, actor ticket.Actor, p ComplaintCostRemoveParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostRemove", actor)
	defer func() { end(err) }()
	return d.removeComplaintCost(ctx, nil, actor, p)
}

// ComplaintCostRemoveTx is [Desk.ComplaintCostRemove] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintCostRemoveTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintCostRemoveParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostRemoveTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.removeComplaintCost(ctx, tx, actor, p)
}

// removeComplaintCost is ComplaintCostRemove in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) removeComplaintCost(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintCostRemoveParams) (*ticket.Complaint, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	return d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		i := slices.IndexFunc(c.Details.Costs, func(e ticket.CostEntry) bool { return e.ID == p.CostID })
		if i < 0 {
			return fmt.Errorf("ticketkit: complaint %s: cost %q: %w", c.Number, p.CostID, ErrNotFound)
		}
		c.Details.Costs = slices.Delete(c.Details.Costs, i, i+1)
		return nil
	})
}

// Conversion asks for cost totals in one currency, such as the
// company's. The zero value asks for none.
type Conversion struct {
	// Currency is the ISO 4217 code to convert into; empty converts
	// nothing.
	Currency string `json:"currency,omitempty"`
	// Rates gives the exchange rates; required when a total is in
	// another currency than Currency.
	Rates ticket.RateSource `json:"-"`
	// At is the time of the rates asked for; zero means the Desk's
	// clock time.
	At time.Time `json:"at,omitzero"`
}

// convert returns totals in c.Currency (see ticket.ConvertTotals for the
// exact arithmetic and its one rounding), or nil when c asks for none.
func (d *Desk) convert(c Conversion, totals []ticket.CurrencyTotal) (*decimal.Decimal, error) {
	if c.Currency == "" {
		return nil, nil
	}
	at := c.At
	if at.IsZero() {
		at = d.now()
	}
	sum, err := ticket.ConvertTotals(totals, c.Currency, at, c.Rates)
	if err != nil {
		return nil, fmt.Errorf("ticketkit: convert costs: %w", err)
	}
	return &sum, nil
}

// ComplaintCostListParams selects a complaint's costs.
type ComplaintCostListParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Convert, when its Currency is set, adds the total in that currency.
	Convert Conversion `json:"convert,omitzero"`
}

// ComplaintCostList is the costs of one complaint.
type ComplaintCostList struct {
	Entries []ticket.CostEntry `json:"entries"`
	// Totals are the costs per currency, sorted by currency code.
	Totals []ticket.CurrencyTotal `json:"totals"`
	// Converted is the sum of Totals in the Conversion's currency; nil
	// when none was asked for.
	Converted *decimal.Decimal `json:"converted,omitempty"`
}

// ComplaintCostList returns the internal costs of a complaint with their
// totals per currency and, when p.Convert asks, in one currency. Only
// staff may read costs.
func (d *Desk) ComplaintCostList(ctx context.Context, actor ticket.Actor, p ComplaintCostListParams) (_ *ComplaintCostList, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostList", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "read complaint costs"); err != nil {
		return nil, err
	}
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, err
	}
	c, err := d.loadComplaint(ctx, actor, p.ComplaintID)
	if err != nil {
		return nil, err
	}
	out := &ComplaintCostList{Entries: c.Details.Costs, Totals: ticket.CostTotals(c.Details.Costs)}
	if out.Converted, err = d.convert(p.Convert, out.Totals); err != nil {
		return nil, err
	}
	return out, nil
}

// ComplaintCostReportParams selects the complaints a cost report covers, as
// [ComplaintReportParams] does, and the currency to convert into.
type ComplaintCostReportParams struct {
	ComplaintReportParams
	Convert Conversion `json:"convert,omitzero"`
}

// ComplaintCostReport is the internal costs of a selection of complaints; see
// ticket.CostsByProduct for how each row adds up. Converted fields are
// nil unless a Conversion was asked for.
type ComplaintCostReport struct {
	// Complaints is how many complaints the selection holds, with or
	// without costs.
	Complaints int                      `json:"complaints"`
	Totals     []ticket.CurrencyTotal   `json:"totals"`
	Converted  *decimal.Decimal         `json:"converted,omitempty"`
	ByProduct  []ComplaintCostReportRow `json:"by_product"`
	ByCustomer []ComplaintCostReportRow `json:"by_customer"`
	ByReason   []ComplaintCostReportRow `json:"by_reason"`
}

// ComplaintCostReportRow is a row of a [ComplaintCostReport], with its total converted.
type ComplaintCostReportRow struct {
	ticket.CostRow
	Converted *decimal.Decimal `json:"converted,omitempty"`
}

// ComplaintCostReport reports the internal costs of the complaints p
// selects, in total and per product (reference), customer and reason,
// over the same selection as [Desk.ComplaintReport]. Only staff may read
// it.
func (d *Desk) ComplaintCostReport(ctx context.Context, actor ticket.Actor, p ComplaintCostReportParams) (_ *ComplaintCostReport, err error) {
	ctx, end := d.begin(ctx, "ComplaintCostReport", actor)
	defer func() { end(err) }()
	all, err := d.reportComplaints(ctx, actor, p.ComplaintReportParams)
	if err != nil {
		return nil, err
	}
	var entries []ticket.CostEntry
	for _, c := range all {
		entries = append(entries, c.Details.Costs...)
	}
	r := &ComplaintCostReport{Complaints: len(all), Totals: ticket.CostTotals(entries)}
	if r.Converted, err = d.convert(p.Convert, r.Totals); err != nil {
		return nil, err
	}
	rows := func(in []ticket.CostRow) ([]ComplaintCostReportRow, error) {
		out := make([]ComplaintCostReportRow, len(in))
		for i, row := range in {
			out[i].CostRow = row
			if out[i].Converted, err = d.convert(p.Convert, row.Totals); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if r.ByProduct, err = rows(ticket.CostsByProduct(all)); err != nil {
		return nil, err
	}
	if r.ByCustomer, err = rows(ticket.CostsByCustomer(all)); err != nil {
		return nil, err
	}
	if r.ByReason, err = rows(ticket.CostsByReason(all)); err != nil {
		return nil, err
	}
	return r, nil
}
