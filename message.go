package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ErrNoBlobStore is returned for attachments when the Desk was configured
// without a blob store.
var ErrNoBlobStore = errors.New("ticketkit: no blob store configured for attachments")

// AttachmentInput is a file to attach to a message.
type AttachmentInput struct {
	Name        string    `json:"name" validate:"required,max=255"`
	ContentType string    `json:"content_type,omitempty" validate:"max=255"`
	Content     io.Reader `json:"-" validate:"required"`
}

// MessageParams is a message to add to a ticket's thread.
type MessageParams struct {
	TicketID string `json:"ticket_id" validate:"required"`
	Body     string `json:"body" validate:"required,max=100000"`
	// Type is a message type (category) code from the catalog.
	Type        string            `json:"type,omitempty"`
	Attachments []AttachmentInput `json:"attachments,omitempty" validate:"dive"`
	// Inbound, for a mail intake, is the claim of the message being
	// added, completed in the same transaction with the ticket that
	// takes it (see InboundClaim).
	Inbound *InboundClaim `json:"-"`
	// NotifyCustomer, when set to false, keeps this one message from the
	// customer: its notification carries notify.Event.CustomerMuted and
	// reaches no customer, whatever the notification rules say, while
	// staff are told as usual. Nil (or true) leaves it to the rules, the
	// organisation-wide switch. Only staff may set it to false.
	NotifyCustomer *bool `json:"notify_customer,omitempty"`
	// CopyContacts, on a staff reply, asks that the ticket's contacts be
	// mailed too: the notification rules decide who
	// (notify.AudienceContacts, in the default rules of a reply). Only
	// staff replies may set it; a customer's message or an internal note
	// that sets it is refused ("copy_contacts": rule "forbidden").
	CopyContacts bool `json:"copy_contacts,omitempty"`
	// SeenMessageID, on a staff reply or note, is the last message of
	// the ticket its author had seen when writing it. When customer
	// messages arrived after it, the message is refused with a
	// *StaleReplyError (ErrStaleReply), or posted with their IDs in the
	// returned message's Unseen, as Config.StaleReplies says. Empty
	// skips the check; customers may not set it.
	SeenMessageID string `json:"seen_message_id,omitempty"`
}

// mutesCustomer reports whether p asks that the customer not be told of
// its message.
func (p MessageParams) mutesCustomer() bool {
	return p.NotifyCustomer != nil && !*p.NotifyCustomer
}

// Reply adds a message to a ticket's thread that its customer can read: a
// customer message when the actor is a customer, an agent reply when the
// actor is staff, a system entry for the system actor. Under the reopen
// policy (Config.ReopenWithin) a customer's message may reopen a
// resolved or closed ticket, or be posted on a follow-up ticket: the
// returned message's TicketID tells which. A message to a merged ticket
// is posted on the ticket it was merged into (see [Desk.Merge]); a
// customer who may not see that one is refused with ErrMerged.
// [Desk.ReplyTx] adds it in the host's transaction.
func (d *Desk) Reply(ctx context.Context, actor ticket.Actor, p MessageParams) (_ *ticket.Message, err error) {
	ctx, end := d.begin(ctx, "Reply", actor)
	defer func() { end(err) }()
	return d.addMessage(ctx, nil, actor, replyKind(actor), p)
}

// checkFileCount adds to v when a message would carry more files than
// Config.MaxAttachments allows.
func (d *Desk) checkFileCount(v *ticket.ValidationError, n int) {
	if n > d.maxFiles {
		v.Add("attachments", "max", fmt.Sprintf("must hold at most %d files", d.maxFiles))
	}
}

// newMessage returns a new message by actor on t.
func newMessage(actor ticket.Actor, t *ticket.Ticket, kind ticket.MessageKind, body string, atts []ticket.Attachment, at time.Time) *ticket.Message {
	return &ticket.Message{
		ID: newID(), TenantID: t.TenantID, TicketID: t.ID, Kind: kind,
		AuthorID: actor.ID, AuthorRole: actor.Role, Body: body, Attachments: atts, CreatedAt: at,
	}
}

