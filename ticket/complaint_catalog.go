package ticket

import (
	"errors"
	"fmt"
	"strings"
)

// Status codes of [ComplaintCatalog], the steps of the default complaint
// workflow.
const (
	StatusRegistered = "registered" // StatusRegistered: received and recorded; initial.
	StatusPlanned    = "planned"    // StatusPlanned: assessed, with an action plan.
	StatusFulfilled  = "fulfilled"  // StatusFulfilled: the remedy was carried out.
	StatusPosted     = "posted"     // StatusPosted: booked; terminal and immutable.
	StatusRejected   = "rejected"   // StatusRejected: not accepted as a complaint; terminal.
)

// CategoryDefect is the category of [ComplaintCatalog] for defective
// products; it carries template actions.
const CategoryDefect = "defect"

// ErrNewReasonsNotAllowed is returned by [Catalog.WithReason] for a
// catalog whose spec does not set AllowNewReasons.
var ErrNewReasonsNotAllowed = errors.New("ticket: catalog does not allow new reason codes")

// ComplaintCatalog returns the catalog the default complaint workflow runs
// on: statuses Registered, Planned, Fulfilled, Posted and Rejected; the
// priorities of [DefaultCatalog]; complaint categories Complaint and
// Defect (with template actions); reasons CR01 to CR04. It is a catalog of
// its own, not statuses added to [DefaultCatalog], because a workflow must
// reach every status of its catalog and the ticket workflow never enters
// the complaint statuses.
func ComplaintCatalog() *Catalog {
	c, err := NewCatalog(ComplaintCatalogSpec())
	if err != nil {
		panic(err) // the complaint spec is covered by tests
	}
	return c
}

// ComplaintCatalogSpec returns the data of [ComplaintCatalog], for hosts
// that start from it and add their own entries, or set AllowNewReasons.
func ComplaintCatalogSpec() CatalogSpec {
	d := DefaultCatalogSpec()
	return CatalogSpec{
		Statuses: []Status{
			{Code: StatusRegistered, Label: Label{Text: "Registered"}, Category: CategoryNew, Initial: true},
			{Code: StatusPlanned, Label: Label{Text: "Planned"}, Category: CategoryOpen},
			{Code: StatusFulfilled, Label: Label{Text: "Fulfilled"}, Category: CategoryResolved},
			{Code: StatusPosted, Label: Label{Text: "Posted"}, Category: CategoryClosed, Terminal: true},
			{Code: StatusRejected, Label: Label{Text: "Rejected"}, Category: CategoryClosed, Terminal: true},
		},
		Priorities: d.Priorities,
		Categories: []Category{
			{Code: CategoryComplaint, Label: Label{Text: "Complaint"}, Complaint: true},
			{
				Code: CategoryDefect, Label: Label{Text: "Defective product"}, Complaint: true,
				Actions: []ActionTemplate{
					{Title: "Inspect the returned goods", DueIn: "48h"},
					{Title: "Check the batch for further defects", DueIn: "120h"},
				},
			},
		},
		Reasons: d.Reasons,
	}
}

// AllowsNewReasons reports whether complaints may carry reason codes the
// catalog does not hold yet (CatalogSpec.AllowNewReasons).
func (c *Catalog) AllowsNewReasons() bool { return c.spec.AllowNewReasons }

// WithReason returns a new catalog that also holds r, for a host creating
// a reason code on the fly; c is not changed. It fails with
// [ErrNewReasonsNotAllowed] unless the catalog allows new reasons, and
// with a *[CatalogError] for an empty or duplicate code. The host stores
// the new catalog's spec.
func (c *Catalog) WithReason(r ReasonCode) (*Catalog, error) {
	if !c.spec.AllowNewReasons {
		return nil, fmt.Errorf("%w: %q", ErrNewReasonsNotAllowed, r.Code)
	}
	r.Code = strings.TrimSpace(r.Code)
	if r.Label.Text == "" {
		r.Label.Text = r.Code
	}
	spec := c.Spec()
	spec.Reasons = append(spec.Reasons, r)
	return NewCatalog(spec)
}
