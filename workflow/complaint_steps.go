package workflow

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrStepOrder is wrapped by a [StepError]: an 8D step may be completed
// only once, after the step before it, and once what it stands for is
// recorded on the complaint.
var ErrStepOrder = errors.New("workflow: 8D step cannot be completed")

// StepError explains why [CheckStep] refused to complete an 8D step.
type StepError struct {
	// Step is the step asked for.
	Step ticket.Step
	// Reason says why, in words a user can read, naming the step that
	// is missing or what must be recorded first.
	Reason string
}

// Error returns a one-line message naming the step and the reason.
func (e *StepError) Error() string {
	return fmt.Sprintf("workflow: cannot complete 8D step %s: %s", e.Step, e.Reason)
}

// Unwrap returns [ErrStepOrder].
func (e *StepError) Unwrap() error { return ErrStepOrder }

// stepRequirement says what a step needs recorded on the complaint
// before it is complete, "" when it has it.
type stepRequirement func(c *ticket.Complaint) string

// stepRequirements are the rules of the steps that stand for something
// the complaint records: the root cause for D4, and for D6 (implement
// and validate the corrective actions) every corrective action done and
// checked effective. The other steps need only the step before them.
var stepRequirements = map[ticket.Step]stepRequirement{
	ticket.StepD4: func(c *ticket.Complaint) string {
		if c.Details.RootCause == nil {
			return "set the root cause first"
		}
		return ""
	},
	ticket.StepD6: func(c *ticket.Complaint) string {
		corrective := 0
		for _, a := range c.Actions {
			if a.Type != ticket.ActionCorrective {
				continue
			}
			corrective++
			if !a.Done || !a.Effectiveness.Checked() || !a.Effectiveness.Effective {
				return fmt.Sprintf("corrective action %q must be done and checked effective first", a.Title)
			}
		}
		if corrective == 0 {
			return "plan a corrective action first"
		}
		return ""
	},
}

// CheckStep reports whether step s of the 8D may be completed on c: it
// must be one of ticket.Steps, not complete yet, the step before it must
// be complete, and D4 needs the root cause, D6 every corrective action
// done and checked effective. A refusal is a *[StepError] naming the
// step; the 8D is optional, so a complaint that never completes a step
// is not affected.
func CheckStep(c *ticket.Complaint, s ticket.Step) error {
	steps := ticket.Steps()
	i := slices.Index(steps, s)
	switch {
	case i < 0:
		return &StepError{Step: s, Reason: fmt.Sprintf("unknown step (want one of %v)", steps)}
	case c.StepDone(s):
		return &StepError{Step: s, Reason: "it is already complete"}
	case i > 0 && !c.StepDone(steps[i-1]):
		return &StepError{Step: s, Reason: fmt.Sprintf("complete %s first", steps[i-1])}
	}
	if req := stepRequirements[s]; req != nil {
		if why := req(c); why != "" {
			return &StepError{Step: s, Reason: why}
		}
	}
	return nil
}
