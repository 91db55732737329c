package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// An SLA policy resolves tickets within 4 hours; at 150 % of that, level
// 1 hands the ticket to the team lead and moves it to escalated. The
// host runs sweeps (here by hand on a fake clock; in production with an
// EscalationWorker).
func ExampleDesk_RunEscalations() {
	ctx := context.Background()
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "standard",
		Targets: workflow.Targets{Resolution: workflow.Duration(4 * time.Hour)},
		Levels: []workflow.Level{{
			Level: 1, Target: workflow.TargetResolution, At: 150, Notify: []string{"supervisor"},
			Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: "team-lead"}}},
			Status:  ticket.StatusEscalated,
		}},
	}}}, nil)
	if err != nil {
		panic(err)
	}
	clk := clock.NewFake(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Clock: clk, SLA: sla})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	t, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Refund not received"})
	if err != nil {
		panic(err)
	}
	fmt.Println("resolution due", t.SLA.ResolutionDue.Format("15:04"))

	for _, h := range []int{4, 6, 7} {
		clk.Set(time.Date(2026, 5, 4, 9+h, 0, 0, 0, time.UTC))
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%02d:00 breaches %d, escalations %d\n", 9+h, res.Breaches, res.Escalations)
	}
	t, err = desk.Get(ctx, agent, t.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Status, t.Assignee, t.SLA.Breached)
	// Output:
	// resolution due 13:00
	// 13:00 breaches 1, escalations 0
	// 15:00 breaches 0, escalations 1
	// 16:00 breaches 0, escalations 0
	// escalated team-lead [c1:resolution]
}

// SLAReport turns the metrics each ticket keeps into the figures a
// manager asks for: time to first response, resolution time, reopen rate
// and breaches, here per priority.
func ExampleDesk_SLAReport() {
	ctx := context.Background()
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name:    "standard",
		Targets: workflow.Targets{FirstResponse: workflow.Duration(time.Hour), Resolution: workflow.Duration(8 * time.Hour)},
	}}}, nil)
	if err != nil {
		panic(err)
	}
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Clock: clk, SLA: sla})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	urgent, normal := ticket.PriorityUrgent, ticket.PriorityNormal
	fast, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Card declined", Priority: urgent})
	if err != nil {
		panic(err)
	}
	slow, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Invoice copy", Priority: normal})
	if err != nil {
		panic(err)
	}
	for _, step := range []struct {
		after time.Duration
		id    string
	}{{15 * time.Minute, fast.ID}, {3 * time.Hour, slow.ID}} {
		clk.Set(start.Add(step.after))
		if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: step.id, Body: "Looking into it"}); err != nil {
			panic(err)
		}
	}
	if _, err := desk.RunEscalations(ctx); err != nil { // records the late first response as breached
		panic(err)
	}
	report, err := desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "priority"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d tickets, first response median %s, breached %.0f%%\n",
		report.Tickets, report.FirstResponse.Median, 100*report.BreachRate)
	for _, g := range report.Groups {
		fmt.Printf("%-7s first response %s, breached %d\n", g.Key, g.FirstResponse.Median, g.Breached)
	}
	// Output:
	// 2 tickets, first response median 1h37m30s, breached 50%
	// normal  first response 3h0m0s, breached 1
	// urgent  first response 15m0s, breached 0
}
