package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// Actors of the tests. Tenant "shop" holds the tickets; "other" is
// another tenant on the same desk.
var (
	agent      = ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "shop"}
	supervisor = ticketkit.Actor{ID: "boss-1", Role: ticket.RoleSupervisor, TenantID: "shop"}
	ada        = ticketkit.Actor{ID: "user-ada", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-ADA"}
	bob        = ticketkit.Actor{ID: "user-bob", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-BOB"}
	outsider   = ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "other"}
)

// actorT shortens the actor type in test tables.
type actorT = ticketkit.Actor

var start = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// env is one API over a fresh memory store, fake clock and recorder.
type env struct {
	t     *testing.T
	api   http.Handler
	desk  *ticketkit.Desk
	clock *clock.Fake
	rec   *notifytest.Recorder
	blobs *blob.Memory
	logs  *syncBuffer
}

// options tune an env.
type options struct {
	api              httpapi.Config
	maxAttachment    int64
	noBlobs          bool
	authenticateWith func(*http.Request) (ticketkit.Actor, error)
	// surveyKey is the desk's Config.SurveyKey.
	surveyKey string
}

// testCatalog is the default catalog with departments, French labels and
// display hints.
func testCatalog(t *testing.T) *ticket.Catalog {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{
		{Code: "service", Label: ticket.Label{Text: "After-sales service", Translations: map[string]string{"fr": "SAV"}}},
		{Code: "sales", Label: ticket.Label{Text: "Sales"}},
	}
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true},
	}
	fr := map[string]string{
		"open": "Ouvert", "in_progress": "En cours", "waiting": "Attente réponse", "closed": "Fermé",
		"low": "Basse", "normal": "Normale", "high": "Haute", "urgent": "Urgente",
	}
	for i, s := range spec.Statuses {
		if tr, ok := fr[s.Code]; ok {
			spec.Statuses[i].Label.Translations = map[string]string{"fr": tr}
		}
	}
	for i, p := range spec.Priorities {
		spec.Priorities[i].Label.Translations = map[string]string{"fr": fr[p.Code]}
		if p.Code == ticket.PriorityUrgent {
			spec.Priorities[i].Label.Icon, spec.Priorities[i].Label.Color = "flame", "#d32f2f"
		}
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

func newEnv(t *testing.T, opts ...func(*options)) *env {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := &env{
		t:     t,
		clock: clock.NewFake(start),
		rec:   notifytest.NewRecorder(),
		blobs: blob.NewMemory(blob.Config{}),
		logs:  &syncBuffer{},
	}
	cfg := ticketkit.Config{
		Store: memory.New(), Catalog: testCatalog(t), Clock: e.clock, Notifier: e.rec,
		Blobs: e.blobs, MaxAttachmentSize: o.maxAttachment, SurveyKey: o.surveyKey,
	}
	if o.noBlobs {
		cfg.Blobs = nil
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	e.desk = desk
	acfg := o.api
	acfg.Desk = desk
	acfg.Authenticate = headerAuth
	if o.authenticateWith != nil {
		acfg.Authenticate = o.authenticateWith
	}
	acfg.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.api, err = httpapi.New(acfg)
	require.NoError(t, err)
	return e
}

// headerAuth is the tests' Authenticate: the actor travels in headers.
// A real host checks a session or a token instead.
func headerAuth(r *http.Request) (ticketkit.Actor, error) {
	a := ticketkit.Actor{
		ID: r.Header.Get("X-Actor"), Role: ticket.Role(r.Header.Get("X-Role")),
		TenantID: r.Header.Get("X-Tenant"), CustomerID: r.Header.Get("X-Customer"),
	}
	if a.ID == "" {
		return a, errors.New("no credentials")
	}
	return a, nil
}

// request is one call of the API.
type request struct {
	as          *ticketkit.Actor
	method      string
	path        string
	body        io.Reader
	contentType string
	header      http.Header
}

// do sends req and returns the response.
func (e *env) do(req request) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(req.method, req.path, req.body)
	if req.contentType != "" {
		r.Header.Set("Content-Type", req.contentType)
	}
	for k, vs := range req.header {
		r.Header[k] = vs
	}
	if a := req.as; a != nil {
		r.Header.Set("X-Actor", a.ID)
		r.Header.Set("X-Role", string(a.Role))
		r.Header.Set("X-Tenant", a.TenantID)
		r.Header.Set("X-Customer", a.CustomerID)
	}
	w := httptest.NewRecorder()
	e.api.ServeHTTP(w, r)
	return w
}

// get sends a GET.
func (e *env) get(as ticketkit.Actor, path string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(request{as: &as, method: http.MethodGet, path: path})
}

// send sends v as a JSON body; a string is sent as it is.
func (e *env) send(as ticketkit.Actor, method, path string, v any) *httptest.ResponseRecorder {
	e.t.Helper()
	var body []byte
	if s, ok := v.(string); ok {
		body = []byte(s)
	} else {
		var err error
		body, err = json.Marshal(v)
		require.NoError(e.t, err)
	}
	return e.do(request{as: &as, method: method, path: path, body: bytes.NewReader(body), contentType: "application/json"})
}

// open opens a ticket through the API and returns it.
func (e *env) open(as ticketkit.Actor, body map[string]any) apiTicket {
	e.t.Helper()
	w := e.send(as, http.MethodPost, "/tickets", body)
	require.Equal(e.t, http.StatusCreated, w.Code, w.Body.String())
	return decode[apiTicket](e.t, w)
}

// decode decodes a JSON response body.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	want := "application/json; charset=utf-8"
	if w.Code >= 400 {
		want = httpapi.ProblemContentType
	}
	require.Equal(t, want, w.Header().Get("Content-Type"), w.Body.String())
	var v T
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v), w.Body.String())
	return v
}

