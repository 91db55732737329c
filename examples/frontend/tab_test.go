package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// tab is one browser tab acting as one person.
type tab struct {
	t     *testing.T
	ctx   context.Context
	name  string
	sc    scenario
	axe   string
	shots string

	mu     sync.Mutex
	thrown []string // uncaught exceptions and CSP refusals
}

// newTab starts the tab behind ctx at the scenario's size and records
// the page's uncaught exceptions.
func newTab(t *testing.T, ctx context.Context, name string, sc scenario, axe, shots string) *tab {
	t.Helper()
	b := &tab{t: t, ctx: ctx, name: name, sc: sc, axe: axe, shots: shots}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			if e.ExceptionDetails == nil {
				return
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			text := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				text += " " + e.ExceptionDetails.Exception.Description
			}
			b.thrown = append(b.thrown, text)
		case *cdplog.EventEntryAdded:
			// The browser logs each Content-Security-Policy refusal.
			if e.Entry != nil && (e.Entry.Source == cdplog.EntrySourceSecurity || strings.Contains(e.Entry.Text, "Content Security Policy")) {
				b.mu.Lock()
				defer b.mu.Unlock()
				b.thrown = append(b.thrown, "CSP: "+e.Entry.Text)
			}
		}
	})
	require.NoError(t, err, "start the %s tab", name)
	b.do("size the window", chromedp.EmulateViewport(sc.width, sc.height))
	return b
}

// signIn signs in on the demo's page as user and waits for the UI.
func (b *tab) signIn(base, user string) {
	b.t.Helper()
	b.do("open the sign-in page", chromedp.Navigate(base+"/"))
	b.do("sign in as "+user, chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[value=%q]`, user))))
	b.afterNavigation(`location.pathname === "/support/" && document.body.dataset.ready === "true" && document.body.dataset.busy === "0"`)
}

// afterNavigation waits for cond on the page a navigation loads: a poll
// that runs while the old page goes away fails, and is tried again.
func (b *tab) afterNavigation(cond string) {
	b.t.Helper()
	var err error
	for range 5 {
		if err = chromedp.Do(b.ctx, waitFor(cond)); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("%s: wait for %s after a navigation: %v\n%s", b.name, cond, err, b.diagnose())
}

// check saves a screenshot of the page, asserts that it does not scroll
// sideways and that axe-core finds no serious or critical violation.
func (b *tab) check(step string) {
	b.t.Helper()
	b.wait("the page is idle", `document.body.dataset.busy === "0"`)
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err, "%s: screenshot %s", b.name, step)
	require.NoError(b.t, os.WriteFile(filepath.Join(b.shots, step+".png"), png, 0o644))
	require.True(b.t, b.eval(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`),
		"%s: %s scrolls sideways at %d px (scrollWidth %s)", b.name, step, b.sc.width, b.str(`String(document.documentElement.scrollWidth)`))
	if !b.eval(`typeof window.axe === "object"`) {
		b.do("load axe-core", chromedp.Evaluate[chromedp.Void](b.axe))
	}
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
			({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`,
		chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, "%s: run axe-core on %s", b.name, step)
	require.Equal(b.t, "[]", found, "%s: axe-core finds serious or critical violations on %s", b.name, step)
}

// settles runs actions that start a page action (a click, a key, a
// navigation) and waits until an action finished after them and none is
// running.
func (b *tab) settles(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	before := b.str(`document.body.dataset.renders || "0"`)
	b.do(what, actions...)
	b.afterNavigation(fmt.Sprintf(`(document.body.dataset.renders || "0") !== %s && document.body.dataset.busy === "0"`, jsString(before)))
}

// axeCatches proves that the checks can fail: on a page of the demo's
// origin broken on purpose (an image without alternative text, an
// unlabelled field, an inline script), axe-core reports the first two as
// critical and the tab records the browser's CSP refusal of the third.
func (b *tab) axeCatches(base string) {
	b.t.Helper()
	b.do("open a page to break", chromedp.Navigate(base+"/"))
	b.do("break it", chromedp.Evaluate[chromedp.Void](`(() => {
		const img = document.createElement("img");
		img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
		const input = document.createElement("input");
		document.body.append(img, input);
	})()`), chromedp.Evaluate[chromedp.Void](b.axe))
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document).then(r =>
		r.violations.filter(v => v.impact === "critical").map(v => v.id).sort())`, chromedp.EvalAwaitPromise))
	require.NoError(b.t, err)
	require.Subset(b.t, found, []string{"image-alt", "label"}, "axe-core reports the broken page's violations")

	// And that a Content-Security-Policy refusal is seen: inline script.
	b.do("add an inline script", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.inlineRan = true";
		document.body.append(s);
	})()`))
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(b.exceptions(), func(e string) bool { return strings.HasPrefix(e, "CSP: ") }) {
		require.True(b.t, time.Now().Before(deadline), "the browser's CSP refusal of an inline script is recorded")
		time.Sleep(25 * time.Millisecond)
	}
	require.False(b.t, b.eval(`window.inlineRan === true`), "the policy blocks inline script")
	b.mu.Lock()
	b.thrown = nil
	b.mu.Unlock()
}

// tabTo presses Tab until the element matching sel has the focus, as a
// keyboard user would, and fails if it never gets it.
func (b *tab) tabTo(sel string) {
	b.t.Helper()
	cond := fmt.Sprintf(`document.activeElement === document.querySelector(%s)`, jsString(sel))
	for range 120 {
		if b.eval(cond) {
			return
		}
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	b.t.Fatalf("%s: Tab never reaches %s\n%s", b.name, sel, b.diagnose())
}

// press types keys into the focused element.
func (b *tab) press(what, keys string) {
	b.t.Helper()
	b.do(what, chromedp.KeyEvent(keys))
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

// text returns the trimmed textContent of the first element matching sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return b.str(fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").trim()`, jsString(sel)))
}

// count returns how many elements match sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel))))
	if err != nil {
		b.t.Fatalf("%s: count %s: %v", b.name, sel, err)
	}
	return n
}

// str returns the string value of a JavaScript expression.
func (b *tab) str(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", b.name, expr, err)
	}
	return s
}

// visibleText returns the page's text as the user sees it.
func (b *tab) visibleText() string {
	b.t.Helper()
	return b.str(`document.body.innerText`)
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

// diagnose describes the page after a failed step.
func (b *tab) diagnose() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 3*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`"focus: " + (document.activeElement && (document.activeElement.id || document.activeElement.tagName)) +
		"\nflash: " + (document.querySelector("#flash")?.textContent ?? "") + "\npage: " + document.body.innerText`))
	if err != nil {
		text = "(cannot read the page: " + err.Error() + ")"
	}
	if len(text) > 2500 {
		text = text[:2500] + "…"
	}
	return fmt.Sprintf("exceptions: %q\n%s", b.exceptions(), text)
}

// waitFor polls a JavaScript condition until it holds.
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
