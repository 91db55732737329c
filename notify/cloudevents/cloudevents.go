package cloudevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/webhook"
)

// CloudEvents attributes and media types of the events this package
// writes.
const (
	// SpecVersion is the CloudEvents version of every event: "1.0".
	SpecVersion = "1.0"
	// MediaType is the content type of a message holding an event in
	// structured mode: the whole envelope, data included, as one JSON
	// object.
	MediaType = "application/cloudevents+json"
	// DataContentType is the datacontenttype attribute: data is JSON.
	DataContentType = "application/json"
	// DataVersion is the version of the [Data] schema: the last element
	// of every type ("….v1") and of [DataSchema]. A change a consumer
	// could trip over (a field renamed, removed or given a new meaning)
	// gets a new version; added fields do not.
	DataVersion = "v1"
	// TypePrefix starts every type: "com.ticketkit.ticket.opened.v1" is
	// TypePrefix, the event kind, "." and DataVersion.
	TypePrefix = "com.ticketkit."
	// DataSchema is the dataschema attribute of version 1: where [Data]
	// is described field by field.
	DataSchema = "https://pkg.go.dev/github.com/ticketkit/ticketkit/notify/cloudevents#Data"
	// DefaultSource is the source prefix [New] uses when it is given
	// none.
	DefaultSource = "/ticketkit"
)

// ErrInvalidEvent is returned, wrapped, for a notification that cannot
// become a CloudEvent (no ID, tenant, kind or ticket) and for bytes that
// are not a CloudEvent of this package. Retrying cannot fix it: the
// notifiers report it as [notify.Permanent].
var ErrInvalidEvent = errors.New("cloudevents: invalid event")

// Event is one CloudEvents 1.0 event in structured JSON mode. Its
// attributes are:
//
//   - id: the notification's idempotency key,
//     [notify.Event.IdempotencyKey] for no recipient, the same on every
//     delivery attempt: consumers (and a JetStream duplicate window)
//     drop repeats by it.
//   - source: the source prefix given to [New] (default [DefaultSource])
//     followed by "/tenants/" and the tenant, path-escaped, such as
//     "/ticketkit/tenants/acme". (source, id) is unique.
//   - type: [Type] of the kind, such as "com.ticketkit.ticket.opened.v1".
//   - subject: the ticket's number, such as "TK-2026-000042".
//   - time: when the change happened, UTC.
//   - datacontenttype: [DataContentType]; dataschema: [DataSchema].
//   - data: the [Data] of the event.
type Event struct {
	// SpecVersion is [SpecVersion].
	SpecVersion string `json:"specversion"`
	// ID is the notification's idempotency key.
	ID string `json:"id"`
	// Source is the source prefix, "/tenants/" and the tenant.
	Source string `json:"source"`
	// Type is [Type] of the notification's kind.
	Type string `json:"type"`
	// Subject is the ticket's number.
	Subject string `json:"subject,omitempty"`
	// Time is when the change happened, in UTC.
	Time time.Time `json:"time"`
	// DataContentType is [DataContentType].
	DataContentType string `json:"datacontenttype"`
	// DataSchema is [DataSchema].
	DataSchema string `json:"dataschema"`
	// Data describes the change and the ticket after it.
	Data Data `json:"data"`
}

// Type returns the CloudEvents type of events of kind k:
// "com.ticketkit." + k + ".v1".
func Type(k notify.Kind) string { return TypePrefix + string(k) + "." + DataVersion }

// KindOf returns the event kind of a CloudEvents type that [Type]
// wrote; ok is false for any other type, one of another data version
// included.
func KindOf(typ string) (k notify.Kind, ok bool) {
	rest, ok := strings.CutPrefix(typ, TypePrefix)
	if !ok {
		return "", false
	}
	kind, ok := strings.CutSuffix(rest, "."+DataVersion)
	if !ok || kind == "" {
		return "", false
	}
	return notify.Kind(kind), true
}

