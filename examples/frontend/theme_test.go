package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/httpapi/ui"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestBrowserThemeAndBadgeDefaults mounts the UI at the root with a
// catalog whose statuses and priorities have no colours or icons (so
// lists show them as text) and a theme: the badges get the colours of
// their status category and priority rank, no icon, and the theme's
// accent colours the buttons.
func TestBrowserThemeAndBadgeDefaults(t *testing.T) {
	t.Parallel()
	browser := findBrowser(t)
	spec := ticket.DefaultCatalogSpec()
	for i := range spec.Statuses {
		spec.Statuses[i].Label.Color, spec.Statuses[i].Label.Icon = "", ""
	}
	for i := range spec.Priorities {
		spec.Priorities[i].Label.Color, spec.Priorities[i].Label.Icon = "", ""
	}
	catalog, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: catalog})
	require.NoError(t, err)
	agent := ticketkit.Actor{ID: "ann", Role: ticket.RoleAgent, TenantID: "t"}
	for _, p := range []string{ticket.PriorityLow, ticket.PriorityUrgent} {
		_, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "A " + p + " one", Priority: p, Customer: ticket.Customer{ID: "c"}})
		require.NoError(t, err)
	}
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: func(*http.Request) (ticketkit.Actor, error) { return agent, nil }})
	require.NoError(t, err)
	page, err := ui.New(ui.Config{
		Viewer:   func(*http.Request) (ui.Viewer, error) { return ui.Viewer{Role: agent.Role, ID: agent.ID}, nil },
		ExtraCSS: ":root { --tk-accent: #7a1f5c; }",
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))
	mux.Handle("/", page)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU)...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := newTab(t, tabCtx, "agent", scenario{width: 1280, height: 900}, "", t.TempDir())
	b.do("open the console", chromedp.Navigate(srv.URL+"/"), waitFor(`document.body.dataset.ready === "true" && document.body.dataset.busy === "0"`))

	badge := func(subject, kind string) string {
		return `[...document.querySelectorAll("#tickets li")].find(li => li.textContent.includes(` + jsString(subject) + `)).querySelector(".badge-` + kind + `")`
	}
	colour := func(sel string) string { return b.str(sel + `.style.getPropertyValue("--badge")`) }
	icon := func(sel string) string {
		return b.str(`(i => i ? new URL(i.src).pathname : "")(` + sel + `.querySelector("img"))`)
	}
	require.Equal(t, "#546e7a", colour(badge("A low one", "priorities")), "the lowest rank's colour")
	require.Empty(t, icon(badge("A low one", "priorities")), "the catalog lists priorities as text")
	require.Equal(t, "#c62828", colour(badge("A urgent one", "priorities")), "the highest rank's colour")
	require.Equal(t, "#1565c0", colour(badge("A low one", "statuses")), "a new ticket's status colour")
	require.Empty(t, icon(badge("A low one", "statuses")), "statuses are listed as text")
	require.Equal(t, "rgb(122, 31, 92)", b.str(`getComputedStyle(document.querySelector("#filter-submit")).backgroundColor`),
		"Config.ExtraCSS themes the page")
	require.Empty(t, b.exceptions())
}
