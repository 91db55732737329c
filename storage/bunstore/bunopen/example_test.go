package bunopen_test

import (
	"context"
	"log"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// A Desk on the MySQL or MariaDB database a shop already runs, its
// tables prefixed so that they sit beside the shop's. (No output: it
// needs a server; TestMySQL runs the same against one.)
func ExampleMySQL() {
	ctx := context.Background()
	db, err := bunopen.MySQL(ctx, "mysql://shop:secret@tcp(127.0.0.1:3306)/shop?tls=preferred")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := bunstore.New(db, bunstore.Config{TablePrefix: "helpdesk_"})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil { // or bunstore.Migrations("mysql", "helpdesk_") in the shop's migrator
		log.Fatal(err)
	}
	desk, err := ticketkit.New(ticketkit.Config{Store: store})
	if err != nil {
		log.Fatal(err)
	}
	_ = desk
}
