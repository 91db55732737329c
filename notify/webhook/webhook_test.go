package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/webhook"
	"github.com/ticketkit/ticketkit/ticket"
)

const (
	secret   = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	ticketID = "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042"
	eventID  = "0195f0c2-8000-7000-8000-000000000001"
)

// now is the fake clock of every Sender and receiver in these tests.
var now = time.Date(2026, 3, 6, 9, 15, 0, 0, time.UTC)

var agent7 = ticket.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "acme"}

func event(k notify.Kind, change ...func(*notify.Event)) notify.Event {
	e := notify.Event{
		ID: eventID, Kind: k, TenantID: "acme", At: now, Actor: agent7,
		Ticket: &ticket.Ticket{
			ID: ticketID, Number: "TK-2026-000042", TenantID: "acme", Subject: "Kettle stopped working",
			Description: "It smells of burnt plastic.",
			Status:      ticket.StatusInProgress, Priority: ticket.PriorityHigh, Department: "support",
			Customer:  ticket.Customer{ID: "c1", Name: "Marie Curie", Email: "marie@example.com"},
			CreatedBy: "agent-7", CreatedAt: now.Add(-24 * time.Hour), UpdatedAt: now,
		},
	}
	for _, f := range change {
		f(&e)
	}
	return e
}

func withMessage(kind ticket.MessageKind, body string) func(*notify.Event) {
	return func(e *notify.Event) {
		e.Message = &ticket.Message{
			ID: "m1", TenantID: "acme", TicketID: ticketID, Kind: kind, AuthorID: "agent-7", AuthorRole: ticket.RoleAgent,
			Body: body, CreatedAt: now,
			Attachments: []ticket.Attachment{{ID: "a1", Name: "receipt.pdf", ContentType: "application/pdf", Size: 1234, Key: "blobs/a1", SHA256: "00ff"}},
		}
	}
}

// request is a request the test server received.
type request struct {
	method string
	path   string
	header http.Header
	body   []byte
	// verified is the result of webhook.Verify on the request.
	verified error
}

// receiver is a test endpoint that records and verifies every request
// and answers it with respond (n counts requests from 1).
type receiver struct {
	*httptest.Server
	// client has a transport of its own: another test's server closing
	// the idle connections of http.DefaultTransport could otherwise
	// break a connection in use and cause a retry.
	client *http.Client
	mu     sync.Mutex
	reqs   []request
}

func newReceiver(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, request{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), body: body, verified: webhook.Verify(secret, r.Header, body, now, time.Minute)})
		n := len(rc.reqs)
		rc.mu.Unlock()
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if respond != nil {
			respond(n, w, r)
		}
	}))
	t.Cleanup(rc.Close)
	rc.client = &http.Client{
		Transport:     rc.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return rc
}

// hangingReceiver is a test endpoint that never answers: each handler
// waits until the client goes away or the test ends.
func hangingReceiver(t *testing.T) *receiver {
	t.Helper()
	release := make(chan struct{})
	rc := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before rc.Close
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.reqs...)
}

