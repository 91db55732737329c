package nats_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	tknats "github.com/ticketkit/ticketkit/notify/nats"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// The outbox Dispatcher publishes every ticket event to JetStream, where
// the platform's other services consume it as a CloudEvent. (This
// example needs a NATS server with JetStream: TICKETKIT_TEST_NATS, by
// default nats://127.0.0.1:4222.)
func Example() {
	ctx := context.Background()
	nc, err := natsgo.Connect(cmp.Or(os.Getenv("TICKETKIT_TEST_NATS"), natsgo.DefaultURL))
	if err != nil {
		panic(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		panic(err)
	}
	// The host owns the stream: every subject below the prefix, with a
	// duplicate window that covers the outbox's redeliveries.
	stream, err := js.CreateOrUpdateStream(ctx, tknats.StreamConfig("TICKETKIT_EXAMPLE", "example"))
	if err != nil {
		panic(err)
	}
	defer func() { _ = js.DeleteStream(ctx, "TICKETKIT_EXAMPLE") }()
	if err := stream.Purge(ctx); err != nil {
		panic(err)
	}

	pub, err := tknats.New(tknats.Config{JetStream: js, SubjectPrefix: "example"})
	if err != nil {
		panic(err)
	}
	store := memory.New()
	clk := clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk})
	if err != nil {
		panic(err)
	}
	clerk := ticketkit.Actor{ID: "clerk-12", Role: ticket.RoleAgent, TenantID: "shop"}
	_, err = desk.Open(ctx, clerk, ticketkit.OpenParams{Subject: "Blender jar cracked",
		Customer: ticket.Customer{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		panic(err)
	}
	d, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: pub, Clock: clk})
	if err != nil {
		panic(err)
	}
	res, err := d.RunOnce(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("delivered:", res.Delivered)

	// A consumer of the platform reads the CloudEvent.
	cons, err := js.OrderedConsumer(ctx, "TICKETKIT_EXAMPLE", jetstream.OrderedConsumerConfig{})
	if err != nil {
		panic(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		panic(err)
	}
	ce, err := cloudevents.Unmarshal(msg.Data())
	if err != nil {
		panic(err)
	}
	fmt.Println(msg.Subject())
	fmt.Println(ce.Type, ce.Subject, ce.Data.Subject)
	fmt.Println("Nats-Msg-Id is the id:", msg.Headers().Get(jetstream.MsgIDHeader) == ce.ID)
	fmt.Println("customer's email on the bus:", strings.Contains(string(msg.Data()), "ada@example.com"))
	// Output:
	// delivered: 1
	// example.shop.ticket.opened
	// com.ticketkit.ticket.opened.v1 TK-2026-000001 Blender jar cracked
	// Nats-Msg-Id is the id: true
	// customer's email on the bus: false
}
