package ticket

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// CostKind is the kind of an internal cost of a complaint: one of
// [CostKinds], or a kind the host defines, written like a
// [DocumentKind] (a lower-case letter followed by at most 49 lower-case
// letters, digits, '_', '-' or '.', such as "travel").
type CostKind string

// Kinds of complaint costs ticketkit names.
const (
	CostLabour  CostKind = "labour"  // CostLabour: working time spent on the complaint.
	CostFreight CostKind = "freight" // CostFreight: shipping goods back and forth.
	CostScrap   CostKind = "scrap"   // CostScrap: goods written off.
	CostRework  CostKind = "rework"  // CostRework: reworking or repairing goods.
	CostOther   CostKind = "other"   // CostOther: any other cost; say what in the note.
)

// CostKinds returns the cost kinds ticketkit names; hosts may use
// others (see [CostKind]).
func CostKinds() []CostKind {
	return []CostKind{CostLabour, CostFreight, CostScrap, CostRework, CostOther}
}

// Valid reports whether k is well formed: one of [CostKinds] or a
// host-defined kind as [CostKind] describes.
func (k CostKind) Valid() bool { return DocumentKind(k).Valid() }

// CostEntry is an internal cost the help desk incurred on a complaint.
// Costs are internal: customers never see them.
type CostEntry struct {
	// ID identifies the entry within the complaint.
	ID   string   `json:"id"`
	Kind CostKind `json:"kind"`
	// Amount is positive, with at most the decimals of Currency, an ISO
	// 4217 code such as "EUR".
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
	// By is the host user ID of who recorded the cost, at At.
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Note says what the cost is for.
	Note string `json:"note,omitempty"`
}

// FieldCosts is the history field of a complaint's costs: one event per
// entry added ("labour 45.00 EUR by u-1 at 2026-06-04T10:00:00Z (note)") or removed (the same
// text as Old), as [ComplaintDiff] records it.
const FieldCosts = "complaint.costs"

