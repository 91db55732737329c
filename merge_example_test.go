package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A customer wrote twice about one order: an agent merges the second
// ticket into the first; the second's number still finds the first, and
// a late reply to it lands there.
func ExampleDesk_Merge() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "shop"}
	ada := ticket.Customer{ID: "L-4411", Name: "Ada Lovelace", Email: "ada@example.com"}
	first, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Order SO-1 late", Customer: ada, Message: "Where is it?"})
	if err != nil {
		panic(err)
	}
	second, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Still no parcel", Customer: ada, Message: "Any news?"})
	if err != nil {
		panic(err)
	}

	res, err := desk.Merge(ctx, agent, ticketkit.MergeParams{TargetID: first.ID, SourceIDs: []string{second.ID}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s merged into %s: %d message moved, %s is %s\n",
		second.Number, res.Target.Number, res.Moved, second.Number, res.Sources[0].Status)

	found, err := desk.GetByNumber(ctx, agent, second.Number)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s finds %s\n", second.Number, found.Number)
	late, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: second.ID, Body: "It ships today."})
	if err != nil {
		panic(err)
	}
	fmt.Println("the reply went to", late.TicketID == first.ID)
	// Output:
	// TK-2026-000002 merged into TK-2026-000001: 1 message moved, TK-2026-000002 is closed
	// TK-2026-000002 finds TK-2026-000001
	// the reply went to true
}
