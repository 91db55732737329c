package riverticketkit_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/riverticketkit"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// A host that runs River hands ticketkit's outbox dispatch to it: one
// *sql.DB serves Bun (ticketkit's store) and River's database/sql driver;
// River's migrations run next to ticketkit's. The opening's notification
// is delivered by a River job, after the commit, once.
func Example() {
	ctx := context.Background()
	dsn := cmp.Or(os.Getenv("TICKETKIT_TEST_POSTGRES"), "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	schema := fmt.Sprintf("riverticketkit_example_%d", os.Getpid()) // a schema of its own, dropped at the end
	db, err := bunopen.Postgres(ctx, dsn+"&search_path="+schema)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		panic(err)
	}
	defer db.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck

	store, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		panic(err)
	}
	if err := store.Migrate(ctx); err != nil {
		panic(err)
	}
	driver := riverdatabasesql.New(db.DB) // River's database/sql driver over Bun's *sql.DB (or riverpgxv5 over a pgxpool)
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		panic(err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		panic(err)
	}

	delivered := make(chan notify.Event, 1)
	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{
		Store: store,
		Notifier: notify.NotifierFunc(func(_ context.Context, e notify.Event) error {
			delivered <- e
			return nil
		}),
	})
	if err != nil {
		panic(err)
	}
	rc := &river.Config{Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}}
	err = riverticketkit.Register(rc, riverticketkit.Config{Dispatcher: dispatcher}) // Desk: desk adds the escalation sweeps
	if err != nil {
		panic(err)
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		panic(err)
	}
	if err := client.Start(ctx); err != nil {
		panic(err)
	}
	defer client.Stop(context.WithoutCancel(ctx)) //nolint:errcheck

	desk, err := ticketkit.New(ticketkit.Config{Store: store}) // no Notifier: the outbox waits for River
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	if _, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Parcel lost"}); err != nil {
		panic(err)
	}
	select {
	case e := <-delivered:
		fmt.Println(e.Kind, e.Ticket.Subject)
	case <-time.After(30 * time.Second):
		fmt.Println("nothing delivered")
	}
	// Output:
	// ticket.opened Parcel lost
}
