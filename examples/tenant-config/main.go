// Command tenant-config shows two merchants of a marketplace on one
// Desk, each with its own configuration changed at runtime by its own
// admin while tickets flow: merchant "bakery" adds a status of its own
// and moves the tickets of a status it drops; merchant "bikes" puts an
// SLA on its own business hours, which the escalation sweep follows for
// its tickets only. A third merchant never configures anything and runs
// on the host's defaults. Then the bakery writes its own French
// acknowledgement mail, switches reply mails off and numbers its tickets
// "BAK-...": the notifier (a notifytest.Mailbox here, notify/email in
// production) asks the Desk for each ticket's tenant's setup.
//
// It keeps its data in an embedded SQLite database in memory; -db picks
// a file instead.
//
//	go run ./examples/tenant-config
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
	// Monday 4 May 2026, 08:00 UTC.
	clk := clock.NewFake(time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC))
	// The notifier's resolver asks the Desk for each event's tenant's
	// catalog, rules, switches and templates (resolver.Tenants below).
	resolver := &notify.Resolver{CustomerLocale: func(context.Context, *ticket.Ticket) string { return "fr" }}
	mailbox := notifytest.NewMailbox(resolver, nil, nil)
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, Notifier: mailbox})
	if err != nil {
		return err
	}
	resolver.Tenants = desk
	staff := func(tenant string) ticket.Actor {
		return ticket.Actor{ID: tenant + "-agent", Role: ticket.RoleAgent, TenantID: tenant}
	}
	admin := func(tenant string) ticket.Actor {
		return ticket.Actor{ID: tenant + "-admin", Role: ticket.RoleAdmin, TenantID: tenant}
	}
	open := func(tenant, subject string) (*ticket.Ticket, error) {
		return desk.Open(ctx, staff(tenant), ticketkit.OpenParams{Subject: subject})
	}
	show := func(tenant, id string) error {
		tk, err := desk.Get(ctx, staff(tenant), id)
		if err != nil {
			return err
		}
		cat, err := desk.TenantCatalog(ctx, tenant)
		if err != nil {
			return err
		}
		st, _ := cat.Status(tk.Status)
		fmt.Fprintf(w, "  %-7s %s %-22q status %-17s (%s / %s) priority %-6s config v%d\n", tenant, tk.Number, tk.Subject,
			tk.Status, st.Label.Text, st.Label.In("fr"), tk.Priority, tk.ConfigVersion)
		return nil
	}

	// Tickets flow under the host's defaults.
	cake, err := open("bakery", "Wrong cake delivered")
	if err != nil {
		return err
	}
	if _, err := desk.Transition(ctx, staff("bakery"), ticketkit.TransitionParams{TicketID: cake.ID, To: ticket.StatusWaiting}); err != nil {
		return err
	}
	bike, err := open("bikes", "Brake cable missing")
	if err != nil {
		return err
	}
	lamp, err := open("lamps", "Bulb flickers")
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Before any merchant configures anything:")
	for _, x := range []struct{ tenant, id string }{{"bakery", cake.ID}, {"bikes", bike.ID}, {"lamps", lamp.ID}} {
		if err := show(x.tenant, x.id); err != nil {
			return err
		}
	}

	// The bakery's admin replaces "waiting" with "awaiting_courier". A
	// ticket still waits: without a mapping the change is refused.
	spec := ticket.DefaultCatalogSpec()
	for i, s := range spec.Statuses {
		if s.Code == ticket.StatusWaiting {
			spec.Statuses[i] = ticket.Status{Code: "awaiting_courier", Category: ticket.CategoryPending,
				Label: ticket.Label{Text: "Awaiting courier", Translations: map[string]string{"fr": "Attente coursier"}}}
		}
	}
	change := ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}}
	_, err = desk.ConfigureTenant(ctx, admin("bakery"), change)
	var invalid *ticketkit.ValidationError
	if !errors.As(err, &invalid) {
		return fmt.Errorf("want a refusal, got %v", err)
	}
	fmt.Fprintf(w, "\nbakery admin, without a mapping: refused: %s\n", invalid.Fields[0].Message)
	change.Mapping.Statuses = map[string]string{ticket.StatusWaiting: "awaiting_courier"}
	v, err := desk.ConfigureTenant(ctx, admin("bakery"), change)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "bakery admin, with a mapping: version %d saved, %d ticket moved\n", v.Version, v.Moved)

	// The bikes' admin puts an SLA on the shop's hours, 09:00-12:00 on
	// weekdays: 2 business hours to resolve, then the priority goes up.
	hours := []workflow.Window{{Start: "09:00", End: "12:00"}}
	sla := workflow.SLAConfig{
		Calendars: []workflow.CalendarSpec{{Name: "shop", Week: map[string][]workflow.Window{"mon": hours, "tue": hours, "wed": hours, "thu": hours, "fri": hours}}},
		Policies: []workflow.Policy{{Name: "bikes", Calendar: "shop", Targets: workflow.Targets{Resolution: workflow.Duration(2 * time.Hour)},
			Levels: []workflow.Level{{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"user:bikes-owner"},
				Effects: []workflow.Effect{{Set: map[string]string{workflow.SetPriority: ticket.PriorityUrgent}}}}}}},
	}
	bikes := ticketkit.TenantConfig{Catalog: ticket.DefaultCatalogSpec(), SLA: &sla}
	if v, err = desk.ConfigureTenant(ctx, admin("bikes"), ticketkit.ConfigureTenantParams{Config: bikes}); err != nil {
		return err
	}
	fmt.Fprintf(w, "bikes admin: SLA on shop hours, version %d saved\n", v.Version)
	// An agent of the bakery may not change the configuration.
	if _, err := desk.ConfigureTenant(ctx, staff("bakery"), change); errors.Is(err, ticketkit.ErrForbidden) {
		fmt.Fprintln(w, "bakery agent: forbidden")
	}

	// Tickets keep flowing: a new bike ticket runs on the bikes' SLA.
	wheel, err := open("bikes", "Wheel rubs the frame")
	if err != nil {
		return err
	}
	for _, at := range []time.Time{time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC), time.Date(2026, 5, 4, 11, 0, 0, 0, time.UTC)} {
		clk.Set(at)
		res, err := desk.RunEscalations(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s sweep: %d escalation(s)\n", at.Format("Mon 15:04"), res.Escalations)
	}
	fmt.Fprintln(w, "\nAfter:")
	for _, x := range []struct{ tenant, id string }{{"bakery", cake.ID}, {"bikes", bike.ID}, {"bikes", wheel.ID}, {"lamps", lamp.ID}} {
		if err := show(x.tenant, x.id); err != nil {
			return err
		}
	}
	return mails(ctx, w, desk, mailbox, change.Config)
}

