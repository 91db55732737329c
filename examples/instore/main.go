// Command instore is the complaint desk of a retailer with a loyalty
// programme. A store clerk opens a ticket about a loyalty customer's
// purchase transaction, with priority, details and the customer's name,
// email and mobile; the customer gets the ticket number at once. The
// store's workflow (YAML, see storeWorkflow) verifies the ticket through
// its "verify" transition, guarded by the host's authenticity check (does
// the transaction exist, and is it this customer's?), and its routing
// rule lets no department take a ticket before that: allocating an
// unverified ticket is refused by the workflow, not by host code. The
// department is told when a ticket is routed to it. Escalation
// levels fire when nobody handles it in time. When it is closed the
// customer is told, and asked to collect the product when it was in for
// service. Agents search by status, priority, department, creation date,
// customer mobile and ticket code.
//
// It runs on an embedded SQLite database, in memory unless -db names a
// file:
//
//	go run ./examples/instore
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/phone/libphonenumber"
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

var (
	clerk = ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "store-lyon"}
	tech  = ticketkit.Actor{ID: "tech-3", Role: ticket.RoleAgent, TenantID: "store-lyon"}
)

// purchases is the host's loyalty system: POS transaction → loyalty
// customer. The host check looks tickets up here.
var purchases = map[string]string{"POS-88-1203": "L-4411", "POS-88-1290": "L-5000"}

// authentic is the host's authenticity check of a ticket, the guard of
// the workflow's "verify" transition.
func authentic(_ context.Context, in workflow.GuardInput) error {
	t := in.Ticket
	for _, r := range t.References {
		if r.Kind == ticket.RefTransaction {
			if owner, ok := purchases[r.ID]; ok && owner == t.Customer.ID {
				return nil
			}
			return fmt.Errorf("transaction %s is not a purchase of loyalty customer %s", r.ID, t.Customer.ID)
		}
	}
	return errors.New("no purchase transaction")
}

// route is the store's routing rules: products in for service go to the
// service workshop, complaints to customer care, the rest to the front
// desk.
func route(t *ticket.Ticket) string {
	switch {
	case notify.CollectVariant(t):
		return "workshop"
	case t.Category == ticket.CategoryComplaint:
		return "care"
	default:
		return "front"
	}
}

// storeWorkflow is the store's workflow as data: a ticket is verified
// (the "authentic" guard) before anything else, and the routing rule
// "allocate" gives a department only to a verified ticket.
const storeWorkflow = `
name: instore
transitions:
  - {name: verify, from: [open], to: verified, roles: [agent, supervisor], guards: [authentic]}
  - {name: start, from: [verified, waiting, escalated, resolved], to: in_progress, roles: [agent, supervisor, system]}
  - {name: wait, from: [verified, in_progress, escalated], to: waiting, roles: [agent, supervisor, system]}
  - {name: escalate, from: [verified, in_progress, waiting], to: escalated, roles: [agent, supervisor, system]}
  - {name: resolve, from: [verified, in_progress, waiting, escalated], to: resolved, roles: [agent, supervisor, system]}
  - {name: close, from: ["*"], to: closed, roles: [agent, supervisor, system], guards: [reason_required]}
reopen: {to: in_progress, within: 336h, roles: [agent, supervisor, system]}
routing:
  - name: allocate
    field: department
    statuses: [verified, in_progress, waiting, escalated]
    roles: [agent, supervisor, system]
`

// storeMachine loads storeWorkflow on the store's catalog with the
// host's guard.
func storeMachine(c *ticket.Catalog) (*workflow.Machine, error) {
	def, err := workflow.ParseYAML([]byte(storeWorkflow))
	if err != nil {
		return nil, err
	}
	return workflow.New(workflow.Config{Definition: def, Catalog: c, Guards: map[string]workflow.Guard{"authentic": authentic}})
}

// storeCatalog has the store's "verified" status, three priorities and
// its departments.
func storeCatalog() (*ticket.Catalog, error) {
	spec := ticket.DefaultCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "verified", Label: ticket.Label{Text: "Verified"}, Category: ticket.CategoryOpen})
	spec.Priorities = []ticket.Priority{
		{Code: "low", Label: ticket.Label{Text: "Low"}},
		{Code: "medium", Label: ticket.Label{Text: "Medium"}, Default: true},
		{Code: "high", Label: ticket.Label{Text: "High"}},
	}
	spec.Departments = []ticket.Department{
		{Code: "front", Label: ticket.Label{Text: "Front desk"}, Email: "front@store.example"},
		{Code: "care", Label: ticket.Label{Text: "Customer care"}, Email: "care@store.example"},
		{Code: "workshop", Label: ticket.Label{Text: "Service workshop"}, Email: "workshop@store.example"},
	}
	return ticket.NewCatalog(spec)
}