func status(code int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// sender returns a Sender for rc's URL with path (and query) appended,
// the fake clock and millisecond retry delays, changed by change.
func (rc *receiver) sender(t *testing.T, path string, change ...func(*webhook.Config)) *webhook.Sender {
	t.Helper()
	cfg := webhook.Config{
		URL: rc.URL + path, Secret: secret, Client: rc.client, Clock: clock.NewFake(now),
		RetryDelay: time.Millisecond, MaxRetryWait: 5 * time.Millisecond,
	}
	for _, f := range change {
		f(&cfg)
	}
	s, err := webhook.New(cfg)
	require.NoError(t, err)
	return s
}

func TestNotify(t *testing.T) {
	t.Parallel()

	t.Run("SendsSignedEnvelope", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, status(http.StatusNoContent))
		s := rc.sender(t, "/hooks/ticketkit?token=t0p-s3cret", func(c *webhook.Config) {
			c.Header = http.Header{"Authorization": {"Bearer abc"}}
		})
		e := event(notify.KindMessageAdded, withMessage(ticket.MessageReply, "A new one is on its way."), func(e *notify.Event) {
			e.Changes = []*ticket.Event{{ID: "h1", Field: ticket.FieldStatus, Old: ticket.StatusOpen, New: ticket.StatusInProgress, At: now}}
		})

		require.NoError(t, s.Notify(context.Background(), e))

		reqs := rc.requests()
		require.Len(t, reqs, 1)
		r := reqs[0]
		require.NoError(t, r.verified)
		require.Equal(t, http.MethodPost+" /hooks/ticketkit", r.method+" "+r.path)
		require.Equal(t, eventID, r.header.Get(webhook.HeaderID))
		require.Equal(t, strconv.FormatInt(now.Unix(), 10), r.header.Get(webhook.HeaderTimestamp))
		require.Regexp(t, `^v1,[A-Za-z0-9+/]{43}=$`, r.header.Get(webhook.HeaderSignature))
		require.Equal(t, "application/json", r.header.Get("Content-Type"))
		require.Equal(t, "Bearer abc", r.header.Get("Authorization"))
		require.Equal(t, "ticketkit-webhook", r.header.Get("User-Agent"))
		require.JSONEq(t, `{
			"type": "ticket.message_added",
			"timestamp": "2026-03-06T09:15:00Z",
			"data": {
				"event_id": "0195f0c2-8000-7000-8000-000000000001",
				"tenant_id": "acme",
				"ticket_id": "0195f0c2-7a4e-7d31-9a4b-3c2d1e0f0042",
				"number": "TK-2026-000042",
				"subject": "Kettle stopped working",
				"status": "in_progress",
				"priority": "high",
				"department": "support",
				"actor": {"id": "agent-7", "role": "agent"},
				"message": {
					"id": "m1", "kind": "reply", "author_id": "agent-7", "author_role": "agent",
					"body": "A new one is on its way.",
					"attachments": [{"id": "a1", "name": "receipt.pdf", "content_type": "application/pdf", "size": 1234}],
					"created_at": "2026-03-06T09:15:00Z"
				},
				"changes": [{"field": "status", "old": "open", "new": "in_progress"}]
			}
		}`, string(r.body))

		var p webhook.Payload
		require.NoError(t, json.Unmarshal(r.body, &p))
		require.Equal(t, notify.KindMessageAdded, p.Type)
		require.True(t, p.Timestamp.Equal(now))
	})

	t.Run("SendsFromAndTo", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		e := event(notify.KindStatusChanged, func(e *notify.Event) { e.From, e.To = ticket.StatusOpen, ticket.StatusInProgress })

		require.NoError(t, rc.sender(t, "").Notify(context.Background(), e))

		var p webhook.Payload
		require.NoError(t, json.Unmarshal(rc.requests()[0].body, &p))
		require.Equal(t, ticket.StatusOpen, p.Data.From)
		require.Equal(t, ticket.StatusInProgress, p.Data.To)
		require.Nil(t, p.Data.Message)
	})

	t.Run("UsesIdempotencyKeyOfNameAsID", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		s := rc.sender(t, "", func(c *webhook.Config) { c.Name = "crm" })
		e := event(notify.KindOpened)

		require.NoError(t, s.Notify(context.Background(), e))

		r := rc.requests()[0]
		require.NoError(t, r.verified)
		require.Equal(t, e.IdempotencyKey("crm"), r.header.Get(webhook.HeaderID))
		require.Equal(t, eventID+"/crm", r.header.Get(webhook.HeaderID))
	})

	t.Run("NeverSendsInternalNoteText", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		const note = "Customer is a known fraudster, do not refund"
		e := event(notify.KindMessageAdded, withMessage(ticket.MessageNote, note))

		require.NoError(t, rc.sender(t, "").Notify(context.Background(), e))

		body := string(rc.requests()[0].body)
		require.NotContains(t, body, note)
		require.NotContains(t, body, "fraudster")
		require.NotContains(t, body, "receipt.pdf", "a note's attachments stay inside too")
		require.NotContains(t, body, `"body"`)
		var p webhook.Payload
		require.NoError(t, json.Unmarshal([]byte(body), &p))
		require.Equal(t, &webhook.Message{ID: "m1", Kind: ticket.MessageNote, AuthorID: "agent-7", AuthorRole: ticket.RoleAgent, CreatedAt: now}, p.Data.Message)
	})

	t.Run("NeverSendsTextOfUnknownMessageKinds", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		e := event(notify.KindMessageAdded, withMessage("whisper", "between us"))

		require.NoError(t, rc.sender(t, "").Notify(context.Background(), e))

		require.NotContains(t, string(rc.requests()[0].body), "between us")
	})

	t.Run("SignsWithEverySecretDuringRotation", func(t *testing.T) {
		t.Parallel()
		const next = "a raw secret of 32 bytes, really"
		rc := newReceiver(t, nil)
		s := rc.sender(t, "", func(c *webhook.Config) { c.AdditionalSecrets = []string{next} })

		require.NoError(t, s.Notify(context.Background(), event(notify.KindOpened)))

		r := rc.requests()[0]
		sigs := strings.Fields(r.header.Get(webhook.HeaderSignature))
		require.Len(t, sigs, 2)
		require.NotEqual(t, sigs[0], sigs[1])
		require.NoError(t, r.verified, "the old secret still verifies")
		require.NoError(t, webhook.Verify(next, r.header, r.body, now, time.Minute), "the new secret verifies")
		require.ErrorIs(t, webhook.Verify("whsec_c29tZXRoaW5nIGVsc2U=", r.header, r.body, now, time.Minute), webhook.ErrInvalidSignature)
	})

	t.Run("SkipsKindsLeftOutOfKinds", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		s := rc.sender(t, "", func(c *webhook.Config) { c.Kinds = []notify.Kind{notify.KindClosed} })

		require.NoError(t, s.Notify(context.Background(), event(notify.KindOpened)))
		require.NoError(t, s.Notify(context.Background(), event(notify.KindClosed)))

		reqs := rc.requests()
		require.Len(t, reqs, 1)
		require.Contains(t, string(reqs[0].body), `"type":"ticket.closed"`)
	})

	t.Run("RejectsEventWithoutTicketForGood", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		e := event(notify.KindOpened, func(e *notify.Event) { e.Ticket = nil })

		err := rc.sender(t, "").Notify(context.Background(), e)

		require.ErrorIs(t, err, notify.ErrPermanent)
		require.Empty(t, rc.requests())
	})
}

