package complaintdoc

import "github.com/ticketkit/ticketkit/ticket"

// The 8D report's quality sections: the steps completed, the root cause
// with its catalog codes, and the typed actions with their effectiveness
// checks. Staff documents only: customers never see them.

// steps writes the 8D steps completed, under the section key.
func (b *builder) steps(c *ticket.Complaint, key string) {
	s := b.section(key)
	t := b.table(s, "step", "by", "at", "notes")
	for _, r := range c.Details.Steps {
		t.Rows = append(t.Rows, []string{b.enum("step", string(r.Step)), r.By, b.date(r.At), r.Notes})
	}
	b.add(s)
}

// rootCause writes the root cause, its codes as "group/code label",
// under the section key.
func (b *builder) rootCause(c *ticket.Complaint, key string) {
	r := c.Details.RootCause
	if r == nil {
		return
	}
	cat := b.r.cfg.Catalog
	s := b.section(key)
	b.field(s, "cause", b.code(r.Cause, cat.CauseCode))
	b.field(s, "defect", b.code(r.Defect, cat.DefectCode))
	s.Text = r.Text
	b.field(s, "by", r.By)
	b.field(s, "at", b.date(r.At))
	b.add(s)
}

// code renders a catalog code as "MAN/M01 Machine setting" in the
// document's locale, "" for none.
func (b *builder) code(r ticket.CodeRef, get func(ticket.CodeRef) (ticket.QualityCode, bool)) string {
	if r.IsZero() {
		return ""
	}
	if q, ok := get(r); ok {
		return r.String() + " " + q.Label.In(b.locale)
	}
	return r.String()
}

// qualityActions writes the action plan with each action's type and
// effectiveness check, under the section key.
func (b *builder) qualityActions(c *ticket.Complaint, key string) {
	s := b.section(key)
	t := b.table(s, "action", "action_type", "owner", "due_at", "done", "effectiveness")
	for _, a := range c.Actions {
		eff := ""
		if e := a.Effectiveness; e.Checked() {
			verdict := "effective.no"
			if e.Effective {
				verdict = "effective.yes"
			}
			eff = b.label(verdict) + " " + e.By + " " + b.date(e.At)
			if e.Notes != "" {
				eff += " " + e.Notes
			}
		}
		t.Rows = append(t.Rows, []string{a.Title, b.enum("action_type", string(a.Type)), a.Owner, b.date(a.DueAt), b.doneText(a), eff})
	}
	b.add(s)
}
