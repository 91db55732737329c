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

// A storefront's admin saves a returns macro in English and French; an
// agent applies it to an English and a French customer's tickets: each
// reads the reply in their language, and each ticket is tagged, given
// to the agent and set waiting on the customer in the same transaction.
// A macro naming a placeholder that does not exist is refused when it is
// saved.
func ExampleDesk_ApplyMacro() {
	ctx := context.Background()
	locales := map[string]string{"C-ada": "en-GB", "C-zoe": "fr-FR"}
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
		Macros: &ticketkit.MacroConfig{Locale: func(_ context.Context, t *ticket.Ticket) string {
			return locales[t.Customer.ID] // the host knows its customers' languages
		}},
	})
	if err != nil {
		panic(err)
	}
	admin := ticketkit.Actor{ID: "admin", Role: ticket.RoleAdmin, TenantID: "shop"}
	agent := ticketkit.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "shop"}

	returnLabel := ticketkit.Macro{
		ID:   "return-label",
		Name: ticket.Label{Text: "Send a return label", Translations: map[string]string{"fr": "Envoyer une étiquette de retour"}},
		Text: "Hello {{.Customer.Name}}, here is the return label for order {{.Ticket.Order}}. " +
			"Ticket {{.Ticket.Number}}, {{.Ticket.Priority}} priority.",
		Translations: map[string]string{
			"fr": "Bonjour {{.Customer.Name}}, voici l'étiquette de retour de la commande {{.Ticket.Order}}. " +
				"Ticket {{.Ticket.Number}}, priorité {{.Ticket.Priority}}.",
		},
		AddTags:      []string{"return"},
		AssignToSelf: true,
		Status:       ticket.StatusWaiting,
	}
	typo := returnLabel
	typo.ID, typo.Text = "typo", "Hello {{.Customer.Nmae}}"
	_, err = desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(), Macros: []ticketkit.Macro{returnLabel, typo}}})
	if v, ok := errors.AsType[*ticketkit.ValidationError](err); ok {
		fmt.Println(v.Fields[0].Field, "refused")
	}
	if _, err := desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog: ticket.DefaultCatalogSpec(), Macros: []ticketkit.Macro{returnLabel}}}); err != nil {
		panic(err)
	}

	for _, c := range []ticket.Customer{{ID: "C-ada", Name: "Ada"}, {ID: "C-zoe", Name: "Zoé"}} {
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle leaks", Customer: c,
			References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-" + c.ID[2:]}}})
		if err != nil {
			panic(err)
		}
		res, err := desk.ApplyMacro(ctx, agent, ticketkit.MacroParams{TicketID: tk.ID, MacroID: "return-label"})
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Message.Body)
		fmt.Println(res.Ticket.Status, res.Ticket.Tags, res.Ticket.Assignee)
	}
	// Output:
	// macros[1].text refused
	// Hello Ada, here is the return label for order SO-ada. Ticket TK-2026-000001, Normal priority.
	// waiting [return] agent-7
	// Bonjour Zoé, voici l'étiquette de retour de la commande SO-zoe. Ticket TK-2026-000002, priorité Normale.
	// waiting [return] agent-7
}