// replyKind returns the kind of a message the actor writes for the
// customer to read.
func replyKind(actor ticket.Actor) ticket.MessageKind {
	switch actor.Role {
	case ticket.RoleCustomer:
		return ticket.MessageCustomer
	case ticket.RoleSystem:
		return ticket.MessageSystem
	}
	return ticket.MessageReply
}

// AddNote adds an internal note to a ticket's thread. Customers never see
// notes; only staff may write them. [Desk.AddNoteTx] adds it in the
// host's transaction.
func (d *Desk) AddNote(ctx context.Context, actor ticket.Actor, p MessageParams) (_ *ticket.Message, err error) {
	ctx, end := d.begin(ctx, "AddNote", actor)
	defer func() { end(err) }()
	return d.addNote(ctx, nil, actor, p)
}

// addNote is AddNote in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) addNote(ctx context.Context, host storage.Tx, actor ticket.Actor, p MessageParams) (*ticket.Message, error) {
	if err := requireStaff(actor, "write internal notes"); err != nil {
		return nil, err
	}
	return d.addMessage(ctx, host, actor, ticket.MessageNote, p)
}

// addMessage adds a message of the given kind in the host's transaction
// host, or in the Desk's own when host is nil.
func (d *Desk) addMessage(ctx context.Context, host storage.Tx, actor ticket.Actor, kind ticket.MessageKind, p MessageParams) (*ticket.Message, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if p.Type != "" {
		for _, fe := range d.catalog.CheckRefs(ticket.Refs{Category: p.Type}) {
			fe.Field = "type"
			v.Fields = append(v.Fields, fe)
		}
	}
	d.checkFileCount(v, len(p.Attachments))
	if p.mutesCustomer() && !actor.Role.Staff() {
		v.Add("notify_customer", "staff", "only staff may keep a message from the customer")
	}
	if p.CopyContacts && kind != ticket.MessageReply {
		v.Add("copy_contacts", forbidden, "only a staff reply may copy the ticket's contacts")
	}
	if p.SeenMessageID != "" {
		if !actor.Role.Staff() {
			v.Add("seen_message_id", forbidden, "only staff replies and notes may name the last message seen")
		} else if err := checkKey("seen_message_id", p.SeenMessageID); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	atts, err := d.putAttachments(ctx, p.Attachments)
	if err != nil {
		return nil, err
	}
	var (
		msg    *ticket.Message
		unseen []string
	)
	id := p.TicketID
	for hop := 0; ; hop++ {
		msg = nil
		mutate := d.postMessage(actor, kind, p, atts, hop, &msg)
		if p.SeenMessageID != "" {
			mutate = d.checkSeen(p.SeenMessageID, &unseen, mutate)
		}
		cctx := ctx
		if p.Inbound == nil { // completing it needs storage.InboundStore
			cctx = withOptimistic(ctx)
		}
		_, _, err = d.change(cctx, host, actor, id, 0, mutate)
		var redirect mergedRedirect
		if !errors.As(err, &redirect) {
			break
		}
		id = redirect.to
	}
	if err != nil {
		d.deleteBlobs(ctx, atts)
		return nil, err
	}
	if len(unseen) > 0 {
		msg = msg.Clone()
		msg.Unseen = unseen
	}
	return msg, nil
}

// postMessage returns the mutation that adds a message to a ticket, or
// that asks (mergedRedirect) to add it to the ticket a merged one was
// merged into, for at most maxMergeHops hops.
func (d *Desk) postMessage(actor ticket.Actor, kind ticket.MessageKind, p MessageParams, atts []ticket.Attachment, hop int, out **ticket.Message) mutation {
	return func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
		if t.MergedInto != "" && hop < maxMergeHops {
			if actor.Role == ticket.RoleCustomer {
				// Someone else's ticket took it: the customer may not
				// write there.
				next, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: t.TenantID, ID: t.MergedInto})
				if err == nil && !canSee(actor, next) {
					return fmt.Errorf("ticketkit: ticket %s was merged into a ticket the customer may not see: %w", t.Number, ErrMerged)
				}
			}
			return mergedRedirect{to: t.MergedInto}
		}
		on := t
		if kind == ticket.MessageCustomer {
			var err error
			if on, err = d.customerWritesAgain(ctx, tx, t, b); err != nil {
				return err
			}
		}
		msg := newMessage(actor, on, kind, p.Body, slices.Clone(atts), t.UpdatedAt)
		*out = msg
		msg.Type = p.Type
		if err := tx.MessageCreate(ctx, msg); err != nil {
			return fmt.Errorf("ticketkit: add message to %s: %w", on.Number, err)
		}
		if err := completeInbound(ctx, tx, on.TenantID, on.ID, p.Inbound); err != nil {
			return err
		}
		b.touched = true
		if on != t { // a follow-up ticket took the message
			m := msg.Clone()
			b.notice(notify.KindMessageAdded, on, func(e *notify.Event) { e.Message = m; e.CustomerMuted = p.mutesCustomer() })
			return nil
		}
		b.message = msg
		b.muteCustomer = p.mutesCustomer()
		if p.CopyContacts {
			b.later = append(b.later, func() { b.copyContacts(msg.ID) })
		}
		return nil
	}
}

