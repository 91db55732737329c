// Command returns-desk shows a storefront's returns department run by
// rules, as data, on a fake clock: a round-robin pool of three agents
// takes the shoppers' tickets in turn, an event rule raises the priority
// of a gold customer's order, time rules remind a silent shopper after
// 3 days and close the ticket after 7, an agent answers with a macro in
// the shopper's language (English or French), and after resolution the
// shoppers rate their tickets through signed survey links. It prints the
// satisfaction report and the time report by agent.
//
// It keeps its data in an embedded SQLite database in memory; -db picks
// a file instead.
//
//	go run ./examples/returns-desk
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
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

func main() {
	path := flag.String("db", bunopen.Memory, `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// shopper is one of the shop's customers, as the host knows them: the
// tier and language come from the host's customer data, never from what
// the shopper typed.
type shopper struct {
	customer ticket.Customer
	tier     string
	locale   string
	subject  string
	order    string
}

var shoppers = []shopper{
	{ticket.Customer{ID: "C-ada", Name: "Ada"}, "gold", "en-GB", "Order SO-1001: kettle arrived broken", "SO-1001"},
	{ticket.Customer{ID: "C-zoe", Name: "Zoé"}, "", "fr-FR", "Commande SO-1002 : mauvaise taille", "SO-1002"},
	{ticket.Customer{ID: "C-ben", Name: "Ben"}, "", "en-GB", "Order SO-1003: wrong colour", "SO-1003"},
	{ticket.Customer{ID: "C-eva", Name: "Eva"}, "gold", "en-GB", "Where do I send my parcel?", ""},
}

// days is a rule duration of n days.
func days(n int) workflow.Duration { return workflow.Duration(time.Duration(n) * 24 * time.Hour) }

// rules are the returns department's automation: gold customers' orders
// first; a reminder after 3 days waiting on the shopper, closed after 7.
var rules = ticketkit.AutomationConfig{
	EventRules: []ticketkit.EventRule{{
		// The shop's returns form opens every ticket in the returns
		// department (a customer may not pick a department).
		ID:   "returns-form",
		When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}},
		Do:   []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "department", Value: "returns"}},
	}, {
		ID: "gold-orders",
		When: ticketkit.RuleConditions{
			Events: []notify.Kind{notify.KindOpened},
			Tiers:  []string{"gold"},
			Fields: []ticketkit.FieldCondition{{Field: "subject", Contains: "Order"}},
		},
		Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "priority", Value: ticket.PriorityHigh}},
	}},
	TimeRules: []ticketkit.TimeRule{
		{ID: "remind", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: days(3),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNote,
				Template: "Reminder: {{.Ticket.Number}} has waited 3 days for the shopper."}}},
		{ID: "close", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: days(7),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: ticket.StatusClosed}}},
	},
}

// returnLabel is the agents' canned answer, in English and French: it
// replies, tags the ticket and waits on the shopper.
var returnLabel = ticketkit.Macro{
	ID:   "return-label",
	Name: ticket.Label{Text: "Send a return label", Translations: map[string]string{"fr": "Envoyer une étiquette de retour"}},
	Text: "Hello {{.Customer.Name}}, here is the return label for order {{.Ticket.Order}}.",
	Translations: map[string]string{
		"fr": "Bonjour {{.Customer.Name}}, voici l'étiquette de retour de la commande {{.Ticket.Order}}.",
	},
	AddTags: []string{"return"},
	Status:  ticket.StatusWaiting,
}

// run opens the SQLite database at path, builds the desk and plays the
// scenario, writing what happens to w.
func run(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	return play(ctx, w, store)
}

// play builds the desk on store and plays the scenario.
func play(ctx context.Context, w io.Writer, store storage.Store) error {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "returns", Label: ticket.Label{Text: "Returns"}}}
	catalog, err := ticket.NewCatalog(spec)
	if err != nil {
		return err
	}
	// Time rules run in the escalation sweep, which SLA clocks drive.
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{Name: "standard"}}}, catalog)
	if err != nil {
		return err
	}
	// The host's directory of the returns team.
	team := ticketkit.AgentDirectoryFunc(func(context.Context, ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
		return []ticketkit.Agent{{ID: "ann"}, {ID: "bea"}, {ID: "cid"}}, nil
	})
	locales := map[string]string{}
	for _, s := range shoppers {
		locales[s.customer.ID] = s.locale
	}
	clk := clock.NewFake(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)) // Monday
	rulesCopy := rules
	desk, err := ticketkit.New(ticketkit.Config{
		Store:      store,
		Clock:      clk,
		Catalog:    catalog,
		SLA:        sla,
		Automation: &rulesCopy,
		Agents:     team,
		Assignment: &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{
			{Department: "returns", Strategy: ticketkit.AssignRoundRobin, OnOpen: true},
		}},
		Macros: &ticketkit.MacroConfig{
			Macros: []ticketkit.Macro{returnLabel},
			Locale: func(_ context.Context, t *ticket.Ticket) string { return locales[t.Customer.ID] },
		},
		SurveyKey: "a 32-byte secret from the vault!",
	})
	if err != nil {
		return err
	}
	day := func() string { return clk.Now().Format("Mon 02 Jan") }
	staff := func(id string) ticketkit.Actor {
		return ticketkit.Actor{ID: id, Role: ticket.RoleAgent, TenantID: "shop"}
	}
	supervisor := ticketkit.Actor{ID: "sam", Role: ticket.RoleSupervisor, TenantID: "shop"}

	// 1 and 2. Shoppers open tickets in the shop's returns form; the pool
	// gives them out in turn and the gold rule raises the priority.
	fmt.Fprintf(w, "%s  shoppers open return tickets\n", day())
	var tickets []*ticket.Ticket
	for _, s := range shoppers {
		actor := ticketkit.Actor{ID: "u-" + s.customer.ID[2:], Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: s.customer.ID}
		p := ticketkit.OpenParams{Subject: s.subject, Tier: s.tier, Customer: s.customer}
		if s.order != "" {
			p.References = []ticket.Reference{{Kind: ticket.RefOrder, ID: s.order}}
		}
		tk, err := desk.Open(ctx, actor, p)
		if err != nil {
			return fmt.Errorf("open for %s: %w", s.customer.Name, err)
		}
		if tk, err = desk.Get(ctx, supervisor, tk.ID); err != nil {
			return err
		}
		tier := s.tier
		if tier == "" {
			tier = "-"
		}
		fmt.Fprintf(w, "  %s  %-4s tier %-4s → %s, priority %s\n", tk.Number, s.customer.Name, tier, tk.Assignee, tk.Priority)
		tickets = append(tickets, tk)
	}
	ada, zoe, ben, eva := tickets[0], tickets[1], tickets[2], tickets[3]

	// 4. The assignees answer Ada and Zoé with the macro, each in the
	// shopper's language; the ticket waits on the shopper.
	for _, tk := range []*ticket.Ticket{ada, zoe} {
		res, err := desk.ApplyMacro(ctx, staff(tk.Assignee), ticketkit.MacroParams{TicketID: tk.ID, MacroID: returnLabel.ID})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s  %s applies %q: %s\n", tk.Number, tk.Assignee, returnLabel.ID, res.Message.Body)
		fmt.Fprintf(w, "    now %s, tags %v\n", res.Ticket.Status, res.Ticket.Tags)
	}
	// The agents log their time as they go.
	for _, e := range []struct {
		tk       *ticket.Ticket
		minutes  int
		billable bool
		note     string
	}{
		{ada, 15, true, "return label and photos"},
		{zoe, 10, true, "étiquette de retour"},
		{ben, 25, false, "checked the warehouse stock"},
		{eva, 5, false, "explained the returns address"},
	} {
		if _, err := desk.AddTimeEntry(ctx, staff(e.tk.Assignee), ticketkit.TimeEntryParams{
			TicketID: e.tk.ID, Duration: time.Duration(e.minutes) * time.Minute, Billable: e.billable, Note: e.note}); err != nil {
			return err
		}
	}

	// Zoé sends her parcel the next day: her agent resolves the ticket;
	// Ben's and Eva's are resolved too.
	clk.Advance(24 * time.Hour)
	for _, tk := range []*ticket.Ticket{zoe, ben, eva} {
		if _, err := desk.Transition(ctx, staff(tk.Assignee), ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved}); err != nil {
			return fmt.Errorf("resolve %s: %w", tk.Number, err)
		}
	}
	fmt.Fprintf(w, "%s  %s, %s and %s resolved\n", day(), zoe.Number, ben.Number, eva.Number)

	// 3. Ada does not answer: the sweep reminds after 3 days waiting and
	// closes after 7. A host runs an EscalationWorker instead.
	for _, n := range []int{2, 3, 5, 7, 8} {
		clk.Set(time.Date(2026, 5, 4+n, 9, 1, 0, 0, time.UTC))
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s  sweep: %d time rule(s) fired\n", day(), res.TimeRules)
	}
	history, err := desk.History(ctx, supervisor, ada.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s's rule history:\n", ada.Number)
	for _, e := range history {
		if len(e.ActorID) > 5 && e.ActorID[:5] == "rule:" {
			fmt.Fprintf(w, "  %s  %-17s %-20s %s\n", e.At.Format("Mon 02 Jan"), e.ActorID, e.Field, e.New)
		}
	}

	// The reminder is an internal note in the thread, which the shopper
	// does not see.
	thread, err := desk.Messages(ctx, supervisor, ticketkit.MessageListParams{TicketID: ada.ID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s's thread:\n", ada.Number)
	for _, m := range thread.Messages {
		fmt.Fprintf(w, "  %s  %-5s %-11s %s\n", m.CreatedAt.Format("Mon 02 Jan"), m.Kind, m.AuthorID, m.Body)
	}

	// 5. Each resolved or closed ticket's shopper gets a signed survey
	// link; the portal's page posts the rating with it.
	fmt.Fprintln(w, "Surveys:")
	for _, r := range []struct {
		tk      *ticket.Ticket
		score   int
		comment string
	}{
		{ada, 3, "Label fine, the reminder was a bit much"},
		{zoe, 5, "Rapide, merci !"},
		{ben, 4, ""},
		{eva, 2, "Took a day to get an address"},
	} {
		link, err := desk.SurveyLink(ctx, supervisor, r.tk.ID)
		if err != nil {
			return fmt.Errorf("survey link of %s: %w", r.tk.Number, err)
		}
		rating, err := desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: r.score, Comment: r.comment})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s rated %d for %s\n", r.tk.Number, rating.Score, rating.AgentID)
	}
	sat, err := desk.SatisfactionReport(ctx, supervisor, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Satisfaction by agent:")
	for _, g := range sat.Groups {
		fmt.Fprintf(w, "  %-4s %d rating(s), average %.1f, CSAT %.0f%%\n", g.Key, g.Ratings, g.Average, g.CSAT)
	}
	tr, err := desk.TimeReport(ctx, supervisor, ticketkit.ReportParams{GroupBy: storage.GroupByAgent,
		From: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Time in May by agent:")
	for _, g := range tr.Groups {
		fmt.Fprintf(w, "  %-4s %d entr(ies), %s in all, %s billable\n", g.Key, g.Entries,
			time.Duration(g.Seconds)*time.Second, time.Duration(g.BillableSeconds)*time.Second)
	}
	return nil
}
