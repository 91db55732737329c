// Command sla-escalation shows a ticket escalating through two levels
// on a fake clock: an SLA policy on office hours in Europe/Paris, a
// ticket opened on a Friday afternoon, and escalation sweeps run as the
// clock moves through the weekend and the next week. It prints the
// ticket's due times, what each sweep fired and the ticket's history.
//
// It keeps its data in an embedded SQLite database in memory; -db picks
// a file instead.
//
//	go run ./examples/sla-escalation
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// slaYAML is the host's SLA configuration, as data: an office calendar
// and one policy with a warning and two escalation levels.
const slaYAML = `
calendars:
  - name: paris-office
    time_zone: Europe/Paris
    week:
      mon: [{start: "09:00", end: "17:00"}]
      tue: [{start: "09:00", end: "17:00"}]
      wed: [{start: "09:00", end: "17:00"}]
      thu: [{start: "09:00", end: "17:00"}]
      fri: [{start: "09:00", end: "17:00"}]
    holidays: ["2026-05-01"]
policies:
  - name: standard
    calendar: paris-office
    targets:
      first_response: 4h
      resolution: 8h
    warn_at: [75]
    levels:
      - level: 1
        target: resolution
        at: 100
        notify: [supervisor]
        effects:
          - set: {assignee: team-lead}
      - level: 2
        target: resolution
        at: 150
        notify: ["user:head-of-support"]
        effects:
          - set: {priority: urgent}
        status: escalated
`

func main() {
	path := flag.String("db", ":memory:", `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := open(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// open opens and migrates the SQLite database at path and plays the
// scenario on it.
func open(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	return run(ctx, w, store)
}

// run plays the scenario on store and writes what happened to w.
func run(ctx context.Context, w io.Writer, store storage.Store) error {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	cfg, err := workflow.ParseSLAYAML([]byte(slaYAML))
	if err != nil {
		return err
	}
	sla, err := workflow.NewSLA(cfg, nil)
	if err != nil {
		return err
	}
	// Friday 24 April 2026, 15:00 in Paris.
	clk := clock.NewFake(time.Date(2026, 4, 24, 15, 0, 0, 0, paris))
	// The notifier collects the escalation events; a host's notify.Rules
	// route them to the supervisors and users the levels name.
	var sent []string
	notifier := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
		if e.Kind == notify.KindEscalated {
			sent = append(sent, fmt.Sprintf("%s for %s", e.Kind, e.Ticket.Number))
		}
		return nil
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, SLA: sla, Notifier: notifier})
	if err != nil {
		return err
	}
	local := func(t time.Time) string { return t.In(paris).Format("Mon 02 Jan 15:04") }

	customer := ticket.Actor{ID: "jane", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "C-7"}
	agent := ticket.Actor{ID: "agent-ann", Role: ticket.RoleAgent, TenantID: "acme"}
	tk, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Invoice charged twice"})
	if err != nil {
		return err
	}
	// Customers get tickets without the SLA state and other internals;
	// staff see it all.
	if tk, err = desk.Get(ctx, agent, tk.ID); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  %s opened under policy %q\n", local(clk.Now()), tk.Number, tk.SLA.Policy)
	fmt.Fprintf(w, "  first response due %s, resolution due %s\n", local(tk.SLA.FirstResponseDue), local(tk.SLA.ResolutionDue))

	// The agent answers on Monday morning: the first response is met,
	// the resolution clock runs on.
	clk.Set(time.Date(2026, 4, 27, 9, 30, 0, 0, paris))
	if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "We are checking with accounting."}); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  agent replied (first response met)\n", local(clk.Now()))

	// Sweeps at a few moments; a host runs an EscalationWorker instead.
	for _, at := range []time.Time{
		time.Date(2026, 4, 27, 12, 0, 0, 0, paris), // nothing due yet
		time.Date(2026, 4, 27, 13, 0, 0, 0, paris), // 75 %: warning
		time.Date(2026, 4, 27, 15, 0, 0, 0, paris), // 100 %: breach and level 1
		time.Date(2026, 4, 28, 11, 0, 0, 0, paris), // 150 %: level 2
		time.Date(2026, 5, 4, 9, 0, 0, 0, paris),   // nothing left to fire
	} {
		clk.Set(at)
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s  sweep: %d ticket(s), %d warning(s), %d breach(es), %d escalation(s)\n",
			local(at), res.Tickets, res.Warnings, res.Breaches, res.Escalations)
		for _, n := range sent {
			fmt.Fprintf(w, "  notified: %s\n", n)
		}
		sent = nil
	}

	got, err := desk.Get(ctx, agent, tk.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s is now %q, priority %q, assigned to %q; breached: %s\n",
		got.Number, got.Status, got.Priority, got.Assignee, strings.Join(got.SLA.Breached, ", "))
	history, err := desk.History(ctx, agent, tk.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "History:")
	for _, e := range history {
		fmt.Fprintf(w, "  %s  %-9s %-14s %s\n", local(e.At), e.ActorID, e.Field, e.New)
	}
	return nil
}
