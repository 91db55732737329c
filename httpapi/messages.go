package httpapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// messageView is the JSON form of a message. It leaves out the tenant
// and the blob keys of attachments, which are the store's business.
type messageView struct {
	ID       string `json:"id"`
	TicketID string `json:"ticket_id"`
	Kind     string `json:"kind"`
	Type     string `json:"type,omitempty"`
	// TypeLabel is the label of Type, a catalog category (message type)
	// code, in the reader's language.
	TypeLabel   string           `json:"type_label,omitempty"`
	AuthorID    string           `json:"author_id,omitempty"`
	AuthorRole  string           `json:"author_role,omitempty"`
	AuthorName  string           `json:"author_name,omitempty"`
	Body        string           `json:"body"`
	Attachments []attachmentView `json:"attachments"`
	CreatedAt   time.Time        `json:"created_at"`
	// Unseen are the customer messages the author had not seen when the
	// desk posted the reply nonetheless (ticket.Message.Unseen).
	Unseen []string `json:"unseen,omitempty"`
}

// attachmentView is the JSON form of an attachment's metadata.
type attachmentView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256,omitempty"`
}

// viewMessage returns m as the API writes it, its type's label in
// locale (see readerLocale).
func viewMessage(m *ticket.Message, c *ticket.Catalog, locale string) messageView {
	v := messageView{
		ID: m.ID, TicketID: m.TicketID, Kind: string(m.Kind), Type: m.Type,
		AuthorID: m.AuthorID, AuthorRole: string(m.AuthorRole), AuthorName: m.AuthorName, Body: m.Body,
		Attachments: make([]attachmentView, len(m.Attachments)), CreatedAt: m.CreatedAt, Unseen: m.Unseen,
	}
	v.TypeLabel, _ = c.CodeLabel(ticket.FieldCategory, m.Type, locale)
	for i, a := range m.Attachments {
		v.Attachments[i] = attachmentView{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256}
	}
	return v
}