// costText renders a cost entry for its history line.
func costText(e CostEntry) string {
	s := string(e.Kind) + " " + moneyText(e.Amount, e.Currency) + " by " + e.By + " at " + dateText(e.At, time.RFC3339)
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

// costDiff returns the history lines of the costs added and removed
// from before to after, by entry ID.
func costDiff(before, after []CostEntry) []Event {
	var events []Event
	old := make(map[string]CostEntry, len(before))
	for _, e := range before {
		old[e.ID] = e
	}
	for _, e := range after {
		if o, ok := old[e.ID]; !ok {
			events = append(events, Event{Field: FieldCosts, New: costText(e)})
		} else if costText(o) != costText(e) {
			events = append(events, Event{Field: FieldCosts, Old: costText(o), New: costText(e)})
		}
		delete(old, e.ID)
	}
	for _, e := range before { // removed, in entry order
		if _, ok := old[e.ID]; ok {
			events = append(events, Event{Field: FieldCosts, Old: costText(e)})
		}
	}
	return events
}

// checkCosts checks the cost entries of a complaint under prefix p.
func checkCosts(v *ValidationError, p string, costs []CostEntry) {
	for i := range costs {
		costs[i].check(v, fmt.Sprintf("%scosts[%d].", p, i))
	}
}

// Check returns nil or a *[ValidationError] naming what is wrong with
// e, by the JSON names of its fields ("kind", "amount", "currency"): an
// ID, a well-formed kind, a positive amount with at most the decimals of
// an ISO 4217 currency, who recorded it and when. The Desk checks a new
// entry with it before it loads the complaint.
func (e *CostEntry) Check() error {
	v := &ValidationError{}
	e.check(v, "")
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// check adds e's problems to v under at, with a trailing dot.
func (e *CostEntry) check(v *ValidationError, at string) {
	if strings.TrimSpace(e.ID) == "" {
		v.Add(at+"id", "required", "is required")
	}
	if !e.Kind.Valid() {
		v.Add(at+"kind", "cost_kind", fmt.Sprintf("%q must be one of %s, or a host kind of lower-case letters, digits, '_', '-' and '.' (at most %d)", e.Kind, joinPlain(CostKinds()), maxDocumentKind))
	}
	checkMoney(v, at, e.Amount, e.Currency, true)
	if strings.TrimSpace(e.By) == "" {
		v.Add(at+"by", "required", "is required")
	}
	if e.At.IsZero() {
		v.Add(at+"at", "required", "is required")
	}
	if len(e.Note) > maxCostNote {
		v.Add(at+"note", "max", fmt.Sprintf("must be at most %d characters", maxCostNote))
	}
}

// maxCostNote is the length limit of [CostEntry].Note.
const maxCostNote = 1000

// CostTotals sums cost entries per currency, sorted by currency code;
// CurrencyTotal.Count is the number of entries. Amounts in different
// currencies are never added up: see [ConvertTotals].
func CostTotals(costs []CostEntry) []CurrencyTotal {
	return sumPerCurrency(costs, func(e CostEntry) (decimal.Decimal, string) { return e.Amount, e.Currency })
}

// CostRow is the costs of the complaints that share a key, such as a
// product, a customer or a reason.
type CostRow struct {
	Key string `json:"key"`
	// Complaints is how many complaints with costs share the key.
	Complaints int `json:"complaints"`
	// Totals are their costs per currency, as [CostTotals] sums them.
	Totals []CurrencyTotal `json:"totals"`
}

// CostsByProduct sums the costs of complaints per product of their
// lines. A complaint naming several products counts its whole cost in
// each of their rows (costs are recorded per complaint, not per line),
// so rows may add up to more than the complaints cost; complaints
// without lines count under "". Complaints without costs are left out.
// Rows come by number of complaints, highest first, then by key.
func CostsByProduct(cs []*Complaint) []CostRow {
	return costsBy(cs, func(c *Complaint) []string {
		if len(c.Details.Lines) == 0 {
			return []string{""}
		}
		keys := make([]string, len(c.Details.Lines))
		for i, l := range c.Details.Lines {
			keys[i] = l.Product
		}
		return keys
	})
}

// CostsByCustomer sums the costs of complaints per customer ID, like
// [CostsByProduct].
func CostsByCustomer(cs []*Complaint) []CostRow {
	return costsBy(cs, func(c *Complaint) []string { return []string{c.Customer.ID} })
}

// CostsByReason sums the costs of complaints per reason code
// (complaints without one under ""), like [CostsByProduct].
func CostsByReason(cs []*Complaint) []CostRow {
	return costsBy(cs, func(c *Complaint) []string { return []string{c.Reason} })
}

// costsBy groups the costs of complaints by keys, each key counted once
// per complaint; nil complaints and complaints without costs are
// skipped.
func costsBy(cs []*Complaint, keys func(*Complaint) []string) []CostRow {
	groups := make(map[string][]CostEntry)
	counts := make(map[string]int)
	for _, c := range cs {
		if c == nil || len(c.Details.Costs) == 0 {
			continue
		}
		seen := make(map[string]bool)
		for _, k := range keys(c) {
			if !seen[k] {
				seen[k] = true
				counts[k]++
				groups[k] = append(groups[k], c.Details.Costs...)
			}
		}
	}
	rows := make([]CostRow, 0, len(groups))
	for k, entries := range groups {
		rows = append(rows, CostRow{Key: k, Complaints: counts[k], Totals: CostTotals(entries)})
	}
	slices.SortFunc(rows, func(a, b CostRow) int {
		return cmp.Or(cmp.Compare(b.Complaints, a.Complaints), cmp.Compare(a.Key, b.Key))
	})
	return rows
}

// RateSource gives exchange rates; the host supplies it (its ERP's
// rate table, a central bank feed).
type RateSource interface {
	// Rate returns how many units of to one unit of from is worth at
	// the given time, such as 1.0845 for from "EUR", to "USD". An error
	// fails the conversion that asked.
	Rate(from, to string, at time.Time) (decimal.Decimal, error)
}

// RateSourceFunc adapts a function to a [RateSource].
type RateSourceFunc func(from, to string, at time.Time) (decimal.Decimal, error)

// Rate calls f.
func (f RateSourceFunc) Rate(from, to string, at time.Time) (decimal.Decimal, error) {
	return f(from, to, at)
}

// ConvertTotals converts per-currency totals into currency cur at time
// at with rates, and adds them up. Each total is multiplied by its rate
// exactly (decimal, no float); only the sum is rounded, once, half away
// from zero to the decimals of cur (2 for EUR, 0 for JPY), so that the
// result does not depend on the order of the totals. A total already in
// cur is not converted. A rate that is not positive, an unknown
// currency or an error of rates fails the conversion.
func ConvertTotals(totals []CurrencyTotal, cur string, at time.Time, rates RateSource) (decimal.Decimal, error) {
	digits, ok := CurrencyDigits(cur)
	if !ok {
		return decimal.Decimal{}, NewValidationError(FieldError{Field: "currency", Rule: "currency",
			Message: fmt.Sprintf("%q is not an ISO 4217 currency code such as EUR", cur)})
	}
	sum := decimal.Zero
	for _, t := range totals {
		if t.Currency == cur {
			sum = sum.Add(t.Total)
			continue
		}
		if rates == nil {
			return decimal.Decimal{}, fmt.Errorf("ticket: convert %s to %s: no rate source", t.Currency, cur)
		}
		r, err := rates.Rate(t.Currency, cur, at)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("ticket: rate %s to %s: %w", t.Currency, cur, err)
		}
		if !r.IsPositive() {
			return decimal.Decimal{}, fmt.Errorf("ticket: rate %s to %s is %s, not positive", t.Currency, cur, r)
		}
		sum = sum.Add(t.Total.Mul(r))
	}
	return sum.Round(int32(digits)), nil
}
