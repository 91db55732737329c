// Package ui serves ticketkit's agent console and customer portal: one
// page of plain JavaScript (no build step, nothing loaded from another
// origin) over the JSON API of package httpapi, as an http.Handler with
// its assets embedded in the binary. A host mounts it under its own
// authentication next to the httpapi handler:
//
//	api, _ := httpapi.New(httpapi.Config{Desk: desk, Authenticate: fromSession})
//	page, _ := ui.New(ui.Config{
//		Viewer:  viewerFromSession, // who the page is for: role, ID, name
//		APIBase: "/api",
//		Prefix:  "/support/",
//		Title:   "Acme support",
//	})
//	mux.Handle("/api/", http.StripPrefix("/api", api))
//	mux.Handle("/support/", page)
//
// The page calls the API on the same origin with the host's cookies;
// httpapi's Authenticate reads the same session. A customer (role
// customer) gets the portal: open a ticket with an order number, a
// message and several files, follow their tickets and answer them. Any
// other role gets the console: a queue with filters (status, priority,
// department, assignee, creation dates, order number, text), page
// navigation, unread markers, and per ticket the thread, replies and
// internal notes, the status changes GET /tickets/{id}/transitions
// offers (with a reason field when one is required) and the customer's
// other tickets. Field errors of a problem document (RFC 9457) show next
// to their fields.
//
// Opening a ticket and sending a message carry an Idempotency-Key that
// a retry after a failed connection reuses, so a lost answer never
// opens two tickets or sends a message twice (a desk whose store keeps
// no keys is asked again without one); a form waits for its answer
// before it can be sent again.
//
// Unread markers are kept in the agent's browser (localStorage, per
// Viewer.ID): a ticket is unread until the agent opens it, and again
// when it changes after that.
//
// # Badges
//
// Statuses and priorities show as coloured badges, from the catalog's
// Label.Color (a hex colour), with the entry's Label.Icon when the
// catalog's display for the set is "image" or "both" (the label is
// always written too). An icon is a name of the built-in set (inbox,
// progress, hourglass, escalate, check, lock, arrow-down, minus,
// arrow-up, alert; served below Prefix+"assets/icons/") or an absolute
// path on the same origin ending in .svg or .png. An entry without a
// colour gets one by its status category or priority rank;
// ticket.DefaultCatalog has colours and icons of its own. SLA badges
// (console only) show a breach, or the next due time (overdue once it
// passed).
//
// # Languages
//
// The UI's own strings exist in English and French ([Languages]). The
// page's language is the Viewer's Language when Config.Languages offers
// it, else the best offered match of Accept-Language, else the first of
// Config.Languages; the page asks the API for catalog labels in it
// (Accept-Language on every call), so the catalog's translations show.
//
// # Theming
//
// Config.ExtraCSS is served as a stylesheet after the UI's own. Set
// these variables on :root to theme the page:
//
//	--tk-font        font-family of the page
//	--tk-fg          text colour
//	--tk-muted       secondary text (dates, hints)
//	--tk-bg          page background
//	--tk-surface     panels, inputs and badges
//	--tk-line        borders and separators
//	--tk-accent      buttons and links
//	--tk-accent-fg   text on accent buttons
//	--tk-danger      errors and breached SLA badges
//	--tk-ok          confirmations
//	--tk-note        background of internal notes
//	--tk-unread      the unread marker
//	--tk-focus       the keyboard focus ring
//	--tk-radius      corner radius of panels
//	--tk-max-width   width of the content column
//
// Keep text colours at a 4.5:1 contrast with --tk-surface and --tk-bg.
//
// # Security and caching
//
// Every answer carries [ContentSecurityPolicy], which the page satisfies
// (no inline script or style), X-Content-Type-Options: nosniff and a
// same-origin Referrer-Policy; the page may not be framed. The page is
// rendered per request (no-store; it names the viewer). Scripts, styles
// and strings are served under names holding their hash with a one-year
// immutable cache; icons are revalidated by ETag. Unknown paths get 404,
// there are no directory listings, and methods other than GET and HEAD
// get 405.
package ui
