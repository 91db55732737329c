package webhook

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
)

var _ notify.Notifier = (*Sender)(nil)

// Config configures a [Sender]. Zero values mean the documented
// defaults.
type Config struct {
	// URL is the endpoint, an http or https URL. Required. Error
	// messages show it without user information, query and fragment.
	URL string
	// Name tells this endpoint apart from the host's other endpoints for
	// the same events: the webhook-id header is
	// Event.IdempotencyKey(Name). Default "": the event ID.
	Name string
	// Secret signs the requests: raw bytes, or "whsec_" followed by the
	// standard base64 of the key. Required.
	Secret string
	// AdditionalSecrets sign the requests too, for a rotation: each
	// request carries one signature per secret, so receivers that know
	// any one of them accept it. Same forms as Secret.
	AdditionalSecrets []string
	// Timeout bounds each attempt, from connecting to reading the
	// answer. Default [DefaultTimeout].
	Timeout time.Duration
	// Client makes the requests. Default: a client on
	// http.DefaultTransport that does not follow redirects.
	Client *http.Client
	// MaxAttempts is how many attempts one Notify call makes at most;
	// 1 means no retry within the call. Default [DefaultMaxAttempts].
	MaxAttempts int
	// RetryDelay is the wait before the first retry within a call; it
	// doubles for each further retry, up to MaxRetryWait, and each wait
	// is a random duration between half and all of it. Default
	// [DefaultRetryDelay].
	RetryDelay time.Duration
	// MaxRetryWait is the longest wait between two attempts of a call.
	// An endpoint that asks for a longer one with Retry-After ends the
	// call with a temporary error, and the outbox tries again later.
	// Default [DefaultMaxRetryWait].
	MaxRetryWait time.Duration
	// Header holds extra headers for every request, such as an
	// Authorization header the endpoint requires, or a User-Agent
	// (default [DefaultUserAgent]). It may not set Content-Type,
	// Content-Length, Host, Transfer-Encoding or the webhook-* headers.
	Header http.Header
	// Kinds, if not empty, are the event kinds to send; Notify ignores
	// the others and returns nil. Default: every kind.
	Kinds []notify.Kind
	// Clock tells the time of the webhook-timestamp header and of
	// Retry-After dates. Default clock.System().
	Clock clock.Clock
}

// Defaults of [Config].
const (
	// DefaultTimeout is the default of Config.Timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxAttempts is the default of Config.MaxAttempts.
	DefaultMaxAttempts = 3
	// DefaultRetryDelay is the default of Config.RetryDelay.
	DefaultRetryDelay = 200 * time.Millisecond
	// DefaultMaxRetryWait is the default of Config.MaxRetryWait.
	DefaultMaxRetryWait = 2 * time.Second
	// DefaultUserAgent is the User-Agent header of the requests when
	// Config.Header sets none.
	DefaultUserAgent = "ticketkit-webhook"
)

// Sender delivers notification events to one webhook endpoint. It is
// safe for concurrent use.
type Sender struct {
	url          string
	safeURL      string
	name         string
	keys         [][]byte
	timeout      time.Duration
	client       *http.Client
	maxAttempts  int
	retryDelay   time.Duration
	maxRetryWait time.Duration
	header       http.Header
	kinds        map[notify.Kind]bool
	clock        clock.Clock
}

// reserved are the headers Config.Header may not set.
var reserved = []string{"Content-Type", "Content-Length", "Host", "Transfer-Encoding", HeaderID, HeaderTimestamp, HeaderSignature}

