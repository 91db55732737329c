package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify/notifytest"
)

// newStoreEnv is newEnv over store, with the desk's attachment limit
// maxAttachment (0: the default) and the API's config api.
func newStoreEnv(t *testing.T, store dbtest.Store, maxAttachment int64, api httpapi.Config) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewFake(start), rec: notifytest.NewRecorder(), blobs: blob.NewMemory(blob.Config{}), logs: &syncBuffer{}}
	desk, err := ticketkit.New(ticketkit.Config{
		Store: store.Open(t), Catalog: testCatalog(t), Clock: e.clock, Notifier: e.rec,
		Blobs: e.blobs, MaxAttachmentSize: maxAttachment,
	})
	require.NoError(t, err)
	e.desk = desk
	api.Desk, api.Authenticate, api.Clock = desk, headerAuth, e.clock
	api.Logger = slog.New(slog.NewTextHandler(e.logs, nil))
	e.api, err = httpapi.New(api)
	require.NoError(t, err)
	return e
}

// ticketCount counts the tickets of the tenant "shop".
func (e *env) ticketCount() int {
	e.t.Helper()
	res, err := e.desk.Search(context.Background(), agent, ticketkit.SearchParams{Limit: 500})
	require.NoError(e.t, err)
	return len(res.Tickets)
}

// openForm sends POST /tickets as a multipart/form-data form.
func (e *env) openForm(as actorT, fields map[string]string, files ...file) *httptestRecorder {
	e.t.Helper()
	body, ct := multipartBody(e.t, fields, files...)
	return e.do(request{as: &as, method: http.MethodPost, path: "/tickets", body: body, contentType: ct})
}