// putAttachments stores attachment content before the message's
// transaction, so that no transaction waits on an upload. On failure the
// content stored so far is deleted again, as is all of it when the
// change fails (deleteBlobs); content left by a process that died before
// its transaction committed is reclaimed by ReconcileBlobs.
func (d *Desk) putAttachments(ctx context.Context, in []AttachmentInput) ([]ticket.Attachment, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if d.blobs == nil {
		return nil, ErrNoBlobStore
	}
	out := make([]ticket.Attachment, 0, len(in))
	for i, a := range in {
		info, err := d.blobs.Put(ctx, a.Content, d.maxSize)
		if err != nil {
			d.deleteBlobs(ctx, out)
			if errors.Is(err, blob.ErrTooLarge) {
				return nil, ticket.NewValidationError(ticket.FieldError{
					Field: fmt.Sprintf("attachments[%d].content", i), Rule: "max_size", Message: err.Error(),
				})
			}
			return nil, fmt.Errorf("ticketkit: store attachment %q: %w", a.Name, err)
		}
		out = append(out, ticket.Attachment{
			ID: newID(), Name: a.Name, ContentType: a.ContentType,
			Size: info.Size, SHA256: info.SHA256, Key: info.Key,
		})
	}
	return out, nil
}

// deleteBlobs deletes the content of attachments whose message was not
// stored, logging what it cannot delete (ReconcileBlobs gets it later).
func (d *Desk) deleteBlobs(ctx context.Context, atts []ticket.Attachment) {
	for _, a := range atts {
		if err := d.blobs.Delete(context.WithoutCancel(ctx), a.Key); err != nil {
			d.log.WarnContext(ctx, "ticketkit: could not delete orphan attachment", "key", a.Key, "err", err)
		}
	}
}

// MessageListParams selects one page of messages, oldest first.
type MessageListParams struct {
	// TicketID limits the list to one ticket's thread; empty lists the
	// messages of every ticket the actor may see.
	TicketID string `json:"ticket_id,omitempty"`
	// Kinds limits the list to these kinds. Customers never get notes.
	Kinds []ticket.MessageKind `json:"kinds,omitempty"`
	// CreatedFrom and CreatedTo bound the creation time to
	// [CreatedFrom, CreatedTo).
	CreatedFrom time.Time `json:"created_from,omitzero"`
	CreatedTo   time.Time `json:"created_to,omitzero"`
	Limit       int       `json:"limit,omitempty" validate:"min=0,max=500"`
	After       string    `json:"after,omitempty"`
}

// MessagePage is one page of messages.
type MessagePage struct {
	Messages []*ticket.Message `json:"messages"`
	// Next is the cursor of the following page; empty on the last one.
	Next string `json:"next,omitempty"`
}

