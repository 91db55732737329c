package httpapi_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
)

// withActorLimit gives the env an ActorRateLimiter of burst requests
// refilling at perSecond, on the fake clock it returns.
func withActorLimit(t *testing.T, burst int, perSecond float64) (func(*options), *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(start)
	limiter, err := httpapi.NewActorRateLimiter(httpapi.ActorRateLimitConfig{Burst: burst, Rate: perSecond, Clock: clk})
	require.NoError(t, err)
	return func(o *options) { o.api.RateLimit = limiter }, clk
}

func TestRateLimit_OverTheLimitIs429(t *testing.T) {
	t.Parallel()
	limit, clk := withActorLimit(t, 2, 1)
	e := newEnv(t, limit)

	w := e.get(agent, "/tickets")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"actor";q=2;w=2`, w.Header().Get("RateLimit-Policy"))
	require.Equal(t, `"actor";r=1;t=1`, w.Header().Get("RateLimit"))
	require.Empty(t, w.Header().Get("Retry-After"))

	w = e.get(agent, "/tickets")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"actor";r=0;t=1`, w.Header().Get("RateLimit"))

	w = e.get(agent, "/tickets")
	requireError(t, w, http.StatusTooManyRequests, "rate_limited")
	require.Equal(t, "1", w.Header().Get("Retry-After"))
	require.Equal(t, `"actor";q=2;w=2`, w.Header().Get("RateLimit-Policy"))
	require.Equal(t, `"actor";r=0;t=1`, w.Header().Get("RateLimit"), "the effective window ends with Retry-After")
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))

	// Buckets are per tenant and actor: another actor of the tenant, and
	// an actor of another tenant with the same ID, are not limited.
	require.Equal(t, http.StatusOK, e.get(supervisor, "/tickets").Code)
	twin := outsider
	twin.ID = agent.ID
	require.Equal(t, http.StatusOK, e.get(twin, "/tickets").Code)

	// The bucket refills with time.
	clk.Advance(time.Second)
	w = e.get(agent, "/tickets")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, `"actor";r=0;t=1`, w.Header().Get("RateLimit"))
}

func TestRateLimit_ALimitedRequestChangesNothing(t *testing.T) {
	t.Parallel()
	var limited atomic.Bool
	e := newEnv(t, func(o *options) {
		o.api.RateLimit = httpapi.RateLimitFunc(func(r *http.Request, actor ticketkit.Actor) httpapi.RateLimitDecision {
			return httpapi.RateLimitDecision{Limited: limited.Load() && r.Method != http.MethodGet, RetryAfter: 90 * time.Second}
		})
	})
	tk := e.open(agent, map[string]any{"subject": "Kettle"})
	limited.Store(true)

	open := func() *httptest.ResponseRecorder {
		return e.do(request{as: &agent, method: http.MethodPost, path: "/tickets", contentType: "application/json",
			body: bytes.NewReader([]byte(`{"subject":"Toaster"}`)), header: http.Header{"Idempotency-Key": {"k-1"}}})
	}
	w := open()
	requireError(t, w, http.StatusTooManyRequests, "rate_limited")
	require.Equal(t, "90", w.Header().Get("Retry-After"))
	require.Empty(t, w.Header().Get("RateLimit"), "a decision without a policy sends no RateLimit headers")
	requireError(t, e.send(agent, http.MethodPatch, "/tickets/"+tk.ID, map[string]any{"subject": "Changed"}),
		http.StatusTooManyRequests, "rate_limited")
	requireError(t, e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/messages", map[string]any{"body": "hello"}),
		http.StatusTooManyRequests, "rate_limited")

	limited.Store(false)
	page := decode[struct {
		Items []apiTicket `json:"tickets"`
	}](t, e.get(agent, "/tickets"))
	require.Len(t, page.Items, 1, "the limited POST opened no ticket")
	require.Equal(t, "Kettle", page.Items[0].Subject, "the limited PATCH changed nothing")
	messages := e.get(agent, "/tickets/"+tk.ID+"/messages")
	require.Equal(t, http.StatusOK, messages.Code)
	require.NotContains(t, messages.Body.String(), "hello", "the limited message was not added")

	// The Idempotency-Key of the refused request was not taken: sent
	// again, the request runs instead of replaying the 429.
	w = open()
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.Empty(t, w.Header().Get("Idempotent-Replayed"))
}

