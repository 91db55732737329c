package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// A complaint moves Registered → Planned → Fulfilled → Posted; fulfilment
// waits for the action plan, posting for a supervisor's review and a
// reason, and a posted complaint never changes again.
func ExampleDefaultComplaint() {
	ctx := context.Background()
	m, err := workflow.DefaultComplaint(nil, workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agent := ticket.Actor{ID: "u-ann", Role: ticket.RoleAgent, TenantID: "t1"}
	c := &ticket.Complaint{Ticket: ticket.Ticket{
		Number: "CP-1", Status: ticket.StatusRegistered, Reason: "CR02",
		Actions: []ticket.Action{{ID: "a-1", Title: "Inspect the returned goods"}},
	}}
	move := func(to, reason string) {
		d, err := m.Decide(ctx, workflow.ComplaintRequest{Complaint: c, Actor: agent, To: to, Reason: reason, Now: at})
		if err == nil {
			err = m.Apply(d, c, agent, at, nil)
		}
		var te *workflow.TransitionError
		switch {
		case errors.Is(err, ticket.ErrPosted):
			fmt.Println("refused:", err)
		case errors.As(err, &te):
			fmt.Printf("refused by %s: %s\n", te.Guard, te.Reason)
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println("now", c.Status)
		}
	}

	move(ticket.StatusPlanned, "")
	move(ticket.StatusFulfilled, "")
	c.Actions[0].Done = true
	c.Details.Decision = &ticket.ComplaintDecision{
		Justified: true, By: "u-ann", At: at,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("480"), Currency: "EUR"},
	}
	c.Details.EndDate = at
	move(ticket.StatusFulfilled, "")
	move(ticket.StatusPosted, "credit note CN-1 issued")
	c.Details.Reviews = append(c.Details.Reviews, ticket.Review{By: "u-boss", Role: ticket.RoleSupervisor, At: at, Outcome: ticket.ReviewApproved})
	move(ticket.StatusPosted, "credit note CN-1 issued")
	move(ticket.StatusPlanned, "")
	fmt.Println("edit:", c.CheckEditable())
	// Output:
	// now planned
	// refused by actions_done: 1 action is still open
	// now fulfilled
	// refused by supervisor_review: a supervisor's follow-up review is required
	// now posted
	// refused: workflow: cannot move ticket from "posted" to "planned" as agent: ticket: complaint is posted: a posted complaint cannot change
	// edit: ticket: complaint is posted: CP-1 was posted at 2026-03-02T09:00:00Z and cannot be changed
}
