// Command crm-fr is the ticket module of a French CRM: tickets created by
// hand, by the mail gateway and from the customer portal; statuses and
// priorities from a translated catalog (Ouvert, Attente réponse, En
// cours, Fermé; Basse, Normale, Haute, Urgente); an agent's comment
// mailed to the customer with the CRM's own French template, a
// "notify the customer?" switch per comment, a switch that turns those
// mails off for the organisation, the customer's answer from the portal with
// an attachment, the history of every change of status, priority,
// account, contract, category and assignee, and a report of the
// products and serial numbers with the most tickets. Tickets carry their
// channel as the CRM knows it (saisie manuelle, e-mail, espace client):
// the mails show it in French, and the tickets are searched and counted
// by channel.
//
// It runs on an embedded SQLite database, in memory unless -db names a
// file:
//
//	go run ./examples/crm-fr
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

func main() {
	path := flag.String("db", bunopen.Memory, `SQLite database file, or ":memory:"`)
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

var (
	agent  = ticketkit.Actor{ID: "luc", Role: ticket.RoleAgent, TenantID: "crm"}
	portal = ticketkit.Actor{ID: "marie", Role: ticket.RoleCustomer, TenantID: "crm", CustomerID: "ACC-001"}
	mailGW = ticketkit.Actor{ID: "mail-gateway", Role: ticket.RoleSystem, TenantID: "crm"}
)

// frenchCatalog is the default catalog with French labels.
func frenchCatalog() (*ticket.Catalog, error) {
	fr := map[string]string{
		ticket.StatusOpen: "Ouvert", ticket.StatusWaiting: "Attente réponse", ticket.StatusInProgress: "En cours",
		ticket.StatusEscalated: "Escaladé", ticket.StatusResolved: "Résolu", ticket.StatusClosed: "Fermé",
		ticket.PriorityLow: "Basse", ticket.PriorityNormal: "Normale", ticket.PriorityHigh: "Haute", ticket.PriorityUrgent: "Urgente",
		ticket.CategoryQuestion: "Question", ticket.CategoryProblem: "Incident", ticket.CategoryComplaint: "Réclamation",
	}
	translate := func(code string, l *ticket.Label) {
		if text, ok := fr[code]; ok {
			l.Translations = map[string]string{"fr": text}
		}
	}
	spec := ticket.DefaultCatalogSpec()
	for i := range spec.Statuses {
		translate(spec.Statuses[i].Code, &spec.Statuses[i].Label)
	}
	for i := range spec.Priorities {
		translate(spec.Priorities[i].Code, &spec.Priorities[i].Label)
	}
	for i := range spec.Categories {
		translate(spec.Categories[i].Code, &spec.Categories[i].Label)
	}
	return ticket.NewCatalog(spec)
}

// replyTemplate is the CRM's own French mail for an agent's comment.
const (
	replySubject = `[{{.Ticket.Number}}] Nouveau commentaire : {{.Ticket.Subject}}`
	replyText    = `Bonjour {{.Ticket.Customer.Name}},

{{.Message.Body}}

Votre ticket {{.Ticket.Number}} est au statut « {{.Status}} ».
— Le service client`
)

// run plays the CRM scenario and writes what happened to w.
func run(ctx context.Context, w io.Writer, path string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{TablePrefix: "crm_"})
	if err != nil {
		return err
	}
	defer closeDB()
	catalog, err := frenchCatalog()
	if err != nil {
		return err
	}

	// Comment mails can be switched off per tenant: the rules are read
	// for every event.
	var commentsOff atomic.Bool
	rules := func(string) notify.Rules {
		r := notify.DefaultRules()
		if commentsOff.Load() {
			r[notify.MessageRule(ticket.MessageReply)] = nil
		}
		return r
	}
	templates := notify.DefaultTemplates()
	if err := templates.Override(notify.KindMessageAdded, notify.VariantDefault, "fr", replySubject, replyText, ""); err != nil {
		return err
	}
	mailbox := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog, Rules: rules, DefaultLocale: "fr"}, templates, catalog)
	clk := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	// The CRM's accounts give a portal customer's name and address.
	accounts := ticketkit.CustomerDirectoryFunc(func(_ context.Context, _, customerID string) (ticket.Customer, error) {
		if customerID == "ACC-001" {
			return ticket.Customer{Name: "Marie Dupont", Email: "marie@dupont.example"}, nil
		}
		return ticket.Customer{}, nil
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Catalog: catalog, Notifier: mailbox, Clock: clk,
		Blobs: blob.NewMemory(blob.Config{}), Customers: accounts})
	if err != nil {
		return err
	}
	label := func(l ticket.Label) string { return l.In("fr") }

	fmt.Fprintln(w, "1. Trois tickets : saisi à la main, reçu par e-mail, ouvert depuis le portail")
	marie := ticket.Customer{ID: "ACC-001", Name: "Marie Dupont", Email: "marie@dupont.example"}
	refs := func(product, serial string) []ticket.Reference {
		return []ticket.Reference{
			{Kind: ticket.RefAccount, ID: "ACC-001", Label: "Dupont SARL"},
			{Kind: ticket.RefContract, ID: "CT-2024-7", Label: "Contrat maintenance"},
			{Kind: ticket.RefProduct, ID: product},
			{Kind: ticket.RefSerial, ID: serial},
		}
	}
	opened := []struct {
		actor   ticketkit.Actor
		channel ticket.Channel
		subject string
		product string
		serial  string
	}{
		{agent, ticket.ChannelManual, "La chaudière ne démarre plus", "CHAUD-200", "SN-B17-0042"},
		{mailGW, ticket.ChannelEmail, "Bruit anormal de la chaudière", "CHAUD-200", "SN-B17-0057"},
		{portal, ticket.ChannelPortal, "Thermostat sans affichage", "THERM-10", "SN-T3-0001"},
	}
	var first *ticket.Ticket
	for _, o := range opened {
		p := ticketkit.OpenParams{Subject: o.subject, Channel: o.channel,
			Category: ticket.CategoryProblem, Customer: marie,
			Contacts:   []ticket.Contact{{Name: "Paul Martin", Role: "technicien sur site", Email: "paul@dupont.example"}},
			References: refs(o.product, o.serial)}
		if o.actor.Role == ticket.RoleCustomer {
			// From the portal, the accounts give Marie's data; the
			// contacts a customer names carry no address.
			p.Customer, p.Contacts = ticket.Customer{}, []ticket.Contact{{Name: "Paul Martin", Role: "technicien sur site"}}
		}
		t, err := desk.Open(ctx, o.actor, p)
		if err != nil {
			return err
		}
		status, _ := catalog.Status(t.Status)
		priority, _ := catalog.Priority(t.Priority)
		fmt.Fprintf(w, "   %s %-32s via %-15s statut %s, priorité %s\n", t.Number, t.Subject, label(t.Channel.Label()), label(status.Label), label(priority.Label))
		if first == nil {
			first = t
		}
	}
	// The acknowledgement names the channel in Marie's language.
	for _, m := range mailbox.To(marie.Email) {
		if m.Event.Ticket.ID == first.ID {
			fmt.Fprintf(w, "   accusé de réception de %s : %s\n", first.Number, lineWith(m.Text, "Canal"))
		}
	}
	// Only staff enter a ticket by hand: the portal may not claim it.
	_, err = desk.Open(ctx, portal, ticketkit.OpenParams{Subject: "Saisie", Channel: ticket.ChannelManual})
	fmt.Fprintf(w, "   le portail déclare une saisie manuelle : %v\n", err)
	mailbox.Reset()

	fmt.Fprintln(w, "2. Marie met Paul en copie depuis le portail ; Luc commente : Marie et Paul reçoivent le modèle de mail du CRM")
	if _, err := desk.AddCC(ctx, portal, ticketkit.CCParams{TicketID: first.ID, Address: "paul@dupont.example"}); err != nil {
		return err
	}
	clk.Advance(time.Hour)
	if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: first.ID, Body: "Un technicien passe demain matin."}); err != nil {
		return err
	}
	for _, m := range mailbox.To(marie.Email) {
		fmt.Fprintf(w, "   mail à %s : %s\n%s\n", m.To.Address, m.Subject, indent(m.Text))
	}
	fmt.Fprintf(w, "   mails à Paul (en copie) : %d\n", len(mailbox.To("paul@dupont.example")))

	// The switch per comment: Luc keeps this one from Marie while the
	// organisation's comment mails are on.
	fmt.Fprintln(w, "2 bis. Luc commente sans prévenir Marie (case « notifier le client » décochée)")
	mailbox.Reset()
	if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: first.ID, Body: "Diagnostic à confirmer avec le fabricant.",
		NotifyCustomer: new(false)}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   mails à Marie pour ce commentaire : %d\n", len(mailbox.To(marie.Email)))

	fmt.Fprintln(w, "3. Marie répond depuis le portail, avec une photo")
	clk.Advance(time.Hour)
	if _, err := desk.Reply(ctx, portal, ticketkit.MessageParams{TicketID: first.ID, Body: "Merci, voici le code erreur affiché.",
		Attachments: []ticketkit.AttachmentInput{{Name: "code-erreur.jpg", ContentType: "image/jpeg", Content: strings.NewReader("photo")}}}); err != nil {
		return err
	}

	fmt.Fprintln(w, "4. Les mails de commentaire sont coupés : le commentaire suivant n'envoie rien")
	commentsOff.Store(true)
	mailbox.Reset()
	if _, err := desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: first.ID, Body: "Pièce commandée."}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   mails envoyés : %d\n", len(mailbox.To(marie.Email)))

	fmt.Fprintln(w, "5. Luc change statut, priorité, compte, contrat, catégorie et responsable")
	if err := changeEverything(ctx, desk, first.ID); err != nil {
		return err
	}
	history, err := desk.History(ctx, agent, first.ID)
	if err != nil {
		return err
	}
	for _, e := range history {
		// Next to the codes, their French labels, as the CRM shows them.
		var labels string
		if newLabel, ok := catalog.CodeLabel(e.Field, e.New, "fr"); ok {
			oldLabel, _ := catalog.CodeLabel(e.Field, e.Old, "fr")
			labels = fmt.Sprintf(" (%s → %s)", oldLabel, newLabel)
		}
		fmt.Fprintf(w, "   %-5s %-9s %q -> %q%s\n", e.ActorID, e.Field, e.Old, e.New, labels)
	}

	fmt.Fprintln(w, "6. Produits et numéros de série avec le plus de tickets")
	res, err := desk.Search(ctx, agent, ticketkit.SearchParams{Limit: 500})
	if err != nil {
		return err
	}
	for _, kind := range []ticket.RefKind{ticket.RefProduct, ticket.RefSerial} {
		fmt.Fprintf(w, "   %-7s", kind)
		for _, row := range ticket.TicketsByReference(res.Tickets, kind) {
			fmt.Fprintf(w, " %s×%d", row.Key, row.Count)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "7. Tickets par canal")
	manual, err := desk.Search(ctx, agent, ticketkit.SearchParams{Channels: []ticket.Channel{ticket.ChannelManual}})
	if err != nil {
		return err
	}
	for _, t := range manual.Tickets {
		fmt.Fprintf(w, "   saisis à la main : %s %s\n", t.Number, t.Subject)
	}
	report, err := desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "channel"})
	if err != nil {
		return err
	}
	for _, g := range report.Groups {
		fmt.Fprintf(w, "   %-15s %d ticket(s)\n", label(ticket.Channel(g.Key).Label()), g.Tickets)
	}
	return nil
}