// storeSLA answers within 2 store hours; level 1 tells the store
// manager at the breach, level 2 raises the priority and escalates.
func storeSLA(c *ticket.Catalog) (*workflow.SLA, error) {
	return workflow.NewSLA(workflow.SLAConfig{
		Calendars: []workflow.CalendarSpec{{Name: "store", TimeZone: "Europe/Paris", Week: map[string][]workflow.Window{
			"mon": {{Start: "09:00", End: "19:00"}}, "tue": {{Start: "09:00", End: "19:00"}}, "wed": {{Start: "09:00", End: "19:00"}},
			"thu": {{Start: "09:00", End: "19:00"}}, "fri": {{Start: "09:00", End: "19:00"}}, "sat": {{Start: "09:00", End: "19:00"}},
		}}},
		Policies: []workflow.Policy{{
			Name: "store", Calendar: "store",
			Targets: workflow.Targets{FirstResponse: workflow.Duration(2 * time.Hour), Resolution: workflow.Duration(2 * 24 * time.Hour)},
			Levels: []workflow.Level{
				{Level: 1, Target: workflow.TargetFirstResponse, At: 100, Notify: []string{"user:manager"}},
				{Level: 2, Target: workflow.TargetFirstResponse, At: 200, Notify: []string{"user:regional"},
					Effects: []workflow.Effect{{Set: map[string]string{"priority": "high"}}}, Status: ticket.StatusEscalated},
			},
		}},
	}, c)
}

