package bunstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// One Desk runs use cases in the host's own transactions: the host hands
// its bun.Tx to Desk.OpenTx as store.WithTx(tx). Nothing is announced
// before the host commits, and nothing at all for a transaction it rolls
// back; a Dispatcher delivers the committed ticket's notification.
func ExampleStore_WithTx() {
	ctx := context.Background()
	db := openExampleDB()
	defer db.Close()
	store, err := bunstore.New(db, bunstore.Config{TablePrefix: "desk_"})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE orders (id text PRIMARY KEY, ticket_id text)"); err != nil {
		log.Fatal(err)
	}
	announce := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
		fmt.Println("announced", e.Kind, e.Ticket.Subject)
		return nil
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: announce})
	if err != nil {
		log.Fatal(err)
	}
	clerk := ticketkit.Actor{ID: "clerk-1", Role: ticket.RoleAgent, TenantID: "acme"}
	errChangedMind := errors.New("the customer changed their mind")

	for _, order := range []string{"SO-1001", "SO-1002"} {
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			t, err := desk.OpenTx(ctx, store.WithTx(tx), clerk, ticketkit.OpenParams{Subject: "Refund order " + order})
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO orders VALUES (?, ?)", order, t.ID); err != nil {
				return err
			}
			if order == "SO-1002" {
				return errChangedMind // rolls back the order and its ticket
			}
			return nil
		})
		fmt.Println(order, "committed:", err == nil)
	}

	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: announce})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := dispatcher.RunOnce(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// SO-1001 committed: true
	// SO-1002 committed: false
	// announced ticket.opened Refund order SO-1001
}
