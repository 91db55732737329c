package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// Safe retries (issue 16, item 2): ETag and If-Match, Idempotency-Key.

// retryServer is the API over a real listener on one store, with a fake
// clock and complaints.
type retryServer struct {
	t     *testing.T
	url   string
	desk  *ticketkit.Desk
	clock *clock.Fake
}

func newRetryServer(t *testing.T, store storage.Store, mod func(*httpapi.Config)) *retryServer {
	t.Helper()
	clk := clock.NewFake(start)
	remedies := ticket.RemedyHandlerFunc(func(context.Context, ticket.RemedyRequest) (ticket.RemedyResult, error) {
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1"}}, nil
	})
	dcfg := ticketkit.Config{Store: store, Catalog: testCatalog(t), Clock: clk, Blobs: blob.NewMemory(blob.Config{})}
	if _, ok := store.(storage.ComplaintStore); ok {
		dcfg.Complaints = &ticketkit.ComplaintConfig{Remedies: remedies}
	}
	desk, err := ticketkit.New(dcfg)
	require.NoError(t, err)
	cfg := httpapi.Config{Desk: desk, Authenticate: headerAuth, Clock: clk, IdempotencyTTL: time.Hour}
	if mod != nil {
		mod(&cfg)
	}
	api, err := httpapi.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &retryServer{t: t, url: srv.URL, desk: desk, clock: clk}
}

// onEveryStore runs test with a retry server on each store, in
// parallel.
func onEveryStore(t *testing.T, test func(t *testing.T, s *retryServer)) {
	t.Parallel()
	for _, store := range dbtest.Stores() {
		t.Run(store.Name, func(t *testing.T) {
			t.Parallel()
			test(t, newRetryServer(t, store.Open(t), nil))
		})
	}
}

// reply is an answer of the API.
type reply struct {
	status int
	header http.Header
	body   string
}

// code returns the error code of an error answer: the "code" member of
// its problem document.
func (r reply) code() string {
	var doc struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal([]byte(r.body), &doc)
	return doc.Code
}

// send sends body as JSON with the headers given as name, value pairs.
func (s *retryServer) send(as actorT, method, path, body string, header ...string) reply {
	s.t.Helper()
	res, err := sendTo(s.url, as, method, path, body, header...)
	require.NoError(s.t, err)
	return res
}

// sendTo sends a request to the API at base; it is safe to call from
// any goroutine.
func sendTo(base string, as actorT, method, path, body string, header ...string) (reply, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("X-Actor", as.ID)
	req.Header.Set("X-Role", string(as.Role))
	req.Header.Set("X-Tenant", as.TenantID)
	req.Header.Set("X-Customer", as.CustomerID)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, header: res.Header, body: string(raw)}, err
}

// ticketCount returns how many tickets the tenant of agent has.
func (s *retryServer) ticketCount() int {
	s.t.Helper()
	res, err := s.desk.Search(context.Background(), agent, ticketkit.SearchParams{Limit: 500})
	require.NoError(s.t, err)
	return len(res.Tickets)
}

const openBody = `{"subject":"Blender jar cracked","customer":{"id":"C-ADA","name":"Ada"}}`

// openTicket opens a ticket and returns it with the answer.
func (s *retryServer) openTicket() (apiTicket, reply) {
	s.t.Helper()
	opened := s.send(agent, http.MethodPost, "/tickets", openBody)
	require.Equal(s.t, http.StatusCreated, opened.status, opened.body)
	var tk apiTicket
	require.NoError(s.t, json.Unmarshal([]byte(opened.body), &tk))
	return tk, opened
}

// oneWins sends n requests at once as agent and requires that exactly
// one is answered win and the others 412.
func (s *retryServer) oneWins(n, win int, method, path, ifMatch string, body func(i int) string) {
	s.t.Helper()
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := sendTo(s.url, agent, method, path, body(i), "If-Match", ifMatch)
			assert.NoError(s.t, err)
			statuses[i] = res.status
		})
	}
	wg.Wait()
	won := 0
	for _, st := range statuses {
		if st == win {
			won++
		} else {
			require.Equal(s.t, http.StatusPreconditionFailed, st, "%v", statuses)
		}
	}
	require.Equal(s.t, 1, won, "%v", statuses)
}

