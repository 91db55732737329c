// Command hosttest shows how a host tests its own code around ticketkit:
// the returns service below opens a ticket when a customer asks to
// return an order and escalates it when the parcel is lost. Its tests
// (main_test.go) run on the in-memory store with a fake clock and a
// notification recorder, in milliseconds, with no database.
//
//	go run ./examples/hosttest
//	go test ./examples/hosttest
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// Returns is the host's code under test: a service of the shop that
// turns return requests into tickets.
type Returns struct {
	Desk *ticketkit.Desk
	// Orders tells whether an order exists and whose it is.
	Orders map[string]string // order ID → customer ID
}

// ErrUnknownOrder is returned for a return request about an order the
// shop does not know, or that belongs to someone else.
var ErrUnknownOrder = errors.New("returns: unknown order")

// desk is the returns desk's staff actor.
var desk = ticketkit.Actor{ID: "returns-bot", Role: ticket.RoleSystem, TenantID: "shop"}

// Request opens a ticket for a return request and returns its number.
func (r *Returns) Request(ctx context.Context, customerID, email, orderID, reason string) (string, error) {
	if r.Orders[orderID] != customerID {
		return "", fmt.Errorf("%w %q", ErrUnknownOrder, orderID)
	}
	t, err := r.Desk.Open(ctx, desk, ticketkit.OpenParams{
		Subject:     "Return of order " + orderID,
		Category:    ticket.CategoryComplaint,
		Channel:     ticket.ChannelPortal,
		Customer:    ticket.Customer{ID: customerID, Email: email},
		References:  []ticket.Reference{{Kind: ticket.RefOrder, ID: orderID}},
		Tags:        []string{"return"},
		Description: reason,
	})
	if err != nil {
		return "", err
	}
	return t.Number, nil
}

// ParcelLost escalates the return ticket of an order: the carrier lost
// the parcel on its way back.
func (r *Returns) ParcelLost(ctx context.Context, number string) error {
	t, err := r.Desk.GetByNumber(ctx, desk, number)
	if err != nil {
		return err
	}
	urgent := "urgent"
	if _, err := r.Desk.Update(ctx, desk, ticketkit.UpdateParams{TicketID: t.ID, Priority: &urgent}); err != nil {
		return err
	}
	_, err = r.Desk.Transition(ctx, desk, ticketkit.TransitionParams{TicketID: t.ID, To: ticket.StatusEscalated})
	return err
}

func main() {
	ctx := context.Background()
	d, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	if err != nil {
		log.Fatal(err)
	}
	r := &Returns{Desk: d, Orders: map[string]string{"SO-1": "C-1"}}
	n, err := r.Request(ctx, "C-1", "ann@example.com", "SO-1", "Too small")
	if err != nil {
		log.Fatal(err)
	}
	if err := r.ParcelLost(ctx, n); err != nil {
		log.Fatal(err)
	}
	_, err = r.Request(ctx, "C-1", "ann@example.com", "SO-2", "?")
	fmt.Fprintf(os.Stdout, "return ticket %s escalated; a request for another order: %v\n", n, err)
}
