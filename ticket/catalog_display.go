package ticket

import "slices"

// ListDisplay is how lists show the labels of one catalog set: as text,
// as an image (the entry's Label.Icon) or both.
type ListDisplay string

// How lists show a set's labels.
const (
	DisplayText  ListDisplay = "text"  // DisplayText: the label's text (the default).
	DisplayImage ListDisplay = "image" // DisplayImage: the label's icon, its text as the alternative text.
	DisplayBoth  ListDisplay = "both"  // DisplayBoth: the icon followed by the text.
)

// ListDisplays returns every list display.
func ListDisplays() []ListDisplay { return []ListDisplay{DisplayText, DisplayImage, DisplayBoth} }

// Valid reports whether d is one of [ListDisplays].
func (d ListDisplay) Valid() bool { return slices.Contains(ListDisplays(), d) }

// Display says, per set of a catalog, how lists show its entries, such
// as priorities as coloured icons and statuses as text. An empty field
// means [DisplayText]. A set shown as an image or both needs an icon on
// every entry ([Label.Icon]): [NewCatalog] reports those without one.
type Display struct {
	Statuses   ListDisplay `json:"statuses,omitempty"`
	Priorities ListDisplay `json:"priorities,omitempty"`
	// Categories are also the message types.
	Categories ListDisplay `json:"categories,omitempty"`
}

// withDefaults returns d with every empty field set to DisplayText.
func (d Display) withDefaults() Display {
	fill := func(v ListDisplay) ListDisplay {
		if v == "" {
			return DisplayText
		}
		return v
	}
	return Display{Statuses: fill(d.Statuses), Priorities: fill(d.Priorities), Categories: fill(d.Categories)}
}

// Display returns how lists show the catalog's statuses, priorities and
// categories, every field set.
func (c *Catalog) Display() Display { return c.spec.Display.withDefaults() }

// checkDisplay reports the problems of s.Display: unknown values, and
// entries without an icon in a set shown as an image or both.
func (s CatalogSpec) checkDisplay(p *problemList) {
	checkListDisplay(p, "statuses", "status", s.Display.Statuses, s.Statuses, func(x Status) (string, Label) { return x.Code, x.Label })
	checkListDisplay(p, "priorities", "priority", s.Display.Priorities, s.Priorities, func(x Priority) (string, Label) { return x.Code, x.Label })
	checkListDisplay(p, "categories", "category", s.Display.Categories, s.Categories, func(x Category) (string, Label) { return x.Code, x.Label })
}

// checkListDisplay reports a bad display d of the set named set, and
// its entries without an icon when d shows images.
func checkListDisplay[T any](p *problemList, set, what string, d ListDisplay, items []T, entry func(T) (string, Label)) {
	switch {
	case d == "" || d == DisplayText:
	case !d.Valid():
		p.addf("display.%s: invalid value %q (want one of %s)", set, d, joinQuoted(ListDisplays()))
	default:
		for i, it := range items {
			if code, l := entry(it); l.Icon == "" {
				p.addf("%s: no icon, but display.%s is %q", entryName(what, code, i), set, d)
			}
		}
	}
}