func TestRateLimit_FailedAuthenticationIsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	var seen []ticketkit.Actor
	var mu sync.Mutex
	limiter, err := httpapi.NewActorRateLimiter(httpapi.ActorRateLimitConfig{Burst: 1, Rate: 0.5, Clock: clock.NewFake(start)})
	require.NoError(t, err)
	e := newEnv(t, func(o *options) {
		o.api.RateLimit = httpapi.RateLimitFunc(func(r *http.Request, actor ticketkit.Actor) httpapi.RateLimitDecision {
			mu.Lock()
			seen = append(seen, actor)
			mu.Unlock()
			return limiter.Limit(r, actor)
		})
	})
	anonymous := func() *httptest.ResponseRecorder {
		return e.do(request{method: http.MethodGet, path: "/tickets"})
	}
	w := anonymous()
	requireError(t, w, http.StatusUnauthorized, "unauthenticated")
	require.Equal(t, `"actor";r=0;t=2`, w.Header().Get("RateLimit"))
	w = anonymous()
	requireError(t, w, http.StatusTooManyRequests, "rate_limited")
	require.Equal(t, "2", w.Header().Get("Retry-After"))
	require.Empty(t, w.Header().Get("WWW-Authenticate"))
	// The public route counts against the same address.
	requireError(t, e.do(request{method: http.MethodGet, path: "/openapi.yaml"}), http.StatusTooManyRequests, "rate_limited")
	// An authenticated actor from the same address has a bucket of its own.
	require.Equal(t, http.StatusOK, e.get(agent, "/tickets").Code)
	require.Equal(t, []ticketkit.Actor{{}, {}, {}, agent}, seen)
}

func TestRateLimit_RetryAfterIsAtLeastASecond(t *testing.T) {
	t.Parallel()
	for wait, want := range map[time.Duration]string{-time.Hour: "1", 0: "1", time.Millisecond: "1", 2500 * time.Millisecond: "3"} {
		e := newEnv(t, func(o *options) {
			o.api.RateLimit = httpapi.RateLimitFunc(func(*http.Request, ticketkit.Actor) httpapi.RateLimitDecision {
				return httpapi.RateLimitDecision{Limited: true, RetryAfter: wait}
			})
		})
		w := e.get(agent, "/tickets")
		requireError(t, w, http.StatusTooManyRequests, "rate_limited")
		require.Equal(t, want, w.Header().Get("Retry-After"), "%s", wait)
	}
}

func TestRateLimit_ZeroValueLimitsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 100 {
		w := e.get(agent, "/tickets")
		require.Equal(t, http.StatusOK, w.Code)
		require.Empty(t, w.Header().Get("RateLimit"))
		require.Empty(t, w.Header().Get("RateLimit-Policy"))
	}
}

func TestRateLimit_HeadersNeedAValidPolicyName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"per-tenant:v1.2": `"per-tenant:v1.2";q=10;w=60`,
		`a"b`:             "",
		"a b":             "",
		"a\r\nX-Evil: 1":  "",
		"é":               "",
	} {
		e := newEnv(t, func(o *options) {
			o.api.RateLimit = httpapi.RateLimitFunc(func(*http.Request, ticketkit.Actor) httpapi.RateLimitDecision {
				return httpapi.RateLimitDecision{Policy: name, Quota: 10, Window: time.Minute, Remaining: -3, Reset: -time.Second}
			})
		})
		w := e.get(agent, "/tickets")
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, want, w.Header().Get("RateLimit-Policy"), "%q", name)
		require.Empty(t, w.Header().Get("X-Evil"))
		if want != "" {
			require.Equal(t, `"per-tenant:v1.2";r=0`, w.Header().Get("RateLimit"), "a negative count is sent as zero, a negative reset not at all")
		}
	}
}

func TestRateLimit_CORSExposesTheHeaders(t *testing.T) {
	t.Parallel()
	limit, _ := withActorLimit(t, 5, 1)
	e := newEnv(t, limit, func(o *options) {
		o.api.CORS.AllowedOrigins = []string{"https://portal.example"}
	})
	w := e.do(request{as: &agent, method: http.MethodGet, path: "/tickets", header: http.Header{"Origin": {"https://portal.example"}}})
	require.Equal(t, http.StatusOK, w.Code)
	exposed := w.Header().Get("Access-Control-Expose-Headers")
	require.Contains(t, exposed, "RateLimit-Policy")
	require.Contains(t, exposed, "RateLimit,")
	require.Contains(t, exposed, "Retry-After")
	require.NotEmpty(t, w.Header().Get("RateLimit"))
}

// TestRateLimit_ConcurrentRequests sends requests of many goroutines at
// once on a stopped clock: exactly the burst of each actor gets through,
// whatever the interleaving (run with -race).
func TestRateLimit_ConcurrentRequests(t *testing.T) {
	t.Parallel()
	const burst, workers, each = 7, 16, 3
	limit, _ := withActorLimit(t, burst, 0.001)
	e := newEnv(t, limit)
	actors := []ticketkit.Actor{agent, supervisor, outsider}
	var ok, refused [3]atomic.Int64
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			for j := range each {
				k := (i + j) % len(actors)
				switch w := e.get(actors[k], "/tickets"); w.Code {
				case http.StatusOK:
					ok[k].Add(1)
				case http.StatusTooManyRequests:
					refused[k].Add(1)
				default:
					t.Errorf("status %d: %s", w.Code, w.Body.String())
				}
			}
		})
	}
	wg.Wait()
	var total int64
	for k := range actors {
		require.EqualValues(t, burst, ok[k].Load(), "actor %d", k)
		total += ok[k].Load() + refused[k].Load()
	}
	require.EqualValues(t, workers*each, total)
}
