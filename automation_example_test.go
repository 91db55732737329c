package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// A storefront's rules as data: when a ticket about an order arrives
// from a gold customer, set priority high and give it to the returns
// department; remind the customer after 3 days waiting, close after 7.
// The escalation sweep fires the time rules (here by hand, on a fake
// clock).
func ExampleDesk_DryRunRules() {
	ctx := context.Background()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "returns", Label: ticket.Label{Text: "Returns"}}}
	cat, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{Name: "standard"}}}, cat)
	if err != nil {
		panic(err)
	}
	days := func(n int) workflow.Duration { return workflow.Duration(time.Duration(n) * 24 * time.Hour) }
	rules := ticketkit.AutomationConfig{
		EventRules: []ticketkit.EventRule{{
			ID: "gold-orders",
			When: ticketkit.RuleConditions{
				Events: []notify.Kind{notify.KindOpened},
				Tiers:  []string{"gold"},
				Fields: []ticketkit.FieldCondition{{Field: "subject", Contains: "order"}},
			},
			Do: []ticketkit.RuleAction{
				{Type: ticketkit.ActionSet, Field: "priority", Value: ticket.PriorityHigh},
				{Type: ticketkit.ActionSet, Field: "department", Value: "returns"},
			},
		}},
		TimeRules: []ticketkit.TimeRule{
			{ID: "remind", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: days(3),
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"customer"},
					Template: "We are still waiting for your answer on {{.Ticket.Number}}."}}},
			{ID: "close", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: days(7),
				Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: ticket.StatusClosed}}},
		},
	}
	clk := clock.NewFake(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: cat, SLA: sla, Clock: clk, Automation: &rules})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}

	t, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "My order 1042 arrived broken", Tier: "gold"})
	if err != nil {
		panic(err)
	}
	fmt.Println("gold:", t.Priority, t.Department)
	plain, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "My order 1043 arrived broken"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("no tier: %s %q\n", plain.Priority, plain.Department)

	dry, err := desk.DryRunRules(ctx, agent, ticketkit.DryRunParams{TicketID: plain.ID, Opened: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("dry run on the plain ticket:", len(dry.Fired), "rules")

	if _, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusWaiting}); err != nil {
		panic(err)
	}
	for _, day := range []int{2, 3, 5, 7, 8} {
		clk.Set(time.Date(2026, 5, 4+day, 9, 1, 0, 0, time.UTC))
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			panic(err)
		}
		fmt.Printf("day %d: %d time rules fired\n", day, res.TimeRules)
	}
	t, err = desk.Get(ctx, agent, t.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Status)
	history, err := desk.History(ctx, agent, t.ID)
	if err != nil {
		panic(err)
	}
	for _, e := range history {
		if e.ActorID != agent.ID && e.Field != ticket.FieldCreated {
			fmt.Println(e.ActorID, e.Field, e.New)
		}
	}
	// Output:
	// gold: high returns
	// no tier: normal ""
	// dry run on the plain ticket: 0 rules
	// day 2: 0 time rules fired
	// day 3: 1 time rules fired
	// day 5: 0 time rules fired
	// day 7: 1 time rules fired
	// day 8: 0 time rules fired
	// closed
	// rule:gold-orders priority high
	// rule:gold-orders department returns
	// rule:remind automation.notify We are still waiting for your answer on TK-2026-000001.
	// rule:remind automation.time_rule remind
	// rule:close automation.time_rule close
	// rule:close status closed
	// rule:close closure_reason automation rule close
}
