package ticketkit_test

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A merchant's admin adds a status to the merchant's own catalog at
// runtime, and moves the tickets of a status it removes; another
// merchant on the same Desk keeps the host's default configuration.
func ExampleDesk_ConfigureTenant() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "merchant-a"}
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: "merchant-a"}
	tk, _ := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Parcel damaged"})
	_, _ = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting})

	spec := ticket.DefaultCatalogSpec()
	for i, s := range spec.Statuses {
		if s.Code == ticket.StatusWaiting { // replaced by "awaiting_carrier"
			spec.Statuses[i] = ticket.Status{Code: "awaiting_carrier", Category: ticket.CategoryPending,
				Label: ticket.Label{Text: "Awaiting carrier", Translations: map[string]string{"fr": "Attente transporteur"}}}
		}
	}
	p := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}}
	_, err = desk.ConfigureTenant(ctx, admin, p)
	fmt.Println(err)

	p.Mapping.Statuses = map[string]string{ticket.StatusWaiting: "awaiting_carrier"}
	v, err := desk.ConfigureTenant(ctx, admin, p)
	if err != nil {
		panic(err)
	}
	fmt.Printf("version %d, %d ticket moved\n", v.Version, v.Moved)
	tk, _ = desk.Get(ctx, agent, tk.ID)
	fmt.Println(tk.Status, tk.ConfigVersion)

	cat, _ := desk.TenantCatalog(ctx, "merchant-b")
	_, ok := cat.Status("awaiting_carrier")
	fmt.Println("merchant-b has it:", ok)
	// Output:
	// ticket: invalid input: mapping.statuses.waiting: 1 tickets use "waiting", which the new catalog removes: map it to a code of the new catalog
	// version 1, 1 ticket moved
	// awaiting_carrier 1
	// merchant-b has it: false
}
