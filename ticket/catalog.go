package ticket

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Label is the display form of a catalog entry: a default text, per-locale
// translations and display hints for hosts that show images or colours
// instead of text.
type Label struct {
	Text string `json:"text"`
	// Translations maps a BCP 47 locale ("fr", "fr-CA") to a text.
	Translations map[string]string `json:"translations,omitempty"`
	// Icon names an icon or image the host shows for this entry.
	Icon string `json:"icon,omitempty"`
	// Color is a CSS colour such as "#d32f2f".
	Color string `json:"color,omitempty"`
}

// In returns the label's text for locale, falling back from "fr-CA" to
// "fr" and then to Text.
func (l Label) In(locale string) string {
	for locale != "" {
		if s, ok := l.Translations[locale]; ok && s != "" {
			return s
		}
		i := strings.LastIndexAny(locale, "-_")
		if i < 0 {
			break
		}
		locale = locale[:i]
	}
	return l.Text
}

// Status is a configurable ticket status.
type Status struct {
	Code     string         `json:"code"`
	Label    Label          `json:"label"`
	Category StatusCategory `json:"category"`
	// Initial marks the status new tickets get. Exactly one status is
	// initial.
	Initial bool `json:"initial,omitempty"`
	// PausesSLA stops SLA clocks while a ticket has this status. Statuses
	// of category pending pause SLA clocks whether or not this is set.
	PausesSLA bool `json:"pauses_sla,omitempty"`
	// Terminal marks a status no ordinary transition leaves; only the
	// workflow's reopen rule may.
	Terminal bool `json:"terminal,omitempty"`
}

// Paused reports whether SLA clocks stand still in this status.
func (s Status) Paused() bool { return s.PausesSLA || s.Category == CategoryPending }

// Priority is a configurable ticket priority. Priorities are ordered from
// lowest to highest by their position in the catalog.
type Priority struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
	// Default marks the priority new tickets get when none is given.
	// At most one priority is the default; without one, the lowest
	// priority but one (or the only one) is used.
	Default bool `json:"default,omitempty"`
}

// Category is a ticket category or message type, such as question,
// problem or complaint.
type Category struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
	// Department is the department code tickets of this category are
	// routed to when opened without one.
	Department string `json:"department,omitempty"`
	// Complaint marks categories handled as complaints.
	Complaint bool `json:"complaint,omitempty"`
	// Actions are checklist actions added when a ticket gets this
	// category.
	Actions []ActionTemplate `json:"actions,omitempty"`
}

// ActionTemplate is a checklist action a category adds to its tickets.
type ActionTemplate struct {
	Title string `json:"title"`
	// Owner is a host user ID or a role name the action is given to.
	Owner string `json:"owner,omitempty"`
	// DueIn is the time the action is due after it is added, such as
	// "48h"; empty means no due date.
	DueIn string `json:"due_in,omitempty"`
}

// Department is a team tickets are routed to.
type Department struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
	// Email is where the department is notified of its tickets.
	Email string `json:"email,omitempty"`
}

