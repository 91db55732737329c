package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/phone/libphonenumber"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// The README's short tour: a clerk opens a complaint for a customer,
// closing it without a reason is refused, and an agent finds it by the
// customer's mobile number however it is typed.
func Example() {
	ctx := context.Background()
	myNotifier := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
		fmt.Println("notified:", e.Kind, e.Ticket.Number)
		return nil
	})
	mobiles, err := libphonenumber.New("FR") // numbers without +33 are French
	if err != nil {
		log.Fatal(err)
	}

	desk, err := ticketkit.New(ticketkit.Config{
		Store:    memory.New(), // or bunstore on PostgreSQL / SQLite
		Notifier: myNotifier,   // called after each change commits
		Blobs:    blob.NewMemory(blob.Config{}),
		Phone:    mobiles, // mobiles stored and searched in E.164
		Clock:    clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		log.Fatal(err)
	}

	clerk := ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "shop"}
	t, err := desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject:    "Blender jar cracked",
		Category:   ticket.CategoryComplaint,
		Customer:   ticket.Customer{ID: "L-4411", Name: "Ada", Email: "ada@example.com", Mobile: "+33 6 12 34 56 78"},
		References: []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-88-1203"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Number, t.Customer.Mobile)

	_, err = desk.Transition(ctx, clerk, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusClosed})
	fmt.Println("closed without a reason:", errors.Is(err, ticketkit.ErrGuard))

	res, err := desk.Search(ctx, clerk, ticketkit.SearchParams{
		StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen},
		CustomerMobile:   "06 12 34 56 78",
		Sort:             storage.SortPriority, Desc: true, Limit: 50,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, found := range res.Tickets {
		fmt.Println("found:", found.Number, found.Subject)
	}
	// Output:
	// notified: ticket.opened TK-2026-000001
	// TK-2026-000001 +33612345678
	// closed without a reason: true
	// found: TK-2026-000001 Blender jar cracked
}
