package httpapi_test

// Black-box attacks on the promises of SECURITY.md and the package
// documentation (issue 12), over a real listener on every store, written
// from the documentation only.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// bbReq is one raw request of the black-box tests.
type bbReq struct {
	as           *actorT
	method, path string
	body, ctype  string
	header       map[string]string
}

// bbDo sends r to s and returns the status and the body.
func bbDo(t *testing.T, s *server, r bbReq) (int, string) {
	t.Helper()
	req, err := http.NewRequest(r.method, s.url+r.path, strings.NewReader(r.body))
	require.NoError(t, err)
	if a := r.as; a != nil {
		req.Header.Set("X-Actor", a.ID)
		req.Header.Set("X-Role", string(a.Role))
		req.Header.Set("X-Tenant", a.TenantID)
		req.Header.Set("X-Customer", a.CustomerID)
	}
	if r.body != "" {
		req.Header.Set("Content-Type", cmpOr(r.ctype, "application/json"))
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(raw)
}

// bbStaffIDs are the staff user IDs a customer must never read.
var bbStaffIDs = []string{agent.ID, supervisor.ID}

// TestBlackboxCustomerWritesOverTheWire sends a customer's every way of
// setting a staff-owned field or an address over HTTP: typed addresses,
// staff fields, members the route does not know (in any letter case),
// multipart fields, and checks nothing of it is stored.
func TestBlackboxCustomerWritesOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			refused := []string{
				`{"subject":"a","customer":{"email":"victim@example.com"}}`,
				`{"subject":"a","Customer":{"EMAIL":"victim@example.com"}}`,
				`{"subject":"a","customer":{"mobile":"+33612345678"}}`,
				`{"subject":"a","contacts":[{"name":"V","email":"victim@example.com"}]}`,
				`{"subject":"a","contacts":[{"name":"V","phone":"+33612345678"}]}`,
				`{"subject":"a","cc":["victim@example.com"]}`,
				`{"subject":"a","bcc":"victim@example.com"}`,
				`{"subject":"a","reply_to":"victim@example.com"}`,
				`{"subject":"a","priority":"urgent"}`,
				`{"subject":"a","PRIORITY":"urgent"}`,
				`{"subject":"a","department":"service"}`,
				`{"subject":"a","assignee":"agent-1"}`,
				`{"subject":"a","tags":["vip"]}`,
				`{"subject":"a","tier":"gold"}`,
				`{"subject":"a","fields":{"margin":"1"}}`,
				`{"subject":"a","status":"closed"}`,
				`{"subject":"a","created_by":"agent-1"}`,
				`{"subject":"a","tenant_id":"other"}`,
				`{"subject":"a","vouched":true}`,
				`{"subject":"a","Vouched":true}`,
				`{"subject":"a","inbound":{"Key":"k"}}`,
				`{"subject":"a","sla":{}}`,
				`{"subject":"a","number":"TK-1"}`,
				`{"subject":"a","subject":"b","priority":"low"}`,
			}
			for i, body := range refused {
				status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: "/tickets", body: body})
				require.Equal(t, http.StatusBadRequest, status, "case %d %s: %s", i, body, raw)
			}
			status, raw := bbDo(t, s, bbReq{as: &agent, method: "GET", path: "/tickets"})
			require.Equal(t, http.StatusOK, status)
			require.NotContains(t, raw, `"number"`, "a refused open stored a ticket: %s", raw)

			status, raw = bbDo(t, s, bbReq{as: &ada, method: "POST", path: "/tickets",
				body: `{"subject":"mine","customer":{"id":"C-BOB","name":"Ada"},"fields":{"store":"Lyon"}}`})
			require.Equal(t, http.StatusCreated, status, raw)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			require.Equal(t, "C-ADA", tk.Customer.ID)
			id := "/tickets/" + tk.ID

			// Changes after open, through every route and shape.
			for i, r := range []bbReq{
				{method: "PATCH", path: id, body: `{"customer":{"email":"victim@example.com"}}`},
				{method: "PATCH", path: id, body: `{"contacts":[{"name":"V","email":"victim@example.com"}],"set_contacts":true}`},
				{method: "PATCH", path: id, body: `{"priority":"urgent"}`},
				{method: "POST", path: id + "/assignment", body: `{"assignee":"user-ada"}`},
				{method: "POST", path: id + "/transitions", body: `{"to":"closed","reason":"x"}`},
				{method: "POST", path: id + "/transitions", body: `{"to":"waiting","pending_until":"2030-01-01T00:00:00Z"}`},
				{method: "POST", path: id + "/messages", body: `{"kind":"note","body":"x"}`},
				{method: "POST", path: id + "/messages", body: `{"kind":"reply","body":"x","author_id":"agent-1"}`},
				{method: "POST", path: id + "/messages", body: `{"body":"x","to":"victim@example.com"}`},
				{method: "POST", path: id + "/messages", body: `{"body":"x","kind":"reply","kind":"note"}`},
			} {
				r.as = &ada
				status, raw := bbDo(t, s, r)
				require.Contains(t, []int{400, 403}, status, "case %d %s %s: %s", i, r.path, r.body, raw)
			}
			for i, fields := range []map[string]string{
				{"kind": "note", "body": "x"},
				{"body": "x", "author_id": "agent-1"},
				{"body": "x", "cc": "victim@example.com"},
			} {
				form, ctype := multipartBody(t, fields)
				b, err := io.ReadAll(form)
				require.NoError(t, err)
				status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: id + "/messages", body: string(b), ctype: ctype})
				require.Contains(t, []int{400, 403}, status, "form %d %v: %s", i, fields, raw)
			}
			// Two "kind" parts, reply first: no note may come of it.
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			require.NoError(t, mw.WriteField("kind", "reply"))
			require.NoError(t, mw.WriteField("kind", "note"))
			require.NoError(t, mw.WriteField("body", "two kinds"))
			require.NoError(t, mw.Close())
			status, raw = bbDo(t, s, bbReq{as: &ada, method: "POST", path: id + "/messages", body: buf.String(), ctype: mw.FormDataContentType()})
			if status == http.StatusCreated {
				require.Contains(t, raw, `"kind":"customer"`, raw)
			}

			status, raw = bbDo(t, s, bbReq{as: &agent, method: "GET", path: id})
			require.Equal(t, http.StatusOK, status)
			require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			require.Empty(t, tk.Customer.Email)
			require.Empty(t, tk.Assignee)
			require.Equal(t, "open", tk.Status)
			require.NotEqual(t, "urgent", tk.Priority)
			status, raw = bbDo(t, s, bbReq{as: &agent, method: "GET", path: id + "/messages"})
			require.Equal(t, http.StatusOK, status)
			require.NotContains(t, raw, `"kind":"note"`)
			require.NotContains(t, raw, `"author_id":"agent-1"`)
		})
	}
}