// ReasonCode is a complaint reason, such as CR01 Late delivery.
type ReasonCode struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// FieldDef defines a custom field tickets may carry in [Ticket.Fields].
type FieldDef struct {
	Key      string    `json:"key"`
	Label    Label     `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	// Choices lists the allowed values of a [FieldChoice] field.
	Choices []string `json:"choices,omitempty"`
	// Internal hides the field from customers: the Desk leaves it out of
	// the tickets it returns to them.
	Internal bool `json:"internal,omitempty"`
}

// CatalogSpec is the data a [Catalog] is built from. Hosts write it in Go
// or load it from JSON or YAML, then pass it to [NewCatalog].
type CatalogSpec struct {
	Statuses    []Status     `json:"statuses"`
	Priorities  []Priority   `json:"priorities"`
	Categories  []Category   `json:"categories,omitempty"`
	Departments []Department `json:"departments,omitempty"`
	Reasons     []ReasonCode `json:"reasons,omitempty"`
	Fields      []FieldDef   `json:"fields,omitempty"`
	// AllowNewReasons lets complaints carry reason codes the catalog does
	// not hold yet, so a host can create them on the fly (see
	// [Catalog.WithReason]).
	AllowNewReasons bool `json:"allow_new_reasons,omitempty"`
	// CauseCodes and DefectCodes are the code groups a complaint's root
	// cause is coded with (see [RootCause]).
	CauseCodes  []CodeGroup `json:"cause_codes,omitempty"`
	DefectCodes []CodeGroup `json:"defect_codes,omitempty"`
	// Display says how lists show the statuses, priorities and
	// categories: as text (the default), image or both.
	Display Display `json:"display,omitzero"`
}

// Catalog is a validated, read-only set of statuses, priorities,
// categories, departments, reason codes and custom fields. Build one with
// [NewCatalog] or start from [DefaultCatalog]. A Catalog is safe for
// concurrent use.
type Catalog struct {
	spec        CatalogSpec
	statuses    map[string]int
	priorities  map[string]int
	categories  map[string]int
	departments map[string]int
	reasons     map[string]int
	fields      map[string]int
	initial     int
	defaultPrio int
}

// CatalogError lists every problem found in a [CatalogSpec].
type CatalogError struct {
	Problems []string
}

// Error implements error.
func (e *CatalogError) Error() string {
	return fmt.Sprintf("ticket: invalid catalog: %s", strings.Join(e.Problems, "; "))
}

// ErrUnknownCode is wrapped by errors about codes a catalog does not
// hold.
var ErrUnknownCode = errors.New("ticket: unknown code")

// NewCatalog validates spec and builds a Catalog from it. Every problem
// (duplicate or empty codes, no or several initial statuses, invalid
// categories, unknown department references, bad action templates or
// field definitions) is listed in one *[CatalogError]. The catalog keeps
// its own copy of spec.
func NewCatalog(spec CatalogSpec) (*Catalog, error) {
	if problems := spec.problems(); len(problems) > 0 {
		return nil, &CatalogError{Problems: problems}
	}
	spec = spec.clone()
	c := &Catalog{
		spec:        spec,
		statuses:    indexOf(spec.Statuses, func(s Status) string { return s.Code }),
		priorities:  indexOf(spec.Priorities, func(p Priority) string { return p.Code }),
		categories:  indexOf(spec.Categories, func(x Category) string { return x.Code }),
		departments: indexOf(spec.Departments, func(d Department) string { return d.Code }),
		reasons:     indexOf(spec.Reasons, func(r ReasonCode) string { return r.Code }),
		fields:      indexOf(spec.Fields, func(f FieldDef) string { return f.Key }),
	}
	for i, s := range spec.Statuses {
		if s.Initial {
			c.initial = i
		}
	}
	// Without a default, the lowest priority but one (or the only one).
	c.defaultPrio = min(1, len(spec.Priorities)-1)
	for i, p := range spec.Priorities {
		if p.Default {
			c.defaultPrio = i
		}
	}
	return c, nil
}

func indexOf[T any](items []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(items))
	for i, it := range items {
		m[key(it)] = i
	}
	return m
}

// Spec returns a copy of the data the catalog was built from, for hosts
// that extend a catalog and build a new one.
func (c *Catalog) Spec() CatalogSpec { return c.spec.clone() }

// Equal reports whether c and other hold the same data: the same
// statuses, priorities, categories, departments, reason codes and custom
// fields, in the same order, with the same labels. Two catalogs built
// separately from one spec (two calls of [DefaultCatalog], one YAML file
// loaded twice) are equal, so a workflow, an SLA and a Desk each built
// on its own default catalog fit together. Empty and absent lists,
// translations or choices count as the same. A nil catalog equals only
// nil.
func (c *Catalog) Equal(other *Catalog) bool {
	if c == other {
		return true
	}
	if c == nil || other == nil {
		return false
	}
	// The JSON form is the one hosts write catalogs in: it says nothing
	// about how a list was allocated, only what it holds. A spec holds
	// only strings, booleans, lists and string maps, which always encode.
	a, errA := json.Marshal(c.spec)
	b, errB := json.Marshal(other.spec)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// Status returns the status with the given code.
func (c *Catalog) Status(code string) (Status, bool) {
	return lookup(c.spec.Statuses, c.statuses, code)
}

// Statuses returns the statuses in catalog order.
func (c *Catalog) Statuses() []Status { return slices.Clone(c.spec.Statuses) }

// InitialStatus returns the status new tickets get.
func (c *Catalog) InitialStatus() Status { return c.spec.Statuses[c.initial] }

// Priority returns the priority with the given code.
func (c *Catalog) Priority(code string) (Priority, bool) {
	return lookup(c.spec.Priorities, c.priorities, code)
}

// Priorities returns the priorities from lowest to highest.
func (c *Catalog) Priorities() []Priority { return slices.Clone(c.spec.Priorities) }

// DefaultPriority returns the priority new tickets get when none is given.
func (c *Catalog) DefaultPriority() Priority { return c.spec.Priorities[c.defaultPrio] }

// PriorityRank returns the position of a priority from lowest (0) to
// highest, or -1 for an unknown code.
func (c *Catalog) PriorityRank(code string) int {
	if i, ok := c.priorities[code]; ok {
		return i
	}
	return -1
}

// Category returns the category with the given code.
func (c *Catalog) Category(code string) (Category, bool) {
	return lookup(c.spec.Categories, c.categories, code)
}

// Categories returns the categories in catalog order.
func (c *Catalog) Categories() []Category { return slices.Clone(c.spec.Categories) }

// Department returns the department with the given code.
func (c *Catalog) Department(code string) (Department, bool) {
	return lookup(c.spec.Departments, c.departments, code)
}

// Departments returns the departments in catalog order.
func (c *Catalog) Departments() []Department { return slices.Clone(c.spec.Departments) }

// Reason returns the complaint reason with the given code.
func (c *Catalog) Reason(code string) (ReasonCode, bool) {
	return lookup(c.spec.Reasons, c.reasons, code)
}

// Reasons returns the complaint reasons in catalog order.
func (c *Catalog) Reasons() []ReasonCode { return slices.Clone(c.spec.Reasons) }

// Field returns the custom field definition with the given key.
func (c *Catalog) Field(key string) (FieldDef, bool) { return lookup(c.spec.Fields, c.fields, key) }

// Fields returns the custom field definitions in catalog order.
func (c *Catalog) Fields() []FieldDef { return slices.Clone(c.spec.Fields) }

func lookup[T any](items []T, idx map[string]int, code string) (T, bool) {
	i, ok := idx[code]
	if !ok {
		var zero T
		return zero, false
	}
	return items[i], true
}

// DefaultCatalog returns the catalog ticketkit uses when the host gives
// none: statuses Open, In progress, Waiting on customer, Escalated,
// Resolved and Closed; priorities Low, Normal, High and Urgent; categories
// Question, Problem and Complaint; complaint reasons CR01 to CR04.
func DefaultCatalog() *Catalog {
	c, err := NewCatalog(DefaultCatalogSpec())
	if err != nil {
		panic(err) // the default spec is covered by tests
	}
	return c
}

// Default status codes of [DefaultCatalog].
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusWaiting    = "waiting"
	StatusEscalated  = "escalated"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
)

// Default priority codes of [DefaultCatalog].
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Default category codes of [DefaultCatalog].
//
// CategoryComplaint files a plain ticket under "complaint": a customer's
// grievance the help desk answers like any other ticket. It is not the
// complaint document ([Complaint], [KindComplaint]), which has its own
// catalog ([ComplaintCatalog]), workflow and use cases; a shop that
// needs no document keeps using the category.
const (
	CategoryQuestion  = "question"
	CategoryProblem   = "problem"
	CategoryComplaint = "complaint"
)

// DefaultCatalogSpec returns the data of [DefaultCatalog], for hosts that
// start from it and add their own entries. Its labels are in English
// with French ("fr") and German ("de") translations, so that a desk
// whose customers read French mails French labels out of the box. Its
// statuses and priorities carry a colour (dark enough for text on white,
// WCAG AA) and an icon name from the icon set of package httpapi/ui
// (inbox, progress, hourglass, escalate, check, lock; arrow-down, minus,
// arrow-up, alert).
func DefaultCatalogSpec() CatalogSpec {
	return CatalogSpec{
		Statuses: []Status{
			{Code: StatusOpen, Label: builtinLabel("Open", "Ouvert", "Offen").shown("#1565c0", "inbox"), Category: CategoryNew, Initial: true},
			{Code: StatusInProgress, Label: builtinLabel("In progress", "En cours", "In Bearbeitung").shown("#6a1b9a", "progress"), Category: CategoryOpen},
			{Code: StatusWaiting, Label: builtinLabel("Waiting on customer", "Attente réponse", "Warten auf Kunde").shown("#8a5300", "hourglass"), Category: CategoryPending, PausesSLA: true},
			{Code: StatusEscalated, Label: builtinLabel("Escalated", "Escaladé", "Eskaliert").shown("#c62828", "escalate"), Category: CategoryOpen},
			{Code: StatusResolved, Label: builtinLabel("Resolved", "Résolu", "Gelöst").shown("#2e7d32", "check"), Category: CategoryResolved},
			{Code: StatusClosed, Label: builtinLabel("Closed", "Fermé", "Geschlossen").shown("#546e7a", "lock"), Category: CategoryClosed, Terminal: true},
		},
		Priorities: []Priority{
			{Code: PriorityLow, Label: builtinLabel("Low", "Basse", "Niedrig").shown("#546e7a", "arrow-down")},
			{Code: PriorityNormal, Label: builtinLabel("Normal", "Normale", "Normal").shown("#1565c0", "minus"), Default: true},
			{Code: PriorityHigh, Label: builtinLabel("High", "Haute", "Hoch").shown("#b45309", "arrow-up")},
			{Code: PriorityUrgent, Label: builtinLabel("Urgent", "Urgente", "Dringend").shown("#c62828", "alert")},
		},
		Categories: []Category{
			{Code: CategoryQuestion, Label: builtinLabel("Question", "Question", "Frage")},
			{Code: CategoryProblem, Label: builtinLabel("Problem", "Problème", "Problem")},
			{Code: CategoryComplaint, Label: builtinLabel("Complaint", "Réclamation", "Reklamation"), Complaint: true},
		},
		Reasons: []ReasonCode{
			{Code: "CR01", Label: builtinLabel("Late delivery", "Retard de livraison", "Lieferverzug")},
			{Code: "CR02", Label: builtinLabel("Product", "Produit", "Produkt")},
			{Code: "CR03", Label: builtinLabel("Service", "Service", "Service")},
			{Code: "CR04", Label: builtinLabel("Accounts", "Comptabilité", "Buchhaltung")},
		},
	}
}

// builtinLabel is a label of the built-in catalogs: English text with its
// French and German translations.
func builtinLabel(en, fr, de string) Label {
	return Label{Text: en, Translations: map[string]string{"fr": fr, "de": de}}
}

// shown returns l with a colour and an icon.
func (l Label) shown(color, icon string) Label {
	l.Color, l.Icon = color, icon
	return l
}