func TestETagAndIfMatch(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {
		tk, opened := s.openTicket()
		tag1 := opened.header.Get("ETag")
		require.Equal(t, fmt.Sprintf(`"%s.1"`, tk.ID), tag1, "a strong tag of id and version")
		path := "/tickets/" + tk.ID

		got := s.send(agent, http.MethodGet, path, "")
		require.Equal(t, tag1, got.header.Get("ETag"))
		notModified := s.send(agent, http.MethodGet, path, "", "If-None-Match", `"other.1", `+tag1)
		require.Equal(t, http.StatusNotModified, notModified.status)
		require.Empty(t, notModified.body)
		require.Equal(t, tag1, notModified.header.Get("ETag"))
		require.Equal(t, http.StatusOK, s.send(agent, http.MethodGet, path, "", "If-None-Match", `"x.1"`).status)

		changed := s.send(agent, http.MethodPatch, path, `{"subject":"Jar cracked"}`, "If-Match", tag1)
		require.Equal(t, http.StatusOK, changed.status, changed.body)
		tag2 := changed.header.Get("ETag")
		require.Equal(t, fmt.Sprintf(`"%s.2"`, tk.ID), tag2)

		for name, ifMatch := range map[string]string{
			"stale tag":             tag1,
			"weak tag":              "W/" + tag2,
			"another ticket's tag":  `"0196aaaa.2"`,
			"garbage":               "nonsense",
			"tag and stale version": tag2,
		} {
			body := `{"subject":"Stale write"}`
			if name == "tag and stale version" {
				body = `{"subject":"Stale write","version":1}`
			}
			stale := s.send(agent, http.MethodPatch, path, body, "If-Match", ifMatch)
			require.Equal(t, http.StatusPreconditionFailed, stale.status, name+": "+stale.body)
			require.Equal(t, "precondition_failed", stale.code(), name)
		}
		for name, req := range map[string][2]string{
			"transition": {"/transitions", `{"to":"in_progress"}`},
			"assignment": {"/assignment", `{"assignee":"agent-1"}`},
		} {
			stale := s.send(agent, http.MethodPost, path+req[0], req[1], "If-Match", tag1)
			require.Equal(t, http.StatusPreconditionFailed, stale.status, name+": "+stale.body)
		}
		after := s.send(agent, http.MethodGet, path, "")
		require.Equal(t, tag2, after.header.Get("ETag"), "nothing changed")
		require.Contains(t, after.body, `"subject":"Jar cracked"`)
		require.Contains(t, after.body, `"status":"open"`)

		star := s.send(agent, http.MethodPatch, path, `{"subject":"Any version"}`, "If-Match", "*")
		require.Equal(t, http.StatusOK, star.status, star.body)
		require.Equal(t, http.StatusNotFound, s.send(agent, http.MethodPatch, "/tickets/nope", `{"subject":"x"}`, "If-Match", "*").status)
		several := s.send(agent, http.MethodPatch, path, `{"subject":"One of several"}`, "If-Match", tag1+", "+star.header.Get("ETag"))
		require.Equal(t, http.StatusOK, several.status, several.body)
	})
}

// TestIfMatchIsAtomic sends many changes with the same If-Match at once:
// exactly one wins, the others are answered 412.
func TestIfMatchIsAtomic(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {
		tk, opened := s.openTicket()
		s.oneWins(6, http.StatusOK, http.MethodPatch, "/tickets/"+tk.ID, opened.header.Get("ETag"),
			func(i int) string { return fmt.Sprintf(`{"subject":"writer %d"}`, i) })
	})
}

func TestComplaintETagAndIfMatch(t *testing.T) {
	t.Parallel()
	s := newRetryServer(t, memory.New(), nil)
	opened := s.send(agent, http.MethodPost, "/complaints", `{"subject":"Broken","category":"defect","remedy_sought":"credit_note","customer":{"id":"C-ADA"}}`)
	require.Equal(t, http.StatusCreated, opened.status, opened.body)
	var c apiComplaint
	require.NoError(t, json.Unmarshal([]byte(opened.body), &c))
	tag := opened.header.Get("ETag")
	require.Equal(t, fmt.Sprintf(`"%s.%d"`, c.ID, c.Version), tag)
	require.Equal(t, http.StatusNotModified, s.send(agent, http.MethodGet, "/complaints/"+c.ID, "", "If-None-Match", tag).status)
	changed := s.send(agent, http.MethodPatch, "/complaints/"+c.ID, `{"subject":"Broken lid"}`, "If-Match", tag)
	require.Equal(t, http.StatusOK, changed.status, changed.body)
	require.NotEqual(t, tag, changed.header.Get("ETag"))
	stale := s.send(agent, http.MethodPatch, "/complaints/"+c.ID, `{"subject":"Stale"}`, "If-Match", tag)
	require.Equal(t, http.StatusPreconditionFailed, stale.status, stale.body)
	staleMove := s.send(agent, http.MethodPost, "/complaints/"+c.ID+"/transitions", `{"to":"planned"}`, "If-Match", tag)
	require.Equal(t, http.StatusPreconditionFailed, staleMove.status, staleMove.body)
	require.Contains(t, s.send(agent, http.MethodGet, "/complaints/"+c.ID, "").body, `"subject":"Broken lid"`)
}

