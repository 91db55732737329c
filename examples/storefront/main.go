// Command storefront is the help desk of an online shop: a shopper opens
// a ticket about an order from their account, messages go back and forth
// with attachments, and every new ticket or shopper message notifies the
// store admin while every admin message notifies the shopper. Only the
// admin may change a ticket's status. The shop brings its own statuses
// (pending, review, escalated) and priorities, each shown as text or as
// an image, and the admin lists tickets by date range, a page at a time,
// sorted by type, status or priority. The shop runs no SLA, yet its
// resolution report counts every ticket from its history.
//
// It runs on an embedded SQLite database, in memory unless -db names a
// file:
//
//	go run ./examples/storefront
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func main() {
	path := flag.String("db", bunopen.Memory, `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// The shop's people.
var (
	admin   = ticketkit.Actor{ID: "admin", Role: ticket.RoleAgent, TenantID: "shop"}
	shopper = ticketkit.Actor{ID: "u-42", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-42"}
)

// storeCatalog is the shop's catalog: its own statuses and priorities,
// each with an icon for storefronts that show images.
func storeCatalog() (*ticket.Catalog, error) {
	label := func(text, icon string) ticket.Label { return ticket.Label{Text: text, Icon: icon} }
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = []ticket.Status{
		{Code: "open", Label: label("Open", "status-open.svg"), Category: ticket.CategoryNew, Initial: true},
		{Code: "pending", Label: label("Pending", "status-pending.svg"), Category: ticket.CategoryPending},
		{Code: "review", Label: label("In review", "status-review.svg"), Category: ticket.CategoryOpen},
		{Code: "escalated", Label: label("Escalated", "status-escalated.svg"), Category: ticket.CategoryOpen},
		{Code: "closed", Label: label("Closed", "status-closed.svg"), Category: ticket.CategoryClosed, Terminal: true},
	}
	spec.Priorities = []ticket.Priority{
		{Code: "low", Label: label("Low", "prio-1.png")},
		{Code: "medium", Label: label("Medium", "prio-2.png"), Default: true},
		{Code: "high", Label: label("High", "prio-3.png")},
	}
	spec.Departments = []ticket.Department{{Code: "store", Label: label("Store", ""), Email: "admin@shop.example"}}
	for i := range spec.Categories {
		spec.Categories[i].Department = "store"
	}
	// Lists show priorities as images, and statuses and message types
	// as text: the catalog says so, and every list honours it.
	spec.Display = ticket.Display{Statuses: ticket.DisplayText, Priorities: ticket.DisplayImage, Categories: ticket.DisplayText}
	return ticket.NewCatalog(spec)
}

// storeWorkflow lets only the admin (an agent) change statuses.
func storeWorkflow(c *ticket.Catalog) (*workflow.Machine, error) {
	adminOnly := []ticket.Role{ticket.RoleAgent}
	var ts []workflow.Transition
	for _, to := range []string{"pending", "review", "escalated", "closed"} {
		ts = append(ts, workflow.Transition{Name: "to_" + to, From: []string{"*"}, To: to, Roles: adminOnly})
	}
	ts = append(ts, workflow.Transition{Name: "reopen_review", From: []string{"pending", "escalated"}, To: "open", Roles: adminOnly})
	return workflow.New(workflow.Config{Catalog: c, Definition: workflow.Definition{Name: "storefront", Transitions: ts}})
}

// run plays the storefront scenario and writes what happened to w.
func run(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{TablePrefix: "helpdesk_"})
	if err != nil {
		return err
	}
	defer closeDB()
	catalog, err := storeCatalog()
	if err != nil {
		return err
	}
	machine, err := storeWorkflow(catalog)
	if err != nil {
		return err
	}
	mailbox := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog}, nil, nil)
	mailbox.OnMail = func(m notifytest.Mail) { fmt.Fprintf(w, "   mail to %-20s %s\n", m.To.Address, m.Subject) }
	clk := clock.NewFake(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	desk, err := ticketkit.New(ticketkit.Config{
		Store: store, Catalog: catalog, Workflow: machine, Notifier: mailbox, Clock: clk,
		Blobs: blob.NewMemory(blob.Config{MaxSize: 5 << 20}), MaxAttachments: 5,
		// The shop's accounts say where a shopper's mail goes.
		Customers: ticketkit.CustomerDirectoryFunc(func(_ context.Context, _, customerID string) (ticket.Customer, error) {
			if customerID == shopper.CustomerID {
				return ticket.Customer{Name: "Sam Shopper", Email: "sam@example.com"}, nil
			}
			return ticket.Customer{}, nil
		}),
	})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "1. The shopper opens a ticket about an order from their account")
	t, err := desk.Open(ctx, shopper, ticketkit.OpenParams{
		Subject: "Wrong size delivered", Category: ticket.CategoryProblem,
		Description: "I ordered the blue sweater in M and got an S.",
		References:  []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1001", Label: "Order SO-1001"}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ticket %s, status %s, priority %s\n", t.Number, t.Status, t.Priority)

	fmt.Fprintln(w, "2. The shopper adds two photos")
	clk.Advance(time.Hour)
	photos, err := desk.Reply(ctx, shopper, ticketkit.MessageParams{TicketID: t.ID, Body: "Photos of the label and the parcel.",
		Attachments: []ticketkit.AttachmentInput{
			{Name: "label.jpg", ContentType: "image/jpeg", Content: strings.NewReader("label photo")},
			{Name: "parcel.jpg", ContentType: "image/jpeg", Content: strings.NewReader("parcel photo bytes")},
		}})
	if err != nil {
		return err
	}
	for _, a := range photos.Attachments {
		fmt.Fprintf(w, "   attached %s (%s, %d bytes)\n", a.Name, a.ContentType, a.Size)
	}

	fmt.Fprintln(w, "3. The shopper tries to close the ticket; only the admin may")
	_, err = desk.Transition(ctx, shopper, ticketkit.TransitionParams{TicketID: t.ID, To: "closed"})
	var te *ticketkit.TransitionError
	if !errors.As(err, &te) {
		return fmt.Errorf("the shopper's status change was not refused: %v", err)
	}
	fmt.Fprintf(w, "   refused: %v\n", err)

	fmt.Fprintln(w, "4. The admin answers, reviews and closes")
	clk.Advance(time.Hour)
	if _, err := desk.Reply(ctx, admin, ticketkit.MessageParams{TicketID: t.ID, Body: "Sorry! An M is on its way, keep the S."}); err != nil {
		return err
	}
	for _, to := range []string{"review", "closed"} {
		if _, err := desk.Transition(ctx, admin, ticketkit.TransitionParams{TicketID: t.ID, To: to}); err != nil {
			return err
		}
	}

	// More tickets, so the admin's list has something to sort.
	mailbox.OnMail = nil
	more := []struct{ subject, category, priority string }{
		{"Is the sweater machine washable?", ticket.CategoryQuestion, "low"},
		{"Parcel never arrived", ticket.CategoryComplaint, "high"},
		{"Discount code refused", ticket.CategoryProblem, "medium"},
	}
	for _, m := range more {
		clk.Advance(24 * time.Hour)
		if _, err := desk.Open(ctx, admin, ticketkit.OpenParams{Subject: m.subject, Category: m.category, Priority: m.priority,
			Customer: ticket.Customer{ID: "C-7", Email: "kim@example.com"}}); err != nil {
			return err
		}
	}

	// The shop has no SLA: the report counts from the tickets' history.
	fmt.Fprintln(w, "4 bis. The admin's resolution report (no SLA configured)")
	rep, err := desk.SLAReport(ctx, admin, ticketkit.SLAReportParams{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %d tickets, %d resolved in %s on average, reopen rate %.0f%%, first reply after %s (all %d from history)\n",
		rep.Tickets, rep.Resolved, rep.Resolution.Mean, 100*rep.ReopenRate, rep.FirstResponse.Mean, rep.FromHistory)

	fmt.Fprintln(w, "5. The admin lists November's tickets, two a page, by type, status and priority")
	for _, sort := range []storage.SortField{storage.SortCategory, storage.SortStatus, storage.SortPriority} {
		if err := listAll(ctx, w, desk, catalog, sort); err != nil {
			return err
		}
	}

	display := catalog.Display()
	fmt.Fprintf(w, "6. The catalog shows statuses as %s, priorities as %s, message types as %s\n",
		display.Statuses, display.Priorities, display.Categories)
	for _, p := range catalog.Priorities() {
		fmt.Fprintf(w, "   %-6s text %-6q image %s\n", p.Code, p.Label.Text, p.Label.Icon)
	}

	fmt.Fprintln(w, "7. Kim wrote twice: the admin merges the newer ticket into the older one")
	kims, err := desk.Search(ctx, admin, ticketkit.SearchParams{CustomerID: "C-7", Sort: storage.SortNumber})
	if err != nil {
		return err
	}
	merged, err := desk.Merge(ctx, admin, ticketkit.MergeParams{TargetID: kims.Tickets[0].ID, SourceIDs: []string{kims.Tickets[1].ID}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s merged into %s, now %s\n", merged.Sources[0].Number, merged.Target.Number, merged.Sources[0].Status)

	fmt.Fprintln(w, "8. The admin raises the priority of all of Kim's tickets in one call")
	var kimIDs []string
	for _, k := range kims.Tickets {
		kimIDs = append(kimIDs, k.ID)
	}
	bulk, err := desk.Bulk(ctx, admin, ticketkit.BulkParams{Action: ticketkit.BulkSetPriority, Priority: "high", TicketIDs: kimIDs})
	if err != nil {
		return err
	}
	for i, it := range bulk.Items {
		fmt.Fprintf(w, "   %s: %s\n", kims.Tickets[i].Number, it.Outcome)
	}

	fmt.Fprintln(w, "9. A colleague opens Kim's ticket while the admin is replying")
	colleague := ticketkit.Actor{ID: "alex", Role: ticket.RoleAgent, TenantID: "shop"}
	if _, err := desk.TakePresence(ctx, admin, ticketkit.TakePresenceParams{TicketID: merged.Target.ID, Activity: ticket.PresenceReplying}); err != nil {
		return err
	}
	seen, err := desk.TakePresence(ctx, colleague, ticketkit.TakePresenceParams{TicketID: merged.Target.ID})
	if err != nil {
		return err
	}
	for _, o := range seen.Others {
		fmt.Fprintf(w, "   alex sees %s %s\n", o.UserID, o.Activity)
	}
	return nil
}

// shown is how a list shows label under the catalog's display d: its
// text, its image or both (an image is written [img name]).
func shown(d ticket.ListDisplay, l ticket.Label) string {
	img := "[img " + l.Icon + "]"
	switch {
	case l.Icon == "" || d == ticket.DisplayText:
		return l.Text
	case d == ticket.DisplayImage:
		return img
	default:
		return img + " " + l.Text
	}
}

// listAll prints every page of the tickets created in November 2026,
// sorted by field, highest first.
func listAll(ctx context.Context, w io.Writer, desk *ticketkit.Desk, catalog *ticket.Catalog, field storage.SortField) error {
	fmt.Fprintf(w, "   by %s:", field)
	p := ticketkit.SearchParams{
		CreatedFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		CreatedTo:   time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Sort:        field, Desc: true, Limit: 2,
	}
	for page := 1; ; page++ {
		res, err := desk.Search(ctx, admin, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, " | page %d:", page)
		d := catalog.Display()
		for _, t := range res.Tickets {
			category, _ := catalog.Category(t.Category)
			status, _ := catalog.Status(t.Status)
			priority, _ := catalog.Priority(t.Priority)
			fmt.Fprintf(w, " %s (%s, %s, %s)", t.Number,
				shown(d.Categories, category.Label), shown(d.Statuses, status.Label), shown(d.Priorities, priority.Label))
		}
		if res.Next == "" {
			fmt.Fprintln(w)
			return nil
		}
		p.After = res.Next
	}
}
