// Command postgres runs ticketkit on PostgreSQL inside the host's own
// transaction: an order-return row of the host and the ticket about it
// commit together, or not at all. One Desk serves every transaction: the
// host hands its bun.Tx to Desk.OpenTx as store.WithTx(tx). Nothing is
// announced from inside the host's transaction; a Dispatcher delivers
// the committed ticket's notification afterwards, and the rolled-back
// one's never.
//
//	go run ./examples/postgres -dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
// The same runs on MySQL 8 or MariaDB 10.11+ with a DSN in
// go-sql-driver/mysql's form behind mysql:// (see bunopen.MySQL):
//
//	go run ./examples/postgres -dsn 'mysql://root@tcp(127.0.0.1:3306)/test'
//
// The DSN may also come from TICKETKIT_POSTGRES_DSN. ticketkit's tables
// get the prefix "helpdesk_" so that they sit beside the host's.
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

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

func main() {
	dsn := flag.String("dsn", os.Getenv("TICKETKIT_POSTGRES_DSN"), "PostgreSQL DSN, or mysql://... for MySQL or MariaDB")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("give a PostgreSQL or mysql:// DSN with -dsn or TICKETKIT_POSTGRES_DSN")
	}
	ctx := context.Background()
	open := bunopen.Postgres
	if strings.HasPrefix(*dsn, "mysql://") {
		open = bunopen.MySQL
	}
	db, err := open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := run(ctx, os.Stdout, db); err != nil {
		log.Fatal(err)
	}
}

// returnRow is a row of the host's own schema.
type returnRow struct {
	bun.BaseModel `bun:"table:shop_returns"`
	ID            int64  `bun:"id,pk,autoincrement"`
	OrderID       string `bun:"order_id,notnull"`
	TicketNumber  string `bun:"ticket_number,notnull"`
}

var errCustomerChangedMind = errors.New("customer changed their mind")

// run migrates ticketkit's tables, then records two returns, each with a
// ticket, in the host's transactions: one commits, one rolls back. A
// Dispatcher then announces what was committed.
func run(ctx context.Context, w io.Writer, db *bun.DB) error {
	store, err := bunstore.New(db, bunstore.Config{TablePrefix: "helpdesk_"})
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if _, err := db.NewCreateTable().Model((*returnRow)(nil)).IfNotExists().Exec(ctx); err != nil {
		return err
	}
	clerk := ticketkit.Actor{ID: "clerk-3", Role: ticket.RoleAgent, TenantID: "shop"}
	// The notifier announces, here by printing, what a Dispatcher
	// delivers. Given to the Desk as well, it would deliver the changes of
	// the Desk's own transactions inline; a ...Tx method never does.
	announce := notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
		fmt.Fprintf(w, "announced: %s %s\n", e.Kind, e.Ticket.Number)
		return nil
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Notifier: announce})
	if err != nil {
		return err
	}

	record := func(orderID string, fail error) (string, error) {
		var number string
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			// The Desk writes through the host's transaction.
			t, err := desk.OpenTx(ctx, store.WithTx(tx), clerk, ticketkit.OpenParams{
				Subject:    "Return of order " + orderID,
				Category:   ticket.CategoryComplaint,
				References: []ticket.Reference{{Kind: ticket.RefOrder, ID: orderID}},
			})
			if err != nil {
				return err
			}
			number = t.Number
			if _, err := tx.NewInsert().Model(&returnRow{OrderID: orderID, TicketNumber: t.Number}).Exec(ctx); err != nil {
				return err
			}
			return fail
		})
		return number, err
	}

	n1, err := record("SO-1001", nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "committed: return of SO-1001 with ticket %s\n", n1)
	n2, err := record("SO-1002", errCustomerChangedMind)
	if !errors.Is(err, errCustomerChangedMind) {
		return fmt.Errorf("expected the rollback, got %v", err)
	}
	fmt.Fprintf(w, "rolled back: return of SO-1002 (ticket %s was never stored)\n", n2)

	// The notifications waited in the outbox for the host's commit; the
	// host runs a Dispatcher (Dispatcher.Run in the background, RunOnce
	// here) to deliver them.
	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: announce})
	if err != nil {
		return err
	}
	for range 2 { // the second round finds nothing left to deliver
		sent, err := dispatcher.RunOnce(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "dispatched: %d notification(s)\n", sent.Delivered)
	}

	res, err := desk.Search(ctx, clerk, ticketkit.SearchParams{Text: "Return of order"})
	if err != nil {
		return err
	}
	returns, err := db.NewSelect().Model((*returnRow)(nil)).Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "stored: %d return row(s), %d ticket(s)\n", returns, len(res.Tickets))
	for _, t := range res.Tickets {
		fmt.Fprintf(w, "  %s %s\n", t.Number, t.Subject)
	}
	return nil
}
