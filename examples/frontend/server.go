package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

// web holds the single-page app: index.html, app.js, style.css and the
// priority icons (icons/<code>.svg).
//
//go:embed web
var web embed.FS

// UserHeader is the request header the page sends to say which demo user
// it acts for.
const UserHeader = "X-Demo-User"

// demoTenant is the tenant every demo user belongs to.
const demoTenant = "demo"

// demoUser is one entry of the page's user picker.
type demoUser struct {
	// Key is the value of the X-Demo-User header, such as "agent:ann".
	Key   string `json:"key"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role"`
	actor ticketkit.Actor
}

// demoUsers returns the people the demo knows: two customers and two
// agents of tenant "demo". A customer's CustomerID is what the Desk
// matches against Ticket.Customer.ID, so each sees only their own
// tickets.
func demoUsers() []demoUser {
	customer := func(id, name, email string) demoUser {
		return demoUser{Key: "customer:" + id, Name: name, Email: email, Role: string(ticket.RoleCustomer),
			actor: ticketkit.Actor{ID: id, Role: ticket.RoleCustomer, TenantID: demoTenant, CustomerID: id}}
	}
	agent := func(id, name string) demoUser {
		return demoUser{Key: "agent:" + id, Name: name, Role: string(ticket.RoleAgent),
			actor: ticketkit.Actor{ID: id, Role: ticket.RoleAgent, TenantID: demoTenant}}
	}
	return []demoUser{
		customer("jane", "Jane Roe", "jane@example.com"),
		customer("omar", "Omar Haddad", "omar@example.com"),
		agent("ann", "Ann (agent)"),
		agent("raj", "Raj (agent)"),
	}
}

// demoCustomers is the Desk's Config.Customers of the demo: a customer's
// name and email come from the demo's users, never from the page, so a
// customer cannot have the desk mail someone else.
func demoCustomers(users []demoUser) ticketkit.CustomerDirectory {
	return ticketkit.CustomerDirectoryFunc(func(_ context.Context, tenantID, customerID string) (ticket.Customer, error) {
		for _, u := range users {
			if u.actor.Role == ticket.RoleCustomer && u.actor.TenantID == tenantID && u.actor.CustomerID == customerID {
				return ticket.Customer{Name: u.Name, Email: u.Email}, nil
			}
		}
		return ticket.Customer{}, nil
	})
}

// demoAuthenticate is the httpapi Config.Authenticate of the demo: it
// trusts the X-Demo-User header and maps it to the user's Actor, and
// refuses a missing or unknown value, which httpapi answers with 401.
//
// A real host replaces this function with its own authentication: it
// checks a session cookie or a bearer token and builds the Actor (user
// ID, role, tenant and, for customers, the customer ID) from its own
// user records. Never trust a header like this one outside a demo.
func demoAuthenticate(users []demoUser) func(*http.Request) (ticketkit.Actor, error) {
	byKey := make(map[string]ticketkit.Actor, len(users))
	for _, u := range users {
		byKey[u.Key] = u.actor
	}
	return func(r *http.Request) (ticketkit.Actor, error) {
		key := r.Header.Get(UserHeader)
		actor, ok := byKey[key]
		if !ok {
			return ticketkit.Actor{}, fmt.Errorf("unknown %s %q", UserHeader, key)
		}
		return actor, nil
	}
}

// app is the demo server: the JSON API under /api/, the demo user list at
// /demo/users and the page at /.
type app struct {
	closeDB func() error
	mux     *http.ServeMux
}

// newApp opens (and migrates) the SQLite database at path, builds a Desk
// with in-memory attachment storage on it and returns the server. The
// caller closes it.
func newApp(ctx context.Context, path string, logger *slog.Logger) (*app, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return nil, err
	}
	a := &app{closeDB: closeDB, mux: http.NewServeMux()}
	if err := a.init(store, logger); err != nil {
		_ = closeDB()
		return nil, err
	}
	return a, nil
}

func (a *app) init(store *bunstore.Store, logger *slog.Logger) error {
	// No Notifier and no Dispatcher: the notifications the Desk writes
	// wait in the outbox. Attachments live in memory, so they are lost
	// when the server stops even with a database file.
	users := demoUsers()
	catalog, err := demoCatalog()
	if err != nil {
		return err
	}
	desk, err := ticketkit.New(ticketkit.Config{
		Store:     store,
		Catalog:   catalog,
		Blobs:     blob.NewMemory(blob.Config{}),
		Logger:    logger,
		Customers: demoCustomers(users),
	})
	if err != nil {
		return err
	}
	api, err := httpapi.New(httpapi.Config{
		Desk:          desk,
		Authenticate:  demoAuthenticate(users),
		MaxUploadSize: 10 << 20,
		Logger:        logger,
	})
	if err != nil {
		return err
	}
	site, err := fs.Sub(web, "web")
	if err != nil {
		return err
	}
	a.mux.Handle("/api/", http.StripPrefix("/api", api))
	a.mux.HandleFunc("GET /demo/users", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(users)
	})
	files := map[string]string{
		"GET /{$}":       "index.html",
		"GET /app.js":    "app.js",
		"GET /style.css": "style.css",
	}
	icons, err := fs.Glob(site, "icons/*.svg")
	if err != nil {
		return err
	}
	for _, name := range icons {
		files["GET /"+name] = name
	}
	for pattern, name := range files {
		a.mux.Handle(pattern, page(site, name))
	}
	return nil
}

// demoCatalog is the default catalog whose lists show priorities as an
// icon next to their label (ticket.DisplayBoth), and statuses and
// categories as text: the page reads the setting from GET /api/catalog.
func demoCatalog() (*ticket.Catalog, error) {
	spec := ticket.DefaultCatalogSpec()
	spec.Display.Priorities = ticket.DisplayBoth
	for i := range spec.Priorities {
		spec.Priorities[i].Label.Icon = "/icons/" + spec.Priorities[i].Code + ".svg"
	}
	return ticket.NewCatalog(spec)
}

// page serves one file of the app with headers that keep the page to its
// own origin: scripts, styles and requests only from 'self', no inline
// script, no framing.
func page(site fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy",
			"default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, site, name)
	})
}

// ServeHTTP implements http.Handler.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Close closes the database.
func (a *app) Close() error { return a.closeDB() }
