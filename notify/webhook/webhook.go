package webhook

import (
	"bytes"
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
	// answer. Default 10s.
	Timeout time.Duration
	// Client makes the requests. Default: a client on
	// http.DefaultTransport that does not follow redirects.
	Client *http.Client
	// MaxAttempts is how many attempts one Notify call makes at most;
	// 1 means no retry within the call. Default 3.
	MaxAttempts int
	// RetryDelay is the wait before the first retry within a call; it
	// doubles for each further retry, up to MaxRetryWait, and each wait
	// is a random duration between half and all of it. Default 200ms.
	RetryDelay time.Duration
	// MaxRetryWait is the longest wait between two attempts of a call.
	// An endpoint that asks for a longer one with Retry-After ends the
	// call with a temporary error, and the outbox tries again later.
	// Default 2s.
	MaxRetryWait time.Duration
	// Header holds extra headers for every request, such as an
	// Authorization header the endpoint requires, or a User-Agent
	// (default "ticketkit-webhook"). It may not set Content-Type,
	// Content-Length, Host, Transfer-Encoding or the webhook-* headers.
	Header http.Header
	// Kinds, if not empty, are the event kinds to send; Notify ignores
	// the others and returns nil. Default: every kind.
	Kinds []notify.Kind
	// Clock tells the time of the webhook-timestamp header. Default
	// time.Now.
	Clock func() time.Time
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
	now          func() time.Time
}

// reserved are the headers Config.Header may not set.
var reserved = []string{"Content-Type", "Content-Length", "Host", "Transfer-Encoding", HeaderID, HeaderTimestamp, HeaderSignature}

// New validates cfg and returns a Sender. It makes no request.
func New(cfg Config) (*Sender, error) {
	var problems []string
	s := &Sender{name: cfg.Name, client: cfg.Client, now: cfg.Clock}

	if strings.TrimSpace(cfg.URL) == "" {
		problems = append(problems, "URL is required")
	} else if u, err := url.Parse(cfg.URL); err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a token
		}
		problems = append(problems, fmt.Sprintf("URL is not a URL: %v", err))
	} else if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		problems = append(problems, fmt.Sprintf("URL %q is not an absolute http or https URL", redact(u)))
	} else {
		s.url, s.safeURL = u.String(), redact(u)
	}
	if hasControl(cfg.Name) {
		problems = append(problems, "Name must not contain control characters")
	}
	if cfg.Secret == "" {
		problems = append(problems, "Secret is required")
	} else if k, err := key(cfg.Secret); err != nil {
		problems = append(problems, "Secret: "+err.Error())
	} else {
		s.keys = append(s.keys, k)
	}
	for i, secret := range cfg.AdditionalSecrets {
		if k, err := key(secret); err != nil {
			problems = append(problems, fmt.Sprintf("AdditionalSecrets[%d]: %v", i, err))
		} else {
			s.keys = append(s.keys, k)
		}
	}
	for _, d := range []struct {
		name  string
		value *time.Duration
		def   time.Duration
	}{
		{"Timeout", &cfg.Timeout, DefaultTimeout},
		{"RetryDelay", &cfg.RetryDelay, DefaultRetryDelay},
		{"MaxRetryWait", &cfg.MaxRetryWait, DefaultMaxRetryWait},
	} {
		if *d.value < 0 {
			problems = append(problems, fmt.Sprintf("%s must not be negative", d.name))
		} else if *d.value == 0 {
			*d.value = d.def
		}
	}
	s.timeout, s.retryDelay, s.maxRetryWait = cfg.Timeout, cfg.RetryDelay, cfg.MaxRetryWait
	switch {
	case cfg.MaxAttempts < 0:
		problems = append(problems, "MaxAttempts must not be negative")
	case cfg.MaxAttempts == 0:
		s.maxAttempts = DefaultMaxAttempts
	default:
		s.maxAttempts = cfg.MaxAttempts
	}
	s.header = http.Header{"User-Agent": {"ticketkit-webhook"}}
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Header)) {
		values, canonical := cfg.Header[name], http.CanonicalHeaderKey(name)
		switch {
		case name == "" || hasControl(name) || strings.ContainsAny(name, " :"):
			problems = append(problems, fmt.Sprintf("Header %q is not a header name", name))
		case slices.ContainsFunc(reserved, func(r string) bool { return strings.EqualFold(r, name) }):
			problems = append(problems, fmt.Sprintf("Header %q is set by the Sender", name))
		case slices.ContainsFunc(values, hasControl):
			problems = append(problems, fmt.Sprintf("Header %q has a value with control characters", name))
		case seen[canonical]:
			s.header[canonical] = append(s.header[canonical], values...)
		default:
			s.header[canonical], seen[canonical] = slices.Clone(values), true
		}
	}
	if len(cfg.Kinds) > 0 {
		s.kinds = make(map[notify.Kind]bool, len(cfg.Kinds))
		for i, k := range cfg.Kinds {
			if !slices.Contains(notify.Kinds(), k) {
				problems = append(problems, fmt.Sprintf("Kinds[%d] %q is not an event kind", i, k))
			}
			s.kinds[k] = true
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("webhook: invalid config: %s", strings.Join(problems, "; "))
	}
	if s.client == nil {
		s.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if s.now == nil {
		s.now = time.Now
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
	timestamp := strconv.FormatInt(s.now().Unix(), 10)
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
	return max(t.Sub(s.now()), 0), true
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
