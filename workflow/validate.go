package workflow

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// validate checks d against c with the given guard names and returns every
// problem found, in a stable order.
func validate(d Definition, c *ticket.Catalog, guards map[string]Guard) []string {
	v := validator{catalog: c, guards: guards}
	names := make(map[string]int, len(d.Transitions))
	if len(d.Transitions) == 0 {
		v.addf("no transitions")
	}
	for i, t := range d.Transitions {
		v.transition(v.named("transition", i, t.Name, names), t)
	}
	if r := d.Reopen; r != nil {
		v.reopen(*r)
	}
	v.routing(d.Routing)
	v.reachable(d)
	return v.problems
}

type validator struct {
	catalog  *ticket.Catalog
	guards   map[string]Guard
	problems []string
}

// named returns how problems name the i-th (from 0) item of kind, such
// as "transition", called name, and reports an empty name or one that
// seen already holds; seen maps names to their 1-based positions.
func (v *validator) named(kind string, i int, name string, seen map[string]int) string {
	if strings.TrimSpace(name) == "" {
		where := fmt.Sprintf("%s %d", kind, i+1)
		v.addf("%s: empty name", where)
		return where
	}
	where := fmt.Sprintf("%s %q", kind, name)
	if first, dup := seen[name]; dup {
		v.addf("%s: duplicate name (%ss %d and %d)", where, kind, first, i+1)
	} else {
		seen[name] = i + 1
	}
	return where
}

func (v *validator) addf(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) transition(where string, t Transition) {
	if t.Name == ReopenName {
		v.addf("%s: the name is reserved for the reopen rule", where)
	}
	if len(t.From) == 0 {
		v.addf("%s: empty from", where)
	}
	for _, code := range t.From {
		if code == Wildcard {
			continue
		}
		s, ok := v.catalog.Status(code)
		switch {
		case !ok:
			v.addf("%s: unknown from status %q", where, code)
		case s.Terminal:
			v.addf("%s: from terminal status %q (only the reopen rule may leave it)", where, code)
		case code == t.To:
			v.addf("%s: from %q to itself", where, code)
		}
	}
	if _, ok := v.catalog.Status(t.To); !ok {
		v.addf("%s: unknown to status %q", where, t.To)
	}
	v.roles(where, t.Roles)
	for _, g := range t.Guards {
		if _, ok := v.guards[g]; !ok {
			v.addf("%s: unknown guard %q", where, g)
		}
	}
	for j, e := range t.Effects {
		v.effect(fmt.Sprintf("%s: effect %d", where, j+1), e)
	}
}

func (v *validator) roles(where string, roles []ticket.Role) {
	if len(roles) == 0 {
		v.addf("%s: no roles", where)
	}
	for _, r := range roles {
		if !r.Valid() {
			v.addf("%s: unknown role %q", where, r)
		}
	}
}

// maxTagLen is the longest tag an effect may add or remove, in bytes, as
// Desk.Update accepts.
const maxTagLen = 50

func (v *validator) effect(where string, e Effect) {
	for _, key := range slices.Sorted(maps.Keys(e.Set)) {
		val := e.Set[key]
		var ok bool
		switch key {
		case SetAssignee:
			continue
		case SetDepartment:
			_, ok = v.catalog.Department(val)
		case SetCategory:
			_, ok = v.catalog.Category(val)
		case SetPriority:
			if val == "" {
				v.addf("%s: priority cannot be cleared", where)
				continue
			}
			_, ok = v.catalog.Priority(val)
		default:
			v.addf("%s: unknown set key %q (want assignee, department, priority or category)", where, key)
			continue
		}
		if !ok && val != "" {
			v.addf("%s: unknown %s %q", where, key, val)
		}
	}
	for _, tags := range []struct {
		name string
		list []string
	}{{"add_tags", e.AddTags}, {"remove_tags", e.RemoveTags}} {
		for k, tag := range tags.list {
			if strings.TrimSpace(tag) == "" || len(tag) > maxTagLen || ticket.CheckText(tags.name, tag) != nil {
				v.addf("%s: %s %d: a tag is 1 to %d bytes of text", where, tags.name, k+1, maxTagLen)
			}
		}
	}
	for k, a := range e.AddActions {
		if strings.TrimSpace(a.Title) == "" {
			v.addf("%s: action %d: empty title", where, k+1)
		}
		if a.DueIn == "" {
			continue
		}
		if d, err := time.ParseDuration(a.DueIn); err != nil || d < 0 {
			v.addf("%s: action %d: bad due_in %q (want a duration such as \"48h\")", where, k+1, a.DueIn)
		}
	}
	for _, name := range e.Emit {
		if strings.TrimSpace(name) == "" {
			v.addf("%s: empty emit name", where)
		}
	}
}

func (v *validator) reopen(r ReopenRule) {
	const where = "reopen"
	if s, ok := v.catalog.Status(r.To); !ok {
		v.addf("%s: unknown to status %q", where, r.To)
	} else if s.Terminal {
		v.addf("%s: to terminal status %q", where, r.To)
	}
	if r.Within < 0 {
		v.addf("%s: negative within %s", where, r.Within)
	}
	v.roles(where, r.Roles)
}

// reachable reports statuses no path from the initial status reaches.
func (v *validator) reachable(d Definition) {
	statuses := v.catalog.Statuses()
	initial := v.catalog.InitialStatus().Code
	seen := map[string]bool{initial: true}
	queue := []string{initial}
	for len(queue) > 0 {
		code := queue[0]
		queue = queue[1:]
		s, _ := v.catalog.Status(code)
		var next []string
		for _, t := range d.Transitions {
			if leaves(t, s) {
				next = append(next, t.To)
			}
		}
		if s.Terminal && d.Reopen != nil {
			next = append(next, d.Reopen.To)
		}
		for _, n := range next {
			if _, ok := v.catalog.Status(n); ok && !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, s := range statuses {
		if !seen[s.Code] {
			v.addf("status %q is unreachable from initial status %q", s.Code, initial)
		}
	}
}

// leaves reports whether t may be taken from status s: s is listed in
// From, or From has "*" and s is not terminal. A terminal status listed
// explicitly does not count; validation reports it.
func leaves(t Transition, s ticket.Status) bool {
	if s.Terminal {
		return false
	}
	return slices.Contains(t.From, s.Code) || slices.Contains(t.From, Wildcard)
}
