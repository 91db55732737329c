package main

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/httpapi/ui"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// SessionCookie is the cookie that says which demo user the browser
// signed in as, such as "agent:ann".
const SessionCookie = "demo_user"

// errNotSignedIn is the answer to a request without a known session.
var errNotSignedIn = errors.New("not signed in to the demo")

// demoTenant is the tenant every demo user belongs to.
const demoTenant = "demo"

// demoUser is one person of the demo's sign-in page.
type demoUser struct {
	// Key is the value of the session cookie, such as "agent:ann".
	Key   string
	Name  string
	Email string
	actor ticketkit.Actor
}

// demoUsers returns the people the demo knows: two customers and two
// agents of tenant "demo". A customer's CustomerID is what the Desk
// matches against Ticket.Customer.ID, so each sees only their own
// tickets.
func demoUsers() []demoUser {
	customer := func(id, name, email string) demoUser {
		return demoUser{Key: "customer:" + id, Name: name, Email: email,
			actor: ticketkit.Actor{ID: id, Role: ticket.RoleCustomer, TenantID: demoTenant, CustomerID: id}}
	}
	agent := func(id, name string) demoUser {
		return demoUser{Key: "agent:" + id, Name: name,
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

// sessions is the demo's authentication: it maps the session cookie to
// the user. Both the API (Config.Authenticate) and the page
// (ui.Config.Viewer) ask it, as a real host asks its session store.
//
// A real host checks a signed session cookie or a bearer token and
// builds the Actor from its own user records. Never trust a cookie like
// this one outside a demo: anyone can set it to anyone.
type sessions struct{ byKey map[string]demoUser }

func newSessions(users []demoUser) *sessions {
	s := &sessions{byKey: make(map[string]demoUser, len(users))}
	for _, u := range users {
		s.byKey[u.Key] = u
	}
	return s
}

// user returns the signed-in user of r.
func (s *sessions) user(r *http.Request) (demoUser, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return demoUser{}, false
	}
	u, ok := s.byKey[c.Value]
	return u, ok
}

// authenticate is the httpapi Config.Authenticate of the demo; an error
// is answered with 401.
func (s *sessions) authenticate(r *http.Request) (ticketkit.Actor, error) {
	u, ok := s.user(r)
	if !ok {
		return ticketkit.Actor{}, errNotSignedIn
	}
	return u.actor, nil
}

// viewer is the ui Config.Viewer of the demo.
func (s *sessions) viewer(r *http.Request) (ui.Viewer, error) {
	u, ok := s.user(r)
	if !ok {
		return ui.Viewer{}, errNotSignedIn
	}
	return ui.Viewer{Role: u.actor.Role, ID: u.actor.ID, Name: u.Name}, nil
}

// app is the demo server: the JSON API under /api/, the console and
// portal of package ui under /support/, and the demo's sign-in page at /.
type app struct {
	closeDB func() error
	desk    *ticketkit.Desk
	mux     *http.ServeMux
}

// newApp opens (and migrates) the SQLite database at path, builds a Desk
// with in-memory attachment storage on it and returns the server. The
// caller closes it. clk is the desk's clock (nil: the system's).
func newApp(ctx context.Context, path string, logger *slog.Logger, clk clock.Clock) (*app, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if clk == nil {
		clk = clock.System()
	}
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return nil, err
	}
	a := &app{closeDB: closeDB, mux: http.NewServeMux()}
	if err := a.init(store, logger, clk); err != nil {
		_ = closeDB()
		return nil, err
	}
	return a, nil
}

func (a *app) init(store *bunstore.Store, logger *slog.Logger, clk clock.Clock) error {
	// No Notifier and no Dispatcher: the notifications the Desk writes
	// wait in the outbox. Attachments live in memory, so they are lost
	// when the server stops even with a database file.
	users := demoUsers()
	auth := newSessions(users)
	catalog, err := demoCatalog()
	if err != nil {
		return err
	}
	sla, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{{
		Name: "standard",
		Targets: workflow.Targets{
			FirstResponse: workflow.Duration(4 * time.Hour),
			Resolution:    workflow.Duration(48 * time.Hour),
		},
	}}}, catalog)
	if err != nil {
		return err
	}
	desk, err := ticketkit.New(ticketkit.Config{
		Store:     store,
		Catalog:   catalog,
		SLA:       sla,
		Clock:     clk,
		Blobs:     blob.NewMemory(blob.Config{}),
		Logger:    logger,
		Customers: demoCustomers(users),
	})
	if err != nil {
		return err
	}
	a.desk = desk
	api, err := httpapi.New(httpapi.Config{
		Desk:          desk,
		Authenticate:  auth.authenticate,
		MaxUploadSize: 10 << 20,
		Logger:        logger,
		Clock:         clk,
	})
	if err != nil {
		return err
	}
	page, err := ui.New(ui.Config{
		Viewer:  auth.viewer,
		APIBase: "/api",
		Prefix:  "/support/",
		Title:   "ticketkit demo",
	})
	if err != nil {
		return err
	}
	a.mux.Handle("/api/", http.StripPrefix("/api", api))
	a.mux.Handle("/support/", page)
	a.mux.Handle("GET /{$}", signInPage(users))
	a.mux.Handle("POST /demo/sign-in", http.NewCrossOriginProtection().Handler(signIn(auth)))
	return nil
}

