package ticket

import (
	"slices"
	"time"
)

// Message is one entry of a ticket's thread: a customer message, an agent
// reply, an internal note or a system entry.
type Message struct {
	ID       string      `json:"id"`
	TenantID string      `json:"tenant_id"`
	TicketID string      `json:"ticket_id"`
	Kind     MessageKind `json:"kind"`
	// Type is a message type code from the catalog's categories, such as
	// "question"; empty when the message has none.
	Type        string       `json:"type,omitempty"`
	AuthorID    string       `json:"author_id,omitempty"`
	AuthorRole  Role         `json:"author_role,omitempty"`
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	// AuthorName is the display name customers see for a staff
	// author, whose AuthorID they are not shown. It is set only on the
	// copies the Desk returns to customers and never stored.
	AuthorName string `json:"author_name,omitempty"`
	// Unseen lists the customer messages that arrived after the
	// message its author had last seen (ticketkit's
	// MessageParams.SeenMessageID), oldest first, when the reply was
	// posted nonetheless (Config.StaleReplies "warn"). It is set only on
	// the message the Desk returns to that author and never stored.
	Unseen []string `json:"unseen,omitempty"`
}

// Attachment describes a file attached to a message. The content lives in
// a blob store under Key; the message keeps only this metadata.
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	// SHA256 is the hex-encoded SHA-256 digest of the content.
	SHA256 string `json:"sha256,omitempty"`
	// Key locates the content in the blob store.
	Key string `json:"key"`
}

// Clone returns a deep copy of m.
func (m *Message) Clone() *Message {
	if m == nil {
		return nil
	}
	c := *m
	c.Attachments = slices.Clone(m.Attachments)
	c.Unseen = slices.Clone(m.Unseen)
	return &c
}
