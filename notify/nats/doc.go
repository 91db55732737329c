// Package nats publishes ticketkit notifications to NATS JetStream as
// CloudEvents, so that the host platform's other services learn of every
// ticket and complaint event from the bus they already listen to.
//
// It is a module of its own (github.com/ticketkit/ticketkit/notify/nats):
// a host that does not use NATS never downloads or compiles its client.
//
// # Publishing
//
// A [Publisher] is a [notify.Notifier]. Hand it to the outbox Dispatcher,
// alone or in a [notify.Fanout]:
//
//	nc, _ := nats.Connect(url)            // github.com/nats-io/nats.go
//	js, _ := jetstream.New(nc)
//	_, _ = js.CreateOrUpdateStream(ctx, tknats.StreamConfig("TICKETKIT", ""))
//	pub, _ := tknats.New(tknats.Config{JetStream: js})
//	d, _ := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: pub})
//
// Each event becomes one message: its body is the CloudEvent in
// structured JSON mode (see package notify/cloudevents for the envelope,
// the types such as "com.ticketkit.ticket.opened.v1" and the versioned
// data), its Content-Type header "application/cloudevents+json", and its
// subject [Config.SubjectPrefix], the tenant and the kind:
// "ticketkit.acme.ticket.opened", "ticketkit.acme.complaint.posted".
// Consumers filter with wildcards ("ticketkit.acme.>",
// "ticketkit.*.ticket.closed").
//
// # Exactly once
//
// The outbox delivers at least once: a dispatcher that dies between
// publishing and marking an entry delivered publishes it again later.
// Every message carries Nats-Msg-Id = the CloudEvent's id = the
// notification's idempotency key, the same on every attempt, so
// JetStream drops the repeat within the stream's duplicate window
// ([StreamConfig] sets [DefaultDuplicateWindow], one hour). A consumer
// that also drops ids it has seen gets each event once even beyond the
// window.
//
// # Failures
//
// Notify returns once JetStream has acknowledged the message, within
// [Config.Timeout]. An event that cannot be encoded or is too large for
// the stream fails for good ([notify.ErrPermanent]): the Dispatcher
// makes it a dead letter. Everything else (the server down or
// reconnecting, no stream for the subject, no acknowledgement in time)
// is temporary and retried by the outbox with its backoff.
package nats
