package ticket

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// problems returns every problem of s, in the order of the spec: statuses,
// priorities, categories, departments, reasons and fields. Each problem
// names the entry it is about, such as `status "open": duplicate code`.
func (s CatalogSpec) problems() []string {
	var p problemList

	checkCodes(&p, "status", "code", s.Statuses, func(x Status) string { return x.Code })
	var initial []string
	for i, st := range s.Statuses {
		name := entryName("status", st.Code, i)
		switch {
		case st.Category == "":
			p.addf("%s: empty category", name)
		case !st.Category.Valid():
			p.addf("%s: invalid category %q (want one of %s)", name, st.Category, joinQuoted(StatusCategories()))
		}
		if st.Initial {
			initial = append(initial, st.Code)
			if st.Terminal {
				p.addf("%s: initial status is terminal", name)
			}
		}
	}
	switch {
	case len(s.Statuses) == 0:
		p.addf("no statuses")
	case len(initial) == 0:
		p.addf("no initial status")
	case len(initial) > 1:
		p.addf("more than one initial status: %s", joinQuoted(initial))
	}

	checkCodes(&p, "priority", "code", s.Priorities, func(x Priority) string { return x.Code })
	var defaults []string
	for _, pr := range s.Priorities {
		if pr.Default {
			defaults = append(defaults, pr.Code)
		}
	}
	if len(s.Priorities) == 0 {
		p.addf("no priorities")
	}
	if len(defaults) > 1 {
		p.addf("more than one default priority: %s", joinQuoted(defaults))
	}

	checkCodes(&p, "category", "code", s.Categories, func(x Category) string { return x.Code })
	departments := checkCodes(&p, "department", "code", s.Departments, func(x Department) string { return x.Code })
	for i, c := range s.Categories {
		name := entryName("category", c.Code, i)
		if c.Department != "" && !departments[c.Department] {
			p.addf("%s: unknown department %q", name, c.Department)
		}
		for j, a := range c.Actions {
			action := fmt.Sprintf("%s: action #%d", name, j+1)
			if strings.TrimSpace(a.Title) == "" {
				p.addf("%s: empty title", action)
			} else {
				action = fmt.Sprintf("%s: action %q", name, a.Title)
			}
			if a.DueIn == "" {
				continue
			}
			d, err := time.ParseDuration(a.DueIn)
			switch {
			case err != nil:
				p.addf("%s: invalid due_in %q: want a duration such as \"48h\"", action, a.DueIn)
			case d < 0:
				p.addf("%s: negative due_in %q", action, a.DueIn)
			}
		}
	}

	checkCodes(&p, "reason", "code", s.Reasons, func(x ReasonCode) string { return x.Code })

	checkCodes(&p, "field", "key", s.Fields, func(x FieldDef) string { return x.Key })
	for i, f := range s.Fields {
		name := entryName("field", f.Key, i)
		switch {
		case f.Type == "":
			p.addf("%s: empty type", name)
		case !f.Type.Valid():
			p.addf("%s: invalid type %q (want one of %s)", name, f.Type, joinQuoted(FieldTypes()))
		case f.Type == FieldChoice && len(f.Choices) == 0:
			p.addf("%s: choice field without choices", name)
		case f.Type != FieldChoice && len(f.Choices) > 0:
			p.addf("%s: choices on a %s field", name, f.Type)
		}
		seen := make(map[string]bool, len(f.Choices))
		for _, ch := range f.Choices {
			switch {
			case ch == "":
				p.addf("%s: empty choice", name)
			case seen[ch]:
				p.addf("%s: duplicate choice %q", name, ch)
			}
			seen[ch] = true
		}
	}
	checkCodeGroups(&p, "cause", s.CauseCodes)
	checkCodeGroups(&p, "defect", s.DefectCodes)
	s.checkDisplay(&p)
	return p
}

// problemList collects catalog problems.
type problemList []string

func (p *problemList) addf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// checkCodes reports empty and duplicate codes (or keys) of one set and
// returns the set of codes seen. A duplicate is reported once per extra
// occurrence.
func checkCodes[T any](p *problemList, what, keyName string, items []T, key func(T) string) map[string]bool {
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		k := key(it)
		switch {
		case strings.TrimSpace(k) == "":
			p.addf("%s: empty %s", entryName(what, "", i), keyName)
		case seen[k]:
			p.addf("%s %q: duplicate %s", what, k, keyName)
		}
		seen[k] = true
	}
	return seen
}

// entryName names an entry by its code, or by its 1-based position when
// the code is empty.
func entryName(what, code string, i int) string {
	if strings.TrimSpace(code) == "" {
		return fmt.Sprintf("%s #%d", what, i+1)
	}
	return fmt.Sprintf("%s %q", what, code)
}

func joinQuoted[S ~string](items []S) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%q", string(it))
	}
	return strings.Join(parts, ", ")
}

// clone returns a deep copy of s, so that a catalog does not share slices
// or maps with the caller.
func (s CatalogSpec) clone() CatalogSpec {
	c := CatalogSpec{
		Statuses:    slices.Clone(s.Statuses),
		Priorities:  slices.Clone(s.Priorities),
		Categories:  slices.Clone(s.Categories),
		Departments: slices.Clone(s.Departments),
		Reasons:     slices.Clone(s.Reasons),
		Fields:      slices.Clone(s.Fields),

		AllowNewReasons: s.AllowNewReasons,
		CauseCodes:      cloneCodeGroups(s.CauseCodes),
		DefectCodes:     cloneCodeGroups(s.DefectCodes),
		Display:         s.Display,
	}
	for i := range c.Statuses {
		c.Statuses[i].Label = c.Statuses[i].Label.clone()
	}
	for i := range c.Priorities {
		c.Priorities[i].Label = c.Priorities[i].Label.clone()
	}
	for i := range c.Categories {
		c.Categories[i].Label = c.Categories[i].Label.clone()
		c.Categories[i].Actions = slices.Clone(c.Categories[i].Actions)
	}
	for i := range c.Departments {
		c.Departments[i].Label = c.Departments[i].Label.clone()
	}
	for i := range c.Reasons {
		c.Reasons[i].Label = c.Reasons[i].Label.clone()
	}
	for i := range c.Fields {
		c.Fields[i].Label = c.Fields[i].Label.clone()
		c.Fields[i].Choices = slices.Clone(c.Fields[i].Choices)
	}
	return c
}

func (l Label) clone() Label {
	l.Translations = maps.Clone(l.Translations)
	return l
}