// TestBlackboxCustomersReadNoStaffIDOverTheWire reads a ticket staff
// worked on through every GET route as its customer, and provokes
// errors, looking for staff user IDs.
func TestBlackboxCustomersReadNoStaffIDOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, raw := bbDo(t, s, bbReq{as: &agent, method: "POST", path: "/tickets",
				body: `{"subject":"Kettle","department":"service","customer":{"id":"C-ADA"},"assignee":"boss-1","tags":["x"]}`})
			require.Equal(t, http.StatusCreated, status, raw)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			id := "/tickets/" + tk.ID
			for _, r := range []bbReq{
				{as: &agent, method: "POST", path: id + "/messages", body: `{"body":"hello"}`},
				{as: &supervisor, method: "POST", path: id + "/messages", body: `{"kind":"note","body":"internal"}`},
				{as: &supervisor, method: "POST", path: id + "/assignment", body: `{"assignee":"agent-1"}`},
				{as: &agent, method: "POST", path: id + "/transitions", body: `{"to":"in_progress"}`},
				{as: &ada, method: "POST", path: id + "/messages", body: `{"body":"thanks"}`},
			} {
				status, raw := bbDo(t, s, r)
				require.Less(t, status, 300, "%s %s: %s", r.method, r.path, raw)
			}
			for _, r := range []bbReq{
				{method: "GET", path: "/tickets"},
				{method: "GET", path: "/tickets?status=in_progress&q=kett"},
				{method: "GET", path: id},
				{method: "GET", path: "/tickets/by-number/" + strings.ToLower(tk.Number)},
				{method: "GET", path: id + "/messages"},
				{method: "GET", path: id + "/history"},
				{method: "GET", path: id + "/transitions"},
				{method: "GET", path: "/catalog"},
				{method: "GET", path: "/reports/sla"},
				{method: "GET", path: "/tickets?assignee=agent-1"},
				{method: "PATCH", path: id, body: `{"subject":"x"}`},
				{method: "POST", path: id + "/assignment", body: `{"assignee":"agent-1"}`},
				{method: "POST", path: id + "/transitions", body: `{"to":"closed","reason":"x"}`},
				{method: "POST", path: id + "/transitions", body: `{"to":"no-such"}`},
				{method: "POST", path: id + "/messages", body: `{"kind":"note","body":"x"}`},
				{method: "GET", path: id + "/messages/nope/attachments/nope"},
			} {
				r.as = &ada
				status, raw := bbDo(t, s, r)
				require.Less(t, status, 500, "%s %s: %s", r.method, r.path, raw)
				for _, sid := range bbStaffIDs {
					require.NotContains(t, raw, sid, "%s %s (%d) shows a staff ID", r.method, r.path, status)
				}
				require.NotContains(t, raw, "internal", "%s %s shows the note", r.method, r.path)
			}
		})
	}
}

