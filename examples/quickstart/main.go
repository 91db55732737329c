// Command quickstart opens a ticket, exchanges messages between a customer
// and an agent, moves the ticket through the default workflow to closed,
// and prints its number, thread, history and the notifications sent.
//
// It keeps its data in an embedded SQLite file, ticketkit-quickstart.db in
// the current directory; -db (or TICKETKIT_DB) picks another path, or
// ":memory:". Run it twice and the second ticket gets the next number.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -db :memory:
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

func main() {
	path := os.Getenv("TICKETKIT_DB")
	if path == "" {
		path = "ticketkit-quickstart.db"
	}
	flag.StringVar(&path, "db", path, `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := open(context.Background(), os.Stdout, path); err != nil {
		log.Fatal(err)
	}
}

// open opens (and migrates) the SQLite database at path and plays the
// scenario on it.
func open(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	fmt.Fprintf(w, "Using SQLite database %s\n", path)
	return run(ctx, w, store)
}

// run plays the quickstart scenario on store and writes what happened to
// w.
func run(ctx context.Context, w io.Writer, store storage.Store) error {
	// Every change notifies once it has committed. The default rules
	// pick who hears of it and the default templates write the mail;
	// here the mails are printed instead of sent (notify/email sends
	// them over SMTP).
	mails := mailPrinter(w)
	desk, err := ticketkit.New(ticketkit.Config{
		Store:    store,
		Notifier: mails, // delivered right after each commit
		Blobs:    blob.NewMemory(blob.Config{}),
		// A customer's name and addresses come from the host's own
		// customer data, never from what the customer typed: mail goes
		// only where the host says.
		Customers: ticketkit.CustomerDirectoryFunc(func(_ context.Context, tenantID, customerID string) (ticket.Customer, error) {
			if tenantID == "acme" && customerID == "C-7" {
				return ticket.Customer{Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33 6 12 34 56 78"}, nil
			}
			return ticket.Customer{}, nil
		}),
	})
	if err != nil {
		return err
	}
	// The dispatcher retries, in the background, what inline delivery
	// could not send; it also delivers after a crash.
	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: mails})
	if err != nil {
		return err
	}
	if err := dispatcher.Start(ctx); err != nil {
		return err
	}
	defer dispatcher.Stop(ctx)

	customer := ticketkit.Actor{ID: "cust-7", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-7"}
	agent := ticketkit.Actor{ID: "agent-ann", Role: ticket.RoleAgent, TenantID: "acme"}

	fmt.Fprintln(w, "1. The customer opens a ticket from the portal")
	t, err := desk.Open(ctx, customer, ticketkit.OpenParams{
		Subject:     "Kettle stopped heating",
		Description: "Bought last month, now it won't heat.",
		Category:    ticket.CategoryProblem,
		References:  []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1001", Label: "Order SO-1001"}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ticket %s opened, status %q\n", t.Number, t.Status)

	fmt.Fprintln(w, "2. The agent takes it, asks a question and notes something internal")
	steps := []func() error{
		func() error {
			_, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: t.ID, Assignee: &agent.ID})
			return err
		},
		func() error { return transition(ctx, desk, agent, t.ID, ticket.StatusInProgress, "") },
		func() error {
			_, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: t.ID, Body: "Sorry to hear that. Is the light on when you switch it on?"})
			return err
		},
		func() error {
			_, err := desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: t.ID, Body: "Third kettle of batch B-17 this week."})
			return err
		},
		func() error { return transition(ctx, desk, agent, t.ID, ticket.StatusWaiting, "") },
	}
	if err := runAll(steps); err != nil {
		return err
	}

	fmt.Fprintln(w, "3. The customer answers with a photo, and tries to close the ticket herself")
	if _, err := desk.Reply(ctx, customer, ticketkit.MessageParams{
		TicketID: t.ID, Body: "No light at all. Photo attached.",
		Attachments: []ticketkit.AttachmentInput{{Name: "kettle.jpg", ContentType: "image/jpeg", Content: strings.NewReader("\xff\xd8 jpeg bytes")}},
	}); err != nil {
		return err
	}
	err = transition(ctx, desk, customer, t.ID, ticket.StatusClosed, "fixed")
	fmt.Fprintf(w, "   refused: %v\n", err)

	fmt.Fprintln(w, "4. The agent resolves it, tries to close without a reason, then closes")
	if err := transition(ctx, desk, agent, t.ID, ticket.StatusResolved, ""); err != nil {
		return err
	}
	err = transition(ctx, desk, agent, t.ID, ticket.StatusClosed, "")
	fmt.Fprintf(w, "   refused: %v\n", err)
	if err := transition(ctx, desk, agent, t.ID, ticket.StatusClosed, "Replacement kettle sent"); err != nil {
		return err
	}

	return printTicket(ctx, w, desk, agent, t.ID)
}

// mailPrinter returns a Notifier that prints the mails the default
// recipient rules and templates write for each event.
func mailPrinter(w io.Writer) notify.Notifier {
	resolver := &notify.Resolver{
		Catalog: ticket.DefaultCatalog(),
		Directory: notify.DirectoryFunc(func(_ context.Context, _, userID string) (notify.Recipient, error) {
			return notify.Recipient{Address: userID + "@acme.example", UserID: userID}, nil
		}),
	}
	mailbox := notifytest.NewMailbox(resolver, nil, nil)
	mailbox.OnMail = func(m notifytest.Mail) { fmt.Fprintf(w, "   mail to %-24s %s\n", m.To.Address, m.Subject) }
	return mailbox
}

func transition(ctx context.Context, desk *ticketkit.Desk, a ticketkit.Actor, id, to, reason string) error {
	_, err := desk.Transition(ctx, a, ticketkit.TransitionParams{TicketID: id, To: to, Reason: reason})
	return err
}

func runAll(steps []func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// printTicket prints the ticket as the agent sees it: its state, its
// thread and its history.
func printTicket(ctx context.Context, w io.Writer, desk *ticketkit.Desk, agent ticketkit.Actor, id string) error {
	t, err := desk.Get(ctx, agent, id)
	if err != nil {
		return err
	}
	status, _ := desk.Catalog().Status(t.Status)
	fmt.Fprintf(w, "\nTicket %s: %s\n  status %s, priority %s, closed because %q\n", t.Number, t.Subject, status.Label.Text, t.Priority, t.ClosureReason)

	msgs, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: id})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Thread:")
	for _, m := range msgs.Messages {
		fmt.Fprintf(w, "  [%-8s] %-9s %s", m.Kind, m.AuthorID, m.Body)
		for _, a := range m.Attachments {
			fmt.Fprintf(w, " (+%s, %d bytes)", a.Name, a.Size)
		}
		fmt.Fprintln(w)
	}

	history, err := desk.History(ctx, agent, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "History:")
	for _, e := range history {
		fmt.Fprintf(w, "  %-9s %-10s %q -> %q\n", e.ActorID, e.Field, e.Old, e.New)
	}
	return nil
}