// demoCatalog is the default catalog, whose statuses and priorities have
// colours and icons, shown with both in lists, with two departments and
// French labels, so that the console in French shows French statuses.
func demoCatalog() (*ticket.Catalog, error) {
	spec := ticket.DefaultCatalogSpec()
	spec.Display = ticket.Display{Statuses: ticket.DisplayBoth, Priorities: ticket.DisplayBoth}
	fr := map[string]string{
		ticket.StatusOpen: "Ouvert", ticket.StatusInProgress: "En cours", ticket.StatusWaiting: "En attente du client",
		ticket.StatusEscalated: "Escaladé", ticket.StatusResolved: "Résolu", ticket.StatusClosed: "Fermé",
		ticket.PriorityLow: "Basse", ticket.PriorityNormal: "Normale", ticket.PriorityHigh: "Haute", ticket.PriorityUrgent: "Urgente",
		ticket.CategoryQuestion: "Question", ticket.CategoryProblem: "Problème", ticket.CategoryComplaint: "Réclamation",
		"support": "Support", "billing": "Facturation",
	}
	translate := func(code string, l *ticket.Label) { l.Translations = map[string]string{"fr": fr[code]} }
	for i := range spec.Statuses {
		translate(spec.Statuses[i].Code, &spec.Statuses[i].Label)
	}
	for i := range spec.Priorities {
		translate(spec.Priorities[i].Code, &spec.Priorities[i].Label)
	}
	spec.Departments = []ticket.Department{
		{Code: "support", Label: ticket.Label{Text: "Support"}},
		{Code: "billing", Label: ticket.Label{Text: "Billing"}},
	}
	for i := range spec.Departments {
		translate(spec.Departments[i].Code, &spec.Departments[i].Label)
	}
	for i := range spec.Categories {
		translate(spec.Categories[i].Code, &spec.Categories[i].Label)
		if spec.Categories[i].Code == ticket.CategoryProblem {
			spec.Categories[i].Department = "support"
		}
	}
	return ticket.NewCatalog(spec)
}

// signInTemplate is the demo's sign-in page: one button per demo user.
// It has no script, so the ui package's Content-Security-Policy fits it.
var signInTemplate = template.Must(template.New("sign-in").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ticketkit demo: sign in</title></head>
<body>
<main>
<h1>ticketkit demo</h1>
<p>Demo only: pick who you are. A real host signs people in its own way.</p>
<form method="post" action="/demo/sign-in">
<ul>{{range .}}
<li><button type="submit" name="user" value="{{.Key}}">{{.Name}}</button></li>{{end}}
</ul>
</form>
</main>
</body>
</html>
`))

func signInPage(users []demoUser) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", ui.ContentSecurityPolicy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = signInTemplate.Execute(w, users)
	})
}

// signIn sets the session cookie of the demo user the form names and
// goes to the console or portal.
func signIn(auth *sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.PostFormValue("user")
		if _, ok := auth.byKey[key]; !ok {
			http.Error(w, "unknown demo user", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: key, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/support/", http.StatusSeeOther)
	})
}

// ServeHTTP implements http.Handler.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Close closes the database.
func (a *app) Close() error { return a.closeDB() }