// WithDefaults returns a copy of c with every zero field set to its
// documented default. URL and Secret have none. [New] calls it.
func (c Config) WithDefaults() Config {
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultMaxAttempts)
	c.RetryDelay = cmp.Or(c.RetryDelay, DefaultRetryDelay)
	c.MaxRetryWait = cmp.Or(c.MaxRetryWait, DefaultMaxRetryWait)
	if c.Client == nil {
		c.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	c.Clock = cmp.Or(c.Clock, clock.System())
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	var errs []error
	if _, err := endpoint(c.URL); err != nil {
		errs = append(errs, err)
	}
	if hasControl(c.Name) {
		errs = append(errs, errors.New("Config.Name must not contain control characters"))
	}
	_, keyErrs := c.keys()
	errs = append(errs, keyErrs...)
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"Config.Timeout", c.Timeout < 0},
		{"Config.MaxAttempts", c.MaxAttempts < 0},
		{"Config.RetryDelay", c.RetryDelay < 0},
		{"Config.MaxRetryWait", c.MaxRetryWait < 0},
	} {
		if f.negative {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	_, headerErrs := header(c.Header)
	errs = append(errs, headerErrs...)
	for i, k := range c.Kinds {
		if !slices.Contains(notify.Kinds(), k) {
			errs = append(errs, fmt.Errorf("Config.Kinds[%d] %q is not an event kind", i, k))
		}
	}
	return errors.Join(errs...)
}

// endpoint parses Config.URL.
func endpoint(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("Config.URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a token
		}
		return nil, fmt.Errorf("Config.URL is not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("Config.URL %q is not an absolute http or https URL", redact(u))
	}
	return u, nil
}

// keys returns the signing keys of Config.Secret and
// Config.AdditionalSecrets, and an error for each that is not one.
func (c Config) keys() ([][]byte, []error) {
	var (
		keys [][]byte
		errs []error
	)
	if c.Secret == "" {
		errs = append(errs, errors.New("Config.Secret is required"))
	} else if k, err := key(c.Secret); err != nil {
		errs = append(errs, fmt.Errorf("Config.Secret: %w", err))
	} else {
		keys = append(keys, k)
	}
	for i, secret := range c.AdditionalSecrets {
		if k, err := key(secret); err != nil {
			errs = append(errs, fmt.Errorf("Config.AdditionalSecrets[%d]: %w", i, err))
		} else {
			keys = append(keys, k)
		}
	}
	return keys, errs
}

// header returns the headers of every request, from Config.Header and
// the defaults, and an error for each header of h that may not be sent.
func header(h http.Header) (http.Header, []error) {
	out := http.Header{"User-Agent": {DefaultUserAgent}}
	var errs []error
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		values, canonical := h[name], http.CanonicalHeaderKey(name)
		switch {
		case name == "" || hasControl(name) || strings.ContainsAny(name, " :"):
			errs = append(errs, fmt.Errorf("Config.Header %q is not a header name", name))
		case slices.ContainsFunc(reserved, func(r string) bool { return strings.EqualFold(r, name) }):
			errs = append(errs, fmt.Errorf("Config.Header %q is set by the Sender", name))
		case slices.ContainsFunc(values, hasControl):
			errs = append(errs, fmt.Errorf("Config.Header %q has a value with control characters", name))
		case seen[canonical]:
			out[canonical] = append(out[canonical], values...)
		default:
			out[canonical], seen[canonical] = slices.Clone(values), true
		}
	}
	return out, errs
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it,
// reporting every invalid field at once, and returns a Sender. It makes
// no request.
func New(cfg Config) (*Sender, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("webhook: invalid Config: %w", err)
	}
	u, _ := endpoint(cfg.URL)
	keys, _ := cfg.keys()
	h, _ := header(cfg.Header)
	s := &Sender{
		url:          u.String(),
		safeURL:      redact(u),
		name:         cfg.Name,
		keys:         keys,
		timeout:      cfg.Timeout,
		client:       cfg.Client,
		maxAttempts:  cfg.MaxAttempts,
		retryDelay:   cfg.RetryDelay,
		maxRetryWait: cfg.MaxRetryWait,
		header:       h,
		clock:        cfg.Clock,
	}
	if len(cfg.Kinds) > 0 {
		s.kinds = make(map[notify.Kind]bool, len(cfg.Kinds))
		for _, k := range cfg.Kinds {
			s.kinds[k] = true
		}
	}
	return s, nil
}