// apiTicket is the part of the ticket JSON the tests read.
type apiTicket struct {
	ID         string            `json:"id"`
	Number     string            `json:"number"`
	Subject    string            `json:"subject"`
	Status     string            `json:"status"`
	Priority   string            `json:"priority"`
	Department string            `json:"department"`
	Assignee   string            `json:"assignee"`
	Tags       []string          `json:"tags"`
	Customer   ticket.Customer   `json:"customer"`
	Fields     map[string]string `json:"fields"`
	Version    int64             `json:"version"`
}

type apiMessage struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Body        string `json:"body"`
	Attachments []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
		SHA256      string `json:"sha256"`
		Key         string `json:"key"`
	} `json:"attachments"`
}

// apiError is a problem document (RFC 9457) as the API answers it.
type apiError struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Rule    string `json:"rule"`
		Message string `json:"message"`
	} `json:"errors"`
	More int `json:"more"`
}

// fieldNames lists the fields of a problem document.
func (a apiError) fieldNames() []string {
	var out []string
	for _, f := range a.Errors {
		out = append(out, f.Field)
	}
	return out
}

// requireError checks a response is a problem document with status and
// code, whose type, title and status follow the catalogue, and returns
// it.
func requireError(t *testing.T, w *httptest.ResponseRecorder, status int, code string) apiError {
	t.Helper()
	require.Equal(t, status, w.Code, w.Body.String())
	e := decode[apiError](t, w)
	require.Equal(t, code, e.Code, w.Body.String())
	require.Equal(t, httpapi.ProblemTypeBase+code, e.Type, w.Body.String())
	require.Equal(t, status, e.Status, w.Body.String())
	require.NotEmpty(t, e.Title)
	require.NotEmpty(t, e.Detail)
	return e
}

// file is one file of a multipart upload.
type file struct {
	name, contentType string
	content           []byte
}

// multipartBody builds a multipart/form-data body with text fields and
// files in the field "attachments".
func multipartBody(t *testing.T, fields map[string]string, files ...file) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		pw, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = pw.Write(f.content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// contains reports whether the log holds s.
func (e *env) logged(s string) bool { return strings.Contains(e.logs.String(), s) }
