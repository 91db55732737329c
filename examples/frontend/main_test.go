package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/ticket"
)

// testServer is the demo server on 127.0.0.1:0 with its SQLite database
// in a temporary directory and a fake clock.
type testServer struct {
	*httptest.Server
	app   *app
	clock *clock.Fake

	mu       sync.Mutex
	dropNext bool     // lose the answer to the next POST /api/tickets
	openKeys []string // the Idempotency-Key of each POST /api/tickets
}

// ServeHTTP serves the app, recording the Idempotency-Key of each
// POST /api/tickets; when armed, it lets the app carry out the next one
// and then cuts its answer short, as a network failure would.
func (s *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/tickets" {
		s.app.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	s.openKeys = append(s.openKeys, r.Header.Get("Idempotency-Key"))
	drop := s.dropNext
	s.dropNext = false
	s.mu.Unlock()
	if !drop {
		s.app.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.app.ServeHTTP(rec, r)
	// Start the answer, then cut it: a browser retries a request whose
	// connection closed before any byte came back, but not this one.
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err) // httptest's server always hijacks
	}
	_, _ = buf.WriteString("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"id\":")
	_ = buf.Flush()
	_ = conn.Close()
}

// dropNextOpen arms ServeHTTP to lose the next answer to POST /api/tickets.
func (s *testServer) dropNextOpen() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropNext = true
}

// keys returns the Idempotency-Keys of the POST /api/tickets so far.
func (s *testServer) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.openKeys)
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	a, err := newApp(t.Context(), filepath.Join(t.TempDir(), "frontend.db"), logger, clk)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close()) })
	ts := &testServer{app: a, clock: clk}
	ts.Server = httptest.NewServer(ts) // cleanups run last-in first-out: the server stops first
	t.Cleanup(ts.Close)
	return ts
}

// client returns an HTTP client signed in as user (none when empty).
func (s *testServer) client(t *testing.T, user string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	if user != "" {
		res, err := c.PostForm(s.URL+"/demo/sign-in", url.Values{"user": {user}})
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "signed in and sent to the page")
		require.Equal(t, "/support/", res.Request.URL.Path)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func TestServerMountsTheUIBehindItsSession(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	t.Run("SignInPageAndUnknownUsers", func(t *testing.T) {
		res, body := get(t, srv.client(t, ""), srv.URL+"/")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, body, `value="agent:ann"`)
		require.NotContains(t, body, "<script")
		res, err := srv.client(t, "").PostForm(srv.URL+"/demo/sign-in", url.Values{"user": {"admin:mallory"}})
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})

	t.Run("RefusesRequestsWithoutASession", func(t *testing.T) {
		for _, cookie := range []string{"", "admin:mallory", "customer:nobody", "Agent:ann"} {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/tickets", nil)
			require.NoError(t, err)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var doc struct{ Code string }
			require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
			_ = res.Body.Close()
			require.Equal(t, http.StatusUnauthorized, res.StatusCode, "cookie %q", cookie)
			require.Equal(t, "unauthenticated", doc.Code)
		}
		res, _ := get(t, srv.client(t, ""), srv.URL+"/support/")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})

	t.Run("ServesTheConsoleAndThePortal", func(t *testing.T) {
		for user, view := range map[string]string{"agent:ann": `data-role="agent"`, "customer:jane": `data-role="customer"`} {
			c := srv.client(t, user)
			res, body := get(t, c, srv.URL+"/support/")
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Contains(t, body, view)
			require.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
			res, body = get(t, c, srv.URL+"/api/tickets")
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			require.JSONEq(t, `{"tickets": []}`, body)
		}
	})
}

// findBrowser returns the path of Chromium. Without one the test skips
// with the reason, or fails when CI=true: CI must run the browser test,
// never pass by skipping it.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("TICKETKIT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if fi, err := os.Stat(p); p != "" && err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const msg = "no Chromium browser at /usr/bin/chromium (install Debian's package: apt-get install -y chromium, or set TICKETKIT_CHROMIUM)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: this test must run, not skip)")
	}
	t.Skip(msg)
	return ""
}