// TestBlackboxCrossSiteAndCrossTenantOverTheWire sends unsafe requests
// a page of another site could make a browser send, and uses IDs and
// cursors of one tenant or customer in another's requests.
func TestBlackboxCrossSiteAndCrossTenantOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			var tk apiTicket
			for range 2 {
				status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: "/tickets", body: `{"subject":"ada"}`})
				require.Equal(t, http.StatusCreated, status, raw)
				require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			}
			id := "/tickets/" + tk.ID
			form, ftype := multipartBody(t, map[string]string{"body": "with file"}, file{name: "a.txt", contentType: "text/plain", content: []byte("ada's")})
			fb, err := io.ReadAll(form)
			require.NoError(t, err)
			status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: id + "/messages", body: string(fb), ctype: ftype})
			require.Equal(t, http.StatusCreated, status, raw)
			var msg apiMessage
			require.NoError(t, json.Unmarshal([]byte(raw), &msg))
			require.Len(t, msg.Attachments, 1)
			attPath := id + "/messages/" + msg.ID + "/attachments/" + msg.Attachments[0].ID

			// Cross-site: every content type a form can send, every unsafe method.
			for _, origin := range []map[string]string{
				{"Origin": "https://evil.example"},
				{"Origin": "null"},
				{"Sec-Fetch-Site": "cross-site"},
				{"Sec-Fetch-Site": "same-site"},
				{"Sec-Fetch-Site": "cross-site", "Origin": strings.TrimPrefix(s.url, "")},
			} {
				for _, r := range []bbReq{
					{method: "POST", path: id + "/messages", body: string(fb), ctype: ftype},
					{method: "POST", path: id + "/messages", body: "body=x&kind=reply", ctype: "application/x-www-form-urlencoded"},
					{method: "POST", path: id + "/messages", body: `{"body":"x"}`, ctype: "text/plain"},
					{method: "POST", path: "/tickets", body: `{"subject":"csrf"}`, ctype: "text/plain;charset=UTF-8"},
					{method: "POST", path: "/tickets", body: `{"subject":"csrf"}`},
					{method: "PATCH", path: id, body: `{"subject":"csrf"}`},
					{method: "DELETE", path: id},
					{method: "PUT", path: id, body: `{}`},
				} {
					r.as, r.header = &agent, origin
					status, raw := bbDo(t, s, r)
					require.Equal(t, http.StatusForbidden, status, "%v %s %s %s: %s", origin, r.method, r.path, r.ctype, raw)
				}
			}
			status, raw = bbDo(t, s, bbReq{method: "OPTIONS", path: "/tickets",
				header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}})
			require.NotContains(t, []int{200, 204}, status, raw)
			status, raw = bbDo(t, s, bbReq{as: &agent, method: "GET", path: id + "/messages"})
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, 1, strings.Count(raw, `"body"`), "a cross-site request added a message: %s", raw)

			// Cross-tenant and cross-customer: Ada's IDs in Bob's and the outsider's requests.
			for _, who := range []actorT{bob, outsider} {
				for _, r := range []bbReq{
					{method: "GET", path: id},
					{method: "GET", path: "/tickets/by-number/" + tk.Number},
					{method: "GET", path: id + "/messages"},
					{method: "GET", path: id + "/history"},
					{method: "GET", path: id + "/transitions"},
					{method: "GET", path: attPath},
					{method: "POST", path: id + "/messages", body: `{"body":"x"}`},
					{method: "POST", path: id + "/transitions", body: `{"to":"in_progress"}`},
					{method: "PATCH", path: id, body: `{"subject":"x"}`},
					{method: "POST", path: id + "/assignment", body: `{"assignee":"agent-9"}`},
				} {
					r.as = &who
					status, raw := bbDo(t, s, r)
					require.Contains(t, []int{403, 404}, status, "%s %s %s: %s", who.ID, r.method, r.path, raw)
					require.NotContains(t, raw, "ada's")
				}
			}
			// Bob's own ticket with Ada's message and attachment IDs.
			status, raw = bbDo(t, s, bbReq{as: &bob, method: "POST", path: "/tickets", body: `{"subject":"bob"}`})
			require.Equal(t, http.StatusCreated, status, raw)
			var bobTk apiTicket
			require.NoError(t, json.Unmarshal([]byte(raw), &bobTk))
			status, raw = bbDo(t, s, bbReq{as: &bob, method: "GET", path: "/tickets/" + bobTk.ID + "/messages/" + msg.ID + "/attachments/" + msg.Attachments[0].ID})
			require.Equal(t, http.StatusNotFound, status, raw)

			// A cursor minted by Ada pages nothing of hers for Bob or the outsider.
			status, raw = bbDo(t, s, bbReq{as: &ada, method: "GET", path: "/tickets?limit=1"})
			require.Equal(t, http.StatusOK, status)
			var page struct {
				Next string `json:"next_cursor"`
			}
			require.NoError(t, json.Unmarshal([]byte(raw), &page))
			require.NotEmpty(t, page.Next, raw)
			for _, who := range []actorT{bob, outsider} {
				status, raw = bbDo(t, s, bbReq{as: &who, method: "GET", path: "/tickets?cursor=" + url.QueryEscape(page.Next)})
				require.Less(t, status, 500, raw)
				require.NotContains(t, raw, `"subject":"ada"`, "%s paged into Ada's tickets", who.ID)
			}
		})
	}
}

