// Package rabbitmq publishes ticketkit notifications to a RabbitMQ
// exchange as CloudEvents, with publisher confirms, so that the host
// platform's other services learn of every ticket and complaint event
// from the broker they already consume.
//
// It is a module of its own (github.com/ticketkit/ticketkit/notify/rabbitmq):
// a host that does not use RabbitMQ never downloads or compiles its client.
//
// # Publishing
//
// A [Publisher] is a [notify.Notifier]. Hand it to the outbox Dispatcher,
// alone or in a [notify.Fanout]:
//
//	pub, _ := rabbitmq.New(rabbitmq.Config{URL: "amqps://user:pass@rabbit.internal/"})
//	defer pub.Close()
//	d, _ := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: pub})
//
// The host declares the exchange ([Config.Exchange], "ticketkit" by
// default), usually a durable topic exchange, and binds its queues. Each
// event becomes one persistent message: its body is the CloudEvent in
// structured JSON mode (see package notify/cloudevents for the envelope,
// the types such as "com.ticketkit.ticket.opened.v1" and the versioned
// data), content type "application/cloudevents+json", MessageId the
// CloudEvent's id, Type its type, Timestamp the event's time, AppId
// "ticketkit", and routing key the tenant and the kind:
// "acme.ticket.opened", "acme.complaint.posted". Queues bind with
// patterns such as "acme.#" or "*.ticket.closed".
//
// # Exactly once
//
// Notify waits for the broker's publisher confirm: only a message the
// broker has taken for good (written to its durable queues) counts as
// delivered, and the outbox marks it so. A negative confirm
// ([ErrNacked]), a message returned as unroutable ([ErrUnroutable]: it
// is published as mandatory, so a missing binding is an error instead of
// a silent loss), a closed channel or connection and a missing confirm
// within [Config.Timeout] are temporary errors: the outbox retries the
// event with its backoff. Invalid events fail for good
// ([notify.ErrPermanent]) and become dead letters.
//
// The outbox delivers at least once, and RabbitMQ does not deduplicate:
// a dispatcher that dies between the confirm and marking the entry
// publishes it again. Every message carries MessageId = the
// notification's idempotency key, the same on every attempt; consumers
// drop a MessageId they have already processed (or use RabbitMQ's
// message deduplication plugin on it).
//
// # Connection
//
// The Publisher dials [Config.URL] on first use, opens confirm-mode
// channels as calls need them (keeping [Config.MaxIdleChannels] between
// calls), and dials again after the connection is lost. [Publisher.Close]
// closes it.
package rabbitmq