// messagePage is the body of GET /tickets/{id}/messages.
type messagePage struct {
	Messages   []messageView `json:"messages"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// messageNames maps the Desk's field names to the query parameters of
// GET /tickets/{id}/messages.
var messageNames = map[string]string{"kinds": "kind", "after": "cursor"}

func (h *handler) listMessages(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, "kind", "created_from", "created_to", "limit", "cursor")
	if err != nil {
		return err
	}
	var kinds []ticket.MessageKind
	for _, k := range q.list("kind") {
		kinds = append(kinds, ticket.MessageKind(k))
	}
	p := ticketkit.MessageListParams{
		TicketID: r.PathValue("id"), Kinds: kinds,
		CreatedFrom: q.time("created_from"), CreatedTo: q.time("created_to"),
		Limit: q.int("limit"), After: q.single("cursor"),
	}
	if err := q.err(); err != nil {
		return err
	}
	res, err := h.desk.Messages(r.Context(), actor, p)
	if err != nil {
		return renameFields(err, messageNames)
	}
	page := messagePage{Messages: make([]messageView, len(res.Messages)), NextCursor: res.Next}
	c, locale := h.tenantCatalog(r, actor.TenantID), h.readerLocale(w, r)
	for i, m := range res.Messages {
		page.Messages[i] = viewMessage(m, c, locale)
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// messageRequest is the JSON body of POST /tickets/{id}/messages, and the
// text fields of its multipart/form-data form.
type messageRequest struct {
	// Kind is "reply" (the default: a message the customer reads) or
	// "note" (an internal note, staff only).
	Kind string `json:"kind"`
	Body string `json:"body"`
	Type string `json:"type"`
	// NotifyCustomer false keeps this message from the customer (see
	// ticketkit.MessageParams.NotifyCustomer); absent leaves it to the
	// notification rules.
	NotifyCustomer *bool `json:"notify_customer"`
	// CopyContacts asks that a staff reply also be mailed to the ticket's
	// contacts (ticketkit.MessageParams.CopyContacts).
	CopyContacts bool `json:"copy_contacts"`
	// SeenMessageID is the last message the author had seen (see
	// ticketkit.MessageParams.SeenMessageID).
	SeenMessageID string `json:"seen_message_id"`
}

// Message kinds a client asks for in messageRequest.Kind.
const (
	kindReply = "reply"
	kindNote  = "note"
)

func (h *handler) addMessage(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	var req messageRequest
	files, done, err := h.decodeUpload(w, r, &req, func() ([]ticketkit.AttachmentInput, func(), error) {
		var notifyCustomer, copyContacts string
		files, done, err := h.readUpload(w, r, map[string]*string{"kind": &req.Kind, "body": &req.Body, "type": &req.Type,
			"notify_customer": &notifyCustomer, "copy_contacts": &copyContacts, "seen_message_id": &req.SeenMessageID})
		if err != nil {
			return files, done, err
		}
		cc, err := formBool("copy_contacts", copyContacts)
		if err != nil {
			return files, done, err
		}
		req.CopyContacts = cc != nil && *cc
		req.NotifyCustomer, err = formBool("notify_customer", notifyCustomer)
		return files, done, err
	})
	defer done()
	if err != nil {
		return err
	}
	p := ticketkit.MessageParams{TicketID: r.PathValue("id"), Body: req.Body, Type: req.Type, Attachments: files,
		NotifyCustomer: req.NotifyCustomer, CopyContacts: req.CopyContacts, SeenMessageID: req.SeenMessageID}
	var m *ticket.Message
	switch req.Kind {
	case "", kindReply:
		m, err = call(r, actor, p, h.desk.Reply, h.desk.ReplyTx)
	case kindNote:
		m, err = call(r, actor, p, h.desk.AddNote, h.desk.AddNoteTx)
	default:
		return invalid(fieldError{Field: "kind", Code: "oneof", Message: "must be reply or note"})
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewMessage(m, h.tenantCatalog(r, m.TenantID), h.readerLocale(w, r)))
	return nil
}

// formBool reads the boolean form field name: "" (not given) is nil,
// "true" or "false" its value, anything else a validation error.
func formBool(name, v string) (*bool, error) {
	switch v {
	case "":
		return nil, nil
	case "true", "false":
		b := v == "true"
		return &b, nil
	}
	return nil, invalid(fieldError{Field: name, Code: "boolean", Message: "must be true or false"})
}

// parseForm reads a multipart/form-data body of at most the upload
// limit; files beyond the body limit spill to temporary files, which the
// caller removes with RemoveAll.
func (h *handler) parseForm(w http.ResponseWriter, r *http.Request) (*multipart.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, malformed("malformed multipart/form-data request: " + err.Error())
	}
	form, err := mr.ReadForm(h.maxBody)
	if err != nil {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) || errors.Is(err, multipart.ErrMessageTooLarge) {
			return nil, tooLarge("the upload is too large")
		}
		return nil, malformed("malformed multipart/form-data body")
	}
	return form, nil
}

// decodeUpload reads the body of a request that takes JSON or files:
// JSON into dst, or multipart/form-data with form. It returns the files,
// open until done is called; done is never nil.
func (h *handler) decodeUpload(w http.ResponseWriter, r *http.Request, dst any,
	form func() (files []ticketkit.AttachmentInput, done func(), err error),
) (files []ticketkit.AttachmentInput, done func(), err error) {
	switch mediaType(r) {
	case "application/json":
		return nil, func() {}, h.decodeJSON(w, r, dst)
	case "multipart/form-data":
		return form()
	}
	return nil, func() {}, unsupportedMedia("application/json", "multipart/form-data")
}

// readUpload reads a multipart/form-data request with parseForm and
// readForm: its text fields into fields and its files, which stay open
// until done is called; done is never nil.
func (h *handler) readUpload(w http.ResponseWriter, r *http.Request, fields map[string]*string) (files []ticketkit.AttachmentInput, done func(), err error) {
	form, err := h.parseForm(w, r)
	if err != nil {
		return nil, func() {}, err
	}
	files, closers, err := readForm(form, fields)
	return files, func() {
		for _, c := range closers {
			_ = c.Close()
		}
		_ = form.RemoveAll()
	}, err
}

// readForm reads a form's text fields into fields, by name, and the
// files of the field "attachments", in order; any other field is
// invalid. It returns the opened files to close.
func readForm(form *multipart.Form, fields map[string]*string) ([]ticketkit.AttachmentInput, []io.Closer, error) {
	var (
		bad    []fieldError
		files  []ticketkit.AttachmentInput
		opened []io.Closer
	)
	for _, name := range sortedKeys(form.Value) {
		vs := form.Value[name]
		dst, ok := fields[name]
		if !ok {
			bad = append(bad, fieldError{Field: name, Code: "unknown_field", Message: "is not a known field"})
			continue
		}
		if len(vs) > 1 {
			bad = append(bad, fieldError{Field: name, Code: "repeated", Message: "must be given once"})
		}
		*dst = vs[0]
	}
	for _, name := range sortedKeys(form.File) {
		if name != "attachments" {
			bad = append(bad, fieldError{Field: name, Code: "unknown_field", Message: "files go in the field attachments"})
		}
	}
	if len(bad) > 0 {
		return nil, nil, invalid(bad...)
	}
	for _, fh := range form.File["attachments"] {
		f, err := fh.Open()
		if err != nil {
			return nil, opened, err
		}
		opened = append(opened, f)
		files = append(files, ticketkit.AttachmentInput{
			Name:        fh.Filename,
			ContentType: cleanContentType(fh.Header.Get("Content-Type")),
			Content:     f,
		})
	}
	return files, opened, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// cleanContentType returns a well-formed media type, or
// application/octet-stream for a missing or malformed one.
func cleanContentType(s string) string {
	mt, params, err := mime.ParseMediaType(s)
	if err != nil {
		return "application/octet-stream"
	}
	if out := mime.FormatMediaType(mt, params); out != "" {
		return out
	}
	return "application/octet-stream"
}

func (h *handler) downloadAttachment(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	ticketID, messageID, attachmentID := r.PathValue("id"), r.PathValue("mid"), r.PathValue("aid")
	// The Desk finds attachments by ticket; check the message too, so
	// that each attachment has exactly one URL.
	if err := h.findAttachment(r, actor, ticketID, messageID, attachmentID); err != nil {
		return err
	}
	att, content, err := h.desk.OpenAttachment(r.Context(), actor, ticketID, attachmentID)
	if err != nil {
		if errors.Is(err, ticketkit.ErrNotFound) {
			return notFound("attachment")
		}
		return err
	}
	h.serveAttachment(w, r, att, content)
	return nil
}

// serveAttachment answers an attachment's content as a download, and
// closes it.
func (h *handler) serveAttachment(w http.ResponseWriter, r *http.Request, att ticket.Attachment, content io.ReadCloser) {
	defer func() { _ = content.Close() }()
	hdr := w.Header()
	hdr.Set("Content-Type", cleanContentType(att.ContentType))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": att.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	hdr.Set("Content-Disposition", disposition)
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hdr.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, content); err != nil {
		// The status is sent; all that is left is to note it.
		h.log.WarnContext(r.Context(), "httpapi: attachment download cut short", "attachment", att.ID, "err", err)
	}
}

// findAttachment checks that the ticket has a message the actor may read
// with that attachment.
func (h *handler) findAttachment(r *http.Request, actor ticketkit.Actor, ticketID, messageID, attachmentID string) error {
	p := ticketkit.MessageListParams{TicketID: ticketID, Limit: storage.MaxLimit}
	for {
		page, err := h.desk.Messages(r.Context(), actor, p)
		if err != nil {
			return err
		}
		for _, m := range page.Messages {
			if m.ID != messageID {
				continue
			}
			if slices.ContainsFunc(m.Attachments, func(a ticket.Attachment) bool { return a.ID == attachmentID }) {
				return nil
			}
			return notFound("attachment")
		}
		if page.Next == "" {
			return notFound("attachment")
		}
		p.After = page.Next
	}
}
