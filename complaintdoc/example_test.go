package complaintdoc_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/ticket"
)

// A complaint printed as the customer's acknowledgement, in French, and
// the staff's complaint document, whose amount prints exactly.
func ExampleRenderer_Build() {
	c := &ticket.Complaint{}
	c.Number, c.Subject, c.Status = "CC-2026-0001", "Kettles leak", ticket.StatusRegistered
	c.Customer = ticket.Customer{Name: "Bistro Lumière"}
	c.CreatedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c.Details.RemedySought = ticket.RemedyCreditNote
	c.Details.Accounting = ticket.Accounting{SalesAdjustment: true, Amount: decimal.RequireFromString("540.125"), Currency: "EUR"}

	r, err := complaintdoc.New(complaintdoc.Config{})
	if err != nil {
		panic(err)
	}
	ack, err := r.Build(complaintdoc.KindAcknowledgement, c, "fr")
	if err != nil {
		panic(err)
	}
	fmt.Println(ack.Title)
	for _, f := range ack.Section("general").Fields {
		fmt.Printf("%s: %s\n", f.Label, f.Value)
	}
	doc, err := r.Build(complaintdoc.KindComplaint, c, "en")
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Label("amount")+":", doc.Field("amount"))
	// Output:
	// Accusé de réception de votre réclamation CC-2026-0001
	// Numéro: CC-2026-0001
	// Statut: Enregistrée
	// Objet: Kettles leak
	// Enregistrée le: 2026-11-02
	// Solution demandée: Avoir
	// Amount: 540.125 EUR
}
