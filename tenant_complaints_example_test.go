package ticketkit_test

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A company's admin adds a reason code to its own complaint catalog at
// runtime; another company on the same Desk keeps the Desk's complaint
// catalog, which does not have it.
func ExampleComplaintTenantConfig() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Complaints: &ticketkit.ComplaintConfig{}})
	if err != nil {
		panic(err)
	}
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: "company-a"}
	spec := ticket.ComplaintCatalogSpec()
	spec.Reasons = append(spec.Reasons, ticket.ReasonCode{Code: "CR10",
		Label: ticket.Label{Text: "Packaging", Translations: map[string]string{"fr": "Emballage"}}})
	_, err = desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{
		Catalog:    ticket.DefaultCatalogSpec(),
		Complaints: &ticketkit.ComplaintTenantConfig{Catalog: spec, ClosureReason: true},
	}})
	if err != nil {
		panic(err)
	}
	open := func(tenantID string) error {
		agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: tenantID}
		_, err := desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{Subject: "Crushed box", Reason: "CR10",
			RemedySought: ticket.RemedyReplacement, Customer: ticket.Customer{ID: "C-1"}})
		return err
	}
	fmt.Println("company-a:", open("company-a"))
	fmt.Println("company-b:", open("company-b") != nil)
	label, _ := desk.CachedTenantComplaintCatalog("company-a").Reason("CR10")
	fmt.Println(label.Label.In("fr"))
	// Output:
	// company-a: <nil>
	// company-b: true
	// Emballage
}