func TestRequireIfMatch(t *testing.T) {
	t.Parallel()
	s := newRetryServer(t, memory.New(), func(c *httpapi.Config) { c.RequireIfMatch = true })
	tk, _ := s.openTicket() // opening needs no tag
	path := "/tickets/" + tk.ID
	for name, req := range map[string][3]string{
		"patch":      {http.MethodPatch, path, `{"subject":"x"}`},
		"transition": {http.MethodPost, path + "/transitions", `{"to":"in_progress"}`},
	} {
		res := s.send(agent, req[0], req[1], req[2])
		require.Equal(t, http.StatusPreconditionRequired, res.status, name)
		require.Equal(t, "precondition_required", res.code(), name)
	}
	require.Equal(t, http.StatusOK, s.send(agent, http.MethodPost, path+"/assignment", `{"assignee":"agent-1"}`).status,
		"other changes need no tag")
	res := s.send(agent, http.MethodPatch, path, `{"subject":"x"}`, "If-Match", "*")
	require.Equal(t, http.StatusOK, res.status, res.body)
	c := s.send(agent, http.MethodPost, "/complaints", `{"subject":"Broken","category":"defect","remedy_sought":"credit_note","customer":{"id":"C-ADA"}}`)
	require.Equal(t, http.StatusCreated, c.status, c.body)
	var cp apiComplaint
	require.NoError(t, json.Unmarshal([]byte(c.body), &cp))
	for _, req := range [][3]string{{http.MethodPatch, "", `{"subject":"x"}`}, {http.MethodPost, "/transitions", `{"to":"planned"}`}} {
		res := s.send(agent, req[0], "/complaints/"+cp.ID+req[1], req[2])
		require.Equal(t, http.StatusPreconditionRequired, res.status, res.body)
	}

	_, err := httpapi.New(httpapi.Config{Desk: s.desk, Authenticate: headerAuth, IdempotencyTTL: -time.Second})
	require.ErrorContains(t, err, "Config.IdempotencyTTL")
}

func TestIdempotencyKey(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {

		first := s.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "k-1")
		require.Equal(t, http.StatusCreated, first.status, first.body)
		again := s.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", `"k-1"`)
		require.Equal(t, http.StatusCreated, again.status, again.body)
		require.Equal(t, first.body, again.body, "the first answer again")
		require.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
		require.Equal(t, first.header.Get("ETag"), again.header.Get("ETag"))
		require.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
		require.Empty(t, first.header.Get("Idempotent-Replayed"))
		require.Equal(t, 1, s.ticketCount())

		other := s.send(agent, http.MethodPost, "/tickets", `{"subject":"Another","customer":{"id":"C-ADA"}}`, "Idempotency-Key", "k-1")
		require.Equal(t, http.StatusUnprocessableEntity, other.status, other.body)
		require.Equal(t, "idempotency_key_reused", other.code())
		require.Equal(t, 1, s.ticketCount())

		// The key is scoped by actor: another user's k-1 is a new request.
		bobs := s.send(supervisor, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "k-1")
		require.Equal(t, http.StatusCreated, bobs.status, bobs.body)
		require.NotEqual(t, first.body, bobs.body)
		require.Equal(t, 2, s.ticketCount())

		// A failed request stores nothing: the fixed retry runs.
		bad := s.send(agent, http.MethodPost, "/tickets", `{"subject":""}`, "Idempotency-Key", "k-2")
		require.Equal(t, http.StatusBadRequest, bad.status, bad.body)
		fixed := s.send(agent, http.MethodPost, "/tickets", `{"subject":"Fixed","customer":{"id":"C-ADA"}}`, "Idempotency-Key", "k-2")
		require.Equal(t, http.StatusCreated, fixed.status, fixed.body)
		require.Equal(t, 3, s.ticketCount())

		// After the TTL the key opens a new ticket.
		s.clock.Advance(time.Hour + time.Second)
		expired := s.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "k-1")
		require.Equal(t, http.StatusCreated, expired.status, expired.body)
		require.NotEqual(t, first.body, expired.body)
		require.Empty(t, expired.header.Get("Idempotent-Replayed"))
		require.Equal(t, 4, s.ticketCount())
		n, err := s.desk.Store().(storage.IdempotencyStore).IdempotencyPurge(context.Background(),
			storage.IdempotencyPurgeParams{Before: s.clock.Now()})
		require.NoError(t, err)
		require.EqualValues(t, 2, n, "k-1 of the supervisor and k-2 expired; the new k-1 lives")

		// A message, a complaint and a status change replay too.
		var tk apiTicket
		require.NoError(t, json.Unmarshal([]byte(fixed.body), &tk))
		for _, req := range [][2]string{
			{"/tickets/" + tk.ID + "/messages", `{"kind":"note","body":"Called the customer"}`},
			{"/tickets/" + tk.ID + "/transitions", `{"to":"in_progress"}`},
			{"/complaints", `{"subject":"Broken","category":"defect","remedy_sought":"credit_note","customer":{"id":"C-ADA"}}`},
		} {
			one := s.send(agent, http.MethodPost, req[0], req[1], "Idempotency-Key", "route-"+req[0])
			require.Less(t, one.status, 300, req[0]+": "+one.body)
			two := s.send(agent, http.MethodPost, req[0], req[1], "Idempotency-Key", "route-"+req[0])
			require.Equal(t, one.status, two.status, req[0])
			require.Equal(t, one.body, two.body, req[0])
			require.Equal(t, "true", two.header.Get("Idempotent-Replayed"), req[0])
		}
		history, err := s.desk.Messages(context.Background(), agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, history.Messages, 1, "one note")
	})
}

