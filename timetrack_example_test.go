package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// A desk whose workflow requires logged time before a ticket is
// resolved: the agent logs a billable call, resolves the ticket, and the
// month's report gives the billable time by organisation.
func ExampleDesk_AddTimeEntry() {
	ctx := context.Background()
	def := workflow.DefaultDefinition()
	for i, tr := range def.Transitions {
		if tr.To == ticket.StatusResolved {
			def.Transitions[i].Guards = append(def.Transitions[i].Guards, workflow.GuardTimeEntryRequired)
		}
	}
	wf, err := workflow.New(workflow.Config{Definition: def})
	if err != nil {
		panic(err)
	}
	desk, err := ticketkit.New(ticketkit.Config{
		Store:    memory.New(),
		Clock:    clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
		Workflow: wf,
	})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "shop"}
	tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Printer setup",
		Customer: ticket.Customer{ID: "L-4411", Name: "Ada Lovelace", OrganisationID: "acme-corp"}})
	if err != nil {
		panic(err)
	}
	_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
	fmt.Println("resolve before logging:", err != nil)

	if _, err := desk.AddTimeEntry(ctx, agent, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: 45 * time.Minute, Billable: true, Note: "phone call"}); err != nil {
		panic(err)
	}
	if _, err := desk.AddTimeEntry(ctx, agent, ticketkit.TimeEntryParams{TicketID: tk.ID, Duration: 10 * time.Minute, Note: "internal notes"}); err != nil {
		panic(err)
	}
	if _, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved}); err != nil {
		panic(err)
	}
	rep, err := desk.TimeReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByOrganisation,
		From: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	for _, g := range rep.Groups {
		fmt.Printf("%s: %d entries, %s in all, %s billable\n", g.Key, g.Entries,
			time.Duration(g.Seconds)*time.Second, time.Duration(g.BillableSeconds)*time.Second)
	}
	// Output:
	// resolve before logging: true
	// acme-corp: 2 entries, 55m0s in all, 45m0s billable
}
