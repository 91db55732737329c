package email_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/email"
	"github.com/ticketkit/ticketkit/ticket"
)

// A Sender mails each event to the recipients the resolver picks. Here a
// local SMTP server stands in for the mail provider; in production leave
// TLS at its default, TLSMandatory, and set Username and Password.
func ExampleSender() {
	inbox := &backend{}
	port, stop, err := serve(inbox, plainText)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = stop() }()

	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "support", Label: ticket.Label{Text: "Support"}, Email: "support@shop.example"}}
	catalog, err := ticket.NewCatalog(spec)
	if err != nil {
		log.Fatal(err)
	}
	sender, err := email.New(email.Config{
		Host:     "127.0.0.1",
		Port:     port,
		TLS:      email.TLSNone,
		From:     "Help desk <help@shop.example>",
		Resolver: &notify.Resolver{Catalog: catalog},
		Timeout:  10 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}

	at := time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
	err = sender.Notify(context.Background(), notify.Event{
		ID:    "0195f0c2-8000-7000-8000-000000000001",
		Kind:  notify.KindOpened,
		At:    at,
		Actor: ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "acme"},
		Ticket: &ticket.Ticket{
			ID: "t42", Number: "TK-2026-000042", TenantID: "acme", Subject: "Kettle stopped working",
			Status: ticket.StatusOpen, Priority: ticket.PriorityNormal, Department: "support",
			Customer:  ticket.Customer{Name: "Marie Curie", Email: "marie@example.com"},
			CreatedAt: at, UpdatedAt: at,
		},
	})
	if err != nil {
		log.Fatal(err) // an outbox would retry the event later
	}

	for _, m := range inbox.Messages() {
		env, err := enmime.ReadEnvelope(bytes.NewReader(m.Data))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(env.GetHeader("To"))
		fmt.Println("  Subject:    ", env.GetHeader("Subject"))
		fmt.Println("  Message-Id: ", env.GetHeader("Message-Id"))
		fmt.Println("  References: ", env.GetHeader("References"))
	}
	// Output:
	// "Marie Curie" <marie@example.com>
	//   Subject:     [TK-2026-000042] We received your request: Kettle stopped working
	//   Message-Id:  <0195f0c2-8000-7000-8000-000000000001.1@shop.example>
	//   References:  <ticket-t42@shop.example>
	// "Support" <support@shop.example>
	//   Subject:     [TK-2026-000042] New ticket: Kettle stopped working
	//   Message-Id:  <0195f0c2-8000-7000-8000-000000000001.2@shop.example>
	//   References:  <ticket-t42@shop.example>
}