// axeSHA256 pins testdata/axe/axe.min.js, axe-core 4.14.1 from npm (see
// testdata/axe/README.md).
const axeSHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

// loadAxe returns axe-core's script after checking it is the pinned one.
func loadAxe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	require.NoError(t, err, "axe-core is vendored in testdata/axe")
	sum := sha256.Sum256(b)
	require.Equal(t, axeSHA256, hex.EncodeToString(sum[:]), "testdata/axe/axe.min.js is not axe-core 4.14.1")
	return string(b)
}

// screenshotDir returns the folder the browser test saves its
// screenshots in: $TICKETKIT_SCREENSHOTS, else .ci/artifacts/screenshots
// of the repository (found upwards from the test's directory), else one
// below the system's temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("TICKETKIT_SCREENSHOTS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	require.NoError(t, err)
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, ".ci")); err == nil && fi.IsDir() {
			return filepath.Join(d, ".ci", "artifacts", "screenshots")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(os.TempDir(), "ticketkit-screenshots")
		}
	}
}

// scenario is one run of the end-to-end test at one window size.
type scenario struct {
	width, height int64
	lang          string // the browser's language
	keyboard      bool   // the agent works by keyboard alone
	labels        map[string]string
}

// TestBrowserShopperAndAgent drives the console and the portal in
// headless Chromium at desktop and phone widths: a shopper opens a
// ticket with an order number and two files, sees it and its status; an
// agent sees it unread and its SLA due time, filters the queue, pages
// through it, replies, adds a note and closes the ticket, which needs a
// reason; the shopper sees the answer, the closed status and never the
// note. At 1280 px the agent works by keyboard alone; at 390 px the
// browser asks for French. Every view is checked with axe-core (no
// serious or critical violation) and for horizontal scrolling, and
// saved as a screenshot.
func TestBrowserShopperAndAgent(t *testing.T) {
	browser := findBrowser(t)
	axe := loadAxe(t)
	shots := screenshotDir(t)
	t.Logf("screenshots in %s", shots)
	for _, sc := range []scenario{
		{width: 1280, height: 900, lang: "en", keyboard: true, labels: map[string]string{
			"open": "Open", "closed": "Closed", "breached": "SLA breached", "due": "Due ", "unread": "Unread", "urgent": "Urgent", "reason_required": "Give a reason for this change.", "required": "Required.",
			"network": "The connection failed before the answer came. Try again: a ticket or message is never sent twice."}},
		{width: 390, height: 844, lang: "fr", labels: map[string]string{
			"open": "Ouvert", "closed": "Fermé", "breached": "SLA dépassé", "due": "Échéance ", "unread": "Non lu", "urgent": "Urgente", "reason_required": "Indiquez un motif pour ce changement.", "required": "Obligatoire.",
			"network": "La connexion a échoué avant la réponse. Réessayez : un ticket ou un message n’est jamais envoyé deux fois."}},
	} {
		t.Run(fmt.Sprintf("%dpx", sc.width), func(t *testing.T) {
			dir := filepath.Join(shots, fmt.Sprintf("%dpx", sc.width))
			require.NoError(t, os.RemoveAll(dir))
			require.NoError(t, os.MkdirAll(dir, 0o755))
			runScenario(t, browser, axe, dir, sc)
		})
	}
}

