// Package webhook delivers ticketkit notifications to an HTTP endpoint,
// signed with the Standard Webhooks scheme (https://www.standardwebhooks.com).
//
// A [Sender] is a [notify.Notifier]: for each event it POSTs one JSON
// [Payload] to its endpoint URL. Hosts usually hand it to the outbox
// Dispatcher, alone or in a [notify.Fanout] with other notifiers.
//
// # Payload
//
// The body is a JSON object with a stable shape, described field by
// field by [Payload] and [Data]. New fields may be added; existing ones
// keep their names and meaning.
//
//	{
//	  "type": "ticket.message_added",
//	  "timestamp": "2026-03-06T09:15:00Z",
//	  "data": {
//	    "event_id": "0195f0c2-8000-7000-8000-000000000001",
//	    "tenant_id": "acme",
//	    "ticket_id": "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042",
//	    "number": "TK-2026-000042",
//	    "subject": "Kettle stopped working",
//	    "status": "in_progress",
//	    "priority": "high",
//	    "department": "support",
//	    "actor": {"id": "agent-7", "role": "agent"},
//	    "message": {"id": "m1", "kind": "reply", "author_id": "agent-7",
//	                "author_role": "agent", "body": "A new one is on its way.",
//	                "created_at": "2026-03-06T09:15:00Z"}
//	  }
//	}
//
// Internal notes never leave as text: for a message of kind "note" the
// payload carries its ID, kind, author and time, but neither its body nor
// its attachments. A receiver that needs them asks the host's own API,
// which can check who is asking.
//
// # Signatures
//
// Every request carries three headers:
//
//   - webhook-id: [notify.Event.IdempotencyKey] of the event for
//     [Config.Name]. It is the same on every attempt to deliver the
//     event, so receivers deduplicate by it.
//   - webhook-timestamp: the time of the attempt, in Unix seconds.
//   - webhook-signature: "v1," followed by the base64 of the HMAC-SHA256,
//     keyed with the secret, of the id, ".", the timestamp, "." and the
//     raw body. While secrets are rotated ([Config.AdditionalSecrets]),
//     the header holds one such signature per secret, separated by
//     spaces, so that a receiver that knows any one of the secrets
//     accepts the request.
//
// Secrets are given either as raw bytes or in the Standard Webhooks form
// "whsec_" followed by the base64 of the key. Receivers check a request
// with [Verify], which also rejects timestamps too far from the present,
// so that a captured request cannot be replayed later.
//
// # Failures and retries
//
// A 2xx answer means delivered. A 4xx answer other than 408 (Request
// Timeout) and 429 (Too Many Requests), 410 Gone included, is final:
// Notify returns an error that matches [notify.ErrPermanent], and the
// Dispatcher does not try that event again. Answers 408, 429 and 5xx,
// network errors and attempts that take longer than [Config.Timeout] are
// retried within the call, up to [Config.MaxAttempts] attempts, after a
// short exponential backoff with jitter or after the delay the endpoint
// asks for in Retry-After when it is short enough. When they are used up,
// Notify returns a temporary error. Other answers (redirects, which are
// not followed by the default client) end the call with a temporary
// error too. Answers are reported as a *[StatusError].
//
// In-call retries are meant to ride out a blip of a second or two. The
// outbox Dispatcher does the long retries, with its own backoff over
// minutes and hours, for every temporary error Notify returns.
// Cancelling Notify's context stops it at once, between attempts as well
// as during one.
//
// Error messages name the endpoint's URL without its user information,
// query and fragment, so that tokens there do not end up in logs.
package webhook
