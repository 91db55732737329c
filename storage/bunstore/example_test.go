package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// openExampleDB opens an in-memory SQLite database, which must have a
// single connection.
func openExampleDB() *bun.DB {
	sqldb, err := sql.Open("sqlite", ":memory:?_pragma=foreign_keys(1)")
	if err != nil {
		log.Fatal(err)
	}
	sqldb.SetMaxOpenConns(1)
	return bun.NewDB(sqldb, sqlitedialect.New())
}

// A store on SQLite: migrate, then open a ticket with its number, history
// line and notification in one transaction.
func Example() {
	ctx := context.Background()
	db := openExampleDB()
	defer db.Close()

	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	tk := &ticket.Ticket{
		ID: "01950000-0000-7000-8000-000000000001", TenantID: "acme",
		Subject: "Espresso machine leaks", Status: ticket.StatusOpen, Priority: ticket.PriorityHigh,
		CreatedAt: now, UpdatedAt: now,
	}
	err = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		n, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK-2026"})
		if err != nil {
			return err
		}
		tk.Number = fmt.Sprintf("TK-2026-%06d", n)
		if err := tx.TicketCreate(ctx, tk); err != nil {
			return err
		}
		return tx.EventCreate(ctx, []*ticket.Event{{
			ID: "01950000-0000-7000-8000-000000000002", TenantID: "acme", TicketID: tk.ID,
			At: now, Field: ticket.FieldCreated, New: tk.Number,
		}})
	})
	if err != nil {
		log.Fatal(err)
	}

	got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-2026-000001"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Number, got.Subject, got.Version)
	// Output: TK-2026-000001 Espresso machine leaks 1
}

// A host writes its own rows and a ticket in one transaction of its own.
func ExampleNew_hostTransaction() {
	ctx := context.Background()
	db := openExampleDB()
	defer db.Close()
	st, err := bunstore.New(db, bunstore.Config{TablePrefix: "desk_"})
	if err != nil {
		log.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE orders (id text PRIMARY KEY, ticket_id text)"); err != nil {
		log.Fatal(err)
	}

	now := time.Now()
	tk := &ticket.Ticket{
		ID: "01950000-0000-7000-8000-000000000003", Number: "TK-2026-000001", TenantID: "acme",
		Subject: "Refund order SO-1001", Status: ticket.StatusOpen, Priority: ticket.PriorityNormal,
		CreatedAt: now, UpdatedAt: now,
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO orders VALUES (?, ?)", "SO-1001", tk.ID); err != nil {
			return err
		}
		inTx, err := bunstore.New(tx, bunstore.Config{TablePrefix: "desk_"})
		if err != nil {
			return err
		}
		return inTx.TicketCreate(ctx, tk)
	})
	if err != nil {
		log.Fatal(err)
	}

	got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Subject)
	// Output: Refund order SO-1001
}
