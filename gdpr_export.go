package ticketkit

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ExportCustomerParams names the customer whose data to export.
type ExportCustomerParams struct {
	// CustomerID is the host's ID of the customer (Ticket.Customer.ID).
	CustomerID string `json:"customer_id" validate:"required,max=200,singleline"`
}

// CustomerExport is the archive of a customer's data that
// [Desk.ExportCustomer] returns: encoded with encoding/json it is one
// JSON document, attachments' content included (base64, as encoding/json
// writes []byte).
type CustomerExport struct {
	TenantID   string           `json:"tenant_id"`
	CustomerID string           `json:"customer_id"`
	ExportedAt time.Time        `json:"exported_at"`
	Tickets    []ExportedTicket `json:"tickets"`
}

// ExportedTicket is one ticket of a [CustomerExport], with its thread
// and history.
type ExportedTicket struct {
	Ticket   *ticket.Ticket    `json:"ticket"`
	Messages []ExportedMessage `json:"messages"`
	History  []*ticket.Event   `json:"history"`
}

// ExportedMessage is a message of an [ExportedTicket] with its files.
type ExportedMessage struct {
	*ticket.Message
	Files []ExportedFile `json:"files,omitempty"`
}

// ExportedFile is the content of one attachment.
type ExportedFile struct {
	AttachmentID string `json:"attachment_id"`
	Name         string `json:"name"`
	ContentType  string `json:"content_type,omitempty"`
	Content      []byte `json:"content"`
}

// ExportCustomer returns everything the desk keeps of a customer's
// tickets (GDPR article 15 and 20): each ticket, every message,
// internal notes included, with its attachments' content from
// Config.Blobs, and its history. Only admins and the system may export
// (ErrForbidden otherwise); the host decides what of it goes to the
// customer. Reads of attachments missing from the blob store fail the
// export.
func (d *Desk) ExportCustomer(ctx context.Context, actor ticket.Actor, p ExportCustomerParams) (_ *CustomerExport, err error) {
	ctx, end := d.begin(ctx, "ExportCustomer", actor)
	defer func() { end(err) }()
	if err := checkEraser(actor, EraseCustomerParams{CustomerID: p.CustomerID}); err != nil {
		return nil, err
	}
	out := &CustomerExport{TenantID: actor.TenantID, CustomerID: p.CustomerID, ExportedAt: d.now(), Tickets: []ExportedTicket{}}
	q := storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: actor.TenantID, CustomerID: p.CustomerID}, Limit: storage.MaxLimit}
	for {
		page, err := d.store.TicketList(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("ticketkit: export customer: %w", err)
		}
		for _, t := range page.Tickets {
			et, err := d.exportTicketFrom(ctx, d.store, t)
			if err != nil {
				return nil, err
			}
			out.Tickets = append(out.Tickets, et)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// exportTicketFrom reads a ticket's messages, files and history through
// q (the store, or a transaction).
func (d *Desk) exportTicketFrom(ctx context.Context, q storage.Tx, t *ticket.Ticket) (ExportedTicket, error) {
	et := ExportedTicket{Ticket: t, Messages: []ExportedMessage{}}
	mq := storage.MessageListParams{TenantID: t.TenantID, TicketID: t.ID, Limit: storage.MaxLimit}
	for {
		page, err := q.MessageList(ctx, mq)
		if err != nil {
			return et, fmt.Errorf("ticketkit: export customer: messages of %s: %w", t.ID, err)
		}
		for _, m := range page.Messages {
			em := ExportedMessage{Message: m}
			for _, a := range m.Attachments {
				content, err := d.readBlob(ctx, a.Key)
				if err != nil {
					return et, fmt.Errorf("ticketkit: export customer: attachment %s of %s: %w", a.ID, t.ID, err)
				}
				em.Files = append(em.Files, ExportedFile{AttachmentID: a.ID, Name: a.Name, ContentType: a.ContentType, Content: content})
			}
			et.Messages = append(et.Messages, em)
		}
		if page.Next == "" {
			break
		}
		mq.After = page.Next
	}
	hist, err := q.EventList(ctx, storage.EventListParams{TenantID: t.TenantID, TicketID: t.ID})
	if err != nil {
		return et, fmt.Errorf("ticketkit: export customer: history of %s: %w", t.ID, err)
	}
	et.History = hist
	return et, nil
}

// readBlob returns the content of a blob.
func (d *Desk) readBlob(ctx context.Context, key string) ([]byte, error) {
	if d.blobs == nil {
		return nil, ErrNoBlobStore
	}
	r, err := d.blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer func() { _ = r.Close() }()
	return io.ReadAll(r)
}
