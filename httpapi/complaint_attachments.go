package httpapi

import (
	"errors"

	"net/http"
	"strconv"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// attachComplaint serves POST /complaints/{id}/attachments: a
// multipart/form-data body, as POST /tickets/{id}/messages takes, with
// the text fields type and customer_visible (true or false) and the
// files in the field attachments.
func (h *handler) attachComplaint(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	if mediaType(r) != "multipart/form-data" {
		return unsupportedMedia("multipart/form-data")
	}
	form, err := h.parseForm(w, r)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	var typ, visible string
	files, closers, err := readForm(form, map[string]*string{"type": &typ, "customer_visible": &visible})
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	if err != nil {
		return err
	}
	p := ticketkit.ComplaintAttachParams{ComplaintID: r.PathValue("id"), Type: ticket.AttachmentType(typ), Files: files}
	if visible != "" {
		if p.CustomerVisible, err = strconv.ParseBool(visible); err != nil {
			return invalid(fieldError{Field: "customer_visible", Code: "boolean", Message: "must be true or false"})
		}
	}
	c, err := call(r, actor, p, h.desk.ComplaintAttach, h.desk.ComplaintAttachTx)
	if err != nil {
		return complaintError(err, map[string]string{"files": "attachments"})
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// complaintAttachment names the attachment of the path.
func complaintAttachment(r *http.Request) ticketkit.ComplaintAttachmentParams {
	return ticketkit.ComplaintAttachmentParams{ComplaintID: r.PathValue("id"), AttachmentID: r.PathValue("aid")}
}

func (h *handler) removeComplaintAttachment(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	c, err := call(r, actor, complaintAttachment(r), h.desk.ComplaintAttachmentRemove, h.desk.ComplaintAttachmentRemoveTx)
	if err != nil {
		return complaintAttachmentError(err)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (h *handler) downloadComplaintAttachment(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	att, content, err := h.desk.ComplaintAttachmentOpen(r.Context(), actor, complaintAttachment(r))
	if err != nil {
		return complaintAttachmentError(err)
	}
	h.serveAttachment(w, r, att.Attachment, content)
	return nil
}

// complaintAttachmentError maps an attachment route's error: the Desk
// answers ErrNotFound alike for an unknown complaint and an unknown or
// hidden attachment, so the answer names neither.
func complaintAttachmentError(err error) error {
	if errors.Is(err, ticketkit.ErrNotFound) {
		return notFound("attachment")
	}
	return complaintError(err, map[string]string{"attachment_id": "aid"})
}
