package notify_test

import (
	"context"
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	openedAt  = time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
	updatedAt = time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)
)

// testCatalog is the default catalog with French labels and two
// departments with mailboxes.
func testCatalog() *ticket.Catalog {
	spec := ticket.DefaultCatalogSpec()
	fr := map[string]string{
		ticket.StatusOpen: "Ouvert", ticket.StatusInProgress: "En cours", ticket.StatusWaiting: "En attente du client",
		ticket.StatusEscalated: "Escaladé", ticket.StatusResolved: "Résolu", ticket.StatusClosed: "Clôturé",
		ticket.PriorityLow: "Basse", ticket.PriorityNormal: "Normale", ticket.PriorityHigh: "Haute", ticket.PriorityUrgent: "Urgente",
	}
	for i, s := range spec.Statuses {
		spec.Statuses[i].Label.Translations = map[string]string{"fr": fr[s.Code]}
	}
	for i, p := range spec.Priorities {
		spec.Priorities[i].Label.Translations = map[string]string{"fr": fr[p.Code]}
	}
	spec.Priorities[2].Label.Translations["fr-CA"] = "Élevée"
	spec.Departments = []ticket.Department{
		{Code: "support", Label: ticket.Label{Text: "Support", Translations: map[string]string{"fr": "Assistance"}}, Email: "support@shop.example"},
		{Code: "workshop", Label: ticket.Label{Text: "Workshop", Translations: map[string]string{"fr": "Atelier"}}, Email: "workshop@shop.example"},
		{Code: "silent", Label: ticket.Label{Text: "Silent"}},
	}
	c, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	return c
}

// testTicket returns a fresh ticket of tenant "acme" in department
// support, unassigned, about order 10045.
func testTicket() *ticket.Ticket {
	return &ticket.Ticket{
		ID:         "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042",
		Number:     "TK-2026-000042",
		TenantID:   "acme",
		Subject:    "Kettle stopped working",
		Status:     ticket.StatusInProgress,
		Priority:   ticket.PriorityHigh,
		Category:   ticket.CategoryProblem,
		Department: "support",
		Customer:   ticket.Customer{ID: "c1", Name: "Marie Curie", Email: "marie@example.com"},
		References: []ticket.Reference{{Kind: ticket.RefOrder, ID: "10045"}},
		CreatedBy:  "agent-7",
		CreatedAt:  openedAt,
		UpdatedAt:  updatedAt,
		Version:    3,
	}
}

var (
	agent7   = ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "acme"}
	agent9   = ticket.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "acme"}
	customer = ticket.Actor{ID: "user-c1", Role: ticket.RoleCustomer, TenantID: "acme", CustomerID: "c1"}
	system   = ticket.SystemActor("acme")
)

// event builds an event of kind k by actor a on a fresh test ticket,
// changed by the given functions.
func event(k notify.Kind, a ticket.Actor, change ...func(*notify.Event)) notify.Event {
	e := notify.Event{
		ID:       "0195f0c2-8000-7000-8000-000000000001",
		Kind:     k,
		TenantID: "acme",
		At:       updatedAt,
		Actor:    a,
		Ticket:   testTicket(),
	}
	for _, f := range change {
		f(&e)
	}
	return e
}

func withMessage(kind ticket.MessageKind, body string) func(*notify.Event) {
	return func(e *notify.Event) {
		e.Message = &ticket.Message{ID: "m1", TenantID: e.TenantID, TicketID: e.Ticket.ID, Kind: kind,
			AuthorID: e.Actor.ID, AuthorRole: e.Actor.Role, Body: body, CreatedAt: e.At}
	}
}

func assignedTo(userID string) func(*notify.Event) {
	return func(e *notify.Event) { e.Ticket.Assignee = userID }
}

func statusChange(from, to string) func(*notify.Event) {
	return func(e *notify.Event) { e.From, e.To, e.Ticket.Status = from, to, to }
}

var errDirectoryDown = errors.New("directory down")

// directory knows agent-7 (French) and agent-9; "ghost" is unknown and
// "broken" fails.
var directory = notify.DirectoryFunc(func(_ context.Context, tenantID, userID string) (notify.Recipient, error) {
	if tenantID != "acme" {
		return notify.Recipient{}, notify.ErrUnknownUser
	}
	switch userID {
	case "agent-7":
		return notify.Recipient{Address: "alice@shop.example", Name: "Alice", Locale: "fr"}, nil
	case "agent-9":
		return notify.Recipient{Address: "bob@shop.example", Name: "Bob"}, nil
	case "broken":
		return notify.Recipient{}, errDirectoryDown
	default:
		return notify.Recipient{}, notify.ErrUnknownUser
	}
})