// TestOpenForm opens tickets with their first message and files in one
// multipart/form-data request (issue 16, item 5), on every store.
func TestOpenForm(t *testing.T) {
	t.Parallel()
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0x02}, 300)
	receipt := []byte("<html><script>alert(1)</script></html>")
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()

			t.Run("TwoFiles", func(t *testing.T) {
				e := newStoreEnv(t, store, 0, httpapi.Config{})
				w := e.openForm(ada, map[string]string{
					"subject": "Blender jar cracked", "description": "Since Monday",
					"message":    "Photo and receipt attached.",
					"references": `[{"kind":"order","id":"SO-1042"}]`,
					"customer":   `{"name":"Ada"}`,
				},
					file{name: "jar.jpg", contentType: "image/jpeg", content: photo},
					file{name: "reçu.html", contentType: "text/html; charset=utf-8", content: receipt})
				require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
				require.NotEmpty(t, w.Header().Get("ETag"))
				tk := decode[apiTicket](t, w)
				require.Equal(t, "tickets/"+tk.ID, w.Header().Get("Location"))
				require.Equal(t, "Blender jar cracked", tk.Subject)
				require.Equal(t, "C-ADA", tk.Customer.ID)
				require.Contains(t, w.Body.String(), `"SO-1042"`)
				require.Equal(t, 1, e.ticketCount())

				page := decode[struct{ Messages []apiMessage }](t, e.get(ada, "/tickets/"+tk.ID+"/messages"))
				require.Len(t, page.Messages, 1)
				m := page.Messages[0]
				require.Equal(t, "customer", m.Kind)
				require.Equal(t, "Photo and receipt attached.", m.Body)
				require.Len(t, m.Attachments, 2)
				require.Equal(t, "jar.jpg", m.Attachments[0].Name)
				for i, want := range [][]byte{photo, receipt} {
					w := e.get(ada, "/tickets/"+tk.ID+"/messages/"+m.ID+"/attachments/"+m.Attachments[i].ID)
					require.Equal(t, http.StatusOK, w.Code, w.Body.String())
					require.Equal(t, want, w.Body.Bytes())
					require.True(t, strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;"))
				}
				w = e.get(bob, "/tickets/"+tk.ID+"/messages/"+m.ID+"/attachments/"+m.Attachments[0].ID)
				requireError(t, w, http.StatusNotFound, "not_found")
			})

			t.Run("RefusedFileStoresNothing", func(t *testing.T) {
				e := newStoreEnv(t, store, 1<<10, httpapi.Config{})
				w := e.openForm(ada, map[string]string{"subject": "Big file", "message": "one small, one big"},
					file{name: "small.txt", contentType: "text/plain", content: []byte("ok")},
					file{name: "big.bin", contentType: "application/octet-stream", content: make([]byte, 2<<10)})
				bad := requireError(t, w, http.StatusRequestEntityTooLarge, "too_large")
				require.Equal(t, []string{"attachments[1].content"}, bad.fieldNames())
				require.Zero(t, e.ticketCount(), "no ticket")
				require.Zero(t, e.blobs.Len(), "no blob: the small file is deleted again")

				// The same in the transaction of an Idempotency-Key.
				body, ct := multipartBody(t, map[string]string{"subject": "Big file"},
					file{name: "small.txt", contentType: "text/plain", content: []byte("ok")},
					file{name: "big.bin", contentType: "application/octet-stream", content: make([]byte, 2<<10)})
				w = e.do(request{as: &ada, method: http.MethodPost, path: "/tickets", body: body, contentType: ct,
					header: http.Header{"Idempotency-Key": {"k-big"}}})
				requireError(t, w, http.StatusRequestEntityTooLarge, "too_large")
				require.Zero(t, e.ticketCount())
				require.Zero(t, e.blobs.Len())
			})

			t.Run("UploadOverMaxUploadSize", func(t *testing.T) {
				e := newStoreEnv(t, store, 0, httpapi.Config{MaxUploadSize: 64 << 10})
				w := e.openForm(ada, map[string]string{"subject": "Big files"},
					file{name: "a.bin", contentType: "application/octet-stream", content: make([]byte, 40<<10)},
					file{name: "b.bin", contentType: "application/octet-stream", content: make([]byte, 40<<10)})
				requireError(t, w, http.StatusRequestEntityTooLarge, "too_large")
				require.Zero(t, e.ticketCount())
				require.Zero(t, e.blobs.Len())
			})

			t.Run("StaffOnlyFieldsRefusedLikeJSON", func(t *testing.T) {
				e := newStoreEnv(t, store, 0, httpapi.Config{})
				form := map[string]string{
					"subject": "Make it urgent", "priority": "urgent", "department": "service",
					"assignee": "agent-1", "tags": `["vip"]`, "fields": `{"margin":"12"}`,
					"customer": `{"email":"ada@example.com"}`,
				}
				w := e.openForm(ada, form, file{name: "a.txt", contentType: "text/plain", content: []byte("a")})
				bad := requireError(t, w, http.StatusBadRequest, "validation_failed")
				jsonBody := map[string]any{
					"subject": "Make it urgent", "priority": "urgent", "department": "service",
					"assignee": "agent-1", "tags": []string{"vip"}, "fields": map[string]string{"margin": "12"},
					"customer": map[string]string{"email": "ada@example.com"},
				}
				asJSON := requireError(t, e.send(ada, http.MethodPost, "/tickets", jsonBody), http.StatusBadRequest, "validation_failed")
				require.ElementsMatch(t, asJSON.fieldNames(), bad.fieldNames())
				require.Contains(t, bad.fieldNames(), "priority")
				require.Contains(t, bad.fieldNames(), "customer.email")
				for _, f := range bad.Errors {
					require.Equal(t, "forbidden", f.Rule, f.Field)
				}

				w = e.openForm(ada, map[string]string{"subject": "Gold", "tier": "gold"})
				bad = requireError(t, w, http.StatusBadRequest, "validation_failed")
				require.Equal(t, []string{"tier"}, bad.fieldNames())
				require.Zero(t, e.ticketCount())
				require.Zero(t, e.blobs.Len())

				// Staff may set them, in the form as in JSON.
				w = e.openForm(agent, map[string]string{
					"subject": "Urgent", "priority": "urgent", "department": "service", "tags": `["vip"]`,
					"customer": `{"id":"C-ADA","email":"ada@example.com"}`, "tier": "gold", "channel": "manual",
				})
				require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
				tk := decode[apiTicket](t, w)
				require.Equal(t, "urgent", tk.Priority)
				require.Equal(t, []string{"vip"}, tk.Tags)
				require.Equal(t, "ada@example.com", tk.Customer.Email)
			})

			t.Run("BadFields", func(t *testing.T) {
				e := newStoreEnv(t, store, 0, httpapi.Config{})
				for name, tc := range map[string]struct {
					fields map[string]string
					files  []file
					want   []string
				}{
					"Unknown":            {map[string]string{"subject": "x", "author": "ceo", "order": "SO-1"}, nil, []string{"author", "order"}},
					"FileInAnotherField": {map[string]string{"subject": "x", "photo": "x"}, nil, []string{"photo"}},
					"UnknownJSONMember":  {map[string]string{"subject": "x", "references": `[{"kind":"order","id":"1","x":1}]`}, nil, []string{"references.x"}},
					"NotJSON":            {map[string]string{"subject": "x", "tags": "vip"}, nil, []string{"tags"}},
					"WrongJSONType":      {map[string]string{"subject": "x", "customer": `{"name":7}`}, nil, []string{"customer.name"}},
					"TrailingJSON":       {map[string]string{"subject": "x", "tags": `["a"] ["b"]`}, nil, []string{"tags"}},
				} {
					w := e.openForm(ada, tc.fields, tc.files...)
					bad := requireError(t, w, http.StatusBadRequest, "validation_failed")
					require.Equal(t, tc.want, bad.fieldNames(), name)
				}
				// A file sent under another name than attachments.
				var buf bytes.Buffer
				body, ct := multipartBody(t, map[string]string{"subject": "x"})
				_, err := io.Copy(&buf, body)
				require.NoError(t, err)
				raw := strings.Replace(buf.String(), `name="subject"`, `name="photo"; filename="p.jpg"`, 1)
				w := e.do(request{as: &ada, method: http.MethodPost, path: "/tickets", body: strings.NewReader(raw), contentType: ct})
				bad := requireError(t, w, http.StatusBadRequest, "validation_failed")
				require.Equal(t, []string{"photo"}, bad.fieldNames())

				w = e.do(request{as: &ada, method: http.MethodPost, path: "/tickets", body: strings.NewReader("subject=x"), contentType: "application/x-www-form-urlencoded"})
				requireError(t, w, http.StatusUnsupportedMediaType, "unsupported_media_type")
				require.Zero(t, e.ticketCount())
			})

			t.Run("IdempotencyKey", func(t *testing.T) {
				e := newStoreEnv(t, store, 0, httpapi.Config{})
				body, ct := multipartBody(t, map[string]string{"subject": "Retry me", "message": "see photo"},
					file{name: "jar.jpg", contentType: "image/jpeg", content: photo})
				raw, err := io.ReadAll(body)
				require.NoError(t, err)
				send := func(raw []byte, ct, key string) *httptestRecorder {
					return e.do(request{as: &ada, method: http.MethodPost, path: "/tickets", body: bytes.NewReader(raw),
						contentType: ct, header: http.Header{"Idempotency-Key": {key}}})
				}
				first := send(raw, ct, "k-1")
				require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
				again := send(raw, ct, "k-1")
				require.Equal(t, http.StatusCreated, again.Code, again.Body.String())
				require.Equal(t, first.Body.String(), again.Body.String())
				require.Equal(t, first.Header().Get("ETag"), again.Header().Get("ETag"))
				require.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))

				// A client picks a new boundary for each attempt.
				_, params, _ := strings.Cut(ct, "boundary=")
				other := "retry" + strings.Repeat("x", 20)
				again = send(bytes.ReplaceAll(raw, []byte(params), []byte(other)), "multipart/form-data; boundary="+other, "k-1")
				require.Equal(t, http.StatusCreated, again.Code, again.Body.String())
				require.Equal(t, first.Body.String(), again.Body.String())

				// Another form with the same key is refused.
				body2, ct2 := multipartBody(t, map[string]string{"subject": "Something else"})
				raw2, err := io.ReadAll(body2)
				require.NoError(t, err)
				requireError(t, send(raw2, ct2, "k-1"), http.StatusUnprocessableEntity, "idempotency_key_reused")

				require.Equal(t, 1, e.ticketCount(), "one ticket per key")
				require.Equal(t, 1, e.blobs.Len(), "one blob per key")
				tk := decode[apiTicket](t, first)
				page := decode[struct{ Messages []apiMessage }](t, e.get(ada, "/tickets/"+tk.ID+"/messages"))
				require.Len(t, page.Messages, 1)
				require.Len(t, page.Messages[0].Attachments, 1)

				// Retries racing each other: one ticket, the others wait
				// (409) or get its answer.
				codes := make([]int, 4)
				var wg sync.WaitGroup
				for i := range codes {
					wg.Go(func() { codes[i] = send(raw, ct, "k-race").Code })
				}
				wg.Wait()
				require.Contains(t, codes, http.StatusCreated)
				for _, c := range codes {
					require.Contains(t, []int{http.StatusCreated, http.StatusConflict}, c, "%v", codes)
				}
				require.Equal(t, 2, e.ticketCount(), "one ticket per key")
				require.Equal(t, 2, e.blobs.Len(), "one blob per key")

				// A refused form left its key free: fixed, it is sent again.
				bad := send([]byte(strings.Replace(string(raw2), "Something else", "Other\x00", 1)), ct2, "k-2")
				requireError(t, bad, http.StatusBadRequest, "validation_failed")
				ok := send(raw2, ct2, "k-2")
				require.Equal(t, http.StatusCreated, ok.Code, ok.Body.String())
				require.Equal(t, 3, e.ticketCount())
			})
		})
	}
}

// httptestRecorder shortens the recorder type.
type httptestRecorder = httptest.ResponseRecorder