// redact returns u without user information, query and fragment.
func redact(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// hasControl reports whether s holds an ASCII control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// StatusError reports an answer of the endpoint other than 2xx.
type StatusError struct {
	// URL is the endpoint, without user information, query and fragment.
	URL string
	// StatusCode is the HTTP status code, such as 503.
	StatusCode int
	// Status is the status line, such as "503 Service Unavailable".
	Status string
	// RetryAfter is the delay the endpoint asked for in a Retry-After
	// header, or 0.
	RetryAfter time.Duration
	// Body is the start of the answer's body, for the message.
	Body string
}

// Error implements error.
func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString("status ")
	b.WriteString(e.Status)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

// Notify POSTs e to the endpoint, retrying within the call as the
// package documentation describes. It returns nil when the endpoint
// answered 2xx, or when Config.Kinds leaves e out. Errors name the
// event and the endpoint; they match [notify.ErrPermanent] when no retry
// can succeed, wrap a *[StatusError] when the endpoint answered, and
// match ctx.Err() when ctx ended.
func (s *Sender) Notify(ctx context.Context, e notify.Event) error {
	if s.kinds != nil && !s.kinds[e.Kind] {
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("webhook: POST %s: %s event %s: %w", s.safeURL, e.Kind, e.ID, err)
	}
	id := e.IdempotencyKey(s.name)
	if e.ID == "" || hasControl(id) {
		return notify.Permanent(fail(errors.New("the event ID must be set and hold no control characters")))
	}
	body, err := encode(e)
	if err != nil {
		return notify.Permanent(fail(err))
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fail(fmt.Errorf("before attempt %d of %d: %w", attempt, s.maxAttempts, err))
		}
		r := s.post(ctx, id, body)
		if r.err == nil {
			return nil
		}
		err := fmt.Errorf("attempt %d of %d: %w", attempt, s.maxAttempts, r.err)
		switch {
		case r.permanent:
			return notify.Permanent(fail(err))
		case !r.retry || attempt >= s.maxAttempts:
			return fail(err)
		}
		wait := r.wait
		if wait < 0 {
			wait = s.backoff(attempt)
		} else if wait > s.maxRetryWait {
			return fail(err) // too long to wait here: the outbox retries
		}
		if cerr := sleep(ctx, wait); cerr != nil {
			return fail(fmt.Errorf("%w while waiting to retry after %w", cerr, err))
		}
	}
}

// result is the outcome of one attempt. Without err, the endpoint took
// the event. Otherwise permanent says no retry can succeed, and retry
// says another attempt within the call may: after wait, or after a
// backoff when wait is negative.
type result struct {
	err       error
	permanent bool
	retry     bool
	wait      time.Duration
}

// post makes one attempt.
func (s *Sender) post(ctx context.Context, id string, body []byte) result {
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return result{err: err, permanent: true}
	}
	req.Header = s.header.Clone()
	req.Header.Set("Content-Type", "application/json")
	timestamp := strconv.FormatInt(s.clock.Now().Unix(), 10)
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, timestamp)
	req.Header.Set(HeaderSignature, signature(s.keys, id, timestamp, body))

	resp, err := s.client.Do(req)
	if err != nil {
		// A *url.Error repeats the whole URL, query included.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		switch {
		case ctx.Err() != nil:
			if !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			return result{err: err}
		case errors.Is(err, context.DeadlineExceeded):
			return result{err: fmt.Errorf("no answer within %s: %w", s.timeout, err), retry: true, wait: -1}
		case badCertificate(err):
			return result{err: err} // a matter of configuration: not now
		}
		return result{err: err, retry: true, wait: -1}
	}
	defer func() {
		// Read a little of what is left, so that the connection can be
		// reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return result{}
	}

	se := &StatusError{URL: s.safeURL, StatusCode: code, Status: resp.Status}
	if se.Status == "" {
		se.Status = strconv.Itoa(code)
	}
	start, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	se.Body = strings.TrimSpace(strings.ToValidUTF8(string(start), string(utf8.RuneError)))
	wait, ok := s.retryAfter(resp.Header.Get("Retry-After"))
	if ok {
		se.RetryAfter = wait
	} else {
		wait = -1
	}
	switch {
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return result{err: se, retry: true, wait: wait}
	case code >= 400:
		return result{err: se, permanent: true}
	}
	return result{err: se} // a redirect or another surprise
}

// badCertificate reports whether err says the server's TLS certificate
// was not accepted.
func badCertificate(err error) bool {
	var (
		ve *tls.CertificateVerificationError
		ue x509.UnknownAuthorityError
		he x509.HostnameError
		ie x509.CertificateInvalidError
	)
	return errors.As(err, &ve) || errors.As(err, &ue) || errors.As(err, &he) || errors.As(err, &ie)
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func (s *Sender) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(s.clock.Now()), 0), true
}

// backoff returns the wait after the given failed attempt (from 1).
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.maxRetryWait
	if shift := attempt - 1; shift < 32 && s.retryDelay<<shift < d {
		d = s.retryDelay << shift
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx ends, and then returns ctx.Err().
func sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