func TestNotifyRetries(t *testing.T) {
	t.Parallel()

	t.Run("ServerErrorThenSuccessTakesTwoCallsWithOneID", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.WriteHeader(http.StatusInternalServerError)
			}
		})
		s := rc.sender(t, "", func(c *webhook.Config) { c.Clock = &ticking{now: now} })

		require.NoError(t, s.Notify(context.Background(), event(notify.KindOpened)))

		reqs := rc.requests()
		require.Len(t, reqs, 2)
		require.Equal(t, eventID, reqs[0].header.Get(webhook.HeaderID))
		require.Equal(t, eventID, reqs[1].header.Get(webhook.HeaderID), "the same webhook-id on every attempt")
		require.Equal(t, reqs[0].body, reqs[1].body)
		require.Equal(t, strconv.FormatInt(now.Unix()+1, 10), reqs[0].header.Get(webhook.HeaderTimestamp))
		require.Equal(t, strconv.FormatInt(now.Unix()+2, 10), reqs[1].header.Get(webhook.HeaderTimestamp), "each attempt is signed anew")
		for _, r := range reqs {
			require.NoError(t, r.verified)
		}
	})

	for _, tc := range []struct {
		name   string
		code   int
		header http.Header
	}{
		{"RequestTimeout", http.StatusRequestTimeout, nil},
		{"TooManyRequestsWithRetryAfterZero", http.StatusTooManyRequests, http.Header{"Retry-After": {"0"}}},
		{"TooManyRequestsWithoutRetryAfter", http.StatusTooManyRequests, nil},
		{"BadGateway", http.StatusBadGateway, nil},
		{"ServiceUnavailableWithPastRetryAfterDate", http.StatusServiceUnavailable, http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}},
	} {
		t.Run(tc.name+"IsRetried", func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					for k, v := range tc.header {
						w.Header()[k] = v
					}
					w.WriteHeader(tc.code)
				}
			})

			require.NoError(t, rc.sender(t, "").Notify(context.Background(), event(notify.KindOpened)))

			require.Len(t, rc.requests(), 2)
		})
	}

	t.Run("GivesUpAfterMaxAttemptsWithTemporaryError", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "database is down", http.StatusServiceUnavailable)
		})
		s := rc.sender(t, "/hook?token=t0p-s3cret")

		err := s.Notify(context.Background(), event(notify.KindOpened))

		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.Len(t, rc.requests(), webhook.DefaultMaxAttempts)
		var se *webhook.StatusError
		require.ErrorAs(t, err, &se)
		require.Equal(t, http.StatusServiceUnavailable, se.StatusCode)
		require.Equal(t, rc.URL+"/hook", se.URL)
		require.Equal(t, `webhook: POST `+rc.URL+`/hook: ticket.opened event `+eventID+
			`: attempt 3 of 3: status 503 Service Unavailable: "database is down"`, err.Error())
	})

	t.Run("MaxAttemptsOneMeansNoRetry", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, status(http.StatusInternalServerError))
		s := rc.sender(t, "", func(c *webhook.Config) { c.MaxAttempts = 1 })

		err := s.Notify(context.Background(), event(notify.KindOpened))

		require.ErrorContains(t, err, "attempt 1 of 1: status 500")
		require.Len(t, rc.requests(), 1)
	})

	t.Run("LongRetryAfterEndsCallWithTemporaryError", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		})

		err := rc.sender(t, "").Notify(context.Background(), event(notify.KindOpened))

		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.Len(t, rc.requests(), 1)
		var se *webhook.StatusError
		require.ErrorAs(t, err, &se)
		require.Equal(t, 2*time.Minute, se.RetryAfter)
		require.ErrorContains(t, err, "status 429 Too Many Requests, retry after 2m0s")
	})

	t.Run("NetworkErrorIsRetriedAndHidesQuery", func(t *testing.T) {
		t.Parallel()
		// The server hangs up without an answer. (A closed server would
		// do too, but its port may go to another test's server.)
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})

		err := rc.sender(t, "/hook?token=t0p-s3cret", func(c *webhook.Config) { c.MaxAttempts = 2 }).
			Notify(context.Background(), event(notify.KindOpened))

		require.Error(t, err)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.NotErrorAs(t, err, new(*webhook.StatusError))
		require.ErrorContains(t, err, "POST "+rc.URL+"/hook: ")
		require.ErrorContains(t, err, "attempt 2 of 2")
		require.NotContains(t, err.Error(), "t0p-s3cret")
		require.Len(t, rc.requests(), 2)
	})

	t.Run("DefaultClientDoesNotFollowRedirects", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
		s := rc.sender(t, "/hook", func(c *webhook.Config) { c.Client = nil })

		err := s.Notify(context.Background(), event(notify.KindOpened))

		require.ErrorContains(t, err, "status 302 Found")
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.NotEmpty(t, rc.requests())
		for _, r := range rc.requests() {
			require.Equal(t, http.MethodPost+" /hook", r.method+" "+r.path, "no redirect followed")
		}
	})
}

func TestNotifyFailsForGoodOnClientErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, status(code))
			s := rc.sender(t, "/hook?token=t0p-s3cret")

			err := s.Notify(context.Background(), event(notify.KindOpened))

			require.ErrorIs(t, err, notify.ErrPermanent)
			require.Len(t, rc.requests(), 1)
			var se *webhook.StatusError
			require.ErrorAs(t, err, &se)
			require.Equal(t, code, se.StatusCode)
			require.ErrorContains(t, err, "POST "+rc.URL+"/hook: ")
			require.ErrorContains(t, err, "status "+strconv.Itoa(code)+" "+http.StatusText(code))
			require.NotContains(t, err.Error(), "t0p-s3cret")
		})
	}
}

func TestNotifyTimesOut(t *testing.T) {
	t.Parallel()
	for _, attempts := range []int{1, 2} {
		t.Run("Attempts"+strconv.Itoa(attempts), func(t *testing.T) {
			t.Parallel()
			rc := hangingReceiver(t)
			const timeout = 100 * time.Millisecond
			s := rc.sender(t, "", func(c *webhook.Config) { c.Timeout, c.MaxAttempts = timeout, attempts })

			start := time.Now()
			err := s.Notify(context.Background(), event(notify.KindOpened))
			elapsed := time.Since(start)

			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.NotErrorIs(t, err, notify.ErrPermanent)
			require.ErrorContains(t, err, "no answer within 100ms")
			require.GreaterOrEqual(t, elapsed, time.Duration(attempts)*timeout)
			require.Less(t, elapsed, time.Duration(attempts)*timeout+2*time.Second)
			// Under load an attempt may time out before its request
			// reaches the server; none may be made beyond MaxAttempts.
			require.NotEmpty(t, rc.requests())
			require.LessOrEqual(t, len(rc.requests()), attempts)
		})
	}
}