// run plays the in-store scenario and writes what happened to w.
func run(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	catalog, err := storeCatalog()
	if err != nil {
		return err
	}
	sla, err := storeSLA(catalog)
	if err != nil {
		return err
	}
	machine, err := storeMachine(catalog)
	if err != nil {
		return err
	}
	phones, err := libphonenumber.New("FR")
	if err != nil {
		return err
	}
	staff := notify.DirectoryFunc(func(_ context.Context, _, userID string) (notify.Recipient, error) {
		return notify.Recipient{Address: userID + "@store.example", UserID: userID}, nil
	})
	mailbox := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog, Directory: staff}, nil, nil)
	mailbox.OnMail = func(m notifytest.Mail) { fmt.Fprintf(w, "   mail to %-24s %s\n", m.To.Address, m.Subject) }
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	clk := clock.NewFake(time.Date(2026, 11, 21, 10, 0, 0, 0, paris)) // a Saturday
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: catalog, Workflow: machine, SLA: sla,
		Notifier: mailbox, Clock: clk, Phone: phones})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "1. The clerk opens three tickets at the counter")
	ada := ticket.Customer{ID: "L-4411", Name: "Ada Martin", Email: "ada@example.com", Mobile: "06 12 34 56 78"}
	blender, err := desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject: "Blender motor stops after a minute", Category: ticket.CategoryProblem, Priority: "medium",
		Description: "Left at the counter for repair.", Channel: ticket.ChannelInStore, Customer: ada,
		References: []ticket.Reference{
			{Kind: ticket.RefTransaction, ID: "POS-88-1203", Label: "Purchase 2026-10-02"},
			{Kind: ticket.RefProduct, ID: "BLND-900", Label: "Blender 900 W"},
		},
		Tags: []string{notify.TagInService},
	})
	if err != nil {
		return err
	}
	bogus, err := desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject: "Refund for a coat", Category: ticket.CategoryComplaint, Channel: ticket.ChannelInStore, Customer: ada,
		References: []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-88-1290"}},
	})
	if err != nil {
		return err
	}

	bob := ticket.Customer{ID: "L-5000", Name: "Bob Roux", Email: "bob@example.com", Mobile: "+33 7 81 23 45 67"}
	coat, err := desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject: "Coat seam torn after a week", Category: ticket.CategoryComplaint, Priority: "low",
		Channel: ticket.ChannelInStore, Customer: bob,
		References: []ticket.Reference{{Kind: ticket.RefTransaction, ID: "POS-88-1290"}},
	})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "2. The workflow verifies each ticket before it is routed")
	early := route(blender)
	_, err = desk.Assign(ctx, clerk, ticketkit.AssignParams{TicketID: blender.ID, Department: &early})
	var refused *ticketkit.TransitionError
	if !errors.As(err, &refused) || !errors.Is(err, ticketkit.ErrNoRoute) {
		return fmt.Errorf("allocating an unverified ticket: want a refusal, got %v", err)
	}
	fmt.Fprintf(w, "   %s refused before verification: %s\n", blender.Number, refused.Reason)
	_, err = desk.Open(ctx, clerk, ticketkit.OpenParams{
		Subject: "Kettle lid broken", Category: ticket.CategoryProblem, Department: "workshop",
		Channel: ticket.ChannelInStore, Customer: bob,
	})
	if !errors.As(err, &refused) || !errors.Is(err, ticketkit.ErrNoRoute) {
		return fmt.Errorf("opening a ticket straight into a department: want a refusal, got %v", err)
	}
	fmt.Fprintf(w, "   a ticket opened straight into the workshop is refused: %s\n", refused.Reason)
	for _, t := range []*ticket.Ticket{blender, bogus, coat} {
		_, err := desk.Transition(ctx, clerk, ticketkit.TransitionParams{TicketID: t.ID, To: "verified"})
		if errors.As(err, &refused) && errors.Is(err, ticketkit.ErrGuard) {
			fmt.Fprintf(w, "   %s not verified (%s): closed\n", t.Number, refused.Reason)
			if _, err := desk.Transition(ctx, clerk, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusClosed, Reason: "Not verified: " + refused.Reason}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		dept := route(t)
		fmt.Fprintf(w, "   %s verified, allocated to %s\n", t.Number, dept)
		if _, err := desk.Assign(ctx, clerk, ticketkit.AssignParams{TicketID: t.ID, Department: &dept}); err != nil {
			return err
		}
	}

	// Customer care answers its complaint at once; the workshop does not.
	if _, err := desk.Reply(ctx, clerk, ticketkit.MessageParams{TicketID: coat.ID, Body: "We will repair or replace it."}); err != nil {
		return err
	}

	fmt.Fprintln(w, "3. Nobody answers the blender: escalation sweeps through the afternoon")
	for _, hour := range []int{12, 14} {
		clk.Set(time.Date(2026, 11, 21, hour, 0, 0, 0, paris))
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   %02d:00 sweep: %d breach(es), %d escalation(s)\n", hour, res.Breaches, res.Escalations)
	}
	got, err := desk.Get(ctx, clerk, blender.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s is now %s, priority %s\n", got.Number, got.Status, got.Priority)

	fmt.Fprintln(w, "4. The workshop repairs the blender and closes the ticket")
	clk.Set(time.Date(2026, 11, 23, 11, 0, 0, 0, paris))
	if _, err := desk.Transition(ctx, tech, ticketkit.TransitionParams{TicketID: blender.ID, To: ticket.StatusInProgress}); err != nil {
		return err
	}
	if _, err := desk.Transition(ctx, tech, ticketkit.TransitionParams{TicketID: blender.ID, To: ticket.StatusClosed, Reason: "Motor replaced"}); err != nil {
		return err
	}

	mailbox.OnMail = nil
	fmt.Fprintln(w, "5. Agents search")
	searches := []struct {
		name string
		p    ticketkit.SearchParams
	}{
		{"closed", ticketkit.SearchParams{Statuses: []string{ticket.StatusClosed}}},
		{"open or in progress", ticketkit.SearchParams{Statuses: []string{ticket.StatusOpen, "verified", ticket.StatusInProgress, ticket.StatusEscalated}}},
		{"priority high", ticketkit.SearchParams{Priorities: []string{"high"}}},
		{"department workshop", ticketkit.SearchParams{Departments: []string{"workshop"}}},
		{"opened 21 Nov", ticketkit.SearchParams{CreatedFrom: time.Date(2026, 11, 21, 0, 0, 0, 0, paris), CreatedTo: time.Date(2026, 11, 22, 0, 0, 0, 0, paris)}},
		{"mobile +33612345678", ticketkit.SearchParams{CustomerMobile: "+33612345678"}},
		{"code " + bogus.Number, ticketkit.SearchParams{Number: bogus.Number}},
	}
	for _, s := range searches {
		res, err := desk.Search(ctx, clerk, s.p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   %-22s", s.name+":")
		for _, t := range res.Tickets {
			fmt.Fprintf(w, " %s", t.Number)
		}
		fmt.Fprintln(w)
	}
	return nil
}