// lineWith returns the first line of text that starts with prefix, its
// runs of spaces made one.
func lineWith(text, prefix string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.Join(strings.Fields(line), " ")
		}
	}
	return ""
}

// changeEverything makes the changes whose history the CRM shows.
func changeEverything(ctx context.Context, desk *ticketkit.Desk, id string) error {
	if _, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: id, To: ticket.StatusInProgress}); err != nil {
		return err
	}
	high, complaint, claire := ticket.PriorityHigh, ticket.CategoryComplaint, "claire"
	account := ticket.Customer{ID: "ACC-002", Name: "Marie Dupont", Email: "marie@dupont.example"}
	refs := []ticket.Reference{
		{Kind: ticket.RefAccount, ID: "ACC-002", Label: "Dupont Holding"},
		{Kind: ticket.RefContract, ID: "CT-2026-1", Label: "Contrat premium"},
		{Kind: ticket.RefProduct, ID: "CHAUD-200"},
		{Kind: ticket.RefSerial, ID: "SN-B17-0042"},
	}
	if _, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: id, Priority: &high, Category: &complaint,
		Customer: &account, References: refs}); err != nil {
		return err
	}
	_, err := desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: id, Assignee: &claire})
	return err
}

// indent indents every line of s for printing.
func indent(s string) string {
	return "      " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n      ")
}
