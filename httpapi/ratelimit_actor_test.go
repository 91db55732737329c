package httpapi

import (
	"math"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
)

// newTestLimiter returns an ActorRateLimiter on a fake clock.
func newTestLimiter(t *testing.T, cfg ActorRateLimitConfig) (*ActorRateLimiter, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	cfg.Clock = clk
	l, err := NewActorRateLimiter(cfg)
	require.NoError(t, err)
	return l, clk
}

// keys returns the number of buckets l keeps, checking that its map and
// list agree.
func (l *ActorRateLimiter) keys(t *testing.T) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Equal(t, len(l.buckets), l.lru.Len())
	return len(l.buckets)
}

func TestActorRateLimiter_KeepsAtMostMaxKeys(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(t, ActorRateLimitConfig{Rate: 0.001, Burst: 1, MaxKeys: 3})
	r := httptest.NewRequest("GET", "/tickets", nil)
	// A flood of actor IDs on a stopped clock: no bucket is full again,
	// yet no more than MaxKeys are kept.
	for i := range 1000 {
		d := l.Limit(r, ticketkit.Actor{ID: "flood-" + strconv.Itoa(i), TenantID: "shop"})
		require.False(t, d.Limited, "a new actor starts with a full bucket")
		require.LessOrEqual(t, l.keys(t), 3)
	}
	// The actor used most recently is still counted; the one idle the
	// longest was forgotten and starts afresh.
	require.True(t, l.Limit(r, ticketkit.Actor{ID: "flood-999", TenantID: "shop"}).Limited)
	require.False(t, l.Limit(r, ticketkit.Actor{ID: "flood-0", TenantID: "shop"}).Limited)
}

func TestActorRateLimiter_ForgetsFullBuckets(t *testing.T) {
	t.Parallel()
	l, clk := newTestLimiter(t, ActorRateLimitConfig{Rate: 1, Burst: 2}) // full again 2s after use
	r := httptest.NewRequest("GET", "/tickets", nil)
	a := ticketkit.Actor{ID: "a", TenantID: "shop"}
	l.Limit(r, a)
	l.Limit(r, a)
	require.True(t, l.Limit(r, a).Limited)

	clk.Advance(time.Second)
	l.Limit(r, ticketkit.Actor{ID: "b", TenantID: "shop"})
	require.Equal(t, 2, l.keys(t), "a's bucket is not full yet: it is kept")

	clk.Advance(time.Second)
	l.Limit(r, ticketkit.Actor{ID: "c", TenantID: "shop"})
	require.Equal(t, 2, l.keys(t), "a's bucket is full again, b's is not: forgetting a loses nothing")
	d := l.Limit(r, a)
	require.False(t, d.Limited)
	require.EqualValues(t, 1, d.Remaining, "a starts with a full bucket")
}

func TestActorRateLimiter_Decision(t *testing.T) {
	t.Parallel()
	l, clk := newTestLimiter(t, ActorRateLimitConfig{Rate: 2, Burst: 3})
	r := httptest.NewRequest("GET", "/tickets", nil)
	a := ticketkit.Actor{ID: "a", TenantID: "shop"}
	want := RateLimitDecision{Policy: ActorRatePolicy, Quota: 3, Window: 1500 * time.Millisecond, Remaining: 2, Reset: 500 * time.Millisecond}
	require.Equal(t, want, l.Limit(r, a))
	clk.Advance(250 * time.Millisecond) // 2.5 tokens, 1.5 after the request
	want.Remaining, want.Reset = 1, 250*time.Millisecond
	require.Equal(t, want, l.Limit(r, a))
	want.Remaining, want.Reset = 0, 250*time.Millisecond // 0.5 tokens
	require.Equal(t, want, l.Limit(r, a))
	want.Limited, want.RetryAfter = true, 250*time.Millisecond
	require.Equal(t, want, l.Limit(r, a), "a refused request takes no token")
}

