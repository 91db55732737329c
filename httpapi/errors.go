package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/workflow"
)

// Error codes: the "code" extension member of a problem document and the
// last segment of its "type" URI (see [ProblemTypeBase]). They are part
// of the API: clients may switch on them. problemTypes gives each its
// status and title; the catalogue is "Errors" in the package
// documentation and problems.md.
const (
	codeMalformed        = "malformed_request"       // 400: unparsable JSON, query or form.
	codeValidation       = "validation_failed"       // 400: fields listed in "errors".
	codeUnauthenticated  = "unauthenticated"         // 401: Authenticate refused the request.
	codeForbidden        = "forbidden"               // 403: the actor's role may not do this.
	codeNotFound         = "not_found"               // 404: no such ticket, message, attachment or route.
	codeMethodNotAllowed = "method_not_allowed"      // 405: the path exists with other methods.
	codeConflict         = "version_conflict"        // 409: the ticket changed since the given version.
	codeTransition       = "transition_not_allowed"  // 409: the workflow has no such move from the current status.
	codeTooLarge         = "too_large"               // 413: body, upload or file over its limit.
	codeUnsupportedMedia = "unsupported_media_type"  // 415: wrong Content-Type.
	codeRateLimited      = "rate_limited"            // 429: Config.RateLimit refused the request.
	codeInternal         = "internal"                // 500: anything else; the cause is logged.
	codeNoAttachments    = "attachments_unsupported" // 501: the Desk has no blob store.
)

// ProblemTypeBase is the start of the "type" URI of every problem
// document the handler answers: the type of a problem is ProblemTypeBase
// followed by its code, such as
// https://github.com/ticketkit/ticketkit/blob/main/httpapi/problems.md#validation_failed,
// the catalogue entry that describes it.
const ProblemTypeBase = "https://github.com/ticketkit/ticketkit/blob/main/httpapi/problems.md#"

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// problemType is an entry of the error catalogue.
type problemType struct {
	status int
	title  string
}

// problemTypes is the error catalogue: every code the handler answers,
// with its status and the constant, human-readable "title" of its
// problem documents. problems.md and the package documentation list the
// same (a test checks).
var problemTypes = map[string]problemType{
	codeMalformed:              {http.StatusBadRequest, "The request cannot be parsed"},
	codeValidation:             {http.StatusBadRequest, "The request has invalid fields"},
	codeUnauthenticated:        {http.StatusUnauthorized, "Authentication required"},
	codeForbidden:              {http.StatusForbidden, "Not allowed"},
	codeNotFound:               {http.StatusNotFound, "Not found"},
	codeMethodNotAllowed:       {http.StatusMethodNotAllowed, "Method not allowed"},
	codeConflict:               {http.StatusConflict, "Version conflict"},
	codeTransition:             {http.StatusConflict, "Transition not allowed"},
	codePosted:                 {http.StatusConflict, "Complaint posted"},
	codeNotPosted:              {http.StatusConflict, "Complaint not posted"},
	codeReversed:               {http.StatusConflict, "Complaint already reversed"},
	codeStepOrder:              {http.StatusConflict, "8D step out of order"},
	codeComplaintRoute:         {http.StatusConflict, "Use the complaint routes"},
	codeLineDecided:            {http.StatusConflict, "Complaint line decided"},
	codeLineReturned:           {http.StatusConflict, "Complaint line returned"},
	codePreconditionFailed:     {http.StatusPreconditionFailed, "Precondition failed"},
	codePreconditionRequired:   {http.StatusPreconditionRequired, "Precondition required"},
	codeIdempotencyReused:      {http.StatusUnprocessableEntity, "Idempotency key reused"},
	codeIdempotencyInProgress:  {http.StatusConflict, "Idempotency key in progress"},
	codeRateLimited:            {http.StatusTooManyRequests, "Too many requests"},
	codeIdempotencyUnsupported: {http.StatusNotImplemented, "Idempotency keys not supported"},
	codeTooLarge:               {http.StatusRequestEntityTooLarge, "Too large"},
	codeUnsupportedMedia:       {http.StatusUnsupportedMediaType, "Unsupported media type"},
	codeInternal:               {http.StatusInternalServerError, "Internal server error"},
	codeNoAttachments:          {http.StatusNotImplemented, "Attachments not supported"},
	codeMergeRefused:           {http.StatusConflict, "Tickets cannot be merged"},
	codeTicketMerged:           {http.StatusConflict, "Ticket merged"},
	codeLinkCycle:              {http.StatusConflict, "Link would close a cycle"},
	codeOpenChildren:           {http.StatusConflict, "Open child tickets"},
	codeRelationsUnsupported:   {http.StatusNotImplemented, "Ticket relations not supported"},
	codeStaleReply:             {http.StatusConflict, "Unseen customer messages"},
	codePresenceUnsupported:    {http.StatusNotImplemented, "Presence not supported"},
	codeWatchersUnsupported:    {http.StatusNotImplemented, "Watchers not supported"},
	codeAlreadyRated:           {http.StatusConflict, "Already rated"},
	codeNotResolved:            {http.StatusConflict, "Ticket not resolved"},
	codeErasureUnsupported:     {http.StatusNotImplemented, "Erasure not supported"},
}

