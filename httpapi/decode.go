package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// mediaType returns the media type of the request's Content-Type, in
// lower case, or "" when it is missing or malformed.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// unsupportedMedia returns a 415 error listing the accepted types.
func unsupportedMedia(accepted ...string) *apiError {
	return &apiError{status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMedia,
		Message: "Content-Type must be " + strings.Join(accepted, " or ")}
}

// decodeJSON reads the request's JSON body into dst, refusing unknown
// members, trailing data, other content types and bodies over the
// handler's limit.
func (h *handler) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if mediaType(r) != "application/json" {
		return unsupportedMedia("application/json")
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return err
		}
		return malformed("the body must hold a single JSON object")
	}
	return nil
}

// jsonError describes a decoding error of encoding/json with the field it
// concerns, where there is one.
func jsonError(err error) error {
	var (
		maxBytes *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		timeErr  *time.ParseError
	)
	switch {
	case errors.As(err, &maxBytes):
		return err
	case errors.Is(err, io.EOF):
		return malformed("the body is empty; it must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("the body is truncated JSON")
	case errors.As(err, &timeErr):
		return malformed("times must be RFC 3339 strings such as 2026-05-04T10:00:00Z")
	case errors.As(err, &syntax):
		return malformed(fmt.Sprintf("malformed JSON at byte %d", syntax.Offset))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformed("the body must be a JSON object")
		}
		return invalid(fieldError{Field: typ.Field, Code: "type",
			Message: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.String()), typ.Value)})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return invalid(fieldError{Field: name, Code: "unknown_field", Message: "is not a known field"})
	}
	return malformed("malformed JSON: " + err.Error())
}

// jsonType names a Go type the way a JSON client thinks of it.
func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "an integer in range"
	case strings.Contains(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["):
		return "an object"
	case strings.Contains(goType, "Time"):
		return "an RFC 3339 time"
	case strings.Contains(goType, "string"), strings.HasPrefix(goType, "ticket."):
		return "a string"
	}
	return "an object"
}

// query reads query parameters, collecting every problem as a field
// error named after the parameter, in a ValidationError that keeps the
// report small however many there are.
type query struct {
	values url.Values
	fields ticket.ValidationError
}

// newQuery parses the request's query string and reports parameters not
// in known.
func newQuery(r *http.Request, known ...string) (*query, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed("malformed query string")
	}
	q := &query{values: values}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(known, name) {
			q.add(name, "unknown_parameter", "is not a known parameter")
		}
	}
	return q, nil
}

func (q *query) add(field, code, msg string) { q.fields.Add(field, code, msg) }

// err returns the collected problems as a *ValidationError (answered
// with 400), or nil.
func (q *query) err() error {
	if len(q.fields.Fields) == 0 {
		return nil
	}
	return &q.fields
}

// single returns the only value of a parameter; a repeated parameter is
// a problem.
func (q *query) single(name string) string {
	vs := q.values[name]
	if len(vs) > 1 {
		q.add(name, "repeated", "must be given once")
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// list returns the values of a repeatable parameter, each of which may
// also be a comma-separated list. Empty items are dropped. It stops one
// item past ticket.MaxItems: the Desk refuses the list for its length.
func (q *query) list(name string) []string {
	var out []string
	for _, v := range q.values[name] {
		for item := range strings.SplitSeq(v, ",") {
			if len(out) > ticket.MaxItems {
				return out
			}
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// time parses an RFC 3339 time parameter.
func (q *query) time(name string) time.Time {
	s := q.single(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		q.add(name, "datetime", "must be an RFC 3339 time such as 2026-05-04T10:00:00Z")
	}
	return t
}

// int parses a non-negative integer parameter.
func (q *query) int(name string) int {
	s := q.single(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		q.add(name, "integer", "must be a non-negative integer")
		return 0
	}
	return n
}

// bool parses a boolean parameter: true/false, 1/0.
func (q *query) bool(name string) bool {
	s := q.single(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.add(name, "boolean", "must be true or false")
	}
	return b
}