// TestBlackboxHostileSizesOverTheWire sends oversized lists, keys, paths
// and headers: each is refused with a small answer, never a 500.
func TestBlackboxHostileSizesOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, raw := bbDo(t, s, bbReq{as: &agent, method: "POST", path: "/tickets", body: `{"subject":"k"}`})
			require.Equal(t, http.StatusCreated, status, raw)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			id := "/tickets/" + tk.ID

			many := func(n int, f func(i int) string) string {
				parts := make([]string, n)
				for i := range parts {
					parts[i] = f(i)
				}
				return strings.Join(parts, ",")
			}
			bigKey := strings.Repeat("k", 600<<10)
			fieldsMap := "{" + many(5000, func(i int) string { return fmt.Sprintf(`"f%d\u0000":"x"`, i) }) + "}"
			form, bigFormType := multipartBody(t, map[string]string{"body": "x", bigKey: "y"})
			bf, err := io.ReadAll(form)
			require.NoError(t, err)
			bigForm := string(bf)
			cases := []bbReq{
				{method: "GET", path: "/tickets?status=" + many(150, func(int) string { return "x" })},
				{method: "GET", path: "/tickets?status=" + strings.Repeat("x,", 4000)},
				{method: "GET", path: "/tickets?limit=99999999999999999999999"},
				{method: "GET", path: "/tickets?limit=-1"},
				{method: "GET", path: "/tickets?created_from=%2B10000-01-01T00:00:00Z"},
				{method: "GET", path: "/tickets?sort=subject;DROP"},
				{method: "GET", path: "/tickets?cursor=" + strings.Repeat("A", 4000)},
				{method: "GET", path: "/tickets/" + strings.Repeat("x", 200<<10)},
				{method: "GET", path: "/tickets/by-number/" + strings.Repeat("%00", 2000)},
				{method: "POST", path: "/tickets", body: `{"subject":"a","contacts":[` + many(5000, func(int) string { return `{"name":"a\u0000"}` }) + `]}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","tags":[` + many(5000, func(int) string { return `""` }) + `]}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","references":[` + many(5000, func(int) string { return `{}` }) + `]}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","fields":` + fieldsMap + `}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","` + bigKey + `":1}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","fields":{"` + bigKey + `":"x"}}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","fields":{"` + bigKey + `":1}}`},
				{method: "POST", path: "/tickets", body: `{"subject":"a","customer":{"` + bigKey + `":1}}`},
				{method: "POST", path: "/tickets", body: `{"subject":"` + strings.Repeat("\u0000", 100000) + `"}`},
				{method: "PATCH", path: id, body: `{"fields":` + fieldsMap + `}`},
				{method: "PATCH", path: id, body: `{"version":-1,"subject":"x"}`},
				{method: "PATCH", path: id, body: `{"fields":{"` + bigKey + `":"x"}}`},
				{method: "POST", path: id + "/messages", body: bigForm, ctype: bigFormType},
				{method: "POST", path: id + "/transitions", body: `{"to":"` + bigKey[:100000] + `"}`},
				{method: "POST", path: id + "/assignment", body: `{"department":"` + bigKey[:100000] + `"}`},
			}
			// Headers the API does not use change nothing, whatever they hold.
			for _, h := range []map[string]string{
				{"Idempotency-Key": strings.Repeat("k", 60<<10)},
				{"If-Match": `W/"\x01"`, "If-None-Match": "*"},
				{"If-Match": strings.Repeat(`"x",`, 10000)},
				{"Content-Length": "0"},
				{"Accept-Language": "fr;q=NaN, *;q=-1, en;q=1e309"},
			} {
				status, raw := bbDo(t, s, bbReq{as: &agent, method: "PATCH", path: id, body: `{"subject":"renamed"}`, header: h})
				require.Less(t, status, 500, "%v: %.300s", h, raw)
			}

			// A locale the catalog does not have falls back to its own text.
			for _, r := range []bbReq{
				{method: "GET", path: "/catalog", header: map[string]string{"Accept-Language": strings.Repeat("x-", 4000)}},
				{method: "GET", path: "/catalog?locale=" + strings.Repeat("%FF", 1000)},
				{method: "GET", path: "/catalog?locale=" + strings.Repeat("%00", 1000)},
			} {
				r.as = &agent
				status, raw := bbDo(t, s, r)
				require.Less(t, status, 500, "%.30s: %.300s", r.path, raw)
			}
			for i, r := range cases {
				r.as = &agent
				status, raw := bbDo(t, s, r)
				short := r.path
				if len(short) > 80 {
					short = short[:80]
				}
				require.GreaterOrEqual(t, status, 400, "case %d %s %s: %.300s", i, r.method, short, raw)
				require.Less(t, status, 500, "case %d %s %s: %.300s", i, r.method, short, raw)
				require.Less(t, len(raw), 8<<10, "case %d %s %s answers %d bytes", i, r.method, short, len(raw))
			}
		})
	}
}

