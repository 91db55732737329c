package ticketkit

import (
	"slices"

	"github.com/ticketkit/ticketkit/ticket"
)

// searchCatalogs returns the catalogs whose codes Search knows: the
// desk's, then the complaints' when complaints are on. Tickets and
// complaints share the store, so one search finds both.
func (d *Desk) searchCatalogs() []*ticket.Catalog {
	if d.complaints == nil {
		return []*ticket.Catalog{d.catalog}
	}
	return []*ticket.Catalog{d.catalog, d.complaints.catalog}
}

// knownCode reports whether any search catalog holds a code, asked with
// has.
func (d *Desk) knownCode(has func(*ticket.Catalog) bool) bool {
	return slices.ContainsFunc(d.searchCatalogs(), has)
}

// statusesIn returns the status codes of the search catalogs that are in
// one of cats and, when only is not empty, in only. A code two catalogs
// share is included when either catalog puts it in one of cats.
func (d *Desk) statusesIn(cats []ticket.StatusCategory, only []string) []string {
	var codes []string
	for _, c := range d.searchCatalogs() {
		for _, s := range c.Statuses() {
			if slices.Contains(cats, s.Category) && (len(only) == 0 || slices.Contains(only, s.Code)) && !slices.Contains(codes, s.Code) {
				codes = append(codes, s.Code)
			}
		}
	}
	return codes
}

// priorityOrder returns the priority codes of the search catalogs by
// rank: the desk's, then the complaint catalog's own ones.
func (d *Desk) priorityOrder() []string {
	var codes []string
	for _, c := range d.searchCatalogs() {
		for _, p := range c.Priorities() {
			if !slices.Contains(codes, p.Code) {
				codes = append(codes, p.Code)
			}
		}
	}
	return codes
}
