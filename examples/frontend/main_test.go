package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// newTestServer starts the demo server on 127.0.0.1:0 with its SQLite
// database in a temporary directory.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := newApp(t.Context(), filepath.Join(t.TempDir(), "frontend.db"), logger)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close()) })
	srv := httptest.NewServer(a) // cleanups run last-in first-out: the server stops first
	t.Cleanup(srv.Close)
	return srv
}

// get sends a GET request as user (no X-Demo-User header when empty) and
// returns the response with its body read.
func get(t *testing.T, url, user string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if user != "" {
		req.Header.Set(UserHeader, user)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func TestServerServesPageAndRefusesUnknownUsers(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	t.Run("ServesTheAppFromItsOwnOrigin", func(t *testing.T) {
		for _, tc := range []struct{ path, contentType, contains string }{
			{"/", "text/html", `<script src="app.js" defer></script>`},
			{"/app.js", "text/javascript", "X-Demo-User"},
			{"/style.css", "text/css", ".badge"},
		} {
			res, body := get(t, srv.URL+tc.path, "")
			require.Equal(t, http.StatusOK, res.StatusCode, tc.path)
			require.Contains(t, res.Header.Get("Content-Type"), tc.contentType, tc.path)
			require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'", tc.path)
			require.Contains(t, body, tc.contains, tc.path)
			require.NotContains(t, body, "://", "%s loads nothing from another origin", tc.path)
		}
		res, svg := get(t, srv.URL+"/icons/urgent.svg", "")
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Header.Get("Content-Type"), "image/svg+xml")
		require.Contains(t, svg, "<svg")
		_, js := get(t, srv.URL+"/app.js", "")
		require.NotRegexp(t, `\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write`, js,
			"user text reaches the page through textContent only")
	})

	t.Run("RefusesUnknownDemoUsersWith401", func(t *testing.T) {
		for _, user := range []string{"", "admin:mallory", "customer:nobody", "Agent:ann", "agent:ann,customer:jane"} {
			res, body := get(t, srv.URL+"/api/tickets", user)
			require.Equal(t, http.StatusUnauthorized, res.StatusCode, "X-Demo-User %q", user)
			require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			var doc struct{ Code, Type string }
			require.NoError(t, json.Unmarshal([]byte(body), &doc))
			require.Equal(t, "unauthenticated", doc.Code)
			require.True(t, strings.HasSuffix(doc.Type, "#unauthenticated"), doc.Type)
		}
		res, body := get(t, srv.URL+"/api/tickets", "customer:jane")
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		require.JSONEq(t, `{"tickets": []}`, body)
	})

	t.Run("ListsTheDemoUsers", func(t *testing.T) {
		res, body := get(t, srv.URL+"/demo/users", "")
		require.Equal(t, http.StatusOK, res.StatusCode)
		var users []demoUser
		require.NoError(t, json.Unmarshal([]byte(body), &users))
		keys := make([]string, len(users))
		for i, u := range users {
			keys[i] = u.Key
		}
		require.Subset(t, keys, []string{"customer:jane", "agent:ann"})
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

// TestBrowserCustomerAndAgent drives the page in a headless Chromium: a
// customer opens a ticket and replies with an attachment in one tab; an
// agent finds it, answers, adds an internal note and closes it with a
// reason in another; then the customer's page shows the agent's answer
// and the closed status, and no trace of the note.
func TestBrowserCustomerAndAgent(t *testing.T) {
	t.Parallel()
	browser := findBrowser(t)
	srv := newTestServer(t)

	// One deadline for the whole test, so that it can never hang.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	started := time.Now()
	customer := newTab(t, browserCtx, "customer")
	agentCtx, cancelAgent := chromedp.NewContext(browserCtx) // a second tab of the same browser
	defer cancelAgent()
	agent := newTab(t, agentCtx, "agent")
	t.Logf("browser started in %v", time.Since(started).Round(time.Millisecond))

	// A file to attach, and a subject that would run script if the page
	// put user text in as HTML.
	attachment := filepath.Join(t.TempDir(), "receipt.txt")
	require.NoError(t, os.WriteFile(attachment, []byte("Kettle K-200, 49.90 EUR\n"), 0o600))
	const (
		subject   = `Kettle <img src=x onerror="window.pwned=1"> stopped heating`
		question  = "It stopped heating after two weeks. Receipt attached."
		answer    = "Sorry about that! We are sending you a replacement kettle today."
		note      = "INTERNAL: third K-200 from batch B-17 this week, tell quality."
		closeWhy  = "Replacement kettle sent"
		closedTxt = "Closed"
	)

	// 1. The customer opens a ticket and gets its number.
	customer.open(srv.URL, "customer:jane", "#portal")
	customer.do("open a ticket",
		chromedp.SendKeys(chromedp.CSS("#open-subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#open-description"), "Bought it last month."),
		chromedp.SetValue(chromedp.CSS("#open-category"), "problem"),
		chromedp.Click(chromedp.CSS("#open-submit")),
		waitFor(`document.querySelector("#open-result .number").textContent !== ""`),
	)
	number := customer.text("#open-result .number")
	require.Regexp(t, regexp.MustCompile(`^TK-\d{4}-\d+$`), number, "the customer is shown the ticket number")
	customer.wait("the new ticket is shown", textIs("#ticket-number", number))
	require.Equal(t, subject, customer.text("#ticket-subject"), "the subject is shown as typed, as text")
	require.Equal(t, "Open", customer.text("#ticket-status"), "the status label comes from the catalog")
	customer.wait("the ticket is listed", textHas("#my-tickets", number))

	// 2. The customer replies with an attachment.
	customer.do("reply with an attachment",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), question),
		chromedp.SetUploadFiles(chromedp.CSS("#reply-file"), []string{attachment}),
		chromedp.Click(chromedp.CSS("#reply-send")),
		waitFor(textHas("#thread", question)),
	)
	require.Contains(t, customer.text("#thread .kind-customer .attachments"), "receipt.txt")

	// 3. The agent finds the ticket by status and text and opens it.
	agent.open(srv.URL, "agent:ann", "#console")
	agent.do("search open tickets about kettles",
		chromedp.SetValue(chromedp.CSS("#search-status"), "open"),
		chromedp.SendKeys(chromedp.CSS("#search-q"), "Kettle"),
		chromedp.Click(chromedp.CSS("#search-submit")),
		// Wait for this search's rows, not those the console showed first.
		waitFor(`(q => q.includes("status=open") && q.includes("q=Kettle"))(document.querySelector("#ticket-list").dataset.query || "")`),
		waitFor(`document.body.dataset.busy === "0"`),
		waitFor(fmt.Sprintf(`document.querySelector('#ticket-list tr[data-number=%s] button') !== null`, jsString(number))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#ticket-list tr[data-number="%s"] button`, number))),
		waitFor(textHas("#thread", question)),
	)
	require.Equal(t, subject, agent.text("#ticket-subject"))
	// The catalog shows priorities as icon and text, statuses as text.
	row := fmt.Sprintf(`document.querySelector('#ticket-list tr[data-number=%s]')`, jsString(number))
	require.True(t, agent.eval(row+`.querySelector('td:nth-child(5) .badge img.icon[src="/icons/normal.svg"][alt="Normal"]') !== null`),
		"the priority shows its icon")
	require.True(t, agent.eval(row+`.querySelector('td:nth-child(5) .badge').textContent === "Normal"`), "and its label")
	require.True(t, agent.eval(row+`.querySelector('td:nth-child(4) .badge img') === null`), "the status shows text only")
	require.True(t, agent.eval(`document.querySelector('#ticket-list tr img.icon').complete && document.querySelector('#ticket-list tr img.icon').naturalWidth > 0`),
		"the icon loads")
	require.Contains(t, agent.text("#thread"), "receipt.txt", "the agent sees the customer's attachment")

	// 4. The agent answers, adds an internal note and closes the ticket:
	// first without a reason, which the workflow refuses, then with one.
	agent.do("answer the customer",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), answer),
		chromedp.Click(chromedp.CSS("#reply-send")),
		waitFor(textHas("#thread .kind-reply", answer)),
	)
	agent.do("add an internal note",
		chromedp.SendKeys(chromedp.CSS("#reply-body"), note),
		chromedp.Click(chromedp.CSS("#note-send")),
		waitFor(textHas("#thread .kind-note", note)),
	)
	agent.do("close without a reason",
		chromedp.SetValue(chromedp.CSS("#status-to"), "closed"),
		chromedp.Click(chromedp.CSS("#status-submit")),
		waitFor(`!document.querySelector("#flash").hidden`),
	)
	t.Logf("closing without a reason is refused with: %s", agent.text("#flash"))
	require.Contains(t, agent.text("#flash"), "reason: ", "the page shows the field the problem document names")
	require.Equal(t, "Open", agent.text("#ticket-status"))
	agent.do("close with a reason",
		chromedp.SetValue(chromedp.CSS("#status-to"), "closed"),
		chromedp.SendKeys(chromedp.CSS("#status-reason"), closeWhy),
		chromedp.Click(chromedp.CSS("#status-submit")),
		waitFor(textIs("#ticket-status", closedTxt)),
	)
	require.Equal(t, closeWhy, agent.text("#ticket-closure"))
	require.True(t, agent.eval(`document.querySelector("#flash").hidden`), "no error is left on the agent's page")

	// 5. The customer refreshes: the answer and the closed status show,
	// the internal note does not.
	customer.do("refresh the ticket",
		chromedp.Click(chromedp.CSS("#detail-refresh")),
		waitFor(textHas("#thread", answer)),
	)
	require.Equal(t, closedTxt, customer.text("#ticket-status"), "the customer sees the ticket closed")
	require.Equal(t, closeWhy, customer.text("#ticket-closure"))
	customer.wait("the list shows the ticket closed",
		fmt.Sprintf(`document.querySelector('#my-tickets tr[data-number=%s]').textContent.includes(%s)`, jsString(number), jsString(closedTxt)))
	page := customer.visibleText()
	require.Contains(t, page, question)
	require.NotContains(t, page, note, "the customer never sees the internal note")
	require.NotContains(t, page, "Internal note")
	require.False(t, customer.eval(`document.querySelector("#thread .kind-note") !== null`))

	// Nothing ran the subject as HTML, and the page threw nothing.
	for _, tab := range []*tab{customer, agent} {
		require.False(t, tab.eval(`window.pwned === 1 || document.querySelector("#ticket-subject img") !== null`),
			"%s: user text was inserted as HTML", tab.name)
		require.Empty(t, tab.exceptions(), "%s: uncaught JavaScript exceptions", tab.name)
	}
	t.Logf("browser scenario took %v", time.Since(started).Round(time.Millisecond))
}

// tab is one browser tab acting as one demo user.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string

	mu     sync.Mutex
	thrown []string
}