func TestIdempotencyKeyConcurrentDuplicates(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {
		const n = 6
		replies := make([]reply, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				res, err := sendTo(s.url, agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "same")
				assert.NoError(t, err)
				replies[i] = res
			})
		}
		wg.Wait()
		require.Equal(t, 1, s.ticketCount())
		var created string
		for _, r := range replies {
			switch r.status {
			case http.StatusCreated:
				if created == "" {
					created = r.body
				}
				require.Equal(t, created, r.body, "every answer is the one ticket")
			case http.StatusConflict:
				require.Equal(t, "idempotency_key_in_progress", r.code())
			default:
				t.Fatalf("unexpected answer %d: %s", r.status, r.body)
			}
		}
		require.NotEmpty(t, created)
	})
}

func TestIdempotencyKeyRefused(t *testing.T) {
	t.Parallel()
	s := newRetryServer(t, memory.New(), nil)
	for name, key := range map[string]string{
		"empty":     `""`,
		"too long":  strings.Repeat("k", 256),
		"non-ASCII": "clé",
		"control":   "a\tb",
	} {
		res := s.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", key)
		require.Equal(t, http.StatusBadRequest, res.status, name)
		require.Contains(t, res.body, "Idempotency-Key", name)
	}
	two := s.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "a", "Idempotency-Key", "b")
	require.Equal(t, http.StatusBadRequest, two.status)
	require.Equal(t, 0, s.ticketCount())

	// A store without the capability: refused, never run unguarded.
	plain := newRetryServer(t, struct{ storage.Store }{memory.New()}, nil)
	res := plain.send(agent, http.MethodPost, "/tickets", openBody, "Idempotency-Key", "k")
	require.Equal(t, http.StatusNotImplemented, res.status, res.body)
	require.Equal(t, "idempotency_unsupported", res.code())
	require.Equal(t, 0, plain.ticketCount())
	require.Equal(t, http.StatusCreated, plain.send(agent, http.MethodPost, "/tickets", openBody).status)
}

