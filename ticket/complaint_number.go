package ticket

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ComplaintNumberer draws complaint numbers from numbering series, such
// as one series per document type and business unit:
// "CC-BU1-2026-0001". Numbers are gap-free like ticket numbers: the Desk
// takes the next value of the store's counter of the tenant and Scope
// (storage SequenceNext) inside the complaint's transaction, then asks
// Format for the number.
type ComplaintNumberer interface {
	// Scope returns the key of the series c draws from, such as
	// "CC-BU1-2026"; counters restart at 1 for each new scope. An error
	// is a *ValidationError naming the field c lacks for its series.
	Scope(c *Complaint) (string, error)
	// Format returns the number of the seq-th complaint of c's series.
	Format(c *Complaint, seq int64) string
}

// Ensure SeriesNumberer implements ComplaintNumberer.
var _ ComplaintNumberer = (*SeriesNumberer)(nil)

// SeriesKey says which value of a complaint, besides its document type,
// picks its numbering series.
type SeriesKey string

// Series keys.
const (
	SeriesByType         SeriesKey = "type"          // SeriesByType: one series per document type (prefix) and year.
	SeriesByBusinessUnit SeriesKey = "business_unit" // SeriesByBusinessUnit: one per type, business unit (Responsibility.BusinessUnit) and year.
	SeriesByCompany      SeriesKey = "company"       // SeriesByCompany: one per type, company (Accounting.Company) and year.
)

// SeriesKeys returns every series key.
func SeriesKeys() []SeriesKey {
	return []SeriesKey{SeriesByType, SeriesByBusinessUnit, SeriesByCompany}
}

// Defaults of a [SeriesFormat].
const (
	// SeriesPrefixDefault is the document type code of complaints.
	SeriesPrefixDefault = "CC"
	// SeriesDigitsDefault is the least number of sequence digits.
	SeriesDigitsDefault = 4
)

// SeriesFormat configures a [SeriesNumberer]. Its zero value numbers
// complaints "CC-2026-0001", one series per year.
type SeriesFormat struct {
	// Prefix is the document type code that starts every number: 1 to
	// 10 ASCII letters or digits. Default [SeriesPrefixDefault]. A host
	// with several complaint document types gives each its own prefix.
	Prefix string
	// By picks the series within the document type. Default
	// [SeriesByType]. With [SeriesByBusinessUnit] or [SeriesByCompany]
	// that value is part of the number and is required: 1 to 20 ASCII
	// letters, digits or '_'.
	By SeriesKey
	// OmitYear leaves the year out: "CC-BU1-0001". Counters then never
	// restart.
	OmitYear bool
	// Digits is the least number of sequence digits, zero-padded: 1 to
	// 12. Default [SeriesDigitsDefault].
	Digits int
}

// SeriesNumberer is the default [ComplaintNumberer]: it renders numbers
// such as "CC-BU1-2026-0001" from a [SeriesFormat], in the year the
// complaint is registered (CreatedAt). Build one with
// [NewSeriesNumberer]; it is safe for concurrent use.
type SeriesNumberer struct {
	f SeriesFormat
}

// seriesPrefix and seriesPart are the allowed forms of a prefix and of a
// business unit or company in a number.
var (
	seriesPrefix = regexp.MustCompile(`^[A-Za-z0-9]{1,10}$`)
	seriesPart   = regexp.MustCompile(`^[A-Za-z0-9_]{1,20}$`)
)

// NewSeriesNumberer validates f, applies its defaults and returns a
// SeriesNumberer. The error names every invalid field.
func NewSeriesNumberer(f SeriesFormat) (*SeriesNumberer, error) {
	f.Prefix = cmp.Or(f.Prefix, SeriesPrefixDefault)
	f.By = cmp.Or(f.By, SeriesByType)
	f.Digits = cmp.Or(f.Digits, SeriesDigitsDefault)
	var errs []error
	if !seriesPrefix.MatchString(f.Prefix) {
		errs = append(errs, fmt.Errorf("ticket: invalid SeriesFormat.Prefix %q: want 1 to 10 ASCII letters or digits", f.Prefix))
	}
	if !slices.Contains(SeriesKeys(), f.By) {
		errs = append(errs, fmt.Errorf("ticket: invalid SeriesFormat.By %q: want one of %v", f.By, SeriesKeys()))
	}
	if f.Digits < 1 || f.Digits > 12 {
		errs = append(errs, fmt.Errorf("ticket: invalid SeriesFormat.Digits %d: want 1 to 12", f.Digits))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &SeriesNumberer{f: f}, nil
}

// Scope returns the series of c: prefix, business unit or company when
// the format picks series by one, and year, joined by "-". A missing or
// malformed business unit or company is a *ValidationError naming
// "complaint.responsibility.business_unit" or
// "complaint.accounting.company".
func (n *SeriesNumberer) Scope(c *Complaint) (string, error) {
	parts := []string{n.f.Prefix}
	field, value := "", ""
	switch n.f.By {
	case SeriesByBusinessUnit:
		field, value = complaintPrefix+"responsibility.business_unit", c.Details.Responsibility.BusinessUnit
	case SeriesByCompany:
		field, value = complaintPrefix+"accounting.company", c.Details.Accounting.Company
	}
	if field != "" {
		if !seriesPart.MatchString(value) {
			return "", NewValidationError(FieldError{
				Field: field, Rule: "series",
				Message: "is required by the numbering series: 1 to 20 ASCII letters, digits or '_'",
			})
		}
		parts = append(parts, value)
	}
	if !n.f.OmitYear {
		at := c.CreatedAt
		if at.IsZero() {
			at = c.Details.IssuedAt
		}
		parts = append(parts, fmt.Sprintf("%04d", at.UTC().Year()))
	}
	return strings.Join(parts, "-"), nil
}

// Format returns the number of the seq-th complaint of c's series, such
// as "CC-BU1-2026-0001". It expects a c whose Scope succeeded.
func (n *SeriesNumberer) Format(c *Complaint, seq int64) string {
	scope, _ := n.Scope(c)
	return fmt.Sprintf("%s-%0*d", scope, n.f.Digits, seq)
}