// newTab starts the tab behind ctx (and the browser with the first tab)
// and records the page's uncaught exceptions.
func newTab(t *testing.T, ctx context.Context, name string) *tab {
	t.Helper()
	b := &tab{t: t, ctx: ctx, name: name}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			b.mu.Lock()
			defer b.mu.Unlock()
			text := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				text += " " + e.ExceptionDetails.Exception.Description
			}
			b.thrown = append(b.thrown, text)
		}
	})
	require.NoError(t, err, "start %s tab in %s", name, "Chromium")
	return b
}

// open loads the page and picks the demo user, then waits for the view
// of the user's role.
func (b *tab) open(url, user, view string) {
	b.t.Helper()
	b.do("load the page as "+user,
		chromedp.Navigate(url),
		waitFor(`document.querySelector("#user").dataset.ready === "true"`),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const picker = document.querySelector("#user");
			picker.value = %[1]s;
			if (picker.value !== %[1]s) throw new Error("the picker has no user " + %[1]s);
			picker.dispatchEvent(new Event("change", {bubbles: true}));
		})()`, jsString(user))),
		chromedp.WaitVisible(chromedp.CSS(view)),
		waitFor(`document.body.dataset.busy === "0"`),
	)
}

// do runs actions in the tab and stops the test with what the page shows
// when one fails.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v\n%s", b.name, what, err, b.diagnose())
	}
}

// wait waits until the JavaScript condition holds.
func (b *tab) wait(what, cond string) {
	b.t.Helper()
	b.do(what, waitFor(cond))
}

// text returns the textContent of the first element matching sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").trim()`, jsString(sel))))
	if err != nil {
		b.t.Fatalf("%s: read %s: %v", b.name, sel, err)
	}
	return s
}