// apiError is an error answered with a given status and problem
// document. Endpoints return it for problems they find themselves.
type apiError struct {
	status int
	// Code is the catalogue code (see problemTypes).
	Code string
	// Message is the problem's "detail": what went wrong with this
	// request.
	Message string
	// Fields are the invalid fields, the "errors" member.
	Fields []fieldError
	// More counts the invalid fields left out of Fields: at most
	// ticket.MaxFieldErrors are listed.
	More int
	// retryAfter is the wait a 429 or 503 answer asks for in
	// Retry-After; zero means defaultRetryAfter.
	retryAfter time.Duration
	// Unseen are the messages a stale_reply answer names.
	Unseen []string
}

// fieldError is one invalid field of a request: an entry of a problem
// document's "errors" member.
type fieldError struct {
	// Field is the member or parameter, as a JSON path.
	Field string `json:"field"`
	// Code is the rule that failed, such as required or unknown_field.
	Code string `json:"rule"`
	// Message says what is wrong in words.
	Message string `json:"message"`
}

func (e *apiError) Error() string { return "httpapi: " + e.Code + ": " + e.Message }

// problem is the body of every error response: an RFC 9457 problem
// document whose extension members "code", "errors" and "more" carry
// the catalogue code and the invalid fields.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Code   string       `json:"code"`
	Errors []fieldError `json:"errors,omitempty"`
	More   int          `json:"more,omitempty"`
	Unseen []string     `json:"unseen,omitempty"`
}

// defaultRetryAfter is the wait a 429 or 503 answer asks for when its
// error gives none.
const defaultRetryAfter = time.Second

// invalid returns a 400 validation error listing fields.
func invalid(fields ...fieldError) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: codeValidation, Message: "the request has invalid fields", Fields: fields}
}

// malformed returns a 400 error for a request that cannot be parsed.
func malformed(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: codeMalformed, Message: msg}
}

// tooLarge returns a 413 error.
func tooLarge(msg string, fields ...fieldError) *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Message: msg, Fields: fields}
}

// notFound returns a 404 error.
func notFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, Code: codeNotFound, Message: what + " not found"}
}

// fail answers err with the error document and the status it maps to.
// Causes of 500 responses are logged, never shown.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.writeError(w, h.classify(r, err))
}