// TestBlackboxHostileUploadsOverTheWire uploads files whose names try to
// break the download's headers and whose types ask to be run as pages.
func TestBlackboxHostileUploadsOverTheWire(t *testing.T) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, store)
			status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: "/tickets", body: `{"subject":"files"}`})
			require.Equal(t, http.StatusCreated, status, raw)
			var tk apiTicket
			require.NoError(t, json.Unmarshal([]byte(raw), &tk))
			id := "/tickets/" + tk.ID

			part := func(filename, ctype string) (string, string) {
				b := "XBOUNDARYX"
				body := "--" + b + "\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nsee file\r\n" +
					"--" + b + "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"" + filename + "\"\r\n" +
					"Content-Type: " + ctype + "\r\n\r\n<script>alert(document.cookie)</script>\r\n--" + b + "--\r\n"
				return body, "multipart/form-data; boundary=" + b
			}
			for _, c := range []struct{ name, ctype string }{
				{`x.html`, "text/html"},
				{`a\"; filename*=UTF-8''evil.html; x=\".txt`, "image/svg+xml"},
				{"..%2F..%2Fetc%2Fpasswd", "application/xhtml+xml"},
				{"a\x00b.txt", "text/plain"},
				{"a\tb.txt", "text/html; charset=utf-8\r\nX-Injected: 1"},
			} {
				body, ctype := part(c.name, c.ctype)
				status, raw := bbDo(t, s, bbReq{as: &ada, method: "POST", path: id + "/messages", body: body, ctype: ctype})
				require.Less(t, status, 500, "%q: %s", c.name, raw)
				if status != http.StatusCreated {
					continue
				}
				var m apiMessage
				require.NoError(t, json.Unmarshal([]byte(raw), &m))
				require.Len(t, m.Attachments, 1)
				res, err := http.DefaultClient.Do(func() *http.Request {
					req, err := http.NewRequest("GET", s.url+id+"/messages/"+m.ID+"/attachments/"+m.Attachments[0].ID, nil)
					require.NoError(t, err)
					req.Header.Set("X-Actor", agent.ID)
					req.Header.Set("X-Role", string(agent.Role))
					req.Header.Set("X-Tenant", agent.TenantID)
					return req
				}())
				require.NoError(t, err)
				_ = res.Body.Close()
				require.Equal(t, http.StatusOK, res.StatusCode)
				disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
				require.NoError(t, err, res.Header.Get("Content-Disposition"))
				require.Equal(t, "attachment", disp, "%q is served inline", c.name)
				require.NotContains(t, params["filename"], "/")
				require.Empty(t, res.Header.Get("X-Injected"))
				require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
				require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
			}
		})
	}
}

