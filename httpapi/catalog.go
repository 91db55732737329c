package httpapi

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// display is how a frontend shows a catalog entry: its label in the
// response's locale, and the icon and colour the host configured.
type display struct {
	Label string `json:"label"`
	Icon  string `json:"icon,omitempty"`
	Color string `json:"color,omitempty"`
}

func displayOf(l ticket.Label, locale string) display {
	return display{Label: l.In(locale), Icon: l.Icon, Color: l.Color}
}

// catalogView is the body of GET /catalog.
type catalogView struct {
	// Locale is the locale the labels are in; empty for the catalog's
	// own texts.
	Locale string `json:"locale"`
	// ListDisplay says how lists show each set's labels.
	ListDisplay ticket.Display   `json:"list_display"`
	Statuses    []statusView     `json:"statuses"`
	Priorities  []priorityView   `json:"priorities"`
	Categories  []categoryView   `json:"categories"`
	Departments []departmentView `json:"departments"`
	Reasons     []reasonView     `json:"reasons"`
	Fields      []fieldDefView   `json:"fields"`
	SortFields  []string         `json:"sort_fields"`
}

// statusView is a status of GET /catalog.
type statusView struct {
	Code string `json:"code"`
	display
	Category  string `json:"category"`
	Initial   bool   `json:"initial"`
	Terminal  bool   `json:"terminal"`
	PausesSLA bool   `json:"pauses_sla"`
}

// priorityView is a priority of GET /catalog.
type priorityView struct {
	Code string `json:"code"`
	display
	// Rank orders priorities from 0, the lowest.
	Rank    int  `json:"rank"`
	Default bool `json:"default"`
}

// categoryView is a category (message type) of GET /catalog.
type categoryView struct {
	Code string `json:"code"`
	display
	Department string `json:"department,omitempty"`
	Complaint  bool   `json:"complaint"`
}

// departmentView is a department of GET /catalog; its email stays inside.
type departmentView struct {
	Code string `json:"code"`
	display
}

// reasonView is a complaint reason code of GET /catalog.
type reasonView struct {
	Code string `json:"code"`
	display
}

// fieldDefView is a custom field definition of GET /catalog.
type fieldDefView struct {
	Key string `json:"key"`
	display
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Choices  []string `json:"choices,omitempty"`
}

func (h *handler) catalog(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "locale")
	if err != nil {
		return err
	}
	asked := q.single("locale")
	if asked != "" && !validLocale(asked) {
		q.add("locale", "locale", "must be a language tag such as fr or fr-CA")
	}
	if err := q.err(); err != nil {
		return err
	}
	c, err := h.desk.TenantCatalog(r.Context(), actor.TenantID)
	if err != nil {
		return err
	}
	if asked == "" {
		asked = r.Header.Get("Accept-Language")
	}
	locale := negotiate(asked, translated(c))
	w.Header().Add("Vary", "Accept-Language")
	writeJSON(w, http.StatusOK, viewCatalog(c, locale, actor.Role == ticket.RoleCustomer))
	return nil
}

// viewCatalog returns the catalog in locale; for a customer, without the
// custom fields marked internal.
func viewCatalog(c *ticket.Catalog, locale string, customer bool) catalogView {
	v := catalogView{
		Locale:      locale,
		ListDisplay: c.Display(),
		Statuses:    []statusView{},
		Priorities:  []priorityView{},
		Categories:  []categoryView{},
		Departments: []departmentView{},
		Reasons:     []reasonView{},
		Fields:      []fieldDefView{},
	}
	for _, s := range c.Statuses() {
		v.Statuses = append(v.Statuses, statusView{Code: s.Code, display: displayOf(s.Label, locale),
			Category: string(s.Category), Initial: s.Initial, Terminal: s.Terminal, PausesSLA: s.Paused()})
	}
	def := c.DefaultPriority().Code
	for _, p := range c.Priorities() {
		v.Priorities = append(v.Priorities, priorityView{Code: p.Code, display: displayOf(p.Label, locale),
			Rank: c.PriorityRank(p.Code), Default: p.Code == def})
	}
	for _, cat := range c.Categories() {
		v.Categories = append(v.Categories, categoryView{Code: cat.Code, display: displayOf(cat.Label, locale),
			Department: cat.Department, Complaint: cat.Complaint})
	}
	for _, d := range c.Departments() {
		v.Departments = append(v.Departments, departmentView{Code: d.Code, display: displayOf(d.Label, locale)})
	}
	for _, rc := range c.Reasons() {
		v.Reasons = append(v.Reasons, reasonView{Code: rc.Code, display: displayOf(rc.Label, locale)})
	}
	for _, f := range c.Fields() {
		if customer && f.Internal {
			continue
		}
		v.Fields = append(v.Fields, fieldDefView{Key: f.Key, display: displayOf(f.Label, locale),
			Type: string(f.Type), Required: f.Required, Choices: f.Choices})
	}
	for _, s := range storage.SortFields() {
		v.SortFields = append(v.SortFields, string(s))
	}
	return v
}

// translated returns the locales the catalog's labels are translated to,
// keyed by their lower-case form.
func translated(c *ticket.Catalog) map[string]string {
	out := map[string]string{}
	add := func(l ticket.Label) {
		for loc := range l.Translations {
			out[strings.ToLower(loc)] = loc
		}
	}
	for _, s := range c.Statuses() {
		add(s.Label)
	}
	for _, p := range c.Priorities() {
		add(p.Label)
	}
	for _, cat := range c.Categories() {
		add(cat.Label)
	}
	return out
}

// negotiate picks from an Accept-Language header (or a single tag) the
// preferred locale the catalog has translations for, trying each tag and
// then its parents ("fr-CA", then "fr"), ignoring case. It returns the
// catalog's locale that matched, or "" when none does.
func negotiate(header string, have map[string]string) string {
	type pref struct {
		tag string
		q   float64
	}
	var prefs []pref
	for i, part := range strings.Split(header, ",") {
		if i >= 20 {
			break // enough preferences for anyone
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" || !validLocale(tag) {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > 0 {
			prefs = append(prefs, pref{tag: tag, q: q})
		}
	}
	slices.SortStableFunc(prefs, func(a, b pref) int { return cmp.Compare(b.q, a.q) })
	for _, p := range prefs {
		for loc := p.tag; loc != ""; {
			if match, ok := have[strings.ToLower(loc)]; ok {
				return match
			}
			i := strings.LastIndexAny(loc, "-_")
			if i < 0 {
				break
			}
			loc = loc[:i]
		}
	}
	return ""
}

// validLocale accepts language tags such as "fr", "fr-CA" or "zh_Hant".
func validLocale(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