// New returns the CloudEvent of the notification e. source is the
// prefix of the source attribute, a URI reference such as
// "https://shop.example/helpdesk"; "" means [DefaultSource]. It fails
// with [ErrInvalidEvent] when e has no ID, tenant, kind or ticket.
func New(e notify.Event, source string) (Event, error) {
	var errs []error
	if e.ID == "" {
		errs = append(errs, errors.New("Event.ID is empty"))
	}
	if e.TenantID == "" {
		errs = append(errs, errors.New("Event.TenantID is empty"))
	}
	if e.Kind == "" {
		errs = append(errs, errors.New("Event.Kind is empty"))
	}
	if e.Ticket == nil {
		errs = append(errs, errors.New("Event.Ticket is nil"))
	}
	if len(errs) > 0 {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidEvent, errors.Join(errs...))
	}
	p, err := webhook.NewPayload(e)
	if err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if source == "" {
		source = DefaultSource
	}
	return Event{
		SpecVersion:     SpecVersion,
		ID:              e.IdempotencyKey(""),
		Source:          strings.TrimRight(source, "/") + "/tenants/" + url.PathEscape(e.TenantID),
		Type:            Type(e.Kind),
		Subject:         e.Ticket.Number,
		Time:            e.At.UTC(),
		DataContentType: DataContentType,
		DataSchema:      DataSchema,
		Data:            newData(p.Data, e),
	}, nil
}

// Marshal returns the JSON of [New](e, source): the body of a message
// whose content type is [MediaType].
func Marshal(e notify.Event, source string) ([]byte, error) {
	ce, err := New(e, source)
	if err != nil {
		return nil, err
	}
	return json.Marshal(ce)
}

// Unmarshal decodes a structured-mode CloudEvent that [Marshal] wrote.
// It fails with [ErrInvalidEvent] for bytes that are not one: not JSON,
// another specversion, no id or source, or a type [KindOf] does not
// know (a type of another data version included). Unknown fields are
// ignored, so that a consumer keeps reading events of a newer producer
// that added some.
func Unmarshal(b []byte) (Event, error) {
	var ce Event
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&ce); err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	var errs []error
	if ce.SpecVersion != SpecVersion {
		errs = append(errs, fmt.Errorf("specversion %q is not %q", ce.SpecVersion, SpecVersion))
	}
	if ce.ID == "" {
		errs = append(errs, errors.New("id is empty"))
	}
	if ce.Source == "" {
		errs = append(errs, errors.New("source is empty"))
	}
	if _, ok := KindOf(ce.Type); !ok {
		errs = append(errs, fmt.Errorf("type %q is not a ticketkit %s type", ce.Type, DataVersion))
	}
	if len(errs) > 0 {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidEvent, errors.Join(errs...))
	}
	return ce, nil
}

// Topic returns the dot-separated topic of e that the bus notifiers
// publish it under: prefix (if not empty), the tenant and the kind, such
// as "ticketkit.acme.ticket.opened" for prefix "ticketkit". It is a NATS
// subject and a RabbitMQ topic routing key alike, so that consumers
// subscribe to one tenant ("ticketkit.acme.>", "acme.#"), one kind
// ("ticketkit.*.ticket.closed", "*.ticket.closed") or all complaint
// events ("ticketkit.*.complaint.>").
//
// The tenant is one token: each byte of it other than an ASCII letter,
// digit, '-' or '_' is written as '%' and two upper-case hex digits, so
// that "acme.de" becomes "acme%2Ede". It fails with [ErrInvalidEvent]
// when e has no tenant or kind.
func Topic(prefix string, e notify.Event) (string, error) {
	if e.TenantID == "" || e.Kind == "" {
		return "", fmt.Errorf("%w: an event without tenant or kind has no topic", ErrInvalidEvent)
	}
	var b strings.Builder
	if prefix != "" {
		b.WriteString(prefix)
		b.WriteByte('.')
	}
	for i := range len(e.TenantID) {
		c := e.TenantID[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	b.WriteByte('.')
	b.WriteString(string(e.Kind))
	return b.String(), nil
}