// TestBlackboxLookAlikeOrigins sends unsafe requests and preflights from
// origins that resemble the one the API trusts.
func TestBlackboxLookAlikeOrigins(t *testing.T) {
	e := newEnv(t, func(o *options) {
		o.api.CORS = httpapi.CORS{AllowedOrigins: []string{"https://portal.example"}, AllowCredentials: true}
	})
	tk := e.open(agent, map[string]any{"subject": "x"})
	for _, origin := range []string{
		"https://portal.example.evil.example",
		"https://evil-portal.example",
		"http://portal.example",
		"https://portal.example:8443",
		"https://portal.example@evil.example",
		"https://portal.example/",
		"https://PORTAL.example",
		"null",
	} {
		w := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/" + tk.ID + "/messages",
			body: strings.NewReader(`{"body":"csrf"}`), contentType: "text/plain",
			header: http.Header{"Origin": {origin}, "Sec-Fetch-Site": {"cross-site"}}})
		require.Equal(t, http.StatusForbidden, w.Code, "%s: %s", origin, w.Body.String())
		w = e.do(request{method: http.MethodOptions, path: "/tickets",
			header: http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"POST"}}})
		require.Empty(t, w.Header().Get("Access-Control-Allow-Origin"), origin)
		require.Empty(t, w.Header().Get("Access-Control-Allow-Credentials"), origin)
	}
	// The trusted origin itself passes.
	w := e.do(request{as: &agent, method: http.MethodPost, path: "/tickets/" + tk.ID + "/messages",
		body: strings.NewReader(`{"body":"fine"}`), contentType: "application/json",
		header: http.Header{"Origin": {"https://portal.example"}, "Sec-Fetch-Site": {"cross-site"}}})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.Equal(t, "https://portal.example", w.Header().Get("Access-Control-Allow-Origin"))
}
