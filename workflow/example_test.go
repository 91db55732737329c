package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func Example() {
	ctx := context.Background()
	m, err := workflow.Default(nil) // DefaultDefinition on ticket.DefaultCatalog
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	tk := &ticket.Ticket{ID: "tk-1", Status: ticket.StatusResolved, Priority: ticket.PriorityNormal}

	// A customer may not change the status in the default workflow.
	customer := ticket.Actor{ID: "c-1", Role: ticket.RoleCustomer, CustomerID: "c-1"}
	_, err = m.Decide(ctx, workflow.Request{Ticket: tk, Actor: customer, To: ticket.StatusClosed, Reason: "thanks", Now: now})
	var te *workflow.TransitionError
	if errors.As(err, &te) {
		fmt.Println(errors.Is(err, workflow.ErrForbidden), te.Role, te.Reason)
	}

	// An agent may close it with a reason.
	agent := ticket.Actor{ID: "u-7", Role: ticket.RoleAgent}
	d, err := m.Decide(ctx, workflow.Request{Ticket: tk, Actor: agent, To: ticket.StatusClosed, Reason: "Refund sent", Now: now})
	if err != nil {
		panic(err)
	}
	d.Apply(tk, agent, now, nil)
	fmt.Println(d.Transition.Name, tk.Status, tk.ClosureReason, tk.ClosedAt.Format(time.DateTime))

	// Output:
	// true customer only agent, supervisor, system may do that
	// close closed Refund sent 2026-03-02 09:30:00
}

func ExampleMachine_Available() {
	m, err := workflow.Default(nil)
	if err != nil {
		panic(err)
	}
	tk := &ticket.Ticket{Status: ticket.StatusWaiting}
	agent := ticket.Actor{ID: "u-7", Role: ticket.RoleAgent}
	for _, t := range m.Available(context.Background(), tk, agent, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
		fmt.Println(t.Name, "->", t.To, "needs reason:", t.RequiresReason())
	}
	// Output:
	// start -> in_progress needs reason: false
	// escalate -> escalated needs reason: false
	// resolve -> resolved needs reason: false
	// close -> closed needs reason: true
}

func ExampleNew() {
	def, err := workflow.ParseYAML([]byte(`
transitions:
  - name: take
    from: [open]
    to: in_progress
    roles: [agent]
    guards: [manager_approved]
    effects:
      - set: {assignee: $actor}
`))
	if err != nil {
		panic(err)
	}
	_, err = workflow.New(workflow.Config{Definition: def})
	fmt.Println(err)
	// Output:
	// workflow: invalid definition: transition "take": unknown guard "manager_approved"; status "waiting" is unreachable from initial status "open"; status "escalated" is unreachable from initial status "open"; status "resolved" is unreachable from initial status "open"; status "closed" is unreachable from initial status "open"
}

func ExampleParseYAML() {
	_, err := workflow.ParseYAML([]byte("transitions:\n  - name: start\n    roels: [agent]\n"))
	fmt.Println(err)
	// Output:
	// workflow: invalid yaml definition at 3:5: unknown field "roels"
}