func TestNotifyStopsWhenContextEnds(t *testing.T) {
	t.Parallel()

	t.Run("DuringAnAttempt", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		release := make(chan struct{})
		rc := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
			cancel() // while the request is in flight
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		t.Cleanup(func() { close(release) }) // runs before rc.Close
		s := rc.sender(t, "", func(c *webhook.Config) { c.Timeout = time.Minute })

		start := time.Now()
		err := s.Notify(ctx, event(notify.KindOpened))

		require.ErrorIs(t, err, context.Canceled)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.Less(t, time.Since(start), 5*time.Second)
		require.Len(t, rc.requests(), 1)
	})

	t.Run("WhileWaitingToRetry", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			cancel()
		})
		s := rc.sender(t, "", func(c *webhook.Config) { c.RetryDelay, c.MaxRetryWait = time.Minute, time.Minute })

		start := time.Now()
		err := s.Notify(ctx, event(notify.KindOpened))

		require.ErrorIs(t, err, context.Canceled)
		require.NotErrorIs(t, err, notify.ErrPermanent)
		require.Less(t, time.Since(start), 5*time.Second)
		require.Len(t, rc.requests(), 1)
	})

	t.Run("BeforeTheFirstAttempt", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		err := rc.sender(t, "").Notify(ctx, event(notify.KindOpened))

		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, rc.requests())
	})
}

// ticking is a clock that moves one second each time it is read: one
// second per attempt.
type ticking struct {
	mu  sync.Mutex
	now time.Time
}

func (c *ticking) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := webhook.Config{}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"Timeout", got.Timeout, webhook.DefaultTimeout},
		{"MaxAttempts", got.MaxAttempts, webhook.DefaultMaxAttempts},
		{"RetryDelay", got.RetryDelay, webhook.DefaultRetryDelay},
		{"MaxRetryWait", got.MaxRetryWait, webhook.DefaultMaxRetryWait},
		{"Client", got.Client != nil && got.Client.CheckRedirect != nil, true},
		{"Clock", got.Clock, clock.System()},
		{"URL", got.URL, ""},
		{"Secret", got.Secret, ""},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}
	set := webhook.Config{Timeout: time.Second, MaxAttempts: 1}.WithDefaults()
	require.Equal(t, []any{time.Second, 1}, []any{set.Timeout, set.MaxAttempts}, "set fields are kept")
}

