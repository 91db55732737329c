package ticket

// CodeLabel returns the label, in locale, of a code of one of a ticket's
// coded fields (a history Field): [FieldStatus], [FieldPriority],
// [FieldCategory] and [FieldDepartment] from the catalog, [FieldChannel]
// from [Channel.Label]. ok is false for other fields, an empty code and
// a code the catalog does not hold, whose readers are shown the code.
func (c *Catalog) CodeLabel(field, code, locale string) (label string, ok bool) {
	if code == "" {
		return "", false
	}
	var l Label
	switch field {
	case FieldStatus:
		l, ok = entryLabel(c.Status, code, func(x Status) Label { return x.Label })
	case FieldPriority:
		l, ok = entryLabel(c.Priority, code, func(x Priority) Label { return x.Label })
	case FieldCategory:
		l, ok = entryLabel(c.Category, code, func(x Category) Label { return x.Label })
	case FieldDepartment:
		l, ok = entryLabel(c.Department, code, func(x Department) Label { return x.Label })
	case FieldChannel:
		ok = Channel(code).Valid()
		l = Channel(code).Label()
	}
	if !ok {
		return "", false
	}
	return l.In(locale), true
}

// entryLabel returns the label of the catalog entry lookup finds for
// code.
func entryLabel[T any](lookup func(string) (T, bool), code string, label func(T) Label) (Label, bool) {
	e, ok := lookup(code)
	return label(e), ok
}

// TicketLabels are the labels of a ticket's coded fields in one locale,
// for readers who should never see a raw code; a field whose code has no
// label is empty.
type TicketLabels struct {
	Status     string `json:"status_label,omitempty"`
	Priority   string `json:"priority_label,omitempty"`
	Category   string `json:"category_label,omitempty"`
	Department string `json:"department_label,omitempty"`
	Channel    string `json:"channel_label,omitempty"`
}

// TicketLabels returns the labels of t's status, priority, category,
// department and channel in locale (see [Catalog.CodeLabel]).
func (c *Catalog) TicketLabels(t *Ticket, locale string) TicketLabels {
	label := func(field, code string) string { l, _ := c.CodeLabel(field, code, locale); return l }
	return TicketLabels{
		Status:     label(FieldStatus, t.Status),
		Priority:   label(FieldPriority, t.Priority),
		Category:   label(FieldCategory, t.Category),
		Department: label(FieldDepartment, t.Department),
		Channel:    label(FieldChannel, string(t.Channel)),
	}
}