func TestActorRateLimiter_Keys(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/tickets", nil)
	r.RemoteAddr = "192.0.2.7:4711"
	addr := remoteHost
	require.Equal(t, "addr:192.0.2.7", actorKey(r, ticketkit.Actor{}, addr))
	// Tenant and ID cannot be shifted into one another.
	require.NotEqual(t,
		actorKey(r, ticketkit.Actor{TenantID: "ab", ID: "c"}, addr),
		actorKey(r, ticketkit.Actor{TenantID: "a", ID: "bc"}, addr))
	require.NotEqual(t,
		actorKey(r, ticketkit.Actor{TenantID: "", ID: "addr:192.0.2.7"}, addr),
		actorKey(r, ticketkit.Actor{}, addr))
	r.RemoteAddr = "not-an-address"
	require.Equal(t, "addr:not-an-address", actorKey(r, ticketkit.Actor{}, addr))
}

func TestActorRateLimiter_Config(t *testing.T) {
	t.Parallel()
	l, err := NewActorRateLimiter(ActorRateLimitConfig{})
	require.NoError(t, err)
	require.Equal(t, DefaultRateLimitRate, l.cfg.Rate)
	require.Equal(t, DefaultRateLimitBurst, l.cfg.Burst)
	require.Equal(t, DefaultRateLimitMaxKeys, l.cfg.MaxKeys)

	_, err = NewActorRateLimiter(ActorRateLimitConfig{Rate: -1, Burst: -1, MaxKeys: -1})
	require.ErrorContains(t, err, "ActorRateLimitConfig.Rate")
	require.ErrorContains(t, err, "ActorRateLimitConfig.Burst")
	require.ErrorContains(t, err, "ActorRateLimitConfig.MaxKeys")
	for _, rate := range []float64{math.NaN(), math.Inf(1)} {
		_, err = NewActorRateLimiter(ActorRateLimitConfig{Rate: rate})
		require.ErrorContains(t, err, "ActorRateLimitConfig.Rate", "%v", rate)
	}
}

// TestActorRateLimiter_Concurrent uses one limiter from many goroutines
// with more actors than MaxKeys (run with -race): the key set stays
// bounded and map and list agree.
func TestActorRateLimiter_Concurrent(t *testing.T) {
	t.Parallel()
	l, clk := newTestLimiter(t, ActorRateLimitConfig{Rate: 5, Burst: 3, MaxKeys: 8})
	r := httptest.NewRequest("GET", "/tickets", nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				l.Limit(r, ticketkit.Actor{ID: strconv.Itoa((g*7 + i) % 20), TenantID: "shop"})
				if i%50 == 0 {
					clk.Advance(100 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, l.keys(t), 8)
}

// TestOpenAPIDocumentsRateLimits checks that every operation documents
// the 429 answer of Config.RateLimit.
func TestOpenAPIDocumentsRateLimits(t *testing.T) {
	t.Parallel()
	var paths map[string]map[string]any
	readOpenAPI(t, "$.paths", &paths)
	checked := 0
	for path, item := range paths {
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			responses, _ := op.(map[string]any)["responses"].(map[string]any)
			require.Contains(t, responses, "429", "%s %s", method, path)
			checked++
		}
	}
	require.Positive(t, checked)
}

// BenchmarkActorRateLimiter measures one Limit call: the same actor, and
// a new actor each time at MaxKeys (one bucket forgotten per call).
func BenchmarkActorRateLimiter(b *testing.B) {
	r := httptest.NewRequest("GET", "/tickets", nil)
	b.Run("SameActor", func(b *testing.B) {
		l, err := NewActorRateLimiter(ActorRateLimitConfig{Rate: 1e9, Burst: 1 << 30})
		require.NoError(b, err)
		a := ticketkit.Actor{ID: "agent-1", TenantID: "shop"}
		for b.Loop() {
			l.Limit(r, a)
		}
	})
	b.Run("NewActorAtMaxKeys", func(b *testing.B) {
		l, err := NewActorRateLimiter(ActorRateLimitConfig{Rate: 0.001, Burst: 5, MaxKeys: 1000})
		require.NoError(b, err)
		ids := make([]string, 4096)
		for i := range ids {
			ids[i] = "flood-" + strconv.Itoa(i)
		}
		i := 0
		for b.Loop() {
			l.Limit(r, ticketkit.Actor{ID: ids[i%len(ids)], TenantID: "shop"})
			i++
		}
	})
}
