package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ticketkit/ticketkit"
)

// RateLimiter decides whether a request may be served: the hook of
// Config.RateLimit. The handler calls Limit once per request to a route,
// after Authenticate, with the actor Authenticate returned, so that limits
// can be kept per actor or per tenant. It calls it with the zero Actor
// for the public route (GET /openapi.yaml) and for a request Authenticate
// refused, before answering 401, so that failed sign-ins can be limited
// per client address (r.RemoteAddr, or the address a trusted proxy
// forwards). Limit must be safe for concurrent use and should not block:
// it runs before the Desk is called, on every request.
type RateLimiter interface {
	Limit(r *http.Request, actor ticketkit.Actor) RateLimitDecision
}

// RateLimitFunc adapts a function to a [RateLimiter].
type RateLimitFunc func(r *http.Request, actor ticketkit.Actor) RateLimitDecision

// Limit implements [RateLimiter] by calling f.
func (f RateLimitFunc) Limit(r *http.Request, actor ticketkit.Actor) RateLimitDecision {
	return f(r, actor)
}

// RateLimitDecision is what a [RateLimiter] decided for one request. The
// zero value lets the request through and adds no header.
type RateLimitDecision struct {
	// Limited refuses the request: the handler answers 429 Too Many
	// Requests with the problem code rate_limited and does nothing else.
	Limited bool
	// RetryAfter is the wait the Retry-After header of a refused request
	// asks for, rounded up to whole seconds. Default (zero or negative):
	// one second.
	RetryAfter time.Duration
	// Policy names the quota policy the request counted against, a token
	// of letters, digits and "_-.:" (such as "actor"). When it is set,
	// the response carries the RateLimit-Policy and RateLimit headers of
	// the IETF draft "RateLimit header fields for HTTP"
	// (draft-ietf-httpapi-ratelimit-headers-11):
	//
	//	RateLimit-Policy: "actor";q=60;w=60
	//	RateLimit: "actor";r=59;t=1
	//
	// When it is empty, or not such a token, neither header is sent.
	Policy string
	// Quota is the number of requests the policy allows per Window (the
	// "q" parameter of RateLimit-Policy).
	Quota int64
	// Window is the time Quota applies to (the "w" parameter, in whole
	// seconds rounded up; left out when zero).
	Window time.Duration
	// Remaining is the number of requests left of the quota after this
	// one (the "r" parameter of RateLimit).
	Remaining int64
	// Reset is the time within which the client can use no more than
	// Remaining requests (the "t" parameter, the draft's effective window,
	// in whole seconds rounded up; left out when zero). On a refused
	// request it should not end before RetryAfter.
	Reset time.Duration
}

// limit asks the rate limiter of the handler about r, sets the RateLimit
// headers its decision gives and answers a refused request with 429. It
// reports whether it answered.
func (h *handler) limit(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) (answered bool) {
	if h.rateLimit == nil {
		return false
	}
	d := h.rateLimit.Limit(r, actor)
	if validPolicyName(d.Policy) {
		policy := strconv.Quote(d.Policy) + ";q=" + strconv.FormatInt(max(d.Quota, 0), 10)
		if d.Window > 0 {
			policy += ";w=" + seconds(d.Window)
		}
		hdr := w.Header()
		hdr.Set("RateLimit-Policy", policy)
		limit := strconv.Quote(d.Policy) + ";r=" + strconv.FormatInt(max(d.Remaining, 0), 10)
		if d.Reset > 0 {
			limit += ";t=" + seconds(d.Reset)
		}
		hdr.Set("RateLimit", limit)
	}
	if !d.Limited {
		return false
	}
	h.log.DebugContext(r.Context(), "httpapi: request rate limited", "method", r.Method, "path", r.URL.Path,
		"actor", actor.ID, "tenant", actor.TenantID)
	h.writeError(w, &apiError{status: http.StatusTooManyRequests, Code: codeRateLimited,
		Message: "too many requests: retry after the time Retry-After gives", retryAfter: d.RetryAfter})
	return true
}

// seconds formats d as whole seconds, rounded up.
func seconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// validPolicyName reports whether name is a non-empty token that needs no
// escaping in a structured-field string: letters, digits and "_-.:", at
// most 64 bytes.
func validPolicyName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}
