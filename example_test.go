package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A store clerk opens a ticket for a customer; the customer gets a number
// to quote.
func ExampleDesk_Open() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	clerk := ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "shop"}

	t, err := desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject:    "Blender jar cracked",
		Priority:   ticket.PriorityHigh,
		Category:   ticket.CategoryComplaint,
		Channel:    ticket.ChannelInStore,
		Customer:   ticket.Customer{ID: "L-4411", Name: "Ada Lovelace", Email: "ada@example.com"},
		References: []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-88-1203"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Number, t.Status, t.Priority)

	// Bad input names every bad field.
	_, err = desk.Open(ctx, clerk, ticketkit.OpenParams{Priority: "whenever", Customer: ticket.Customer{Email: "ada@"}})
	var invalid *ticketkit.ValidationError
	if errors.As(err, &invalid) {
		for _, f := range invalid.Fields {
			fmt.Println("invalid:", f.Field)
		}
	}
	// Output:
	// TK-2026-000001 open high
	// invalid: subject
	// invalid: customer.email
	// invalid: priority
}

// Agents search by status category, priority, customer and more, one
// page at a time.
func ExampleDesk_Search() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	for _, p := range []ticketkit.OpenParams{
		{Subject: "Where is my order?", Priority: ticket.PriorityLow, Customer: ticket.Customer{Email: "ada@example.com"}},
		{Subject: "Refund not received", Priority: ticket.PriorityUrgent, Customer: ticket.Customer{Email: "ADA@example.com"}},
		{Subject: "Wrong size", Priority: ticket.PriorityHigh, Customer: ticket.Customer{Email: "bob@example.com"}},
	} {
		if _, err := desk.Open(ctx, agent, p); err != nil {
			panic(err)
		}
	}

	res, err := desk.Search(ctx, agent, ticketkit.SearchParams{
		StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen},
		CustomerEmail:    "ada@example.com",
		Sort:             "priority",
		Desc:             true,
		Limit:            10,
	})
	if err != nil {
		panic(err)
	}
	for _, t := range res.Tickets {
		fmt.Println(t.Number, t.Priority, t.Subject)
	}
	// Output:
	// TK-2026-000002 urgent Refund not received
	// TK-2026-000001 low Where is my order?
}

// The README's "On your database": a Desk on bunstore over the host's
// *bun.DB, here an in-memory SQLite database opened with bunopen. A host
// with its own migrator runs bunstore.Migrations instead of Migrate.
func Example_bunstore() {
	ctx := context.Background()
	db, err := bunopen.SQLite(bunopen.Memory) // or the host's own *bun.DB
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	store, err := bunstore.New(db, bunstore.Config{TablePrefix: "helpdesk_"})
	if err != nil {
		log.Fatal(err)
	}
	err = store.Migrate(ctx) // or fold bunstore.Migrations(dialect, prefix) into your own migrator
	if err != nil {
		log.Fatal(err)
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store})
	if err != nil {
		log.Fatal(err)
	}

	clerk := ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "shop"}
	t, err := desk.Open(ctx, clerk, ticketkit.OpenParams{Subject: "Blender jar cracked", Customer: ticket.Customer{Email: "ada@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	var tables int
	err = db.NewSelect().TableExpr("sqlite_master").ColumnExpr("count(*)").
		Where("type = 'table' AND name LIKE 'helpdesk\\_%' ESCAPE '\\'").Scan(ctx, &tables)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Number[len(t.Number)-6:], t.Status, tables > 0) // TK-{year}-000001
	// Output: 000001 open true
}
