package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A supervisor resolves a batch of tickets after an outage: each ticket
// gets its own outcome, and one the workflow refuses does not stop the
// others.
func ExampleDesk_Bulk() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	if err != nil {
		panic(err)
	}
	boss := ticketkit.Actor{ID: "boss-1", Role: ticket.RoleSupervisor, TenantID: "shop"}
	var ids []string
	for _, subject := range []string{"Checkout down", "Cannot pay", "Payment error"} {
		t, err := desk.Open(ctx, boss, ticketkit.OpenParams{Subject: subject})
		if err != nil {
			panic(err)
		}
		ids = append(ids, t.ID)
	}
	if _, err := desk.Transition(ctx, boss, ticketkit.TransitionParams{TicketID: ids[1], To: ticket.StatusResolved}); err != nil {
		panic(err)
	}

	res, err := desk.Bulk(ctx, boss, ticketkit.BulkParams{
		Action: ticketkit.BulkTransition, To: ticket.StatusResolved, TicketIDs: append(ids, "no-such-ticket"),
	})
	if err != nil {
		panic(err)
	}
	for i, it := range res.Items {
		fmt.Println(i, it.Outcome, it.Number, errors.Is(it.Err, ticketkit.ErrNoTransition))
	}
	// Output:
	// 0 done TK-2026-000001 false
	// 1 refused  true
	// 2 done TK-2026-000003 false
	// 3 not_found  false
}

// Two agents open the same ticket: the second sees that the first is
// replying, and a reply written before the customer's latest message is
// refused until its author has read it.
func ExampleDesk_TakePresence() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	amy := ticketkit.Actor{ID: "amy", Role: ticket.RoleAgent, TenantID: "shop"}
	bob := ticketkit.Actor{ID: "bob", Role: ticket.RoleAgent, TenantID: "shop"}
	ada := ticketkit.Actor{ID: "u-ada", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-ADA"}
	t, err := desk.Open(ctx, ada, ticketkit.OpenParams{Subject: "Kettle leaks", Message: "It leaks."})
	if err != nil {
		panic(err)
	}
	page, err := desk.Messages(ctx, amy, ticketkit.MessageListParams{TicketID: t.ID})
	if err != nil {
		panic(err)
	}
	seen := page.Messages[len(page.Messages)-1].ID

	if _, err := desk.TakePresence(ctx, amy, ticketkit.TakePresenceParams{TicketID: t.ID, Activity: ticket.PresenceReplying}); err != nil {
		panic(err)
	}
	res, err := desk.TakePresence(ctx, bob, ticketkit.TakePresenceParams{TicketID: t.ID})
	if err != nil {
		panic(err)
	}
	for _, o := range res.Others {
		fmt.Printf("bob sees %s %s\n", o.UserID, o.Activity)
	}

	if _, err := desk.Reply(ctx, ada, ticketkit.MessageParams{TicketID: t.ID, Body: "Now it smokes!"}); err != nil {
		panic(err)
	}
	_, err = desk.Reply(ctx, amy, ticketkit.MessageParams{TicketID: t.ID, Body: "Please descale it.", SeenMessageID: seen})
	var stale *ticketkit.StaleReplyError
	if errors.As(err, &stale) {
		fmt.Printf("amy's reply refused: %d unseen customer message\n", len(stale.Unseen))
	}
	// Output:
	// bob sees amy replying
	// amy's reply refused: 1 unseen customer message
}