// TestIfMatchOnRoutesWithoutVersion covers the changes whose use case
// takes no version (a message, a complaint comment or cost): If-Match is
// checked in the change's transaction, a stale tag changes nothing, and
// of concurrent changes with one tag exactly one wins.
func TestIfMatchOnRoutesWithoutVersion(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {
		tk, opened := s.openTicket()
		msgs := "/tickets/" + tk.ID + "/messages"
		note := `{"kind":"note","body":"Called"}`
		tag1 := opened.header.Get("ETag")

		ok1 := s.send(agent, http.MethodPost, msgs, note, "If-Match", tag1)
		require.Equal(t, http.StatusCreated, ok1.status, ok1.body)
		stale := s.send(agent, http.MethodPost, msgs, note, "If-Match", tag1)
		require.Equal(t, http.StatusPreconditionFailed, stale.status, stale.body)
		require.Equal(t, "precondition_failed", stale.code())
		// A customer gets 404 for a ticket not theirs, never 412.
		require.Equal(t, http.StatusNotFound, s.send(bob, http.MethodPost, msgs, `{"body":"hi"}`, "If-Match", tag1).status)

		tag2 := s.send(agent, http.MethodGet, "/tickets/"+tk.ID, "").header.Get("ETag")
		s.oneWins(5, http.StatusCreated, http.MethodPost, msgs, tag2, func(int) string { return note })
		page, err := s.desk.Messages(context.Background(), agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, page.Messages, 2, "the first note and one of the concurrent ones")

		if _, ok := s.desk.Store().(storage.ComplaintStore); !ok {
			return
		}
		c := s.send(agent, http.MethodPost, "/complaints", `{"subject":"Broken","category":"defect","remedy_sought":"credit_note","customer":{"id":"C-ADA"}}`)
		require.Equal(t, http.StatusCreated, c.status, c.body)
		var cp apiComplaint
		require.NoError(t, json.Unmarshal([]byte(c.body), &cp))
		comments := "/complaints/" + cp.ID + "/comments"
		first := s.send(agent, http.MethodPost, comments, `{"text":"Checked the lid"}`, "If-Match", c.header.Get("ETag"))
		require.Equal(t, http.StatusOK, first.status, first.body)
		require.NotEqual(t, c.header.Get("ETag"), first.header.Get("ETag"))
		again := s.send(agent, http.MethodPost, comments, `{"text":"Stale"}`, "If-Match", c.header.Get("ETag"))
		require.Equal(t, http.StatusPreconditionFailed, again.status, again.body)
		cost := s.send(agent, http.MethodPost, "/complaints/"+cp.ID+"/costs",
			`{"kind":"shipping","amount":"12.50","currency":"EUR"}`, "If-Match", c.header.Get("ETag"))
		require.Equal(t, http.StatusPreconditionFailed, cost.status, cost.body)
		got := s.send(agent, http.MethodGet, "/complaints/"+cp.ID, "")
		require.Equal(t, first.header.Get("ETag"), got.header.Get("ETag"), "nothing changed")
		require.NotContains(t, got.body, "Stale")
	})
}

// TestIdempotencyKeyWithFilesAndTags retries a multipart message (each
// attempt with a boundary of its own, as clients make them) and a change
// with several If-Match tags, both with an Idempotency-Key: the retry
// replays the first answer, and the change in the key's transaction
// reads the current version there instead of waiting for the store.
func TestIdempotencyKeyWithFilesAndTags(t *testing.T) {
	onEveryStore(t, func(t *testing.T, s *retryServer) {
		tk, opened := s.openTicket()
		multipartBody := func(boundary string) string {
			return "--" + boundary + "\r\n" +
				`Content-Disposition: form-data; name="body"` + "\r\n\r\nPhoto attached\r\n" +
				"--" + boundary + "\r\n" +
				`Content-Disposition: form-data; name="attachments"; filename="jar.txt"` + "\r\n" +
				"Content-Type: text/plain\r\n\r\ncrack\r\n" +
				"--" + boundary + "--\r\n"
		}
		post := func(boundary string) reply {
			req, err := http.NewRequest(http.MethodPost, s.url+"/tickets/"+tk.ID+"/messages", strings.NewReader(multipartBody(boundary)))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
			req.Header.Set("Idempotency-Key", "photo-1")
			for k, v := range map[string]string{"X-Actor": ada.ID, "X-Role": string(ada.Role), "X-Tenant": ada.TenantID, "X-Customer": ada.CustomerID} {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			raw, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			return reply{status: res.StatusCode, header: res.Header, body: string(raw)}
		}
		first := post("first-boundary")
		require.Equal(t, http.StatusCreated, first.status, first.body)
		retry := post("another-boundary")
		require.Equal(t, http.StatusCreated, retry.status, retry.body)
		require.Equal(t, first.body, retry.body)
		require.Equal(t, "true", retry.header.Get("Idempotent-Replayed"))
		page, err := s.desk.Messages(context.Background(), agent, ticketkit.MessageListParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Len(t, page.Messages, 1)

		current := s.send(agent, http.MethodGet, "/tickets/"+tk.ID, "").header.Get("ETag")
		moved := s.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", `{"to":"in_progress"}`,
			"Idempotency-Key", "move-1", "If-Match", opened.header.Get("ETag")+", "+current)
		require.Equal(t, http.StatusOK, moved.status, moved.body)
		stale := s.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", `{"to":"waiting"}`,
			"Idempotency-Key", "move-2", "If-Match", opened.header.Get("ETag")+", "+current)
		require.Equal(t, http.StatusPreconditionFailed, stale.status, stale.body)
	})
}
