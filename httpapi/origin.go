package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of [CORS].
const (
	// DefaultCORSMaxAge is how long a browser may cache a preflight
	// answer when CORS.MaxAge is zero.
	DefaultCORSMaxAge = 10 * time.Minute
)

// DefaultCORSAllowedHeaders are the request headers a page of an allowed
// origin may send when CORS.AllowedHeaders is empty.
func DefaultCORSAllowedHeaders() []string {
	return []string{"Content-Type", "Authorization", "If-Match", "If-None-Match", "Idempotency-Key"}
}

// CORS configures Cross-Origin Resource Sharing: which other origins'
// pages may call the API from script and read its answers. The zero value
// allows none, which suits a frontend served from the API's own origin.
type CORS struct {
	// AllowedOrigins lists origins, written scheme://host[:port] such as
	// "https://portal.example.com", whose pages may call the API. Each is
	// also trusted for unsafe methods (see Config.TrustedOrigins). There
	// is no wildcard: an API that trusts cookies must name its callers.
	AllowedOrigins []string
	// AllowCredentials lets those pages send cookies and HTTP
	// authentication (Access-Control-Allow-Credentials: true).
	AllowCredentials bool
	// AllowedHeaders lists the request headers those pages may send
	// beyond the CORS-safelisted ones. Default
	// [DefaultCORSAllowedHeaders].
	AllowedHeaders []string
	// MaxAge is how long a browser may cache a preflight answer.
	// Default [DefaultCORSMaxAge].
	MaxAge time.Duration
}

// origins applies the cross-origin rules of a Config: CSRF protection for
// unsafe methods and CORS answers.
type origins struct {
	csrf     *http.CrossOriginProtection
	sameSite bool
	cors     map[string]bool
	// The preflight answer's header values.
	credentials      bool
	methods, headers string
	maxAge           string
}

// newOrigins checks the cross-origin settings of cfg, whose defaults
// WithDefaults filled, reporting every bad one at once.
func newOrigins(cfg Config) (*origins, error) {
	o := &origins{
		csrf:        http.NewCrossOriginProtection(),
		sameSite:    cfg.AllowSameSite,
		cors:        map[string]bool{},
		credentials: cfg.CORS.AllowCredentials,
		headers:     strings.Join(cfg.CORS.AllowedHeaders, ", "),
		maxAge:      strconv.Itoa(int(cfg.CORS.MaxAge / time.Second)),
	}
	var errs []error
	if cfg.CORS.MaxAge < 0 {
		errs = append(errs, errors.New("Config.CORS.MaxAge must not be negative"))
	}
	for _, origin := range cfg.TrustedOrigins {
		if err := o.csrf.AddTrustedOrigin(origin); err != nil {
			errs = append(errs, fmt.Errorf("Config.TrustedOrigins: %w", err))
		}
	}
	for _, origin := range cfg.CORS.AllowedOrigins {
		if err := o.csrf.AddTrustedOrigin(origin); err != nil {
			errs = append(errs, fmt.Errorf("Config.CORS.AllowedOrigins: %w", err))
			continue
		}
		o.cors[origin] = true
	}
	var methods []string
	for _, rt := range routes() {
		if !slices.Contains(methods, rt.method) {
			methods = append(methods, rt.method)
		}
	}
	o.methods = strings.Join(methods, ", ")
	return o, errors.Join(errs...)
}

// serve applies the cross-origin rules to a request. It answers CORS
// preflights and refused requests itself and reports whether it did; for
// other requests it adds the CORS headers an allowed origin gets.
func (o *origins) serve(h *handler, w http.ResponseWriter, r *http.Request) (answered bool) {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
	if len(o.cors) > 0 {
		w.Header().Add("Vary", "Origin")
	}
	if o.cors[origin] {
		hdr := w.Header()
		hdr.Set("Access-Control-Allow-Origin", origin)
		if o.credentials {
			hdr.Set("Access-Control-Allow-Credentials", "true")
		}
		if preflight {
			hdr.Set("Access-Control-Allow-Methods", o.methods)
			hdr.Set("Access-Control-Allow-Headers", o.headers)
			hdr.Set("Access-Control-Max-Age", o.maxAge)
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		hdr.Set("Access-Control-Expose-Headers", "Location, Content-Disposition, Retry-After, WWW-Authenticate, ETag, Idempotent-Replayed, RateLimit, RateLimit-Policy")
	} else if preflight {
		h.writeError(w, &apiError{status: http.StatusForbidden, Code: codeForbidden, Message: "this origin may not call the API"})
		return true
	}
	if o.sameSite && r.Header.Get("Sec-Fetch-Site") == "same-site" {
		return false
	}
	if err := o.csrf.Check(r); err != nil {
		h.log.DebugContext(r.Context(), "httpapi: cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", origin, "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		h.writeError(w, &apiError{status: http.StatusForbidden, Code: codeForbidden,
			Message: "cross-origin request refused: this origin may not change anything here"})
		return true
	}
	return false
}