// classify maps an error of an endpoint or of the Desk to a response.
func (h *handler) classify(r *http.Request, err error) *apiError {
	var (
		api        *apiError
		maxBytes   *http.MaxBytesError
		transition *ticketkit.TransitionError
		validation *ticketkit.ValidationError
	)
	switch {
	case errors.As(err, &api):
		return api
	case errors.As(err, &maxBytes):
		return tooLarge("the request body is too large")
	case relationError(err) != nil:
		return relationError(err)
	case presenceError(err) != nil:
		return presenceError(err)
	case errors.Is(err, ticketkit.ErrWatchersUnsupported):
		return &apiError{status: http.StatusNotImplemented, Code: codeWatchersUnsupported,
			Message: "this desk's store keeps no watchers or CC addresses"}
	case errors.As(err, &transition):
		return transitionError(transition)
	case errors.Is(err, ticketkit.ErrInvalidActor):
		// The host's Authenticate returned an incomplete actor: its
		// user did nothing wrong.
		h.log.ErrorContext(r.Context(), "httpapi: Authenticate returned an invalid actor", "err", err)
		return &apiError{status: http.StatusInternalServerError, Code: codeInternal, Message: "internal server error"}
	case errors.As(err, &validation):
		return validationError(validation)
	case errors.Is(err, ticketkit.ErrNotFound):
		return notFound("ticket")
	case errors.Is(err, ticketkit.ErrConflict) && ifMatchVersion(r):
		return preconditionFailed()
	case errors.Is(err, ticketkit.ErrConflict):
		return &apiError{status: http.StatusConflict, Code: codeConflict,
			Message: "the ticket changed since the version given; read it again and retry"}
	case errors.Is(err, ticketkit.ErrNotPosted):
		return &apiError{status: http.StatusConflict, Code: codeNotPosted, Message: "only a posted complaint can be reversed"}
	case errors.Is(err, ticketkit.ErrReversed):
		return &apiError{status: http.StatusConflict, Code: codeReversed, Message: "the complaint is already reversed"}
	case errors.Is(err, ticketkit.ErrPosted):
		return &apiError{status: http.StatusConflict, Code: codePosted, Message: "the complaint is posted and can no longer be changed"}
	case errors.Is(err, ticketkit.ErrComplaint):
		return &apiError{status: http.StatusConflict, Code: codeComplaintRoute,
			Message: "this ticket is a complaint document: change it with the /complaints routes"}
	case errors.Is(err, ticketkit.ErrStepOrder):
		return stepOrderError(err)
	case errors.Is(err, ticketkit.ErrForbidden):
		return &apiError{status: http.StatusForbidden, Code: codeForbidden, Message: "your role may not do this"}
	case errors.Is(err, ticketkit.ErrNoBlobStore):
		return &apiError{status: http.StatusNotImplemented, Code: codeNoAttachments,
			Message: "this desk does not keep attachments"}
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		h.log.DebugContext(r.Context(), "httpapi: request cancelled", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		h.log.ErrorContext(r.Context(), "httpapi: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return &apiError{status: http.StatusInternalServerError, Code: codeInternal, Message: "internal server error"}
}

// transitionError maps a refused status change: a role that may not
// make it is 403, a failed guard names the field that satisfies it
// (400), and a move the workflow does not have from the current status
// is 409. A refused routing (Desk.Assign, a department change) maps the
// same way, a failed guard naming the routed field.
func transitionError(te *ticketkit.TransitionError) *apiError {
	msg := te.Reason
	if msg == "" {
		msg = te.Error()
	}
	switch {
	case errors.Is(te, ticketkit.ErrForbidden):
		return &apiError{status: http.StatusForbidden, Code: codeForbidden, Message: msg}
	case errors.Is(te, ticketkit.ErrGuard):
		field := "to"
		switch {
		case te.Route != nil:
			field = te.Route.Field
		case te.Guard == workflow.GuardReasonRequired:
			field = "reason"
		}
		return invalid(fieldError{Field: field, Code: te.Guard, Message: msg})
	}
	return &apiError{status: http.StatusConflict, Code: codeTransition, Message: msg}
}

// validationError maps the Desk's *ValidationError, listing at most
// ticket.MaxFieldErrors fields; files over the Desk's size limit are
// answered with 413.
func validationError(v *ticketkit.ValidationError) *apiError {
	shown, more := v.Report()
	fields := make([]fieldError, 0, len(shown))
	allTooLarge := len(shown) > 0 && more == 0
	for _, f := range shown {
		allTooLarge = allTooLarge && f.Rule == "max_size"
		fe := fieldError{Field: f.Field, Code: f.Rule, Message: f.Message}
		// The Desk's messages for these two are the store's error texts.
		switch f.Rule {
		case "cursor":
			fe.Message = "is not a cursor of this query; start again without it"
		case "max_size":
			fe.Message = "the file is larger than this desk accepts"
		}
		fields = append(fields, fe)
	}
	if allTooLarge {
		return tooLarge("an attachment is too large", fields...)
	}
	e := invalid(fields...)
	e.More = more
	return e
}

// renameFields renames the fields of a *ValidationError in err from the
// Desk's names to the names a request used, such as "statuses[1]" to
// "status[1]"; other errors are returned as they are.
func renameFields(err error, names map[string]string) error {
	var v *ticketkit.ValidationError
	if !errors.As(err, &v) || errors.Is(err, ticketkit.ErrInvalidActor) {
		return err
	}
	out := &ticketkit.ValidationError{More: v.More}
	for _, f := range v.Fields {
		head, rest := f.Field, ""
		if i := strings.IndexAny(f.Field, ".["); i >= 0 {
			head, rest = f.Field[:i], f.Field[i:]
		}
		if n, ok := names[head]; ok {
			f.Field = n + rest
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// writeError writes the problem document of e, with the headers its
// status calls for: WWW-Authenticate on 401, Retry-After on 429 and 503.
func (h *handler) writeError(w http.ResponseWriter, e *apiError) {
	pt, ok := problemTypes[e.Code]
	if !ok {
		e.Code, pt = codeInternal, problemTypes[codeInternal]
	}
	status := cmp.Or(e.status, pt.status)
	// Field names and messages can echo what a client sent (an unknown
	// member, a custom field key, a form field): clip them, so that
	// bad input gets a small answer whatever its size.
	doc := problem{
		Type: ProblemTypeBase + e.Code, Title: pt.title, Status: status,
		Detail: clipText(e.Message), Code: e.Code, More: e.More, Unseen: e.Unseen,
	}
	for _, f := range e.Fields {
		f.Field, f.Message = clipText(f.Field), clipText(f.Message)
		doc.Errors = append(doc.Errors, f)
	}
	hdr := w.Header()
	switch status {
	case http.StatusUnauthorized:
		hdr.Set("WWW-Authenticate", h.challenge)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		wait := cmp.Or(max(e.retryAfter, 0), defaultRetryAfter)
		hdr.Set("Retry-After", seconds(wait))
	}
	writeBody(w, status, ProblemContentType, doc)
}

// maxErrorText is the longest field name or message, in bytes, an error
// document repeats.
const maxErrorText = 256

// clipText cuts s to at most maxErrorText bytes on a rune boundary,
// ending in "…" when it was cut.
func clipText(s string) string {
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// writeJSON writes v as the JSON response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, "application/json; charset=utf-8", v)
}

// writeBody writes v as JSON with status and contentType.
func writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Del("Content-Length")
	if tag := etagOf(v); tag != "" {
		hdr.Set("ETag", tag)
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away; nothing left to tell it
}

// stepOrderError answers an 8D step the complaint is not ready for
// (409), with the workflow's readable reason when it gives one.
func stepOrderError(err error) *apiError {
	msg := "the 8D step cannot be completed yet"
	if se, ok := errors.AsType[*workflow.StepError](err); ok {
		msg = "8D step " + string(se.Step) + " cannot be completed: " + se.Reason
	}
	return &apiError{status: http.StatusConflict, Code: codeStepOrder, Message: msg}
}
