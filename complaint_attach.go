package ticketkit

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintAttachParams are files to attach to a complaint document
// itself, rather than to a message of its thread.
type ComplaintAttachParams struct {
	ComplaintID string `json:"complaint_id" validate:"required"`
	// Type says what the files are; default ticket.AttachOther.
	Type ticket.AttachmentType `json:"type,omitempty"`
	// CustomerVisible lets the complaint's customer see and open the
	// files; without it they are internal to the help desk.
	CustomerVisible bool              `json:"customer_visible,omitempty"`
	Files           []AttachmentInput `json:"files" validate:"required,min=1,dive"`
}

// ComplaintAttach attaches files to a complaint document, such as a
// photo of the damage, the delivery note or a lab report, with a history
// line (ticket.FieldAttachments). The content goes to the Desk's blob
// store first, as a message's attachments do ([Desk.Reply]), and is
// deleted again when the change fails; ReconcileBlobs keeps it while the
// complaint names it. Only staff may attach files to the document
// (customers attach theirs to messages); a posted complaint is
// immutable (ErrPosted). Config.MaxAttachments and the blob size limit
// apply to each call.
func (d *Desk) ComplaintAttach(ctx context.Context, actor ticket.Actor, p ComplaintAttachParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintAttach", actor)
	defer func() { end(err) }()
	return d.attachToComplaint(ctx, nil, actor, p)
}

// ComplaintAttachTx is [Desk.ComplaintAttach] in the host's
// transaction tx; see [Desk.OpenTx] and [Desk.ReplyTx] for what differs.
func (d *Desk) ComplaintAttachTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintAttachParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintAttachTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.attachToComplaint(ctx, tx, actor, p)
}

// attachToComplaint is ComplaintAttach in the host's transaction host,
// or in the Desk's own when host is nil.
func (d *Desk) attachToComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintAttachParams) (*ticket.Complaint, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	d, _, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "attach files to complaints"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if p.Type != "" && !p.Type.Valid() {
		v.Add("type", "oneof", fmt.Sprintf("must be one of %v", ticket.AttachmentTypes()))
	}
	d.checkFileCount(v, len(p.Files))
	if err := failed(v); err != nil {
		return nil, err
	}
	atts, err := d.putAttachments(ctx, p.Files)
	if err != nil {
		return nil, err
	}
	c, err := d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		for _, a := range atts {
			c.Details.Attachments = append(c.Details.Attachments, ticket.ComplaintAttachment{
				Attachment: a, Type: cmp.Or(p.Type, ticket.AttachOther), CustomerVisible: p.CustomerVisible,
				By: actor.ID, At: c.UpdatedAt,
			})
		}
		return nil
	})
	if err != nil {
		d.deleteBlobs(ctx, atts)
		return nil, err
	}
	return c, nil
}

// ComplaintAttachmentParams names an attachment of a complaint document.
type ComplaintAttachmentParams struct {
	ComplaintID  string `json:"complaint_id" validate:"required"`
	AttachmentID string `json:"attachment_id" validate:"required"`
}

// ComplaintAttachmentRemove removes an attachment from a complaint
// document, with a history line, and deletes its content from the blob
// store after the commit (what it cannot delete, ReconcileBlobs does
// later). An unknown attachment gives ErrNotFound; otherwise it behaves
// as [Desk.ComplaintAttach].
func (d *Desk) ComplaintAttachmentRemove(ctx context.Context, actor ticket.Actor, p ComplaintAttachmentParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintAttachmentRemove", actor)
	defer func() { end(err) }()
	c, gone, err := d.removeComplaintAttachment(ctx, nil, actor, p)
	if err != nil {
		return nil, err
	}
	d.deleteBlobs(ctx, []ticket.Attachment{gone})
	return c, nil
}

// ComplaintAttachmentRemoveTx is [Desk.ComplaintAttachmentRemove] in the
// host's transaction tx; see [Desk.OpenTx] for what differs. It deletes
// no content, since tx may yet roll back: ReconcileBlobs deletes it once
// no complaint or message names it.
func (d *Desk) ComplaintAttachmentRemoveTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintAttachmentParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintAttachmentRemoveTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	c, _, err := d.removeComplaintAttachment(ctx, tx, actor, p)
	return c, err
}

// removeComplaintAttachment removes the attachment in the host's
// transaction host, or in the Desk's own when host is nil, and returns
// the attachment removed.
func (d *Desk) removeComplaintAttachment(ctx context.Context, host storage.Tx, actor ticket.Actor, p ComplaintAttachmentParams) (*ticket.Complaint, ticket.Attachment, error) {
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return nil, ticket.Attachment{}, err
	}
	if d.blobs == nil {
		return nil, ticket.Attachment{}, ErrNoBlobStore
	}
	var gone ticket.Attachment
	c, err := d.changeComplaint(ctx, host, actor, p.ComplaintID, 0, func(_ context.Context, _ storage.Tx, c *ticket.Complaint, _ *batch) error {
		i := slices.IndexFunc(c.Details.Attachments, func(a ticket.ComplaintAttachment) bool { return a.ID == p.AttachmentID })
		if i < 0 {
			return fmt.Errorf("ticketkit: complaint %s: attachment %q: %w", c.Number, p.AttachmentID, ErrNotFound)
		}
		gone = c.Details.Attachments[i].Attachment
		c.Details.Attachments = slices.Delete(c.Details.Attachments, i, i+1)
		return nil
	})
	return c, gone, err
}

// ComplaintAttachmentOpen returns an attachment of a complaint document
// the actor may read, and its content; the caller closes the reader.
// Customers may open only the customer-visible attachments of their own
// complaints: any other gives ErrNotFound, as an unknown one does.
func (d *Desk) ComplaintAttachmentOpen(ctx context.Context, actor ticket.Actor, p ComplaintAttachmentParams) (_ ticket.ComplaintAttachment, _ io.ReadCloser, err error) {
	ctx, end := d.begin(ctx, "ComplaintAttachmentOpen", actor)
	defer func() { end(err) }()
	if d.blobs == nil {
		return ticket.ComplaintAttachment{}, nil, ErrNoBlobStore
	}
	if err := failed(asValidation(ticket.Validate(p))); err != nil {
		return ticket.ComplaintAttachment{}, nil, err
	}
	c, err := d.ComplaintGet(ctx, actor, p.ComplaintID) // complaintView hides internal files
	if err != nil {
		return ticket.ComplaintAttachment{}, nil, err
	}
	i := slices.IndexFunc(c.Details.Attachments, func(a ticket.ComplaintAttachment) bool { return a.ID == p.AttachmentID })
	if i < 0 {
		return ticket.ComplaintAttachment{}, nil, fmt.Errorf("ticketkit: complaint %s: attachment %q: %w", c.Number, p.AttachmentID, ErrNotFound)
	}
	a := c.Details.Attachments[i]
	r, err := d.blobs.Open(ctx, a.Key)
	if err != nil {
		return a, nil, fmt.Errorf("ticketkit: open attachment %q: %w", a.Name, err)
	}
	return a, r, nil
}