// Messages lists messages the actor may read: for customers, the
// non-internal messages of their own tickets, with staff authors shown
// by display name (Config.Staff), never by user ID.
func (d *Desk) Messages(ctx context.Context, actor ticket.Actor, p MessageListParams) (_ *MessagePage, err error) {
	ctx, end := d.begin(ctx, "Messages", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	for i, k := range p.Kinds {
		if !k.Valid() {
			v.Add(fmt.Sprintf("kinds[%d]", i), "oneof", fmt.Sprintf("must be one of %v", ticket.MessageKinds()))
		}
	}
	if err := failed(v); err != nil {
		return nil, err
	}
	q := storage.MessageListParams{
		TenantID: actor.TenantID, TicketID: p.TicketID, Kinds: p.Kinds,
		CreatedFrom: p.CreatedFrom, CreatedTo: p.CreatedTo, Limit: p.Limit, After: p.After,
	}
	if actor.Role == ticket.RoleCustomer {
		q.CustomerID = actor.CustomerID
		q.Kinds = visibleKinds(p.Kinds)
		if len(q.Kinds) == 0 {
			return &MessagePage{}, nil
		}
	}
	if p.TicketID != "" {
		t, err := d.loadRead(ctx, actor, p.TicketID)
		if err != nil {
			return nil, err
		}
		if actor.Role == ticket.RoleCustomer {
			q.CustomerID = t.Customer.ID // the actor's own, or an organisation member's it may read
		}
		if err := d.auditRead(ctx, actor, t, ReadMessages); err != nil {
			return nil, err
		}
	}
	res, err := d.store.MessageList(ctx, q)
	if err != nil {
		return nil, wrapList("messages", err)
	}
	if p.TicketID == "" {
		if err := d.auditMessages(ctx, actor, res.Messages); err != nil {
			return nil, err
		}
	}
	return &MessagePage{Messages: d.messagesView(ctx, actor, res.Messages), Next: res.Next}, nil
}

// visibleKinds removes internal kinds from a customer's request; an
// empty request means every visible kind.
func visibleKinds(kinds []ticket.MessageKind) []ticket.MessageKind {
	if len(kinds) == 0 {
		kinds = ticket.MessageKinds()
	}
	return slices.DeleteFunc(slices.Clone(kinds), ticket.MessageKind.Internal)
}

// OpenAttachment returns an attachment of a ticket's message the actor may
// read, and its content. The caller closes the reader.
func (d *Desk) OpenAttachment(ctx context.Context, actor ticket.Actor, ticketID, attachmentID string) (_ ticket.Attachment, _ io.ReadCloser, err error) {
	ctx, end := d.begin(ctx, "OpenAttachment", actor)
	defer func() { end(err) }()
	if d.blobs == nil {
		return ticket.Attachment{}, nil, ErrNoBlobStore
	}
	p := MessageListParams{TicketID: ticketID, Limit: storage.MaxLimit}
	for {
		page, err := d.Messages(ctx, actor, p)
		if err != nil {
			return ticket.Attachment{}, nil, err
		}
		for _, m := range page.Messages {
			for _, a := range m.Attachments {
				if a.ID == attachmentID {
					r, err := d.blobs.Open(ctx, a.Key)
					if err != nil {
						return a, nil, fmt.Errorf("ticketkit: open attachment %q: %w", a.Name, err)
					}
					return a, r, nil
				}
			}
		}
		if page.Next == "" {
			return ticket.Attachment{}, nil, fmt.Errorf("ticketkit: attachment %q: %w", attachmentID, ErrNotFound)
		}
		p.After = page.Next
	}
}

// copyContacts marks the notification of message id as copied to the
// ticket's contacts (MessageParams.CopyContacts).
func (b *batch) copyContacts(id string) {
	for i := range b.notices {
		if e := &b.notices[i]; e.Kind == notify.KindMessageAdded && e.Message != nil && e.Message.ID == id {
			e.CopyContacts = true
		}
	}
}
