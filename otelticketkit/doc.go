// Package otelticketkit traces and measures a ticketkit help desk with
// OpenTelemetry: it implements [ticketkit.Observer], the hook of
// ticketkit.Config.Observer and ticketkit.DispatcherConfig.Observer, as
// Bun's bunotel and River's otelriver do for theirs. It is a module of
// its own, so that hosts without OpenTelemetry never download it, and it
// uses the OpenTelemetry API only: the host brings the SDK and its
// exporters, and hands in its providers (or installs them globally).
//
//	obs, err := otelticketkit.New(otelticketkit.Config{
//		TracerProvider: tp, MeterProvider: mp, // the host's SDK providers
//		Store:          store,                 // for the outbox gauges
//	})
//	if err != nil { ... }
//	defer obs.Close()
//	desk, err := ticketkit.New(ticketkit.Config{Store: store, Observer: obs})
//	dispatcher, err := ticketkit.NewDispatcher(ticketkit.DispatcherConfig{Store: store, Notifier: n, Observer: obs})
//
// # Spans
//
//   - "ticketkit.<UseCase>" (ticketkit.Open, ticketkit.ComplaintDecide …)
//     around every use case of the Desk, with the tenant and, once the
//     Desk knows it, the ticket's ID and number;
//   - "ticketkit.tx", a child of its use case's span (or its sweep's),
//     around every store transaction the Desk runs;
//   - "ticketkit.dispatch" around a Dispatcher round, with its counts,
//     and "ticketkit.deliver" below it for each entry handed to the
//     Notifier, with the tenant, ticket ID, event kind, attempt and
//     outcome; the Notifier gets the delivery's context, so that a
//     traced webhook client continues the trace;
//   - "ticketkit.sweep" around an escalation sweep, with what it fired.
//
// A span whose work failed has status Error and an error.type attribute
// (see [ErrorClass]); the error's text only with Config.ErrorMessages.
//
// # Metrics
//
// The use-case and transaction latency histograms, deliveries by outcome
// and event kind (dead letters among them), sweep duration, firings by
// kind and SLA breaches; with Config.Store, gauges of the outbox backlog,
// the age of its oldest pending entry and its dead letters, read from
// storage.OutboxStatsStore when the host's reader collects. See the
// Metric constants for names and units.
//
// # Personal data
//
// No subject, message, name, email address or phone number reaches a
// span or a metric: the attributes are identifiers (tenant, ticket ID and
// number, outbox entry ID, event kind, use case) and counts. Metrics
// carry no tenant or ticket, so that their cardinality stays bounded.
package otelticketkit
