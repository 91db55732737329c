package workflow_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestCheckStep(t *testing.T) {
	t.Parallel()
	done := func(steps ...ticket.Step) *ticket.Complaint {
		c := &ticket.Complaint{}
		for _, s := range steps {
			c.Details.Steps = append(c.Details.Steps, ticket.StepRecord{Step: s, By: "u"})
		}
		return c
	}
	corrective := func(done, checked, effective bool) ticket.Action {
		a := ticket.Action{ID: "a", Title: "Fix jig", Type: ticket.ActionCorrective, Done: done}
		if checked {
			a.Effectiveness = ticket.EffectivenessCheck{By: "u", Effective: effective}
		}
		return a
	}
	withRoot := func(c *ticket.Complaint) *ticket.Complaint {
		c.Details.RootCause = &ticket.RootCause{Cause: ticket.CodeRef{Group: "MAN", Code: "M01"}, By: "u"}
		return c
	}
	withActions := func(c *ticket.Complaint, as ...ticket.Action) *ticket.Complaint {
		c.Actions = as
		return c
	}
	d1to5 := []ticket.Step{ticket.StepD1, ticket.StepD2, ticket.StepD3, ticket.StepD4, ticket.StepD5}
	tests := []struct {
		name   string
		c      *ticket.Complaint
		step   ticket.Step
		reason string // "" passes
	}{
		{"FirstStep", done(), ticket.StepD1, ""},
		{"Next", done(ticket.StepD1), ticket.StepD2, ""},
		{"Skipped", done(ticket.StepD1), ticket.StepD3, "complete D2 first"},
		{"NotStarted", done(), ticket.StepD2, "complete D1 first"},
		{"Again", done(ticket.StepD1), ticket.StepD1, "it is already complete"},
		{"Unknown", done(), "D9", "unknown step"},
		{"D4NeedsRootCause", done(ticket.StepD1, ticket.StepD2, ticket.StepD3), ticket.StepD4, "set the root cause first"},
		{"D4WithRootCause", withRoot(done(ticket.StepD1, ticket.StepD2, ticket.StepD3)), ticket.StepD4, ""},
		{"D6NeedsCorrective", done(d1to5...), ticket.StepD6, "plan a corrective action first"},
		{"D6CorrectiveOpen", withActions(done(d1to5...), corrective(false, false, false)), ticket.StepD6, `corrective action "Fix jig" must be done`},
		{"D6NotChecked", withActions(done(d1to5...), corrective(true, false, false)), ticket.StepD6, "checked effective"},
		{"D6NotEffective", withActions(done(d1to5...), corrective(true, true, false)), ticket.StepD6, "checked effective"},
		{"D6Effective", withActions(done(d1to5...), corrective(true, true, true)), ticket.StepD6, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := workflow.CheckStep(tt.c, tt.step)
			if tt.reason == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, workflow.ErrStepOrder)
			var se *workflow.StepError
			require.True(t, errors.As(err, &se))
			require.Equal(t, tt.step, se.Step)
			require.Contains(t, se.Reason, tt.reason)
			require.Contains(t, err.Error(), "8D step "+string(tt.step))
		})
	}
}
