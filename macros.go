package ticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// MacroKind says what the text of a [Macro] becomes on the ticket.
type MacroKind string

// The macro kinds.
const (
	// MacroReply posts the text as a staff reply the customer reads (see
	// [Desk.Reply]). Its text may name only what the customer may see.
	MacroReply MacroKind = "reply"
	// MacroNote posts the text as an internal note (see [Desk.AddNote]),
	// which customers never see; its text may name MacroData.Staff and
	// internal custom fields too.
	MacroNote MacroKind = "note"
)

// MacroKinds returns every macro kind.
func MacroKinds() []MacroKind { return []MacroKind{MacroReply, MacroNote} }

// Limits of a [Macro].
const (
	// MaxMacros is the most macros one configuration (Config.Macros or
	// TenantConfig.Macros) holds.
	MaxMacros = 500
	// MaxMacroTextLen is the longest text of a macro, in bytes, in each
	// locale.
	MaxMacroTextLen = 20000
)

// maxMacroRendered is the longest reply a macro renders, in bytes: the
// most a message body holds (MessageParams.Body).
const maxMacroRendered = 100000

// Macro is a canned response: a named, translated reply or note text
// with placeholders, and optional actions (a status, tags, an assignee)
// that [Desk.ApplyMacro] applies with it in one transaction. Macros are
// data: the Desk's come from Config.Macros, a tenant's from
// TenantConfig.Macros, which its admin changes at runtime with
// [Desk.ConfigureTenant].
//
// Text and its Translations are text/template sources executed with a
// [MacroData], such as "Hello {{.Customer.Name}}, your ticket
// {{.Ticket.Number}} ...". They may use fields, if/else, with and the
// template package's functions, but not range, define, block or
// template. Every template is checked when the macro is saved: one that
// does not parse, names a field MacroData lacks (or a custom field the
// catalog lacks), or, in a MacroReply, names MacroData.Staff or an
// internal custom field is a *ValidationError naming the macro and its
// field.
type Macro struct {
	// ID names the macro in [Desk.ApplyMacro]: 1 to 100 ASCII letters,
	// digits, "_", "-" or ".", starting with a letter or digit; unique
	// in its configuration. Required.
	ID string `json:"id"`
	// Name is what agents see in a macro picker; its Text is required.
	Name ticket.Label `json:"name"`
	// Kind is MacroReply (the default when empty) or MacroNote.
	Kind MacroKind `json:"kind,omitempty"`
	// Departments lists the catalog departments the macro is listed for
	// (see [Desk.ListMacros]); empty: every department.
	Departments []string `json:"departments,omitempty"`
	// Teams lists the host's teams the macro is listed for; empty: every
	// team.
	Teams []string `json:"teams,omitempty"`
	// Text is the default text: the one used when no translation fits
	// the customer's locale. Required.
	Text string `json:"text"`
	// Translations maps a BCP 47 locale ("fr", "fr-CA") to the text in
	// that locale; "fr-CA" falls back to "fr", then to Text.
	Translations map[string]string `json:"translations,omitempty"`
	// Status, when set, moves the ticket to this status through the
	// workflow (see [Desk.Transition]), with Reason.
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
	// AddTags and RemoveTags change the ticket's tags; with a tenant tag
	// catalog, they must be in it.
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
	// Assignee, when set, assigns the ticket to this user ("" unassigns)
	// under the workflow's routing rules (see [Desk.Assign]).
	Assignee *string `json:"assignee,omitempty"`
	// AssignToSelf assigns the ticket to the agent who applies the
	// macro; it excludes Assignee.
	AssignToSelf bool `json:"assign_to_self,omitempty"`
}

// kind returns the macro's kind, MacroReply when it names none.
func (m Macro) kind() MacroKind { return cmp.Or(m.Kind, MacroReply) }

// listedFor reports whether the macro is listed for a department and a
// team ("" matches every macro).
func (m Macro) listedFor(department, team string) bool {
	return (department == "" || len(m.Departments) == 0 || slices.Contains(m.Departments, department)) &&
		(team == "" || len(m.Teams) == 0 || slices.Contains(m.Teams, team))
}

