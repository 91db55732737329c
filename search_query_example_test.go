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

// Full-text search over what the customer and the staff wrote: every
// word must occur, in the subject, the description or a message; the
// customer's search leaves internal notes out.
func ExampleDesk_Search_query() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	ada := ticketkit.Actor{ID: "user-ada", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-ADA"}
	tk, err := desk.Open(ctx, ada, ticketkit.OpenParams{Subject: "Kettle broken", Description: "The lid cracked on day two."})
	if err != nil {
		panic(err)
	}
	if _, err := desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Batch 7 recalled."}); err != nil {
		panic(err)
	}
	for _, s := range []struct {
		who   ticketkit.Actor
		query string
	}{{agent, "kettle LID"}, {agent, "recalled"}, {ada, "recalled"}, {agent, "crack"}} {
		res, err := desk.Search(ctx, s.who, ticketkit.SearchParams{Query: s.query})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %q: %d\n", s.who.Role, s.query, len(res.Tickets))
	}
	// Output:
	// agent "kettle LID": 1
	// agent "recalled": 1
	// customer "recalled": 0
	// agent "crack": 0
}
