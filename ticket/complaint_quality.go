package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The quality structure of a complaint (8D): typed actions with an
// effectiveness check, a root cause coded from the catalog's cause and
// defect code groups, and the disciplines D1 to D8 completed in order.
// All of it is internal to the help desk: customers never see it.

// ActionType is the quality type of an [Action] of a complaint's plan.
type ActionType string

// Types of quality actions.
const (
	ActionContainment ActionType = "containment" // ActionContainment: limits the damage now (D3), such as blocking stock.
	ActionCorrective  ActionType = "corrective"  // ActionCorrective: removes the root cause (D5, D6).
	ActionPreventive  ActionType = "preventive"  // ActionPreventive: keeps the cause from recurring elsewhere (D7).
)

// ActionTypes returns every action type.
func ActionTypes() []ActionType {
	return []ActionType{ActionContainment, ActionCorrective, ActionPreventive}
}

// Valid reports whether t is one of [ActionTypes].
func (t ActionType) Valid() bool { return slices.Contains(ActionTypes(), t) }

// EffectivenessCheck records whether a done action worked: who checked
// it, when, and the verdict.
type EffectivenessCheck struct {
	// By is the checker's host user ID, at At.
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Effective is the verdict; false means the action did not remove
	// or contain the problem and another is needed.
	Effective bool `json:"effective"`
	// Notes say how effectiveness was verified.
	Notes string `json:"notes,omitempty"`
}

// Checked reports whether the check was made.
func (e EffectivenessCheck) Checked() bool { return e.By != "" }

// CodeRef names a code of a catalog's code group, such as a cause or
// defect code ("MAN" / "M01"), as SAP QM code groups do.
type CodeRef struct {
	Group string `json:"group"`
	Code  string `json:"code"`
}

// IsZero reports whether r names no code.
func (r CodeRef) IsZero() bool { return r.Group == "" && r.Code == "" }

// String renders r as "group/code", "" for none.
func (r CodeRef) String() string {
	if r.IsZero() {
		return ""
	}
	return r.Group + "/" + r.Code
}

