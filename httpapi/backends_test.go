package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
)

// server is the API over a real listener on one of the stores.
type server struct {
	t   *testing.T
	url string
}

func newServer(t *testing.T, store dbtest.Store) *server {
	t.Helper()
	desk, err := ticketkit.New(ticketkit.Config{Store: store.Open(t), Catalog: testCatalog(t), Blobs: blob.NewMemory(blob.Config{})})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &server{t: t, url: srv.URL}
}

// call sends a request as an actor; body is sent as it is, with
// contentType (JSON when empty).
func (s *server) call(as actorT, method, path, body, contentType string) (int, apiError, string) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	require.NoError(s.t, err)
	setActor(req, as)
	if body != "" {
		req.Header.Set("Content-Type", cmpOr(contentType, "application/json"))
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(s.t, err)
	var e apiError
	if res.StatusCode >= 400 {
		require.Equal(s.t, httpapi.ProblemContentType, res.Header.Get("Content-Type"), string(raw))
		require.NoError(s.t, json.Unmarshal(raw, &e), string(raw))
	}
	return res.StatusCode, e, string(raw)
}

// setActor sets the headers headerAuth reads the actor from.
func setActor(req *http.Request, as actorT) {
	req.Header.Set("X-Actor", as.ID)
	req.Header.Set("X-Role", string(as.Role))
	req.Header.Set("X-Tenant", as.TenantID)
	req.Header.Set("X-Customer", as.CustomerID)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestHostileInputOverTheWire sends NUL bytes, invalid UTF-8, year-0
// times, forged cursors, header-breaking names and customer filters on
// hidden fields to the API over a real listener, on every store: each
// is answered 400 naming the field (or 404), never 500.
func TestHostileInputOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, _, body := s.call(agent, http.MethodPost, "/tickets",
				`{"subject":"Kettle","department":"service","channel":"manual","customer":{"id":"C-ADA"},"assignee":"agent-1"}`, "")
			require.Equal(t, http.StatusCreated, status, body)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(body), &tk))
			id := "/tickets/" + tk.ID
			nulCursor := url.QueryEscape(storage.Cursor{Sort: storage.SortCreatedAt, Time: start, ID: "\x00"}.Encode())
			year0Cursor := url.QueryEscape(storage.Cursor{Sort: storage.SortCreatedAt, Time: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), ID: tk.ID}.Encode())
			nulForm, nulFormType := multipartBody(t, map[string]string{"body": "hi\x00"})
			nulFormBytes, err := io.ReadAll(nulForm)
			require.NoError(t, err)
			badBoolForm, badBoolFormType := multipartBody(t, map[string]string{"body": "hi", "copy_contacts": "yes"})
			badBoolFormBytes, err := io.ReadAll(badBoolForm)
			require.NoError(t, err)

			cases := []struct {
				name         string
				as           actorT
				method, path string
				body, ctype  string
				status       int
				field        string
			}{
				{"PathIDNUL", agent, "GET", "/tickets/%00", "", "", 400, "id"},
				{"PathIDInvalidUTF8", agent, "GET", "/tickets/%FF", "", "", 400, "id"},
				{"PathNumberNUL", agent, "GET", "/tickets/by-number/TK%00", "", "", 400, "number"},
				{"HistoryNUL", agent, "GET", "/tickets/%00/history", "", "", 400, "id"},
				{"TransitionsNUL", agent, "GET", "/tickets/%00/transitions", "", "", 400, "id"},
				{"MessagesNUL", agent, "GET", "/tickets/%00/messages", "", "", 400, "ticket_id"},
				{"AttachmentNUL", agent, "GET", id + "/messages/%00/attachments/%00", "", "", 404, ""},
				{"QueryTextNUL", agent, "GET", "/tickets?q=%00", "", "", 400, "q"},
				{"QueryTextInvalidUTF8", agent, "GET", "/tickets?q=%FF", "", "", 400, "q"},
				{"QueryNumberNUL", agent, "GET", "/tickets?number=%00", "", "", 400, "number"},
				{"QueryStatusNUL", agent, "GET", "/tickets?status=open,%00", "", "", 400, "status[1]"},
				{"QueryEmailNUL", agent, "GET", "/tickets?customer_email=a%00%40example.com", "", "", 400, "customer_email"},
				{"QueryYear0", agent, "GET", "/tickets?created_from=0000-01-01T00:00:00Z", "", "", 400, "created_from"},
				{"QueryOffsetPastYear9999", agent, "GET", "/tickets?created_to=9999-12-31T23:00:00-05:00", "", "", 400, "created_to"},
				{"CursorNUL", agent, "GET", "/tickets?cursor=" + nulCursor, "", "", 400, "cursor"},
				{"CursorYear0", agent, "GET", "/tickets?cursor=" + year0Cursor, "", "", 400, "cursor"},
				{"MessagesYear0", agent, "GET", id + "/messages?created_from=0000-01-01T00:00:00Z", "", "", 400, "created_from"},
				{"MessagesCursorNUL", agent, "GET", id + "/messages?cursor=" + nulCursor, "", "", 400, "cursor"},
				{"ReportYear0", agent, "GET", "/reports/sla?created_from=0000-01-01T00:00:00Z", "", "", 400, "created_from"},
				{"OpenSubjectNUL", agent, "POST", "/tickets", `{"subject":"a\u0000"}`, "", 400, "subject"},
				{"OpenFieldKeyNUL", agent, "POST", "/tickets", `{"subject":"a","fields":{"st\u0000ore":"x"}}`, "", 400, "fields"},
				{"OpenCustomerNameCRLF", ada, "POST", "/tickets", `{"subject":"a","customer":{"name":"Ada\r\nBcc: victim@example.com"}}`, "", 400, "customer.name"},
				{"OpenCustomerEmailWithName", agent, "POST", "/tickets", `{"subject":"a","customer":{"email":"Ada <ada@example.com>"}}`, "", 400, "customer.email"},
				{"OpenContactNameLF", agent, "POST", "/tickets", `{"subject":"a","contacts":[{"name":"Bob\nRoe"}]}`, "", 400, "contacts[0].name"},
				{"UpdateSubjectNUL", agent, "PATCH", id, `{"subject":"\u0000"}`, "", 400, "subject"},
				{"UpdateCustomerNameCR", agent, "PATCH", id, `{"customer":{"name":"Ada\rRoe"}}`, "", 400, "customer.name"},
				{"UpdatePathNUL", agent, "PATCH", "/tickets/%00", `{"subject":"x"}`, "", 400, "ticket_id"},
				{"AssignPathNUL", agent, "POST", "/tickets/%00/assignment", `{"assignee":"a"}`, "", 400, "ticket_id"},
				{"PendingUntilYear0", agent, "POST", id + "/transitions", `{"to":"waiting","pending_until":"0000-01-01T00:00:00Z"}`, "", 400, "pending_until"},
				{"MessageBodyNUL", agent, "POST", id + "/messages", `{"body":"hi\u0000"}`, "", 400, "body"},
				{"MultipartBodyNUL", agent, "POST", id + "/messages", string(nulFormBytes), nulFormType, 400, "body"},
				{"CustomerFiltersByAssignee", ada, "GET", "/tickets?assignee=agent-1", "", "", 400, "assignee"},
				{"CustomerFiltersByDepartment", ada, "GET", "/tickets?department=service", "", "", 400, "department"},
				{"CustomerFiltersByCustomer", ada, "GET", "/tickets?customer_id=C-BOB", "", "", 400, "customer_id"},
				{"CustomerCopiesContacts", ada, "POST", id + "/messages", `{"body":"x","copy_contacts":true}`, "", 400, "copy_contacts"},
				{"NoteCopiesContacts", agent, "POST", id + "/messages", `{"kind":"note","body":"x","copy_contacts":true}`, "", 400, "copy_contacts"},
				{"MultipartCopyContactsNotBool", agent, "POST", id + "/messages", string(badBoolFormBytes), badBoolFormType, 400, "copy_contacts"},
				{"CustomerClaimsManualChannel", ada, "POST", "/tickets", `{"subject":"a","channel":"manual"}`, "", 400, "channel"},
				{"QueryChannelUnknown", agent, "GET", "/tickets?channel=manual,fax", "", "", 400, "channel[1]"},
				{"QueryChannelNUL", agent, "GET", "/tickets?channel=%00", "", "", 400, "channel[0]"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, e, body := s.call(c.as, c.method, c.path, c.body, c.ctype)
					require.Equal(t, c.status, status, body)
					if c.field != "" {
						require.Contains(t, e.fieldNames(), c.field, body)
					}
				})
			}

			// What customers may filter by still works, on their own tickets.
			status, _, body = s.call(ada, http.MethodGet, "/tickets?status=open&category=&q=kettle&channel=manual", "", "")
			require.Equal(t, http.StatusOK, status, body)
			require.Equal(t, 1, strings.Count(body, `"number"`), body)
			require.NotContains(t, body, "agent-1", "the assignee stays hidden")

			// Nothing refused was stored.
			status, _, body = s.call(agent, http.MethodGet, "/tickets", "", "")
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, 1, strings.Count(body, `"number"`), body)
			status, _, body = s.call(agent, http.MethodGet, id+"/messages", "", "")
			require.Equal(t, http.StatusOK, status)
			require.False(t, bytes.Contains([]byte(body), []byte(`"body"`)), body)

			// A staff reply may copy the contacts, as JSON or as a form.
			status, _, body = s.call(agent, http.MethodPost, id+"/messages", `{"body":"copied","copy_contacts":true}`, "")
			require.Equal(t, http.StatusCreated, status, body)
			form, formType := multipartBody(t, map[string]string{"body": "copied too", "copy_contacts": "true"})
			formBytes, err := io.ReadAll(form)
			require.NoError(t, err)
			status, _, body = s.call(agent, http.MethodPost, id+"/messages", string(formBytes), formType)
			require.Equal(t, http.StatusCreated, status, body)
		})
	}
}
