package ticket

import (
	"errors"
	"fmt"
	"slices"
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
// Defect (with template actions); reasons CR01 to CR04; cause code groups MAN, MAT and LOG and
// defect code groups VIS and FUN for root causes. It is a catalog of
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
			{Code: StatusRegistered, Label: builtinLabel("Registered", "Enregistrée", "Erfasst"), Category: CategoryNew, Initial: true},
			{Code: StatusPlanned, Label: builtinLabel("Planned", "Planifiée", "Geplant"), Category: CategoryOpen},
			{Code: StatusFulfilled, Label: builtinLabel("Fulfilled", "Exécutée", "Erledigt"), Category: CategoryResolved},
			{Code: StatusPosted, Label: builtinLabel("Posted", "Comptabilisée", "Verbucht"), Category: CategoryClosed, Terminal: true},
			{Code: StatusRejected, Label: builtinLabel("Rejected", "Refusée", "Abgelehnt"), Category: CategoryClosed, Terminal: true},
		},
		Priorities: d.Priorities,
		Categories: []Category{
			{Code: CategoryComplaint, Label: builtinLabel("Complaint", "Réclamation", "Reklamation"), Complaint: true},
			{
				Code: CategoryDefect, Label: builtinLabel("Defective product", "Produit défectueux", "Defektes Produkt"), Complaint: true,
				Actions: []ActionTemplate{
					{Title: "Inspect the returned goods", DueIn: "48h"},
					{Title: "Check the batch for further defects", DueIn: "120h"},
				},
			},
		},
		Reasons:     d.Reasons,
		CauseCodes:  defaultCauseCodes(),
		DefectCodes: defaultDefectCodes(),
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

// CodeGroup is a group of quality codes of a catalog, such as the cause
// group "MAN" (manufacturing) with its codes, as SAP QM code groups are.
type CodeGroup struct {
	Code  string        `json:"code"`
	Label Label         `json:"label"`
	Codes []QualityCode `json:"codes"`
}

// QualityCode is a code of a [CodeGroup], with its translated label.
type QualityCode struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// CauseCode returns the cause code r names, from the catalog's
// CatalogSpec.CauseCodes.
func (c *Catalog) CauseCode(r CodeRef) (QualityCode, bool) { return findCode(c.spec.CauseCodes, r) }

// DefectCode returns the defect code r names, from the catalog's
// CatalogSpec.DefectCodes.
func (c *Catalog) DefectCode(r CodeRef) (QualityCode, bool) { return findCode(c.spec.DefectCodes, r) }

// findCode returns the code r names in groups.
func findCode(groups []CodeGroup, r CodeRef) (QualityCode, bool) {
	for _, g := range groups {
		if g.Code != r.Group {
			continue
		}
		for _, q := range g.Codes {
			if q.Code == r.Code {
				return q, true
			}
		}
	}
	return QualityCode{}, false
}

// checkCodeGroups reports empty and duplicate group codes, and empty and
// duplicate codes within a group, of the code groups named what.
func checkCodeGroups(p *problemList, what string, groups []CodeGroup) {
	checkCodes(p, what+" group", "code", groups, func(g CodeGroup) string { return g.Code })
	for _, g := range groups {
		checkCodes(p, what+" group "+g.Code+" code", "code", g.Codes, func(q QualityCode) string { return q.Code })
	}
}

// cloneCodeGroups returns a deep copy of groups.
func cloneCodeGroups(groups []CodeGroup) []CodeGroup {
	out := slices.Clone(groups)
	for i := range out {
		out[i].Label = out[i].Label.clone()
		out[i].Codes = slices.Clone(out[i].Codes)
		for j := range out[i].Codes {
			out[i].Codes[j].Label = out[i].Codes[j].Label.clone()
		}
	}
	return out
}

// defaultCauseCodes are the cause code groups of [ComplaintCatalog].
func defaultCauseCodes() []CodeGroup {
	return []CodeGroup{
		{Code: "MAN", Label: Label{Text: "Manufacturing", Translations: map[string]string{"fr": "Fabrication"}}, Codes: []QualityCode{
			{Code: "M01", Label: Label{Text: "Machine setting", Translations: map[string]string{"fr": "Réglage machine"}}},
			{Code: "M02", Label: Label{Text: "Operator error", Translations: map[string]string{"fr": "Erreur opérateur"}}},
		}},
		{Code: "MAT", Label: Label{Text: "Material", Translations: map[string]string{"fr": "Matière"}}, Codes: []QualityCode{
			{Code: "S01", Label: Label{Text: "Supplier material", Translations: map[string]string{"fr": "Matière fournisseur"}}},
		}},
		{Code: "LOG", Label: Label{Text: "Logistics", Translations: map[string]string{"fr": "Logistique"}}, Codes: []QualityCode{
			{Code: "T01", Label: Label{Text: "Transport damage", Translations: map[string]string{"fr": "Dommage de transport"}}},
		}},
	}
}

// defaultDefectCodes are the defect code groups of [ComplaintCatalog].
func defaultDefectCodes() []CodeGroup {
	return []CodeGroup{
		{Code: "VIS", Label: Label{Text: "Visual", Translations: map[string]string{"fr": "Aspect"}}, Codes: []QualityCode{
			{Code: "V01", Label: Label{Text: "Scratch", Translations: map[string]string{"fr": "Rayure"}}},
			{Code: "V02", Label: Label{Text: "Dent", Translations: map[string]string{"fr": "Bosse"}}},
		}},
		{Code: "FUN", Label: Label{Text: "Function", Translations: map[string]string{"fr": "Fonction"}}, Codes: []QualityCode{
			{Code: "F01", Label: Label{Text: "Does not start", Translations: map[string]string{"fr": "Ne démarre pas"}}},
		}},
	}
}
