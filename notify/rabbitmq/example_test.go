package rabbitmq_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify/cloudevents"
	"github.com/ticketkit/ticketkit/notify/rabbitmq"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// The outbox Dispatcher publishes every ticket event to a RabbitMQ topic
// exchange, where the platform's other services consume it as a
// CloudEvent from their own queues. (This example needs a RabbitMQ
// server: TICKETKIT_TEST_RABBITMQ, by default
// amqp://guest:guest@127.0.0.1:5672/.)
func Example() {
	ctx := context.Background()
	url := cmp.Or(os.Getenv("TICKETKIT_TEST_RABBITMQ"), "amqp://guest:guest@127.0.0.1:5672/")

	// The platform's side: the exchange, and a queue of its own for
	// every event of tenant "shop".
	conn, err := amqp.Dial(url)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		panic(err)
	}
	if err := ch.ExchangeDeclare("ticketkit_example", amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		panic(err)
	}
	defer func() { _ = ch.ExchangeDelete("ticketkit_example", false, false) }()
	q, err := ch.QueueDeclare("", false, true, true, false, nil) // a private queue
	if err != nil {
		panic(err)
	}
	if err := ch.QueueBind(q.Name, "shop.#", "ticketkit_example", false, nil); err != nil {
		panic(err)
	}

	// ticketkit's side.
	pub, err := rabbitmq.New(rabbitmq.Config{URL: url, Exchange: "ticketkit_example"})
	if err != nil {
		panic(err)
	}
	defer pub.Close()
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
	fmt.Println("delivered:", res.Delivered) // confirmed by the broker

	m, ok, err := ch.Get(q.Name, true)
	if err != nil || !ok {
		panic(fmt.Sprint("no message: ", err))
	}
	ce, err := cloudevents.Unmarshal(m.Body)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.RoutingKey, m.ContentType)
	fmt.Println(ce.Type, ce.Subject, ce.Data.Subject)
	fmt.Println("MessageId is the id:", m.MessageId == ce.ID)
	fmt.Println("customer's email on the bus:", strings.Contains(string(m.Body), "ada@example.com"))
	// Output:
	// delivered: 1
	// shop.ticket.opened application/cloudevents+json
	// com.ticketkit.ticket.opened.v1 TK-2026-000001 Blender jar cracked
	// MessageId is the id: true
	// customer's email on the bus: false
}
