package ticket

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// The complaint reports below are pure functions over a slice of
// complaints, so any store can feed them with the complaints of a period.
// Nil entries are skipped.

// CountRow is one row of a count report: a key and how many complaints
// have it.
type CountRow struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// SeriesKind says whether a [SeriesRow] counts a serial or a batch number.
type SeriesKind string

// Kinds of series.
const (
	SeriesSerial SeriesKind = "serial" // SeriesSerial: a serial number.
	SeriesBatch  SeriesKind = "batch"  // SeriesBatch: a batch or lot number.
)

// SeriesKinds returns every series kind.
func SeriesKinds() []SeriesKind { return []SeriesKind{SeriesSerial, SeriesBatch} }

// Valid reports whether k is one of [SeriesKinds].
func (k SeriesKind) Valid() bool { return slices.Contains(SeriesKinds(), k) }

// SeriesRow counts the complaints about one serial or batch number of a
// product.
type SeriesRow struct {
	Product string     `json:"product"`
	Kind    SeriesKind `json:"kind"`
	Series  string     `json:"series"`
	Count   int        `json:"count"`
}

// ComplaintsByReason counts complaints per reason code; complaints
// without one count under "". Rows come by count, highest first, then by
// key.
func ComplaintsByReason(cs []*Complaint) []CountRow {
	return countBy(cs, func(c *Complaint) []string { return []string{c.Reason} })
}

// ComplaintsByChannel counts complaints per channel; complaints without
// one count under "". Rows come by count, highest first, then by key.
func ComplaintsByChannel(cs []*Complaint) []CountRow {
	return countBy(cs, func(c *Complaint) []string { return []string{string(c.Channel)} })
}

// ComplaintsByProduct counts complaints per product of their lines; a
// complaint counts once per product however many lines name it, and
// complaints without lines are not counted. Rows come by count, highest
// first, then by key.
func ComplaintsByProduct(cs []*Complaint) []CountRow {
	return countBy(cs, func(c *Complaint) []string {
		keys := make([]string, len(c.Details.Lines))
		for i, l := range c.Details.Lines {
			keys[i] = l.Product
		}
		return keys
	})
}

// ComplaintsBySeries counts complaints per product and serial or batch
// number, to spot defective series; a complaint counts once per series.
// Rows come by count, highest first, then by product, kind and series.
func ComplaintsBySeries(cs []*Complaint) []SeriesRow {
	type key struct {
		product string
		kind    SeriesKind
		series  string
	}
	counts := make(map[key]int)
	for _, c := range cs {
		if c == nil {
			continue
		}
		seen := make(map[key]bool)
		for _, l := range c.Details.Lines {
			for _, k := range []key{{l.Product, SeriesSerial, l.Serial}, {l.Product, SeriesBatch, l.Batch}} {
				if k.series != "" && !seen[k] {
					seen[k] = true
					counts[k]++
				}
			}
		}
	}
	rows := make([]SeriesRow, 0, len(counts))
	for k, n := range counts {
		rows = append(rows, SeriesRow{Product: k.product, Kind: k.kind, Series: k.series, Count: n})
	}
	slices.SortFunc(rows, func(a, b SeriesRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Product, b.Product),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Series, b.Series))
	})
	return rows
}

