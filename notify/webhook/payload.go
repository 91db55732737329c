package webhook

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
)

// Payload is the JSON body of every request a [Sender] makes. Its shape
// is stable: fields may be added, but none is renamed or changes meaning.
type Payload struct {
	// Type is the event kind, such as "ticket.opened".
	Type notify.Kind `json:"type"`
	// Timestamp is when the change happened, in UTC (RFC 3339).
	Timestamp time.Time `json:"timestamp"`
	// Data describes the event and the ticket after the change.
	Data Data `json:"data"`
}

// Data is the "data" object of a [Payload].
type Data struct {
	// EventID is the ID of the event, the same on every delivery attempt.
	EventID string `json:"event_id"`
	// TenantID is the tenant of the ticket.
	TenantID string `json:"tenant_id"`
	// TicketID and Number identify the ticket.
	TicketID string `json:"ticket_id"`
	Number   string `json:"number"`
	// Subject, Status, Priority, Department and Assignee are those of the
	// ticket after the change; Status and Priority are catalog codes.
	Subject    string `json:"subject"`
	Status     string `json:"status"`
	Priority   string `json:"priority"`
	Department string `json:"department,omitempty"`
	Assignee   string `json:"assignee,omitempty"`
	// From and To are the old and new status for "ticket.status_changed"
	// and "ticket.closed", or the old and new assignee for
	// "ticket.assigned".
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Actor is who made the change.
	Actor Actor `json:"actor"`
	// Message is the added message, for "ticket.message_added".
	Message *Message `json:"message,omitempty"`
	// Changes are the history lines of the change, if any.
	Changes []Change `json:"changes,omitempty"`
}

// Actor is who made a change.
type Actor struct {
	// ID is the host's user ID.
	ID string `json:"id"`
	// Role is "customer", "agent", "supervisor" or "system".
	Role ticket.Role `json:"role"`
}

// Message is a message added to a ticket's thread.
type Message struct {
	ID string `json:"id"`
	// Kind is "customer", "reply", "note" (an internal note) or "system".
	Kind ticket.MessageKind `json:"kind"`
	// Type is a message type code from the catalog, if any.
	Type       string      `json:"type,omitempty"`
	AuthorID   string      `json:"author_id,omitempty"`
	AuthorRole ticket.Role `json:"author_role,omitempty"`
	// Body is the text of the message. It is sent only for the kinds
	// customers may see ("customer", "reply", "system"): never for an
	// internal note, whose payload has no "body".
	Body string `json:"body,omitempty"`
	// Attachments describe the attached files, sent only when Body is.
	Attachments []Attachment `json:"attachments,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
}

// Attachment describes a file attached to a message. The content is not
// sent.
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
}

// Change is one history line of a change: Field went from Old to New.
type Change struct {
	// Field is a history field name such as "status" or "fields.serial".
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// NewPayload returns the payload a [Sender] sends for e. It fails for
// an event without a ticket. Other transports that carry the same shape,
// such as the CloudEvents of notify/cloudevents, build it here.
func NewPayload(e notify.Event) (Payload, error) {
	if e.Ticket == nil {
		return Payload{}, errors.New("event has no ticket")
	}
	t := e.Ticket
	p := Payload{
		Type:      e.Kind,
		Timestamp: e.At.UTC(),
		Data: Data{
			EventID: e.ID, TenantID: e.TenantID, TicketID: t.ID, Number: t.Number,
			Subject: t.Subject, Status: t.Status, Priority: t.Priority,
			Department: t.Department, Assignee: t.Assignee,
			From: e.From, To: e.To,
			Actor: Actor{ID: e.Actor.ID, Role: e.Actor.Role},
		},
	}
	if m := e.Message; m != nil {
		msg := &Message{
			ID: m.ID, Kind: m.Kind, Type: m.Type, AuthorID: m.AuthorID, AuthorRole: m.AuthorRole,
			CreatedAt: m.CreatedAt.UTC(),
		}
		// Only kinds known to be visible to customers carry their text:
		// an internal note, or a kind this package does not know, never
		// leaves the host.
		if m.Kind.Valid() && !m.Kind.Internal() {
			msg.Body = m.Body
			for _, a := range m.Attachments {
				msg.Attachments = append(msg.Attachments, Attachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size})
			}
		}
		p.Data.Message = msg
	}
	for _, c := range e.Changes {
		if c != nil {
			p.Data.Changes = append(p.Data.Changes, Change{Field: c.Field, Old: c.Old, New: c.New})
		}
	}
	return p, nil
}

// encode returns the JSON body for e.
func encode(e notify.Event) ([]byte, error) {
	p, err := NewPayload(e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}
