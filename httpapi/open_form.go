package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// The multipart/form-data form of POST /tickets, as a storefront's
// "describe the problem and attach photos" form sends it: the text
// members of openRequest as text fields of the same names, the first
// message's body in the field "message" and its files in the field
// "attachments". The members that are objects or lists (customer,
// contacts, references, tags, fields) are each one field holding their
// JSON, as the JSON body has them: references=[{"kind":"order","id":"SO-1"}].

// readOpenForm reads the form of POST /tickets into req and message, the
// first message's body, and returns the files, open until done is
// called.
func (h *handler) readOpenForm(w http.ResponseWriter, r *http.Request, req *openRequest, message *string) ([]ticketkit.AttachmentInput, func(), error) {
	var channel string
	fields := map[string]*string{
		"subject": &req.Subject, "description": &req.Description, "priority": &req.Priority,
		"category": &req.Category, "department": &req.Department, "channel": &channel,
		"assignee": &req.Assignee, "reason": &req.Reason, "tier": &req.Tier, "message": message,
	}
	// The fields that hold JSON, with what each must be.
	encoded := []struct {
		name, shape, value string
		dst                any
	}{
		{name: "customer", shape: "a JSON object", dst: &req.Customer},
		{name: "contacts", shape: "a JSON array", dst: &req.Contacts},
		{name: "references", shape: "a JSON array", dst: &req.References},
		{name: "tags", shape: "a JSON array", dst: &req.Tags},
		{name: "fields", shape: "a JSON object", dst: &req.Fields},
	}
	for i := range encoded {
		fields[encoded[i].name] = &encoded[i].value
	}
	files, done, err := h.readUpload(w, r, fields)
	if err != nil {
		return nil, done, err
	}
	req.Channel = ticket.Channel(channel)
	for _, f := range encoded {
		if err := formJSON(f.name, f.shape, f.value, f.dst); err != nil {
			return nil, done, err
		}
	}
	return files, done, nil
}

// formJSON decodes v, the form field name, into dst; shape says what it
// must be. An empty field leaves dst as it is.
func formJSON(name, shape, v string, dst any) error {
	if v == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return invalid(fieldError{Field: name, Code: "json", Message: "must be " + shape})
		}
		return nil
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return invalid(fieldError{Field: name + "." + typ.Field, Code: "type", Message: "must be " + jsonType(typ.Type.String())})
	}
	if member, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		member, _ = strconv.Unquote(member)
		return invalid(fieldError{Field: name + "." + member, Code: "unknown_field", Message: "is not a known field"})
	}
	return invalid(fieldError{Field: name, Code: "json", Message: "must be " + shape})
}