// countBy counts items (tickets, complaints) per key; keys returns an item's keys,
// each counted once per item. Nil items are skipped.
func countBy[T any](items []*T, keys func(*T) []string) []CountRow {
	counts := make(map[string]int)
	for _, it := range items {
		if it == nil {
			continue
		}
		seen := make(map[string]bool)
		for _, k := range keys(it) {
			if !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	rows := make([]CountRow, 0, len(counts))
	for k, n := range counts {
		rows = append(rows, CountRow{Key: k, Count: n})
	}
	slices.SortFunc(rows, func(a, b CountRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return rows
}

// JustifiedRate counts decided complaints and the justified ones among
// them.
type JustifiedRate struct {
	Decided   int `json:"decided"`
	Justified int `json:"justified"`
}

// Percent returns the share of justified complaints among the decided
// ones, from 0 to 100; 0 when none is decided.
func (r JustifiedRate) Percent() float64 {
	if r.Decided == 0 {
		return 0
	}
	return float64(r.Justified) * 100 / float64(r.Decided)
}

// ComplaintsJustified counts the decided complaints and the justified ones
// among them.
func ComplaintsJustified(cs []*Complaint) JustifiedRate {
	var r JustifiedRate
	for _, c := range cs {
		if c == nil || c.Details.Decision == nil {
			continue
		}
		r.Decided++
		if c.Details.Decision.Justified {
			r.Justified++
		}
	}
	return r
}

// DurationStats summarises durations.
type DurationStats struct {
	Count  int           `json:"count"`
	Min    time.Duration `json:"min"`
	Max    time.Duration `json:"max"`
	Mean   time.Duration `json:"mean"`
	Median time.Duration `json:"median"`
}

// TimeToDecision summarises how long decided complaints waited for their
// decision, from the date of issue (or, without one, from registration)
// to the decision's time. Decisions dated before the start count as 0.
func TimeToDecision(cs []*Complaint) DurationStats {
	var ds []time.Duration
	for _, c := range cs {
		if c == nil || c.Details.Decision == nil || c.Details.Decision.At.IsZero() {
			continue
		}
		start := c.Details.IssuedAt
		if start.IsZero() {
			start = c.CreatedAt
		}
		if start.IsZero() {
			continue
		}
		ds = append(ds, max(0, c.Details.Decision.At.Sub(start)))
	}
	return durationStatsOf(ds)
}

// durationStatsOf summarises ds, which it sorts.
func durationStatsOf(ds []time.Duration) DurationStats {
	if len(ds) == 0 {
		return DurationStats{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	n := len(ds)
	median := ds[n/2]
	if n%2 == 0 {
		median = ds[n/2-1] + (ds[n/2]-ds[n/2-1])/2
	}
	return DurationStats{Count: n, Min: ds[0], Max: ds[n-1], Mean: sum / time.Duration(n), Median: median}
}

// CurrencyTotal is the sum of amounts in one currency.
type CurrencyTotal struct {
	Currency string          `json:"currency"`
	Total    decimal.Decimal `json:"total"`
	// Count is how many complaints (cost entries, for [CostTotals]) the
	// total adds up.
	Count int `json:"count"`
}

// ClaimedAmounts sums the amounts customers claim
// (Details.Accounting.Amount), per currency, sorted by currency code.
// Complaints with a zero amount or no currency are left out; amounts in
// different currencies are never added up.
func ClaimedAmounts(cs []*Complaint) []CurrencyTotal {
	return sumPerCurrency(cs, func(c *Complaint) (decimal.Decimal, string) {
		if c == nil {
			return decimal.Decimal{}, ""
		}
		return c.Details.Accounting.Amount, c.Details.Accounting.Currency
	})
}

// GrantedAmounts sums the amounts of decided credit notes and refunds,
// per currency, sorted by currency code.
func GrantedAmounts(cs []*Complaint) []CurrencyTotal {
	return sumPerCurrency(cs, func(c *Complaint) (decimal.Decimal, string) {
		if c == nil {
			return decimal.Decimal{}, ""
		}
		if d := c.Details.Decision; d != nil && d.Remedy.Kind.Monetary() {
			return d.Remedy.Amount, d.Remedy.Currency
		}
		return decimal.Decimal{}, ""
	})
}

// sumPerCurrency sums the amounts of items per currency, sorted by
// currency code, leaving out zero amounts and amounts without a
// currency; Count is how many items each total adds up.
func sumPerCurrency[T any](items []T, amount func(T) (decimal.Decimal, string)) []CurrencyTotal {
	totals := make(map[string]*CurrencyTotal)
	for _, it := range items {
		a, cur := amount(it)
		if a.IsZero() || cur == "" {
			continue
		}
		t := totals[cur]
		if t == nil {
			t = &CurrencyTotal{Currency: cur}
			totals[cur] = t
		}
		t.Total = t.Total.Add(a)
		t.Count++
	}
	rows := make([]CurrencyTotal, 0, len(totals))
	for _, t := range totals {
		rows = append(rows, *t)
	}
	slices.SortFunc(rows, func(a, b CurrencyTotal) int { return cmp.Compare(a.Currency, b.Currency) })
	return rows
}
