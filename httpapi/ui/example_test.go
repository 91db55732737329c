package ui_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/httpapi/ui"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A host serves the console and the portal at /support/ and the API at
// /api/, both behind its own session cookie: one lookup gives the API
// its Actor and the page its Viewer.
func Example() {
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Blobs: blob.NewMemory(blob.Config{})})
	if err != nil {
		panic(err)
	}
	// The host's sessions; a real host asks its session store.
	sessions := map[string]ticketkit.Actor{
		"s-jane": {ID: "jane", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-JANE"},
		"s-ann":  {ID: "ann", Role: ticket.RoleAgent, TenantID: "shop"},
	}
	session := func(r *http.Request) (ticketkit.Actor, error) {
		c, err := r.Cookie("session")
		if err != nil {
			return ticketkit.Actor{}, err
		}
		if a, ok := sessions[c.Value]; ok {
			return a, nil
		}
		return ticketkit.Actor{}, errors.New("no such session")
	}
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: session})
	if err != nil {
		panic(err)
	}
	page, err := ui.New(ui.Config{
		Viewer: func(r *http.Request) (ui.Viewer, error) {
			a, err := session(r)
			return ui.Viewer{Role: a.Role, ID: a.ID}, err
		},
		APIBase:   "/api",
		Prefix:    "/support/",
		Languages: []string{"en", "fr"},
		Title:     "Acme support",
		ExtraCSS:  ":root { --tk-accent: #7a1f5c; }",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))
	mux.Handle("/support/", page)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, s := range []string{"s-jane", "s-ann", "nobody"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/support/", nil)
		req.AddCookie(&http.Cookie{Name: "session", Value: s})
		req.Header.Set("Accept-Language", "fr-FR, en;q=0.5")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		view := regexp.MustCompile(`<h1 id="list-title">([^<]*)</h1>`).FindSubmatch(body)
		if view == nil {
			fmt.Println(s, res.StatusCode)
			continue
		}
		fmt.Println(s, res.StatusCode, string(view[1]))
	}
	// Output:
	// s-jane 200 Service client
	// s-ann 200 Console des tickets
	// nobody 401
}
