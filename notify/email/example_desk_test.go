package email_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/email"
	"github.com/ticketkit/ticketkit/notify/webhook"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// The README's "Notifications that are never lost": mail and a signed
// webhook, fanned out, delivered right after each commit and by a
// Dispatcher for whatever failed. A local SMTP server and an HTTP test
// server stand in for the mail provider and the ERP.
func Example_desk() {
	ctx := context.Background()
	inbox := &backend{}
	smtpPort, stopSMTP, err := serve(inbox, plainText)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = stopSMTP() }()
	erp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("webhook:", r.Header.Get("webhook-id") != "", r.Header.Get("webhook-signature") != "")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer erp.Close()

	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "returns", Label: ticket.Label{Text: "Returns"}, Email: "returns@shop.example"}}
	catalog, err := ticket.NewCatalog(spec)
	if err != nil {
		log.Fatal(err)
	}
	myUsers := notify.DirectoryFunc(func(context.Context, string, string) (notify.Recipient, error) {
		return notify.Recipient{}, notify.ErrUnknownUser
	})
	logger := slog.New(slog.DiscardHandler)
	store := memory.New()

	resolver := &notify.Resolver{ // who hears of what: notify.DefaultRules, per tenant
		Catalog:   catalog, // department mailboxes
		Directory: myUsers, // assignee addresses and locales
	}
	smtpHost, erpURL := "127.0.0.1", erp.URL
	mail, err := email.New(email.Config{
		Host: smtpHost, Port: smtpPort, // STARTTLS by default; Username and Password for your provider
		TLS:  email.TLSNone,                                       // only because the local test server has no TLS
		From: "Help desk <help@shop.example>", Resolver: resolver, // templates: notify.DefaultTemplates()
	})
	if err != nil {
		log.Fatal(err)
	}
	hook, err := webhook.New(webhook.Config{
		URL: erpURL, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", // Standard Webhooks signature
		Client: erp.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	notifier := notify.Fanout(mail, hook, notify.Log(logger))

	desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: catalog, Notifier: notifier}) // optional inline delivery
	if err != nil {
		log.Fatal(err)
	}
	disp, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: notifier})
	if err != nil {
		log.Fatal(err)
	}
	err = disp.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer disp.Stop(ctx)

	clerk := ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "shop"}
	_, err = desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject: "Blender jar cracked", Department: "returns",
		Customer: ticket.Customer{Name: "Ada", Email: "ada@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range inbox.Messages() {
		fmt.Println("mail to:", m.To)
	}
	// Output:
	// webhook: true true
	// mail to: [ada@example.com]
	// mail to: [returns@shop.example]
}
