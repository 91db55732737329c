package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestComplaintReasonCode: a complaint logged without a reason code may
// be planned, but not fulfilled or posted until it has one; the rule
// moves the requirement to another step, and an unknown step is a
// definition error.
func TestComplaintReasonCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	decide := func(m *workflow.ComplaintMachine, c *ticket.Complaint, to string) error {
		_, err := m.Decide(ctx, workflow.ComplaintRequest{Complaint: c, Actor: agent, To: to, Reason: "done", Now: now})
		return err
	}
	refusedBy := func(t *testing.T, err error) string {
		t.Helper()
		var te *workflow.TransitionError
		require.True(t, errors.As(err, &te), "%v", err)
		return te.Guard
	}
	tests := []struct {
		name   string
		rules  workflow.ComplaintRules
		status string
		to     string
		guard  string // "" when allowed
	}{
		{"PlannedWithoutReason", workflow.ComplaintRules{}, ticket.StatusRegistered, ticket.StatusPlanned, ""},
		{"NotFulfilledWithoutReason", workflow.ComplaintRules{}, ticket.StatusPlanned, ticket.StatusFulfilled, workflow.GuardReasonCodeSet},
		{"NotPostedWithoutReason", workflow.ComplaintRules{}, ticket.StatusFulfilled, ticket.StatusPosted, workflow.GuardReasonCodeSet},
		{"RejectedWithoutReasonCode", workflow.ComplaintRules{}, ticket.StatusPlanned, ticket.StatusRejected, ""},
		{"FromPlan", workflow.ComplaintRules{ReasonCodeFrom: workflow.TransitionPlan}, ticket.StatusRegistered, ticket.StatusPlanned, workflow.GuardReasonCodeSet},
		{"FromPostFulfils", workflow.ComplaintRules{ReasonCodeFrom: workflow.TransitionPost}, ticket.StatusPlanned, ticket.StatusFulfilled, ""},
		{"FromPostPosts", workflow.ComplaintRules{ReasonCodeFrom: workflow.TransitionPost}, ticket.StatusFulfilled, ticket.StatusPosted, workflow.GuardReasonCodeSet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := complaintMachine(t, tt.rules)
			c := ready(newComplaint(tt.status))
			c.Reason = ""
			err := decide(m, c, tt.to)
			if tt.guard == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, tt.guard, refusedBy(t, err))
			c.Reason = "CR02"
			require.NoError(t, decide(m, c, tt.to), "allowed once the reason code is set")
		})
	}

	t.Run("UnknownStep", func(t *testing.T) {
		t.Parallel()
		_, err := workflow.DefaultComplaint(nil, workflow.ComplaintRules{ReasonCodeFrom: "reject"})
		var de *workflow.DefinitionError
		require.ErrorAs(t, err, &de)
		require.Contains(t, de.Error(), `reason code from "reject"`)
	})
}
