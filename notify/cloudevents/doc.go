// Package cloudevents encodes ticketkit notifications as CloudEvents 1.0
// in structured JSON mode (https://cloudevents.io), the one encoding of
// the message-bus notifiers (the modules notify/nats and
// notify/rabbitmq), for consumers in any language.
//
// # Envelope
//
// Each notification becomes one JSON object of content type
// [MediaType], "application/cloudevents+json", described by [Event]:
//
//	{
//	  "specversion": "1.0",
//	  "id": "0195f0c2-8000-7000-8000-000000000001",
//	  "source": "/ticketkit/tenants/acme",
//	  "type": "com.ticketkit.ticket.message_added.v1",
//	  "subject": "TK-2026-000042",
//	  "time": "2026-03-06T09:15:00Z",
//	  "datacontenttype": "application/json",
//	  "dataschema": "https://pkg.go.dev/github.com/ticketkit/ticketkit/notify/cloudevents#Data",
//	  "data": {"event_id": "0195f0c2-8000-7000-8000-000000000001", "tenant_id": "acme", …}
//	}
//
// The id is the notification's idempotency key: it is the same every
// time the outbox delivers the notification again, so that consumers
// (and NATS JetStream's duplicate window) drop repeats by it.
//
// # Types and versions
//
// Every event kind of [notify.Kinds] has its type, [Type]: the prefix
// "com.ticketkit.", the kind and the data version, such as
// "com.ticketkit.ticket.opened.v1" or "com.ticketkit.complaint.posted.v1".
// The version, [DataVersion], is that of the [Data] schema: fields may be
// added to v1, and a consumer ignores those it does not know; a change
// that could break a consumer (a field renamed, removed or given a new
// meaning) comes as v2 types, published alongside v1 for a while.
// [KindOf] maps a type back to its kind.
//
// # Data
//
// [Data] is the webhook payload's "data" object ([webhook.Data]) plus the
// escalation, SLA and complaint facts of the kinds that have them. It
// carries what the webhook carries and no more personal data: ticket
// identifiers, catalog codes, the subject, the actor's and assignee's
// host user IDs, and, for "ticket.message_added", the message. The body
// and attachments of an internal note never leave the host; neither do
// the customer's contact details, the reason of a complaint reversal or
// an action's result. SCHEMA.md beside this file lists each type and
// field.
package cloudevents
