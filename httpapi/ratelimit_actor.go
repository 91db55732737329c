package httpapi

import (
	"cmp"
	"container/list"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
)

// Defaults of [ActorRateLimitConfig].
const (
	// DefaultRateLimitRate is the sustained number of requests per
	// second an actor may send when ActorRateLimitConfig.Rate is zero.
	DefaultRateLimitRate = 10.0
	// DefaultRateLimitBurst is the number of requests an actor may send
	// at once, after being idle, when ActorRateLimitConfig.Burst is zero.
	DefaultRateLimitBurst = 50
	// DefaultRateLimitMaxKeys is the number of actors and client
	// addresses whose counts are kept when ActorRateLimitConfig.MaxKeys
	// is zero: about 2.5 MB (some 250 bytes a key).
	DefaultRateLimitMaxKeys = 10_000
)

// ActorRatePolicy is the policy name the RateLimit headers of an
// [ActorRateLimiter] carry.
const ActorRatePolicy = "actor"

// ActorRateLimitConfig configures [NewActorRateLimiter]. The zero value
// means the documented defaults.
type ActorRateLimitConfig struct {
	// Rate is the sustained number of requests per second each actor
	// (or client address) may send. Default [DefaultRateLimitRate].
	Rate float64
	// Burst is the number of requests each actor may send at once after
	// being idle: the size of its token bucket. Default
	// [DefaultRateLimitBurst].
	Burst int
	// MaxKeys bounds the number of actors and client addresses counted
	// at once, so that a flood of identities cannot grow the memory
	// without bound. An actor idle long enough for its bucket to be full
	// again is forgotten at no cost; when MaxKeys are still counted, the
	// one idle the longest is forgotten and starts afresh (with a full
	// bucket) when it comes back. Default [DefaultRateLimitMaxKeys].
	MaxKeys int
	// ClientAddress tells the client address a request comes from, the
	// key of requests without an actor (failed authentications and the
	// public route). Default: the host of r.RemoteAddr; behind a reverse
	// proxy, return the address the proxy forwards.
	ClientAddress func(r *http.Request) string
	// Clock tells the time buckets fill by. Default: clock.System().
	Clock clock.Clock
}

// WithDefaults returns a copy of c with every zero field set to its
// documented default. [NewActorRateLimiter] calls it.
func (c ActorRateLimitConfig) WithDefaults() ActorRateLimitConfig {
	c.Rate = cmp.Or(c.Rate, DefaultRateLimitRate)
	c.Burst = cmp.Or(c.Burst, DefaultRateLimitBurst)
	c.MaxKeys = cmp.Or(c.MaxKeys, DefaultRateLimitMaxKeys)
	if c.ClientAddress == nil {
		c.ClientAddress = remoteHost
	}
	c.Clock = cmp.Or(c.Clock, clock.System())
	return c
}

// validate reports every problem of a config WithDefaults filled.
func (c ActorRateLimitConfig) validate() error {
	var errs []error
	if !(c.Rate > 0) || math.IsInf(c.Rate, 1) {
		errs = append(errs, errors.New("ActorRateLimitConfig.Rate must be a positive number"))
	}
	if c.Burst < 0 {
		errs = append(errs, errors.New("ActorRateLimitConfig.Burst must not be negative"))
	}
	if c.MaxKeys < 0 {
		errs = append(errs, errors.New("ActorRateLimitConfig.MaxKeys must not be negative"))
	}
	return errors.Join(errs...)
}