func runScenario(t *testing.T, browser, axe, shots string, sc scenario) {
	srv := newTestServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute) // the test can never hang
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.WindowSize(int(sc.width), int(sc.height)),
		chromedp.Flag("lang", sc.lang),
		chromedp.Flag("accept-lang", sc.lang),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(browserCtx), "start Chromium")

	// The shopper and the agent each get a browser context of their own:
	// their own cookies and storage, as on two computers.
	shopCtx, cancelShop := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	defer cancelShop()
	agentCtx, cancelAgent := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	defer cancelAgent()
	shopper := newTab(t, shopCtx, "shopper", sc, axe, shots)
	agent := newTab(t, agentCtx, "agent", sc, axe, shots)
	L := sc.labels
	agent.axeCatches(srv.URL)

	// Earlier tickets: one of Jane's, and eleven of Omar's whose first
	// response is overdue (the SLA sweep marks them breached).
	jane := ticketkit.Actor{ID: "jane", Role: ticket.RoleCustomer, TenantID: demoTenant, CustomerID: "jane"}
	omar := ticketkit.Actor{ID: "omar", Role: ticket.RoleCustomer, TenantID: demoTenant, CustomerID: "omar"}
	earlier, err := srv.app.desk.Open(ctx, jane, ticketkit.OpenParams{Subject: "Where is my invoice?", Customer: ticket.Customer{ID: "jane"}})
	require.NoError(t, err)
	for i := range 11 {
		_, err := srv.app.desk.Open(ctx, omar, ticketkit.OpenParams{Subject: fmt.Sprintf("Parcel %d damaged", i+1),
			Customer:   ticket.Customer{ID: "omar"},
			References: []ticket.Reference{{Kind: ticket.RefOrder, ID: fmt.Sprintf("SO-90%02d", i)}}})
		require.NoError(t, err)
	}
	srv.clock.Advance(5 * time.Hour)
	sweep, err := srv.app.desk.RunEscalations(ctx)
	require.NoError(t, err)
	require.Equal(t, 12, sweep.Breaches, "the twelve earlier tickets missed their first response")

	// 1. The shopper signs in and opens a ticket with an order number,
	// a message and two files.
	dir := t.TempDir()
	photo := filepath.Join(dir, "kettle-photo.png")
	receipt := filepath.Join(dir, "receipt.txt")
	require.NoError(t, os.WriteFile(photo, []byte("\x89PNG\r\n\x1a\nnot really a png"), 0o600))
	require.NoError(t, os.WriteFile(receipt, []byte("Kettle K-200, 49.90 EUR\n"), 0o600))
	const (
		subject  = `Kettle <img src=x onerror="window.pwned=1"> stopped heating`
		question = "It stopped heating after two weeks. Photo and receipt attached."
		order    = "SO-1001"
		answer   = "Sorry about that! We are sending you a replacement kettle today."
		note     = "INTERNAL: third K-200 from batch B-17 this week, tell quality."
		thanks   = "Thank you, the tracking number would help."
		closeWhy = "Replacement kettle sent"
	)
	shopper.signIn(srv.URL, "customer:jane")
	shopper.check("01-shopper-portal")
	shopper.do("submit the form without a subject",
		chromedp.SendKeys(chromedp.CSS("#open-order"), order),
		chromedp.Click(chromedp.CSS("#open-submit")),
		waitFor(`(e => e !== null && !e.hidden)(document.querySelector("#open-subject-error"))`),
	)
	require.Equal(t, "true", shopper.str(`document.querySelector("#open-subject").getAttribute("aria-invalid")`),
		"the server's field error shows next to the subject")
	require.Equal(t, L["required"], shopper.text("#open-subject-error"))
	shopper.check("02-shopper-subject-required")
	srv.clock.Advance(time.Minute)
	// The first answer is lost on the way back: the shopper sees an
	// error and sends the form again, with the same Idempotency-Key, and
	// gets the ticket the first request opened.
	srv.dropNextOpen()
	shopper.settles("open a ticket, losing the answer",
		chromedp.SendKeys(chromedp.CSS("#open-subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#open-message"), question),
		chromedp.SetValue(chromedp.CSS("#open-category"), "problem"),
		chromedp.SetUploadFiles(chromedp.CSS("#open-files"), []string{photo, receipt}),
		chromedp.Click(chromedp.CSS("#open-submit")),
	)
	require.Equal(t, L["network"], shopper.text("#flash"), "the lost answer is reported")
	require.True(t, shopper.eval(`document.querySelector("#open-result").hidden`))
	shopper.settles("send it again", chromedp.Click(chromedp.CSS("#open-submit")))
	require.False(t, shopper.eval(`document.querySelector("#open-result").hidden`), shopper.diagnose())
	keys := srv.keys()
	require.Len(t, keys, 3, "the form without a subject, then twice the same ticket")
	require.NotEmpty(t, keys[1])
	require.Equal(t, keys[1], keys[2], "the retry reuses the key")
	require.NotEqual(t, keys[0], keys[1], "a new ticket after an answered request gets a new key")
	var number string
	for _, n := range srv.tickets(t, "customer:jane") {
		if n.Subject == subject {
			require.Empty(t, number, "one ticket for the lost answer and its retry")
			number = n.Number
		}
	}
	require.NotEmpty(t, number, "the ticket was opened")
	require.Contains(t, shopper.text("#open-result"), number, "the shopper is told the ticket number")
	card := fmt.Sprintf(`#tickets li[data-number=%q]`, number)
	shopper.wait("the ticket is listed", textHas(card, order))
	require.Equal(t, L["open"], shopper.text(card+" .badge-statuses"), "the status badge, in the page's language")
	require.True(t, shopper.eval(`document.querySelector(`+jsString(card+" .badge-statuses")+`).style.getPropertyValue("--badge") === "#1565c0"`),
		"the badge has the catalog's colour")
	require.True(t, shopper.eval(`(i => i && i.complete && i.naturalWidth > 0)(document.querySelector(`+jsString(card+" .badge-statuses img")+`))`),
		"the status icon loads")
	shopper.check("03-shopper-opened")
	shopper.do("view the ticket",
		chromedp.Click(chromedp.CSS("#open-result a")),
		waitFor(textIs("#ticket-number", number)),
		waitFor(textHas("#thread", question)),
	)
	require.Equal(t, subject, shopper.text("#ticket-subject"), "the subject is shown as typed, as text")
	require.Equal(t, L["open"], shopper.text("#ticket-status"))
	require.Equal(t, order, shopper.text("#ticket-refs"))
	require.Contains(t, shopper.text("#thread .attachments"), "kettle-photo.png")
	require.Contains(t, shopper.text("#thread .attachments"), "receipt.txt")
	got, err := chromedp.Run(shopCtx, chromedp.Evaluate[string](`fetch([...document.querySelectorAll("#thread .attachments a")]
		.find(a => a.textContent === "receipt.txt").href).then(r => r.ok ? r.text() : "HTTP " + r.status)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, "Kettle K-200, 49.90 EUR\n", got, "the attachment link downloads the file with the session cookie")
	require.Zero(t, shopper.count("#tickets .sla, #ticket-sla .sla"), "SLA times are the shop's, not shown to shoppers")
	require.Contains(t, shopper.text("#others"), earlier.Number, "the shopper's other ticket is listed")
	require.NotContains(t, shopper.text("#others"), number)
	shopper.check("04-shopper-ticket")

	// 2. The agent sees the ticket unread, with its SLA due time, next to
	// Omar's breached tickets, and pages through the queue.
	agent.signIn(srv.URL, "agent:ann")
	if sc.keyboard {
		agent.press("the first Tab", kb.Tab)
		require.True(t, agent.eval(`document.activeElement === document.querySelector("a.skip")`), "the first Tab stop skips to the content")
		require.True(t, agent.eval(`getComputedStyle(document.activeElement).left !== getComputedStyle(document.body).left &&
			document.activeElement.getBoundingClientRect().left >= 0`), "and shows once focused")
		agent.press("skip to the content", kb.Enter)
		agent.wait("focus is on the content", `document.activeElement === document.querySelector("#main")`)
		require.Equal(t, "", agent.str(`location.hash`), "the skip link leaves the page's route alone")
	}
	agentCard := fmt.Sprintf(`#tickets li[data-number=%q]`, number)
	agent.wait("the new ticket is on the first page", fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(agentCard)))
	require.Equal(t, L["unread"], agent.text(agentCard+" .unread-dot"), "the new ticket is unread")
	require.True(t, strings.HasPrefix(agent.text(agentCard+" .sla"), L["due"]), "its first response is due")
	require.True(t, agent.eval(`[...document.querySelectorAll("#tickets .sla-breached")].length >= 9`), "Omar's tickets are breached")
	require.Equal(t, 10, agent.count("#tickets li"), "ten tickets a page")
	agent.check("05-agent-queue")
	agent.do("go to the next page",
		chromedp.Click(chromedp.CSS("#page-next")),
		waitFor(`document.body.dataset.busy === "0" && document.querySelector("#page-no").textContent.includes("2")`),
	)
	require.Equal(t, 3, agent.count("#tickets li"), "13 tickets: ten, then three")
	require.True(t, agent.eval(`document.querySelector("#page-next").disabled`), "no third page")
	agent.do("back to the first page",
		chromedp.Click(chromedp.CSS("#page-prev")),
		waitFor(`document.body.dataset.busy === "0" && document.querySelector("#page-no").textContent.includes("1")`),
	)
	require.Equal(t, 10, agent.count("#tickets li"))

	// The agent filters by order number and status. On a phone the
	// filters start folded.
	require.Equal(t, sc.width >= 640, agent.eval(`document.querySelector("#filter-box").open`))
	if sc.width < 640 {
		agent.do("unfold the filters", chromedp.Click(chromedp.CSS("#filter-box summary")))
	}
	agent.do("filter by order and status",
		chromedp.SendKeys(chromedp.CSS("#f-order"), order),
		chromedp.SetValue(chromedp.CSS("#f-status"), "open"),
		chromedp.Click(chromedp.CSS("#filter-submit")),
		waitFor(`(q => q.includes("ref=order%3A`+order+`") && q.includes("status=open"))(document.querySelector("#tickets").dataset.query || "")`),
		waitFor(`document.body.dataset.busy === "0"`),
	)
	require.Equal(t, 1, agent.count("#tickets li"), "only the shopper's ticket has that order")
	require.Contains(t, agent.text("#tickets"), number)
	agent.check("06-agent-filtered")
	agent.do("filter by department and assignee",
		chromedp.Click(chromedp.CSS("#filter-reset")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "") === "sort=updated_at&desc=true&limit=10"`),
		waitFor(`document.body.dataset.busy === "0"`),
		chromedp.SetValue(chromedp.CSS("#f-department"), "support"),
		chromedp.Click(chromedp.CSS("#filter-submit")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "").includes("department=support")`),
		waitFor(`document.body.dataset.busy === "0"`),
	)
	require.Equal(t, 1, agent.count("#tickets li"), "only the shopper's problem is routed to support")
	require.Contains(t, agent.text("#tickets"), number)
	agent.do("and an assignee nobody is",
		chromedp.SendKeys(chromedp.CSS("#f-assignee"), "raj"),
		chromedp.Click(chromedp.CSS("#filter-submit")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "").includes("assignee=raj")`),
		waitFor(`document.body.dataset.busy === "0"`),
	)
	require.Equal(t, 0, agent.count("#tickets li"))
	agent.do("filter by a date range without tickets",
		chromedp.Click(chromedp.CSS("#filter-reset")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "") === "sort=updated_at&desc=true&limit=10"`),
		waitFor(`document.body.dataset.busy === "0"`),
		chromedp.SetValue(chromedp.CSS("#f-from"), "2001-01-01"),
		chromedp.SetValue(chromedp.CSS("#f-to"), "2001-01-31"),
		chromedp.Click(chromedp.CSS("#filter-submit")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "").includes("created_to=")`),
		waitFor(`document.body.dataset.busy === "0"`),
	)
	require.Equal(t, 0, agent.count("#tickets li"))
	require.False(t, agent.eval(`document.querySelector("#tickets-empty").hidden`))
	agent.do("clear the filters",
		chromedp.Click(chromedp.CSS("#filter-reset")),
		waitFor(`(document.querySelector("#tickets").dataset.query || "") === "sort=updated_at&desc=true&limit=10"`),
		waitFor(`document.body.dataset.busy === "0"`),
		waitFor(fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(agentCard))),
	)

	// The agent opens a ticket for Omar with a priority, which only
	// staff may set.
	agent.settles("open a ticket for a customer",
		chromedp.Click(chromedp.CSS("#open-box summary")),
		chromedp.SendKeys(chromedp.CSS("#open-customer-id"), "omar"),
		chromedp.SendKeys(chromedp.CSS("#open-customer-name"), "Omar Haddad"),
		chromedp.SendKeys(chromedp.CSS("#open-subject"), "Called about a missing parcel"),
		chromedp.SetValue(chromedp.CSS("#open-priority"), "urgent"),
		chromedp.Click(chromedp.CSS("#open-submit")),
	)
	require.False(t, agent.eval(`document.querySelector("#open-result").hidden`), agent.diagnose())
	phoned := `#tickets li:first-child`
	require.Contains(t, agent.text(phoned), "Called about a missing parcel")
	require.Contains(t, agent.text(phoned+" .badge-priorities"), L["urgent"])
	require.Contains(t, agent.text(phoned), "Omar Haddad")
	agent.check("06b-agent-opened-for-customer")

	// 3. The agent opens the ticket: it is no longer unread. When the
	// shopper writes again, it is unread again.
	if sc.keyboard {
		agent.tabTo(agentCard + " a.card-link")
		agent.settles("open the ticket by keyboard", chromedp.KeyEvent(kb.Enter))
	} else {
		agent.settles("open the ticket", chromedp.Click(chromedp.CSS(agentCard+" a.card-link")))
	}
	require.Contains(t, agent.text("#thread"), question)
	require.True(t, agent.eval(`document.activeElement === document.querySelector("#ticket-title")`), "focus moves to the ticket")
	require.Contains(t, agent.text("#thread"), "kettle-photo.png")
	require.Contains(t, agent.text("#others"), earlier.Number, "the customer's other ticket")
	require.True(t, strings.HasPrefix(agent.text("#ticket-sla"), L["due"]), "the first response is due: %q", agent.text("#ticket-sla"))
	agent.check("07-agent-ticket")
	agent.settles("back to the list", chromedp.Click(chromedp.CSS("#back")))
	require.Equal(t, 1, agent.count(agentCard))
	require.Equal(t, 0, agent.count(agentCard+" .unread-dot"), "read once opened")
	srv.clock.Advance(time.Minute)
	shopper.settles("write again, sending the form twice at once",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), thanks),
		chromedp.Evaluate[chromedp.Void](`(f => { f.requestSubmit(); f.requestSubmit(); })(document.querySelector("#reply-form"))`),
	)
	shopper.wait("the message is in the thread", textHas("#thread", thanks))
	require.Equal(t, 1, strings.Count(shopper.text("#thread"), thanks), "a double submit sends one message")
	agent.do("reload the queue", chromedp.Reload(), waitFor(`document.body.dataset.ready === "true"`),
		waitFor(fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(agentCard))))
	require.Equal(t, 1, agent.count(agentCard+" .unread-dot"), "unread again after the shopper wrote")

	// 4. The agent replies, adds an internal note and closes the ticket:
	// first without the reason closing needs, then with it.
	srv.clock.Advance(time.Minute)
	if sc.keyboard {
		agent.tabTo(agentCard + " a.card-link")
		agent.settles("open the ticket by keyboard", chromedp.KeyEvent(kb.Enter))
		require.Contains(t, agent.text("#thread"), thanks)
		agent.tabTo("#reply-body")
		agent.press("type the answer", answer)
		agent.tabTo("#reply-send")
		agent.press("send it", kb.Enter)
	} else {
		agent.do("open the ticket", chromedp.Click(chromedp.CSS(agentCard+" a.card-link")), waitFor(textHas("#thread", thanks)))
		agent.do("answer", chromedp.SendKeys(chromedp.CSS("#reply-body"), answer), chromedp.Click(chromedp.CSS("#reply-send")))
	}
	agent.wait("the answer is in the thread", textHas("#thread .kind-reply", answer))
	agent.do("add an internal note",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), note),
		chromedp.Click(chromedp.CSS("#note-send")),
		waitFor(textHas("#thread .kind-note", note)),
	)
	offered := agent.str(`[...document.querySelectorAll("#status-to option")].map(o => o.value).join(",")`)
	require.Equal(t, strings.Join(srv.transitions(t, "agent:ann", number), ","), offered,
		"the status changes offered are those GET /tickets/{id}/transitions gives")
	require.True(t, agent.eval(`document.querySelector("#reason-field").hidden`), "no reason field before a change needs one")
	if sc.keyboard {
		agent.tabTo("#status-to")
		agent.press("choose closed", L["closed"])
		agent.wait("closed is chosen", `document.querySelector("#status-to").value === "closed"`)
		agent.wait("the reason field appears", `!document.querySelector("#reason-field").hidden`)
		agent.tabTo("#status-submit")
		agent.press("close without a reason", kb.Enter)
	} else {
		agent.do("choose closed",
			chromedp.SetValue(chromedp.CSS("#status-to"), "closed"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#status-to").dispatchEvent(new Event("change"))`),
			waitFor(`!document.querySelector("#reason-field").hidden`),
			chromedp.Click(chromedp.CSS("#status-submit")),
		)
	}
	agent.wait("the reason is asked for next to its field", `(e => e !== null && !e.hidden)(document.querySelector("#status-reason-error"))`)
	require.Equal(t, L["reason_required"], agent.text("#status-reason-error"), "the field says what is wrong, in the page's language")
	require.Equal(t, "true", agent.str(`document.querySelector("#status-reason").getAttribute("aria-invalid")`))
	require.Equal(t, "status-reason-error", agent.str(`document.querySelector("#status-reason").getAttribute("aria-describedby")`))
	require.True(t, agent.eval(`document.querySelector("#flash").hidden`), "the error is at the field, not above the page")
	require.Equal(t, L["open"], agent.text("#ticket-status"))
	agent.check("08-agent-reason-required")
	if sc.keyboard {
		require.True(t, agent.eval(`document.activeElement === document.querySelector("#status-reason")`), "focus goes to the field in error")
		agent.press("type the reason and submit", closeWhy+kb.Enter)
	} else {
		agent.do("close with a reason",
			chromedp.SendKeys(chromedp.CSS("#status-reason"), closeWhy),
			chromedp.Click(chromedp.CSS("#status-submit")))
	}
	agent.wait("the ticket is closed", textIs("#ticket-status", L["closed"]))
	require.Equal(t, closeWhy, agent.text("#ticket-closure"))
	agent.check("09-agent-closed")

	// 5. The shopper sees the answer and the closed status, never the note.
	shopper.do("reload the ticket", chromedp.Reload(), waitFor(`document.body.dataset.ready === "true"`),
		waitFor(textHas("#thread", answer)))
	require.Equal(t, L["closed"], shopper.text("#ticket-status"))
	require.Equal(t, closeWhy, shopper.text("#ticket-closure"))
	page := shopper.visibleText()
	require.NotContains(t, page, note, "the shopper never sees the internal note")
	require.Zero(t, shopper.count("#thread .kind-note"))
	shopper.check("10-shopper-answered")

	for _, tab := range []*tab{shopper, agent} {
		require.False(t, tab.eval(`window.pwned === 1 || document.querySelector("#ticket-subject img, .card-subject img") !== null`),
			"%s: user text was inserted as HTML", tab.name)
		require.Empty(t, tab.exceptions(), "%s: uncaught JavaScript exceptions or Content-Security-Policy refusals", tab.name)
	}
}

// apiTicket is what the test reads of a ticket from the API.
type apiTicket struct {
	ID, Number, Subject string
}

// tickets returns the tickets user sees through the API.
func (s *testServer) tickets(t *testing.T, user string) []apiTicket {
	t.Helper()
	_, body := get(t, s.client(t, user), s.URL+"/api/tickets?limit=100")
	var page struct{ Tickets []apiTicket }
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	return page.Tickets
}

// transitions returns the status codes GET /tickets/{id}/transitions
// offers user on the ticket numbered number.
func (s *testServer) transitions(t *testing.T, user, number string) []string {
	t.Helper()
	for _, tk := range s.tickets(t, user) {
		if tk.Number == number {
			_, body := get(t, s.client(t, user), s.URL+"/api/tickets/"+tk.ID+"/transitions")
			var list struct{ Transitions []struct{ To string } }
			require.NoError(t, json.Unmarshal([]byte(body), &list))
			var out []string
			for _, tr := range list.Transitions {
				out = append(out, tr.To)
			}
			return out
		}
	}
	t.Fatalf("no ticket %s", number)
	return nil
}