func TestNewNamesEachBadField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(*webhook.Config)
		want   []string
	}{
		{"MissingURL", func(c *webhook.Config) { c.URL = "" }, []string{"URL is required"}},
		{"RelativeURL", func(c *webhook.Config) { c.URL = "/hooks" }, []string{"URL", "not an absolute http or https URL"}},
		{"FTPURL", func(c *webhook.Config) { c.URL = "ftp://files.example/x" }, []string{"URL", "not an absolute http or https URL"}},
		{"UnparsableURL", func(c *webhook.Config) { c.URL = "http://exa mple.com/%zz" }, []string{"URL is not a URL"}},
		{"MissingSecret", func(c *webhook.Config) { c.Secret = "" }, []string{"Secret is required"}},
		{"MalformedSecret", func(c *webhook.Config) { c.Secret = "whsec_%%%" }, []string{"Secret: ", "base64"}},
		{"EmptyWhsecSecret", func(c *webhook.Config) { c.Secret = "whsec_" }, []string{"Secret: ", "empty"}},
		{"MalformedAdditionalSecret", func(c *webhook.Config) { c.AdditionalSecrets = []string{"ok", "whsec_%%%"} }, []string{"AdditionalSecrets[1]"}},
		{"NegativeTimeout", func(c *webhook.Config) { c.Timeout = -time.Second }, []string{"Timeout must not be negative"}},
		{"NegativeMaxAttempts", func(c *webhook.Config) { c.MaxAttempts = -1 }, []string{"MaxAttempts must not be negative"}},
		{"NegativeRetryDelay", func(c *webhook.Config) { c.RetryDelay = -1 }, []string{"RetryDelay must not be negative"}},
		{"NegativeMaxRetryWait", func(c *webhook.Config) { c.MaxRetryWait = -1 }, []string{"MaxRetryWait must not be negative"}},
		{"ReservedHeader", func(c *webhook.Config) { c.Header = http.Header{"Webhook-Signature": {"v1,forged"}} }, []string{`Header "Webhook-Signature" is set by the Sender`}},
		{"ContentTypeHeader", func(c *webhook.Config) { c.Header = http.Header{"content-type": {"text/plain"}} }, []string{`Header "content-type" is set by the Sender`}},
		{"HeaderValueWithNewline", func(c *webhook.Config) { c.Header = http.Header{"X-Token": {"a\r\nb"}} }, []string{`Header "X-Token"`, "control characters"}},
		{"NameWithNewline", func(c *webhook.Config) { c.Name = "crm\n" }, []string{"Name must not contain control characters"}},
		{"UnknownKind", func(c *webhook.Config) { c.Kinds = []notify.Kind{notify.KindOpened, "ticket.exploded"} }, []string{`Kinds[1] "ticket.exploded" is not an event kind`}},
		{"SeveralProblems", func(c *webhook.Config) {
			c.URL, c.Secret, c.Timeout, c.MaxAttempts, c.Name = "", "", -1, -1, "a\n"
			c.Header = http.Header{"Host": {"x"}}
			c.Kinds = []notify.Kind{"nope"}
		}, []string{
			"Config.URL is required", "Config.Secret is required", "Config.Timeout must not be negative",
			"Config.MaxAttempts must not be negative", "Config.Name must not contain", `Config.Header "Host" is set by the Sender`,
			`Config.Kinds[0] "nope" is not an event kind`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := webhook.Config{URL: "https://crm.example/hooks", Secret: secret}
			tc.change(&cfg)

			s, err := webhook.New(cfg)

			require.Nil(t, s)
			require.ErrorContains(t, err, "webhook: invalid Config: ")
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
		})
	}

	t.Run("AcceptsZeroValueDefaults", func(t *testing.T) {
		t.Parallel()
		s, err := webhook.New(webhook.Config{URL: "https://crm.example/hooks?token=x", Secret: "raw"})
		require.NoError(t, err)
		require.NotNil(t, s)
	})

	t.Run("HidesQueryOfBadURL", func(t *testing.T) {
		t.Parallel()
		for _, u := range []string{"ftp://files.example/x?token=t0p-s3cret", "http://files.example/%zz?token=t0p-s3cret"} {
			_, err := webhook.New(webhook.Config{URL: u, Secret: secret})
			require.Error(t, err)
			require.NotContains(t, err.Error(), "t0p-s3cret")
		}
	})
}

func TestStatusErrorUnwrapsFromNotify(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, status(http.StatusGone))

	err := rc.sender(t, "").Notify(context.Background(), event(notify.KindOpened))

	var se *webhook.StatusError
	require.True(t, errors.As(err, &se))
	require.Equal(t, "410 Gone", se.Status)
}