// visibleText returns the text of the page as the user sees it (the
// body's innerText, which leaves out hidden elements).
func (b *tab) visibleText() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		b.t.Fatalf("%s: read the page: %v", b.name, err)
	}
	return s
}

// eval returns the boolean value of a JavaScript expression.
func (b *tab) eval(expr string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", b.name, expr, err)
	}
	return v
}

// exceptions returns the uncaught exceptions the page threw so far.
func (b *tab) exceptions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.thrown...)
}

// diagnose describes the page after a failed step: its error banner,
// its exceptions and the start of its text.
func (b *tab) diagnose() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 3*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`"flash: " + document.querySelector("#flash").textContent + "\npage: " + document.body.innerText`))
	if err != nil {
		text = "(cannot read the page: " + err.Error() + ")"
	}
	if len(text) > 2000 {
		text = text[:2000] + "…"
	}
	return fmt.Sprintf("exceptions: %q\n%s", b.exceptions(), text)
}

// waitFor polls a JavaScript condition until it holds. It polls on a
// timer rather than on animation frames, which a background tab does
// not get.
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(25*time.Millisecond),
		chromedp.WithPollingTimeout(20*time.Second))
}

// textIs is a condition: the text of sel is want.
func textIs(sel, want string) string {
	return fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").trim() === %s`, jsString(sel), jsString(want))
}

// textHas is a condition: some element matching sel contains want.
func textHas(sel, want string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%s)].some((e) => e.textContent.includes(%s))`, jsString(sel), jsString(want))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return strings.ReplaceAll(string(b), "</", `<\/`)
}