// clone returns a deep copy of m.
func (m Macro) clone() Macro {
	m.Name.Translations = maps.Clone(m.Name.Translations)
	m.Departments, m.Teams = slices.Clone(m.Departments), slices.Clone(m.Teams)
	m.Translations = maps.Clone(m.Translations)
	m.AddTags, m.RemoveTags = slices.Clone(m.AddTags), slices.Clone(m.RemoveTags)
	if m.Assignee != nil {
		a := *m.Assignee
		m.Assignee = &a
	}
	return m
}

// MacroData is what a macro's text is executed with: the ticket as it
// is before the macro's actions. Labels are in the locale the macro is
// rendered in. For a [MacroReply] it holds only what
// the ticket's customer may see: Staff is empty and Ticket.Fields holds
// no internal custom field, whatever the template names.
type MacroData struct {
	// Ticket is the ticket the macro is applied to.
	Ticket MacroTicket
	// Customer is the ticket's customer.
	Customer MacroCustomer
	// Agent is the staff user who applies the macro.
	Agent MacroAgent
	// Locale is the locale the macro is rendered in; "" for its default
	// text.
	Locale string
	// Staff holds what only staff may read; set for a [MacroNote] only.
	Staff MacroStaff
}

// MacroTicket is the part of a ticket a macro may name.
type MacroTicket struct {
	// Number is the ticket's number, such as "TK-2026-000042".
	Number string
	// Subject is the ticket's subject.
	Subject string
	// Status, Priority, Category and Department are the labels of the
	// ticket's codes, Channel the label of its channel.
	Status     string
	Priority   string
	Category   string
	Department string
	Channel    string
	// Opened is the date the ticket was opened, as 2006-01-02 in UTC.
	Opened string
	// Order, Product and Serial are the IDs (a product's label when it
	// has one) of the ticket's references of those kinds.
	Order   string
	Product string
	Serial  string
	// Fields are the ticket's custom fields by key: for a MacroReply,
	// only those the catalog does not mark Internal. Name one as
	// {{.Ticket.Fields.key}} or {{index .Ticket.Fields "key"}}.
	Fields map[string]string
}

// MacroCustomer is the part of a ticket's customer a macro may name.
type MacroCustomer struct {
	Name  string
	Email string
}

// MacroAgent is the agent who applies a macro.
type MacroAgent struct {
	// Name is the agent's display name as customers see it (see
	// Config.Staff and Config.StaffLabel).
	Name string
}

// MacroStaff is what only staff may read of a ticket: set in the data
// of a [MacroNote] only.
type MacroStaff struct {
	// AgentID is the host's user ID of the agent applying the macro.
	AgentID string
	// Assignee is the user ID of the ticket's assignee.
	Assignee string
	// Tags are the ticket's tags, separated by ", ".
	Tags string
}

// macroDataType is the type macro templates are checked against.
var macroDataType = reflect.TypeFor[MacroData]()

// macroIDPattern is the form of a macro's ID.
var macroIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)

// maxMacroLocaleLen is the longest locale of a macro translation.
const maxMacroLocaleLen = 35

// macroSet is a checked list of macros, with their parsed templates.
type macroSet struct {
	list []Macro
	byID map[string]*parsedMacro
}

// parsedMacro is a macro with its text parsed, by locale ("" for the
// default text).
type parsedMacro struct {
	m    Macro
	text map[string]*template.Template
}

