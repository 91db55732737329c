package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
)

// Default limits of [Config].
const (
	// DefaultMaxBodySize is the largest JSON request body accepted when
	// Config.MaxBodySize is zero: 1 MiB.
	DefaultMaxBodySize int64 = 1 << 20
	// DefaultMaxUploadSize is the largest multipart/form-data request
	// (all files of one message together) accepted when
	// Config.MaxUploadSize is zero: 25 MiB.
	DefaultMaxUploadSize int64 = 25 << 20
	// DefaultMaxQuerySize is the longest query string accepted when
	// Config.MaxQuerySize is zero: 8 KiB, room for a hundred codes per
	// list filter.
	DefaultMaxQuerySize = 8 << 10
	// DefaultIdempotencyTTL is how long the answer to a request sent
	// with an Idempotency-Key is kept when Config.IdempotencyTTL is zero:
	// 24 hours.
	DefaultIdempotencyTTL = 24 * time.Hour
)

// DefaultChallenge is the WWW-Authenticate header of 401 answers when
// Config.Challenge is empty: a bearer token in the realm "ticketkit".
const DefaultChallenge = `Bearer realm="ticketkit"`

// Config configures the handler [New] returns. Desk and Authenticate are
// required; every other zero value means the documented default.
type Config struct {
	// Desk runs every use case. Required.
	Desk *ticketkit.Desk
	// Authenticate tells who sends a request: it returns the actor the
	// Desk acts for, or an error, which the handler answers with 401
	// Unauthorized without calling the Desk. It is called once per
	// request to an authenticated route (every route but GET
	// /openapi.yaml), so the host checks its own session cookie, bearer
	// token or API key here. The actor's TenantID scopes every call.
	// Required.
	Authenticate func(*http.Request) (ticketkit.Actor, error)
	// Challenge is the WWW-Authenticate header of every 401 answer: the
	// scheme Authenticate expects and its parameters (RFC 9110, section
	// 11.6.1), such as `Basic realm="shop"`. Default [DefaultChallenge].
	Challenge string
	// MaxBodySize limits JSON request bodies in bytes; larger bodies are
	// answered with 413. Default [DefaultMaxBodySize].
	MaxBodySize int64
	// MaxUploadSize limits a multipart/form-data request that adds a
	// message with attachments, in bytes; larger requests are answered
	// with 413. Each file is further limited by the Desk's
	// MaxAttachmentSize. Default [DefaultMaxUploadSize].
	MaxUploadSize int64
	// MaxQuerySize limits the query string of a request, in bytes;
	// longer ones are answered with 400 before anything is parsed. Lists
	// in a query hold at most ticket.MaxItems items whatever the size.
	// Default [DefaultMaxQuerySize].
	MaxQuerySize int
	// TrustedOrigins lists origins, written scheme://host[:port], that
	// may send unsafe requests (POST, PUT, PATCH, DELETE) from a page of
	// their own, such as a sign-in site posting a form here. Requests a
	// browser marks cross-origin (Sec-Fetch-Site, or an Origin other than
	// the request's host) from any other origin are refused with 403
	// before Authenticate runs; see "Cross-origin requests" in the
	// package documentation.
	TrustedOrigins []string
	// AllowSameSite also accepts unsafe requests a browser marks
	// Sec-Fetch-Site: same-site, from another host of the same site
	// (app.example.com calling api.example.com). Default: only
	// same-origin requests and TrustedOrigins.
	AllowSameSite bool
	// CORS says which other origins' pages may call the API from script.
	// Default: none.
	CORS CORS
	// Logger receives the causes of 500 responses and of rejected
	// authentications. Default: discard.
	Logger *slog.Logger
	// RequireIfMatch answers 428 Precondition Required to a PATCH of a
	// ticket or complaint and to a status change (POST
	// .../transitions) sent without If-Match, so that no client changes
	// what it has not read. Default: If-Match is optional.
	RequireIfMatch bool
	// IdempotencyTTL is how long the answer to a POST sent with an
	// Idempotency-Key is kept for its retries; after it the key may be
	// used again. Default [DefaultIdempotencyTTL].
	IdempotencyTTL time.Duration
	// Clock tells the time idempotency keys expire by. Default:
	// clock.System().
	Clock clock.Clock
	// RateLimit, when set, is asked about every request to a route after
	// Authenticate (see [RateLimiter]); a request it refuses is answered
	// with 429 Too Many Requests and Retry-After, and its decision's
	// RateLimit-Policy and RateLimit headers go on the answer, whatever
	// its status. Requests refused before any route (CORS preflights,
	// cross-origin refusals, over-long queries, unknown routes) do not
	// reach it.
	// [NewActorRateLimiter] returns a ready one. Default: no limit.
	RateLimit RateLimiter
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default: the three size limits, Challenge, CORS.AllowedHeaders,
// CORS.MaxAge, Logger, IdempotencyTTL and Clock. Desk and Authenticate
// have none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.MaxBodySize = cmp.Or(c.MaxBodySize, DefaultMaxBodySize)
	c.MaxUploadSize = cmp.Or(c.MaxUploadSize, DefaultMaxUploadSize)
	c.MaxQuerySize = cmp.Or(c.MaxQuerySize, DefaultMaxQuerySize)
	c.Challenge = cmp.Or(c.Challenge, DefaultChallenge)
	if len(c.CORS.AllowedHeaders) == 0 {
		c.CORS.AllowedHeaders = DefaultCORSAllowedHeaders()
	}
	c.CORS.MaxAge = cmp.Or(c.CORS.MaxAge, DefaultCORSMaxAge)
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	c.IdempotencyTTL = cmp.Or(c.IdempotencyTTL, DefaultIdempotencyTTL)
	c.Clock = cmp.Or(c.Clock, clock.System())
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if c.Desk == nil {
		errs = append(errs, errors.New("Config.Desk is required"))
	}
	if c.Authenticate == nil {
		errs = append(errs, errors.New("Config.Authenticate is required"))
	}
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"Config.MaxBodySize", c.MaxBodySize < 0},
		{"Config.MaxUploadSize", c.MaxUploadSize < 0},
		{"Config.MaxQuerySize", c.MaxQuerySize < 0},
		{"Config.IdempotencyTTL", c.IdempotencyTTL < 0},
	} {
		if f.negative {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	if strings.ContainsFunc(c.Challenge, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		errs = append(errs, errors.New("Config.Challenge must not hold control characters"))
	}
	_, err := newOrigins(c)
	return errors.Join(append(errs, err)...)
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns an http.Handler serving the JSON API
// described in the package documentation and in the OpenAPI document it
// serves at GET /openapi.yaml. Mount it at the root of a server or below
// a prefix with [http.StripPrefix].
func New(cfg Config) (http.Handler, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("httpapi: invalid Config: %w", err)
	}
	origins, _ := newOrigins(cfg)
	h := &handler{
		desk:      cfg.Desk,
		auth:      cfg.Authenticate,
		maxBody:   cfg.MaxBodySize,
		maxUpload: cfg.MaxUploadSize,
		maxQuery:  cfg.MaxQuerySize,
		challenge: cfg.Challenge,
		origins:   origins,
		log:       cfg.Logger,
		first:     http.NewServeMux(),
		rest:      http.NewServeMux(),

		requireIfMatch: cfg.RequireIfMatch,
		idemTTL:        cfg.IdempotencyTTL,
		clock:          cfg.Clock,
		rateLimit:      cfg.RateLimit,
	}
	for _, rt := range routes() {
		mux := h.rest
		if rt.first {
			mux = h.first
		}
		mux.Handle(rt.pattern(), h.wrap(rt))
	}
	return h, nil
}

// handler serves the API. Routes are split over two muxes because
// ServeMux refuses overlapping patterns where neither is more specific,
// such as GET /tickets/by-number/{number} and GET /tickets/{id}/history:
// the routes marked first are tried before the others.
type handler struct {
	desk      *ticketkit.Desk
	auth      func(*http.Request) (ticketkit.Actor, error)
	maxBody   int64
	maxUpload int64
	challenge string // WWW-Authenticate of 401 answers
	maxQuery  int
	origins   *origins
	log       *slog.Logger
	first     *http.ServeMux
	rest      *http.ServeMux

	// requireIfMatch, idemTTL, clock and rateLimit are
	// Config.RequireIfMatch, IdempotencyTTL, Clock and RateLimit.
	requireIfMatch bool
	idemTTL        time.Duration
	clock          clock.Clock
	rateLimit      RateLimiter
}

// endpoint serves one route for an authenticated actor (the zero Actor
// on public routes) and returns an error to be answered with the error
// document.
type endpoint func(h *handler, w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error

// route is one entry of the route table both the muxes and the OpenAPI
// test read.
type route struct {
	method string
	// path uses ServeMux and OpenAPI syntax alike: /tickets/{id}.
	path string
	// public routes are served without calling Authenticate.
	public bool
	// first routes win over the routes of the same shape with a
	// wildcard where they have a literal segment.
	first bool
	serve endpoint

	// checked routes change a ticket or complaint through a use case
	// that takes no version: a request with If-Match runs in a
	// transaction that checks the version (see serveInTx).
	checked bool
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// routes is the route table of the API.
func routes() []route {
	return []route{
		{method: http.MethodPost, path: "/tickets", serve: (*handler).openTicket},
		{method: http.MethodGet, path: "/tickets", serve: (*handler).searchTickets},
		{method: http.MethodGet, path: "/tickets/by-number/{number}", first: true, serve: (*handler).getTicketByNumber},
		{method: http.MethodPost, path: "/tickets/bulk", serve: (*handler).bulkTickets},
		{method: http.MethodGet, path: "/tickets/{id}", serve: (*handler).getTicket},
		{method: http.MethodPatch, path: "/tickets/{id}", serve: (*handler).updateTicket},
		{method: http.MethodGet, path: "/tickets/{id}/transitions", serve: (*handler).listTransitions},
		{method: http.MethodPost, path: "/tickets/{id}/transitions", serve: (*handler).transitionTicket},
		{method: http.MethodPost, path: "/tickets/{id}/assignment", serve: (*handler).assignTicket},
		{method: http.MethodPost, path: "/tickets/{id}/auto-assign", serve: (*handler).autoAssignTicket},
		{method: http.MethodGet, path: "/tickets/{id}/messages", serve: (*handler).listMessages},
		{method: http.MethodPost, path: "/tickets/{id}/messages", checked: true, serve: (*handler).addMessage},
		{method: http.MethodGet, path: "/tickets/{id}/messages/{mid}/attachments/{aid}", serve: (*handler).downloadAttachment},
		{method: http.MethodGet, path: "/tickets/{id}/history", serve: (*handler).history},
		{method: http.MethodPost, path: "/tickets/{id}/merge", serve: (*handler).mergeTickets},
		{method: http.MethodPost, path: "/tickets/{id}/split", serve: (*handler).splitTicket},
		{method: http.MethodGet, path: "/tickets/{id}/links", serve: (*handler).listLinks},
		{method: http.MethodPost, path: "/tickets/{id}/links", checked: true, serve: (*handler).addLink},
		{method: http.MethodDelete, path: "/tickets/{id}/links", checked: true, serve: (*handler).removeLink},
		{method: http.MethodGet, path: "/tickets/{id}/presence", serve: (*handler).listPresence},
		{method: http.MethodPut, path: "/tickets/{id}/presence", serve: (*handler).takePresence},
		{method: http.MethodDelete, path: "/tickets/{id}/presence", serve: (*handler).releasePresence},
		{method: http.MethodGet, path: "/tickets/{id}/watchers", serve: (*handler).listWatchers},
		{method: http.MethodPost, path: "/tickets/{id}/watchers", checked: true, serve: (*handler).addWatcher},
		{method: http.MethodDelete, path: "/tickets/{id}/watchers", checked: true, serve: (*handler).removeWatcher},
		{method: http.MethodGet, path: "/tickets/{id}/cc", serve: (*handler).listCC},
		{method: http.MethodPost, path: "/tickets/{id}/cc", checked: true, serve: (*handler).addCC},
		{method: http.MethodDelete, path: "/tickets/{id}/cc", checked: true, serve: (*handler).removeCC},
		{method: http.MethodGet, path: "/reports/sla", serve: (*handler).slaReport},
		{method: http.MethodPost, path: "/complaints", serve: (*handler).openComplaint},
		{method: http.MethodGet, path: "/complaints", serve: (*handler).complaintJournal},
		{method: http.MethodGet, path: "/complaints/{id}", serve: (*handler).getComplaint},
		{method: http.MethodPatch, path: "/complaints/{id}", serve: (*handler).updateComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/plan", serve: (*handler).planComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/decision", serve: (*handler).decideComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/reviews", checked: true, serve: (*handler).reviewComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/review-results", checked: true, serve: (*handler).recordReviewResult},
		{method: http.MethodPost, path: "/complaints/{id}/comments", checked: true, serve: (*handler).commentComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/transitions", serve: (*handler).transitionComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/posting", serve: (*handler).postComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/reversal", serve: (*handler).reverseComplaint},
		{method: http.MethodPost, path: "/complaints/{id}/root-cause", checked: true, serve: (*handler).setRootCause},
		{method: http.MethodPost, path: "/complaints/{id}/steps", checked: true, serve: (*handler).completeStep},
		{method: http.MethodPost, path: "/complaints/{id}/actions/{action}/effectiveness", checked: true, serve: (*handler).recordEffectiveness},
		{method: http.MethodPost, path: "/complaints/{id}/costs", checked: true, serve: (*handler).addComplaintCost},
		{method: http.MethodGet, path: "/complaints/{id}/costs", serve: (*handler).complaintCosts},
		{method: http.MethodDelete, path: "/complaints/{id}/costs/{cost}", checked: true, serve: (*handler).removeComplaintCost},
		{method: http.MethodPost, path: "/complaints/{id}/lines", serve: (*handler).addComplaintLines},
		{method: http.MethodPatch, path: "/complaints/{id}/lines/{line}", serve: (*handler).updateComplaintLine},
		{method: http.MethodDelete, path: "/complaints/{id}/lines/{line}", serve: (*handler).removeComplaintLine},
		{method: http.MethodPost, path: "/complaints/{id}/lines/{line}/decision", serve: (*handler).decideComplaintLine},
		{method: http.MethodPost, path: "/complaints/{id}/lines/{line}/return", serve: (*handler).linkComplaintLineReturn},
		{method: http.MethodPost, path: "/complaints/{id}/claims", serve: (*handler).raiseComplaintClaim},
		{method: http.MethodPost, path: "/complaints/{id}/attachments", checked: true, serve: (*handler).attachComplaint},
		{method: http.MethodGet, path: "/complaints/{id}/attachments/{aid}", serve: (*handler).downloadComplaintAttachment},
		{method: http.MethodDelete, path: "/complaints/{id}/attachments/{aid}", checked: true, serve: (*handler).removeComplaintAttachment},
		{method: http.MethodGet, path: "/reports/complaints", serve: (*handler).complaintReport},
		{method: http.MethodGet, path: "/reports/complaint-costs", serve: (*handler).complaintCostReport},
		{method: http.MethodGet, path: "/catalog", serve: (*handler).catalog},
		{method: http.MethodGet, path: "/config", serve: (*handler).getConfig},
		{method: http.MethodPut, path: "/config", serve: (*handler).putConfig},
		{method: http.MethodGet, path: "/config/versions/{version}", serve: (*handler).getConfigVersion},
		{method: http.MethodPost, path: "/tickets/{id}/rules/dry-run", serve: (*handler).dryRunRules},
		{method: http.MethodGet, path: "/macros", serve: (*handler).listMacros},
		{method: http.MethodGet, path: "/tickets/{id}/macros/{macro}/preview", serve: (*handler).previewMacro},
		{method: http.MethodPost, path: "/tickets/{id}/macros/{macro}", serve: (*handler).applyMacro},
		{method: http.MethodPost, path: "/admin/customers/{customer_id}/erasure", serve: (*handler).eraseCustomer},
		{method: http.MethodGet, path: "/admin/customers/{customer_id}/export", serve: (*handler).exportCustomer},
		{method: http.MethodGet, path: "/admin/erasures", serve: (*handler).listErasures},
		{method: http.MethodGet, path: "/openapi.yaml", public: true, serve: (*handler).openAPI},
		{method: http.MethodPost, path: "/survey-answers", public: true, serve: (*handler).answerSurvey},
		{method: http.MethodGet, path: "/tickets/{id}/rating", serve: (*handler).getRating},
		{method: http.MethodPost, path: "/tickets/{id}/rating", checked: true, serve: (*handler).rateTicket},
		{method: http.MethodPost, path: "/tickets/{id}/survey-link", serve: (*handler).surveyLink},
		{method: http.MethodGet, path: "/tickets/{id}/time-entries", serve: (*handler).listTimeEntries},
		{method: http.MethodPost, path: "/tickets/{id}/time-entries", checked: true, serve: (*handler).addTimeEntry},
		{method: http.MethodDelete, path: "/tickets/{id}/time-entries/{entry}", checked: true, serve: (*handler).deleteTimeEntry},
		{method: http.MethodGet, path: "/reports/satisfaction", serve: (*handler).satisfactionReport},
		{method: http.MethodGet, path: "/reports/time", serve: (*handler).timeReport},
	}
}

// ServeHTTP implements http.Handler. Cross-origin rules and the query
// size limit apply before any route.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.origins.serve(h, w, r) {
		return
	}
	if len(r.URL.RawQuery) > h.maxQuery {
		h.writeError(w, malformed(fmt.Sprintf("the query string is longer than the %d bytes this API accepts", h.maxQuery)))
		return
	}
	if _, pattern := h.first.Handler(r); pattern != "" {
		h.first.ServeHTTP(w, r)
		return
	}
	if _, pattern := h.rest.Handler(r); pattern != "" {
		h.rest.ServeHTTP(w, r)
		return
	}
	// No route: let the mux answer (404, 405 with Allow, or a redirect
	// to the clean path) and turn its plain-text errors into the JSON
	// error document.
	h.rest.ServeHTTP(&muxErrorWriter{ResponseWriter: w, h: h, r: r}, r)
}

// wrap turns an endpoint into an http.Handler: it authenticates the
// request, asks the rate limiter, sets the headers every response
// carries, runs the endpoint and answers its error.
func (h *handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.fail(w, r, fmt.Errorf("httpapi: panic serving %s: %v", rt.pattern(), v))
			}
		}()
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("X-Content-Type-Options", "nosniff")
		var actor ticketkit.Actor
		if !rt.public {
			a, err := h.auth(r)
			if err != nil {
				h.log.DebugContext(r.Context(), "httpapi: authentication failed", "method", r.Method, "path", r.URL.Path, "err", err)
				if !h.limit(w, r, ticketkit.Actor{}) {
					h.writeError(w, &apiError{status: http.StatusUnauthorized, Code: codeUnauthenticated, Message: "authentication required"})
				}
				return
			}
			actor = a
		}
		if h.limit(w, r, actor) {
			return
		}
		idem := r.Method == http.MethodPost && len(r.Header.Values(idempotencyHeader)) > 0
		if checked := rt.checked && ifMatchVersion(r); idem || checked {
			h.serveInTx(w, r, rt, actor, idem, checked)
			return
		}
		if err := rt.serve(h, w, r, actor); err != nil {
			h.fail(w, r, err)
		}
	})
}

// muxErrorWriter rewrites the mux's own error responses (unknown path,
// method not allowed) into the JSON error document; redirects pass.
type muxErrorWriter struct {
	http.ResponseWriter
	h       *handler
	r       *http.Request
	swallow bool
}

// WriteHeader implements http.ResponseWriter.
func (m *muxErrorWriter) WriteHeader(status int) {
	if status < 400 {
		m.ResponseWriter.WriteHeader(status)
		return
	}
	m.swallow = true
	e := &apiError{status: status, Code: codeNotFound, Message: "no such route"}
	if status == http.StatusMethodNotAllowed {
		e.Code, e.Message = codeMethodNotAllowed, "method not allowed on this path"
	}
	m.h.writeError(m.ResponseWriter, e)
}

// Write implements http.ResponseWriter.
func (m *muxErrorWriter) Write(b []byte) (int, error) {
	if m.swallow {
		return len(b), nil
	}
	return m.ResponseWriter.Write(b)
}