// mails has the bakery's admin write a French acknowledgement, switch
// reply mails off and number tickets "BAK-...", then shows the mails of
// a bakery customer and of a lamps customer.
func mails(ctx context.Context, w io.Writer, desk *ticketkit.Desk, mailbox *notifytest.Mailbox, bakery ticketkit.TenantConfig) error {
	bakery.Templates = []notify.TemplateSpec{{Kind: notify.KindOpened, Locale: "fr",
		Subject: "La Boulangerie : demande {{.Number}} bien reçue",
		Text:    "Bonjour {{.CustomerName}},\nvotre demande « {{.Subject}} » est au statut {{.Status}}.\n"}}
	bakery.Notifications = &ticketkit.TenantNotifications{Off: []notify.Kind{notify.MessageRule(ticket.MessageReply)}}
	bakery.Numbers = &ticketkit.TenantNumberFormat{Prefix: "BAK", OmitYear: true, Digits: 4}
	admin := ticket.Actor{ID: "bakery-admin", Role: ticket.RoleAdmin, TenantID: "bakery"}
	v, err := desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: bakery, Version: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nbakery admin: French acknowledgement, reply mails off, BAK numbers: version %d saved\n", v.Version)
	// A template naming a field mails do not have is refused at once.
	bad := bakery
	bad.Templates = []notify.TemplateSpec{{Kind: notify.KindClosed, Locale: "fr", Subject: "{{.Numero}}", Text: "x"}}
	var invalid *ticketkit.ValidationError
	if _, err := desk.ConfigureTenant(ctx, admin, ticketkit.ConfigureTenantParams{Config: bad}); errors.As(err, &invalid) {
		fmt.Fprintf(w, "bakery admin, a typo in a template: refused: %s\n", invalid.Fields[0].Field)
	}
	mailbox.Reset()
	for _, tenant := range []string{"bakery", "lamps"} {
		agent := ticket.Actor{ID: tenant + "-agent", Role: ticket.RoleAgent, TenantID: tenant}
		tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Late delivery", Customer: ticket.Customer{Name: "Zoé", Email: tenant + "@example.com"}})
		if err != nil {
			return err
		}
		if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "On its way."}); err != nil {
			return err
		}
		for _, m := range mailbox.To(tenant + "@example.com") {
			fmt.Fprintf(w, "  mail to %s: %s\n", m.To.Address, m.Subject)
			if tenant == "bakery" {
				fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(strings.TrimSpace(m.Text), "\n", "\n    "))
			}
		}
	}
	return nil
}