// ActorRateLimiter is a ready [RateLimiter]: a token bucket
// (golang.org/x/time/rate) per tenant and actor, and per client address
// for requests without an actor, with at most MaxKeys buckets kept. A
// host gets limiting in one line:
//
//	cfg.RateLimit, err = httpapi.NewActorRateLimiter(httpapi.ActorRateLimitConfig{})
//
// Every answer carries the RateLimit-Policy and RateLimit headers of the
// policy [ActorRatePolicy]: the quota q is Burst and the window w the
// time an empty bucket takes to fill (Burst/Rate), the available quota r
// the whole tokens left and the effective window t the time until the
// next token. The counts live in the process: several
// servers behind a load balancer each count on their own. It is safe for
// concurrent use.
type ActorRateLimiter struct {
	cfg  ActorRateLimitConfig
	full time.Duration // how long an empty bucket takes to fill

	mu      sync.Mutex
	buckets map[string]*list.Element // of *actorBucket
	lru     list.List                // most recently used at the front
}

// actorBucket is the token bucket of one key.
type actorBucket struct {
	key  string
	lim  *rate.Limiter
	last time.Time // when it was last used
}

var _ RateLimiter = (*ActorRateLimiter)(nil)

// NewActorRateLimiter fills cfg's defaults (see
// [ActorRateLimitConfig.WithDefaults]), validates it, reporting every
// invalid field at once, and returns the limiter.
func NewActorRateLimiter(cfg ActorRateLimitConfig) (*ActorRateLimiter, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("httpapi: invalid ActorRateLimitConfig: %w", err)
	}
	return &ActorRateLimiter{
		cfg:     cfg,
		full:    time.Duration(float64(cfg.Burst) / cfg.Rate * float64(time.Second)),
		buckets: map[string]*list.Element{},
	}, nil
}

// Limit implements [RateLimiter]: it takes a token from the bucket of the
// actor's tenant and ID, or of the client address for the zero Actor.
func (l *ActorRateLimiter) Limit(r *http.Request, actor ticketkit.Actor) RateLimitDecision {
	key := actorKey(r, actor, l.cfg.ClientAddress)
	now := l.cfg.Clock.Now()

	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	allowed := b.lim.AllowN(now, 1)
	tokens := max(b.lim.TokensAt(now), 0)
	d := RateLimitDecision{
		Policy:    ActorRatePolicy,
		Quota:     int64(l.cfg.Burst),
		Window:    l.full,
		Remaining: int64(tokens),
		// Until the bucket gains its next whole token, no more than
		// Remaining requests get through.
		Reset: l.wait(math.Floor(tokens) + 1 - tokens),
	}
	if !allowed {
		d.Limited = true
		d.RetryAfter = l.wait(1 - tokens)
	}
	return d
}

// wait returns how long the bucket takes to gain n tokens.
func (l *ActorRateLimiter) wait(n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(n / l.cfg.Rate * float64(time.Second))
}

// bucket returns the bucket of key, marked used at now, after forgetting
// the buckets that are full again and, when MaxKeys are kept, the one
// idle the longest. l.mu is held.
func (l *ActorRateLimiter) bucket(key string, now time.Time) *actorBucket {
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		if b := e.Value.(*actorBucket); b.key == key || now.Sub(b.last) < l.full {
			break
		}
		l.forget(e)
	}
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		b := e.Value.(*actorBucket)
		b.last = now
		return b
	}
	for len(l.buckets) >= l.cfg.MaxKeys {
		l.forget(l.lru.Back())
	}
	b := &actorBucket{key: key, lim: rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst), last: now}
	l.buckets[key] = l.lru.PushFront(b)
	return b
}

// forget drops the bucket of e. l.mu is held.
func (l *ActorRateLimiter) forget(e *list.Element) {
	delete(l.buckets, l.lru.Remove(e).(*actorBucket).key)
}

// actorKey is the bucket key of a request: the tenant and ID of the
// actor, written so that no two pairs give the same key, or the client
// address for the zero Actor.
func actorKey(r *http.Request, actor ticketkit.Actor, address func(*http.Request) string) string {
	if actor == (ticketkit.Actor{}) {
		return "addr:" + address(r)
	}
	return strconv.Itoa(len(actor.TenantID)) + ":" + actor.TenantID + actor.ID
}

// remoteHost is the default ClientAddress: the host of r.RemoteAddr.
func remoteHost(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