// get returns the macro id, or nil.
func (s *macroSet) get(id string) *parsedMacro {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

// template returns the template of the macro for locale, falling back
// from "fr-CA" to "fr" and then to the default text, and the locale it
// is in.
func (p *parsedMacro) template(locale string) (*template.Template, string) {
	for locale != "" {
		if t, ok := p.text[locale]; ok {
			return t, locale
		}
		if t, ok := p.text[strings.ToLower(locale)]; ok {
			return t, strings.ToLower(locale)
		}
		i := strings.LastIndexAny(locale, "-_")
		if i < 0 {
			break
		}
		locale = locale[:i]
	}
	return p.text[""], ""
}

// checkMacros checks ms against the catalog cat and the tag catalog tags
// (nil: tags are free), adding each problem to v under
// "macros[i].<field>" with a message naming the macro, and returns the
// set when there were none.
func checkMacros(v *ticket.ValidationError, ms []Macro, cat *ticket.Catalog, tags *tagCatalog) *macroSet {
	before := len(v.Fields)
	if len(ms) > MaxMacros {
		v.Add("macros", "max", fmt.Sprintf("holds %d macros, more than %d", len(ms), MaxMacros))
		return nil
	}
	set := &macroSet{byID: make(map[string]*parsedMacro, len(ms))}
	seen := make(map[string]int, len(ms))
	for i, m := range ms {
		at := fmt.Sprintf("macros[%d]", i)
		name := m.ID
		if !macroIDPattern.MatchString(m.ID) {
			v.Add(at+".id", "invalid", fmt.Sprintf("macro %d: an ID is 1 to 100 ASCII letters, digits, _, - or ., starting with a letter or digit", i))
			name = fmt.Sprintf("#%d", i)
		} else if j, dup := seen[m.ID]; dup {
			v.Add(at+".id", "duplicate", fmt.Sprintf("macro %q: macros[%d] has this ID already", m.ID, j))
		} else {
			seen[m.ID] = i
		}
		add := func(field, rule, msg string) { v.Add(at+"."+field, rule, fmt.Sprintf("macro %q: %s", name, msg)) }
		checkMacroText := func(field, s string, limit int, required bool) bool {
			switch {
			case strings.TrimSpace(s) == "" && required:
				add(field, "required", "is required")
			case ticket.CheckText(field, s) != nil:
				add(field, "text", "holds a NUL byte or invalid UTF-8")
			case len(s) > limit:
				add(field, "max", fmt.Sprintf("is %d bytes, more than %d", len(s), limit))
			default:
				return true
			}
			return false
		}
		checkMacroText("name.text", m.Name.Text, 200, true)
		for _, loc := range slices.Sorted(maps.Keys(m.Name.Translations)) {
			checkMacroText("name.translations."+loc, m.Name.Translations[loc], 200, false)
		}
		kind := m.kind()
		if !slices.Contains(MacroKinds(), kind) {
			add("kind", "oneof", fmt.Sprintf("%q is not one of %v", m.Kind, MacroKinds()))
		}
		p := &parsedMacro{m: m.clone(), text: make(map[string]*template.Template, 1+len(m.Translations))}
		p.m.Kind = kind
		if checkMacroText("text", m.Text, MaxMacroTextLen, true) {
			if err := parseMacroText(p, "", m.Text, kind, cat); err != nil {
				add("text", "template", err.Error())
			}
		}
		for _, loc := range slices.Sorted(maps.Keys(m.Translations)) {
			field := "translations." + loc
			if loc == "" || len(loc) > maxMacroLocaleLen || ticket.CheckText(field, loc) != nil || strings.ContainsAny(loc, " \t\r\n") {
				add(field, "locale", fmt.Sprintf("a locale is 1 to %d bytes, such as fr or fr-CA", maxMacroLocaleLen))
				continue
			}
			if checkMacroText(field, m.Translations[loc], MaxMacroTextLen, true) {
				if err := parseMacroText(p, strings.ToLower(loc), m.Translations[loc], kind, cat); err != nil {
					add(field, "template", err.Error())
				}
			}
		}
		for j, dep := range m.Departments {
			if _, ok := cat.Department(dep); !ok {
				add(fmt.Sprintf("departments[%d]", j), "unknown", fmt.Sprintf("%q is not a department of the catalog", dep))
			}
		}
		for j, team := range m.Teams {
			checkMacroText(fmt.Sprintf("teams[%d]", j), team, 200, true)
		}
		if m.Status != "" {
			if _, ok := cat.Status(m.Status); !ok {
				add("status", "unknown", fmt.Sprintf("%q is not a status of the catalog", m.Status))
			}
		}
		if m.Reason != "" {
			checkMacroText("reason", m.Reason, 2000, false)
			if m.Status == "" {
				add("reason", "excluded", "is the reason of a status change, and the macro has no status")
			}
		}
		for _, list := range []struct {
			field string
			tags  []string
		}{{"add_tags", m.AddTags}, {"remove_tags", m.RemoveTags}} {
			if len(list.tags) > maxTags {
				add(list.field, "max", fmt.Sprintf("holds %d tags, more than %d", len(list.tags), maxTags))
				continue
			}
			for j, tag := range list.tags {
				field := fmt.Sprintf("%s[%d]", list.field, j)
				if !checkMacroText(field, tag, maxTagLen, true) {
					continue
				}
				if tags != nil && !tags.codes[tag] {
					add(field, "unknown_tag", fmt.Sprintf("%q is not in the tenant's tag catalog", tag))
				}
				if list.field == "add_tags" && slices.Contains(m.RemoveTags, tag) {
					add(field, "conflict", fmt.Sprintf("%q is both added and removed", tag))
				}
			}
		}
		if m.Assignee != nil {
			if *m.Assignee != "" {
				checkMacroText("assignee", *m.Assignee, 200, true)
			}
			if m.AssignToSelf {
				add("assign_to_self", "excluded", "excludes assignee")
			}
		}
		set.list = append(set.list, p.m)
		set.byID[m.ID] = p
	}
	if len(v.Fields) > before {
		return nil
	}
	return set
}

// parseMacroText parses the text of p in locale and checks what it
// names: fields of MacroData, custom fields of cat and, in a reply,
// nothing only staff may read. A trial run with every field set catches
// what fails only when it runs.
func parseMacroText(p *parsedMacro, locale, text string, kind MacroKind, cat *ticket.Catalog) error {
	tmpl, err := template.New("macro").Option("missingkey=zero").Parse(text)
	if err != nil {
		return fmt.Errorf("does not parse: %s", strings.TrimPrefix(err.Error(), "template: "))
	}
	if len(tmpl.Templates()) > 1 {
		return errors.New("may not define templates")
	}
	if err := notify.CheckTemplateFields(tmpl.Tree, macroDataType); err != nil {
		return fmt.Errorf("names a placeholder that does not exist: %w", err)
	}
	if err := checkMacroNodes(tmpl.Root, kind, cat); err != nil {
		return err
	}
	sample := MacroData{
		Ticket:   MacroTicket{Number: "TK-1", Subject: "s", Status: "s", Priority: "p", Category: "c", Department: "d", Channel: "c", Opened: "2006-01-02", Order: "o", Product: "p", Serial: "s", Fields: map[string]string{}},
		Customer: MacroCustomer{Name: "n", Email: "e@example.com"},
		Agent:    MacroAgent{Name: "a"},
		Locale:   locale,
		Staff:    MacroStaff{AgentID: "a", Assignee: "a", Tags: "t"},
	}
	for _, f := range cat.Fields() {
		sample.Ticket.Fields[f.Key] = "x"
	}
	if _, err := renderMacroTemplate(tmpl, sample); err != nil {
		return fmt.Errorf("fails when it runs: %s", strings.TrimPrefix(err.Error(), "template: "))
	}
	p.text[locale] = tmpl
	return nil
}

// checkMacroNodes refuses, below node, what a macro may not use (range,
// template), a custom field the catalog lacks and, in a reply, what
// only staff may read: MacroData.Staff and internal custom fields.
func checkMacroNodes(node parse.Node, kind MacroKind, cat *ticket.Catalog) error {
	var walk func(n parse.Node) error
	field := func(key string) error {
		f, ok := cat.Field(key)
		switch {
		case !ok:
			return fmt.Errorf("names a placeholder that does not exist: custom field %q is not in the catalog", key)
		case f.Internal && kind == MacroReply:
			return fmt.Errorf("names custom field %q, which is internal: a reply the customer reads may not show it (make the macro a note)", key)
		}
		return nil
	}
	chain := func(idents []string) error {
		for i, id := range idents {
			if id == "Staff" && kind == MacroReply {
				return errors.New("names .Staff, which only staff may read: a reply the customer reads may not show it (make the macro a note)")
			}
			if id == "Fields" && i+1 < len(idents) {
				if err := field(idents[i+1]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	walk = func(n parse.Node) error {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.ActionNode:
			return walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Cmds {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.CommandNode:
			if len(n.Args) == 3 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" {
					if f, ok := n.Args[1].(*parse.FieldNode); ok && len(f.Ident) > 0 && f.Ident[len(f.Ident)-1] == "Fields" {
						if s, ok := n.Args[2].(*parse.StringNode); ok {
							if err := field(s.Text); err != nil {
								return err
							}
						}
					}
				}
			}
			for _, a := range n.Args {
				if err := walk(a); err != nil {
					return err
				}
			}
		case *parse.IfNode:
			return walkAll(walk, n.Pipe, n.List, n.ElseList)
		case *parse.WithNode:
			return walkAll(walk, n.Pipe, n.List, n.ElseList)
		case *parse.RangeNode:
			return errors.New("may not use range")
		case *parse.TemplateNode:
			return errors.New("may not call templates")
		case *parse.FieldNode:
			return chain(n.Ident)
		case *parse.VariableNode:
			return chain(n.Ident)
		case *parse.ChainNode:
			if err := walk(n.Node); err != nil {
				return err
			}
			return chain(n.Field)
		}
		return nil
	}
	return walk(node)
}

// walkAll walks each node that is set.
func walkAll(walk func(parse.Node) error, nodes ...parse.Node) error {
	for _, n := range nodes {
		if n == nil || reflect.ValueOf(n).IsNil() {
			continue
		}
		if err := walk(n); err != nil {
			return err
		}
	}
	return nil
}

// errMacroTooLong stops a macro whose rendered text outgrows a message.
var errMacroTooLong = fmt.Errorf("renders more than %d bytes", maxMacroRendered)

// limitedBuilder is a strings.Builder that refuses to grow past
// maxMacroRendered bytes.
type limitedBuilder struct{ strings.Builder }

func (b *limitedBuilder) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxMacroRendered {
		return 0, errMacroTooLong
	}
	return b.Builder.Write(p)
}

// renderMacroTemplate executes tmpl with data, at most maxMacroRendered
// bytes of it.
func renderMacroTemplate(tmpl *template.Template, data MacroData) (string, error) {
	var b limitedBuilder
	if err := tmpl.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// MacroConfig configures the macros of a [Desk] (Config.Macros).
type MacroConfig struct {
	// Macros are the canned responses of tenants without macros of their
	// own (see [Macro], TenantConfig.Macros and [Desk.ApplyMacro]),
	// checked against Config.Catalog as a tenant's are against its
	// catalog. Default: none.
	Macros []Macro
	// Locale, when set, returns the locale of a ticket's customer, which
	// [Desk.ApplyMacro] and [Desk.PreviewMacro] render a macro in when the
	// call names none; an empty answer means the macro's default text.
	// Default: none.
	Locale func(ctx context.Context, t *ticket.Ticket) string
}

// macroLocaleFunc holds Config.Macros.Locale behind a pointer, which
// keeps Desk comparable.
type macroLocaleFunc struct {
	fn func(ctx context.Context, t *ticket.Ticket) string
}

// initMacros checks Config.Macros.Macros against Config.Catalog and sets
// them on the Desk, with Config.Macros.Locale.
func (d *Desk) initMacros(cfg Config) error {
	mc := cfg.Macros
	if mc == nil {
		return nil
	}
	if mc.Locale != nil {
		d.macroLocale = &macroLocaleFunc{fn: mc.Locale}
	}
	if len(mc.Macros) == 0 {
		return nil
	}
	v := &ticket.ValidationError{}
	d.macros = checkMacros(v, mc.Macros, cfg.Catalog, nil)
	if err := failed(v); err != nil {
		return fmt.Errorf("ticketkit: invalid Config.Macros: %w", err)
	}
	return nil
}

// buildMacros checks a tenant's macros against its catalog cat and the
// tag catalog of view, adding each problem to v, and sets them on
// view; nil keeps the Desk's (Config.Macros).
func buildMacros(v *ticket.ValidationError, ms []Macro, cat *ticket.Catalog, view *Desk) {
	if ms == nil {
		return
	}
	view.macros = checkMacros(v, ms, cat, view.tags)
	if view.macros == nil {
		view.macros = &macroSet{}
	}
}
