package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// An agent follows a customer's ticket and the customer copies their
// manager on it: the agent's colleague replies, and the notification
// reaches the customer, the manager and the watching agent.
func ExampleDesk_AddCC() {
	ctx := context.Background()
	rec := notifytest.NewRecorder()
	desk, err := ticketkit.New(ticketkit.Config{
		Store:    memory.New(),
		Clock:    clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
		Notifier: rec,
	})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "shop"}
	colleague := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "shop"}
	ada := ticketkit.Actor{ID: "u-ada", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "L-4411"}
	tk, err := desk.Open(ctx, colleague, ticketkit.OpenParams{Subject: "Order SO-1 late",
		Customer: ticket.Customer{ID: "L-4411", Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		panic(err)
	}
	if _, err := desk.Watch(ctx, agent, ticketkit.WatchParams{TicketID: tk.ID}); err != nil {
		panic(err)
	}
	if _, err := desk.AddCC(ctx, ada, ticketkit.CCParams{TicketID: tk.ID, Address: "Boss@Example.com"}); err != nil {
		panic(err)
	}
	if _, err := desk.Reply(ctx, colleague, ticketkit.MessageParams{TicketID: tk.ID, Body: "It ships today."}); err != nil {
		panic(err)
	}

	replies := rec.OfKind(notify.KindMessageAdded)
	resolver := &notify.Resolver{Directory: notify.DirectoryFunc(func(_ context.Context, _, userID string) (notify.Recipient, error) {
		return notify.Recipient{Address: userID + "@shop.example"}, nil
	})}
	rs, err := resolver.Recipients(ctx, replies[len(replies)-1])
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Println(r.Audience, r.Address)
	}
	// Output:
	// customer ada@example.com
	// customer boss@example.com
	// watchers agent-7@shop.example
}

// A company's employees see each other's tickets in the portal, because
// their organisation allows it; a customer of another organisation sees
// only their own.
func ExampleOrganisationDirectory() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Organisations: ticketkit.OrganisationDirectoryFunc(func(_ context.Context, _, id string) (ticketkit.Organisation, error) {
			return ticketkit.Organisation{ID: id, MembersSeeTickets: id == "acme-corp"}, nil
		}),
	})
	if err != nil {
		panic(err)
	}
	ann := ticketkit.Actor{ID: "u-ann", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-ann", OrganisationID: "acme-corp"}
	bob := ticketkit.Actor{ID: "u-bob", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-bob", OrganisationID: "acme-corp"}
	cy := ticketkit.Actor{ID: "u-cy", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-cy", OrganisationID: "globex"}
	for _, a := range []ticketkit.Actor{ann, bob, cy} {
		if _, err := desk.Open(ctx, a, ticketkit.OpenParams{Subject: "Printer of " + a.CustomerID}); err != nil {
			panic(err)
		}
	}
	for _, a := range []ticketkit.Actor{bob, cy} {
		res, err := desk.Search(ctx, a, ticketkit.SearchParams{})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s sees %d tickets\n", a.CustomerID, len(res.Tickets))
	}
	// Output:
	// C-bob sees 2 tickets
	// C-cy sees 1 tickets
}