// RootCause is the analysed root cause of a complaint (8D's D4): a cause
// code, optionally the defect code of what was found, and a free text.
type RootCause struct {
	// Cause is a code of the catalog's cause code groups
	// ([Catalog.CauseCode]).
	Cause CodeRef `json:"cause"`
	// Defect is a code of the catalog's defect code groups
	// ([Catalog.DefectCode]); optional.
	Defect CodeRef `json:"defect,omitzero"`
	// Text describes the cause.
	Text string `json:"text,omitempty"`
	// By is the host user ID of who set the cause, at At.
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Step is a discipline of the 8D method.
type Step string

// The eight disciplines, in the order they are completed.
const (
	StepD1 Step = "D1" // StepD1: build the team.
	StepD2 Step = "D2" // StepD2: describe the problem.
	StepD3 Step = "D3" // StepD3: contain it.
	StepD4 Step = "D4" // StepD4: find the root cause.
	StepD5 Step = "D5" // StepD5: choose corrective actions.
	StepD6 Step = "D6" // StepD6: implement and validate them.
	StepD7 Step = "D7" // StepD7: prevent recurrence.
	StepD8 Step = "D8" // StepD8: close and recognise the team.
)

// Steps returns the 8D steps in order.
func Steps() []Step { return []Step{StepD1, StepD2, StepD3, StepD4, StepD5, StepD6, StepD7, StepD8} }

// Valid reports whether s is one of [Steps].
func (s Step) Valid() bool { return slices.Contains(Steps(), s) }

// StepRecord is the completion of one 8D step of a complaint.
type StepRecord struct {
	Step Step `json:"step"`
	// By is the host user ID of who completed the step, at At.
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Notes summarise the step's outcome.
	Notes string `json:"notes,omitempty"`
}

// StepDone reports whether step s of the 8D is complete.
func (c *Complaint) StepDone(s Step) bool {
	return slices.ContainsFunc(c.Details.Steps, func(r StepRecord) bool { return r.Step == s })
}

// History fields of the quality structure, recorded by [ComplaintDiff].
// An action's type and effectiveness check are part of its
// [FieldAction] line.
const (
	FieldRootCause = "complaint.root_cause" // FieldRootCause: "cause MAN/M01; defect VIS/V01; by u-1 at 2006-01-02T15:04:05Z; text".
	FieldSteps     = "complaint.steps"      // FieldSteps: one event per step completed (or changed), "D3 by u-1 at 2006-01-02T15:04:05Z (notes)".
)

// rootCauseText renders a root cause for its history line.
func rootCauseText(r *RootCause) string {
	if r == nil {
		return ""
	}
	p := []string{"cause " + r.Cause.String()}
	if !r.Defect.IsZero() {
		p = append(p, "defect "+r.Defect.String())
	}
	p = append(p, "by "+r.By+" at "+dateText(r.At, time.RFC3339))
	if r.Text != "" {
		p = append(p, r.Text)
	}
	return strings.Join(p, "; ")
}

// stepText renders a step's completion for its history line.
func stepText(r StepRecord) string {
	s := string(r.Step) + " by " + r.By + " at " + dateText(r.At, time.RFC3339)
	if r.Notes != "" {
		s += " (" + r.Notes + ")"
	}
	return s
}

// qualityText renders an action's type and effectiveness check for its
// [FieldAction] line, "" when it has neither.
func qualityText(a Action) string {
	var p []string
	if a.Type != "" {
		p = append(p, "type "+string(a.Type))
	}
	if e := a.Effectiveness; e != (EffectivenessCheck{}) {
		verdict := "not effective"
		if e.Effective {
			verdict = "effective"
		}
		v := verdict + " per " + e.By + " at " + dateText(e.At, time.RFC3339)
		if e.Notes != "" {
			v += " (" + e.Notes + ")"
		}
		p = append(p, v)
	}
	return strings.Join(p, "; ")
}

// qualityDiff returns the history lines of the root cause and of each
// step completed, changed or removed from before to after.
func qualityDiff(before, after *ComplaintDetails) []Event {
	var events []Event
	if b, a := rootCauseText(before.RootCause), rootCauseText(after.RootCause); b != a {
		events = append(events, Event{Field: FieldRootCause, Old: b, New: a})
	}
	old := make(map[Step]string, len(before.Steps))
	for _, r := range before.Steps {
		old[r.Step] = stepText(r)
	}
	for _, r := range after.Steps {
		if text := stepText(r); old[r.Step] != text {
			events = append(events, Event{Field: FieldSteps, Old: old[r.Step], New: text})
		}
		delete(old, r.Step)
	}
	for _, r := range before.Steps { // removed, in order
		if text, ok := old[r.Step]; ok {
			events = append(events, Event{Field: FieldSteps, Old: text})
		}
	}
	return events
}

// Limits of the quality structure's free texts.
const (
	maxQualityText = 4000
	maxQualityID   = 200
)

// checkQuality checks the quality structure of c: action types and
// effectiveness checks, the root cause's codes against catalog, and that
// the 8D steps are known, unique and completed in order.
func checkQuality(v *ValidationError, c *Complaint, catalog *Catalog) {
	for i, a := range c.Actions {
		p := fmt.Sprintf("actions[%d]", i)
		if a.Type != "" && !a.Type.Valid() {
			v.Add(p+".type", "oneof", fmt.Sprintf("must be one of %v", ActionTypes()))
		}
		if e := a.Effectiveness; e.Checked() || !e.At.IsZero() || e.Notes != "" {
			switch {
			case !e.Checked():
				v.Add(p+".effectiveness.by", "required", "is required")
			case !a.Done:
				v.Add(p+".effectiveness", "action_open", "the action must be done before its effectiveness is checked")
			}
			if len(e.Notes) > maxQualityText {
				v.Add(p+".effectiveness.notes", "max", fmt.Sprintf("must be at most %d bytes", maxQualityText))
			}
		}
	}
	d := &c.Details
	if r := d.RootCause; r != nil {
		const p = complaintPrefix + "root_cause"
		if _, ok := catalog.CauseCode(r.Cause); !ok {
			v.Add(p+".cause", "oneof", fmt.Sprintf("%q is not a cause code of the catalog", r.Cause.String()))
		}
		if _, ok := catalog.DefectCode(r.Defect); !r.Defect.IsZero() && !ok {
			v.Add(p+".defect", "oneof", fmt.Sprintf("%q is not a defect code of the catalog", r.Defect.String()))
		}
		if len(r.Text) > maxQualityText {
			v.Add(p+".text", "max", fmt.Sprintf("must be at most %d bytes", maxQualityText))
		}
		if r.By == "" || len(r.By) > maxQualityID {
			v.Add(p+".by", "required", "is required")
		}
	}
	for i, r := range d.Steps {
		p := fmt.Sprintf("%ssteps[%d]", complaintPrefix, i)
		switch {
		case !r.Step.Valid():
			v.Add(p+".step", "oneof", fmt.Sprintf("must be one of %v", Steps()))
		case i >= len(Steps()):
			v.Add(p+".step", "duplicate", fmt.Sprintf("%s is already complete", r.Step))
		case r.Step != Steps()[i]:
			v.Add(p+".step", "order", fmt.Sprintf("%s comes after %s", r.Step, Steps()[i]))
		}
		if r.By == "" || len(r.By) > maxQualityID {
			v.Add(p+".by", "required", "is required")
		}
		if len(r.Notes) > maxQualityText {
			v.Add(p+".notes", "max", fmt.Sprintf("must be at most %d bytes", maxQualityText))
		}
	}
}

// ComplaintsByCause counts complaints per cause code of their root
// cause, "group/code"; complaints without a root cause are not counted.
// Rows come by count, highest first, then by key.
func ComplaintsByCause(cs []*Complaint) []CountRow {
	return countBy(cs, func(c *Complaint) []string {
		if c.Details.RootCause == nil {
			return nil
		}
		return []string{c.Details.RootCause.Cause.String()}
	})
}

// ComplaintsByDefect counts complaints per defect code of their root
// cause, "group/code"; complaints without one are not counted. Rows come
// by count, highest first, then by key.
func ComplaintsByDefect(cs []*Complaint) []CountRow {
	return countBy(cs, func(c *Complaint) []string {
		if r := c.Details.RootCause; r != nil && !r.Defect.IsZero() {
			return []string{r.Defect.String()}
		}
		return nil
	})
}
