package httpapi_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
)

// cookieAuth authenticates by a session cookie, the way a browser
// frontend does: the browser attaches it to every request, also to
// those a page of another site makes it send. Without a cookie, the
// tests' headers are used.
func cookieAuth(r *http.Request) (ticketkit.Actor, error) {
	c, err := r.Cookie("session")
	if err != nil {
		return headerAuth(r)
	}
	if c.Value != "agent-session" {
		return ticketkit.Actor{}, errors.New("unknown session")
	}
	return agent, nil
}

// browser describes where a request comes from, as a browser says it.
type browser struct{ secFetchSite, origin string }

var (
	crossSite  = browser{"cross-site", "https://evil.example"}
	sameOrigin = browser{"same-origin", "http://example.com"} // httptest.NewRequest's host
)

// post sends a cookie-authenticated POST with the headers from says.
func (e *env) post(from browser, path, contentType string, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	h := http.Header{"Cookie": {"session=agent-session"}}
	if from.secFetchSite != "" {
		h.Set("Sec-Fetch-Site", from.secFetchSite)
	}
	if from.origin != "" {
		h.Set("Origin", from.origin)
	}
	return e.do(request{method: http.MethodPost, path: path, body: strings.NewReader(body), contentType: contentType, header: h})
}

func TestCrossSiteRequestsAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) {
		o.authenticateWith = cookieAuth
		o.api.TrustedOrigins = []string{"https://signin.example"}
	})
	tk := e.open(agent, map[string]any{"subject": "Kettle"})
	path := "/tickets/" + tk.ID + "/messages"
	messages := func() int {
		w := e.get(agent, path)
		require.Equal(t, http.StatusOK, w.Code)
		return len(decode[struct {
			Messages []apiMessage `json:"messages"`
		}](t, w).Messages)
	}
	multipart, multipartType := multipartBody(t, map[string]string{"kind": "note", "body": "forged"})
	multipartText, err := io.ReadAll(multipart)
	require.NoError(t, err)

	// What a <form> on another site can send without a preflight.
	forms := []struct{ name, contentType, body string }{
		{"Multipart", multipartType, string(multipartText)},
		{"URLEncoded", "application/x-www-form-urlencoded", "kind=note&body=forged"},
		{"TextPlain", "text/plain", `{"kind":"note","body":"forged"}`},
	}
	for _, f := range forms {
		for name, from := range map[string]browser{
			"SecFetchSite":   crossSite,
			"OriginOnly":     {"", "https://evil.example"},
			"SameSiteNotSet": {"same-site", "https://other.example.com"},
		} {
			w := e.post(from, path, f.contentType, f.body)
			got := requireError(t, w, http.StatusForbidden, "forbidden")
			require.Contains(t, got.Detail, "cross-origin", "%s from %s", f.name, name)
		}
	}
	w := e.post(crossSite, "/tickets", "application/json", `{"subject":"forged"}`)
	requireError(t, w, http.StatusForbidden, "forbidden")
	require.Equal(t, 0, messages(), "nothing was stored")
	require.Equal(t, 1, strings.Count(e.get(agent, "/tickets").Body.String(), `"number"`))

	allowed := map[string]browser{
		"SameOrigin":         sameOrigin,
		"UserTypedURL":       {"none", ""},
		"OriginOfTheHost":    {"", "http://example.com"},
		"TrustedOrigin":      {"cross-site", "https://signin.example"},
		"NonBrowserNoHeader": {},
	}
	for name, from := range allowed {
		w := e.post(from, path, "application/json", `{"kind":"note","body":"`+name+`"}`)
		require.Equal(t, http.StatusCreated, w.Code, "%s: %s", name, w.Body.String())
	}
	require.Equal(t, len(allowed), messages())

	// Safe methods are never refused: they change nothing.
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Cookie", "session=agent-session")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Origin", "https://evil.example")
	w = httptest.NewRecorder()
	e.api.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code)
}

func TestSameSiteIsConfigurable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) {
		o.authenticateWith = cookieAuth
		o.api.AllowSameSite = true
	})
	w := e.post(browser{"same-site", "https://app.example.com"}, "/tickets", "application/json", `{"subject":"from app"}`)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	w = e.post(crossSite, "/tickets", "application/json", `{"subject":"forged"}`)
	requireError(t, w, http.StatusForbidden, "forbidden")
}

func TestCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) {
		o.authenticateWith = cookieAuth
		o.api.CORS = httpapi.CORS{
			AllowedOrigins:   []string{"https://portal.example"},
			AllowCredentials: true,
			MaxAge:           time.Hour,
		}
	})
	preflight := func(origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodOptions, "/tickets", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", http.MethodPost)
		r.Header.Set("Access-Control-Request-Headers", "content-type")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, r)
		return w
	}

	w := preflight("https://portal.example")
	require.Equal(t, http.StatusNoContent, w.Code)
	hdr := w.Header()
	require.Equal(t, "https://portal.example", hdr.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "true", hdr.Get("Access-Control-Allow-Credentials"))
	require.Equal(t, "POST, GET, PATCH, DELETE, PUT", hdr.Get("Access-Control-Allow-Methods"))
	require.Equal(t, "Content-Type, Authorization, If-Match, If-None-Match, Idempotency-Key", hdr.Get("Access-Control-Allow-Headers"))
	require.Equal(t, "3600", hdr.Get("Access-Control-Max-Age"))
	require.Equal(t, "Origin", hdr.Get("Vary"))

	w = preflight("https://evil.example")
	requireError(t, w, http.StatusForbidden, "forbidden")
	for k := range w.Header() {
		require.False(t, strings.HasPrefix(k, "Access-Control-"), "no CORS header for another origin: %s", k)
	}

	// The actual request of an allowed origin is trusted and readable.
	w = e.post(browser{"cross-site", "https://portal.example"}, "/tickets", "application/json", `{"subject":"from the portal"}`)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.Equal(t, "https://portal.example", w.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, "true", w.Header().Get("Access-Control-Allow-Credentials"))
	require.Contains(t, w.Header().Get("Access-Control-Expose-Headers"), "Location")
	require.Contains(t, w.Header().Get("Access-Control-Expose-Headers"), "ETag", "a script reads the tag it sends back in If-Match")
	require.Contains(t, w.Header().Get("Access-Control-Expose-Headers"), "Idempotent-Replayed")
}

func TestCrossOriginConfigIsChecked(t *testing.T) {
	t.Parallel()
	desk, err := ticketkit.New(ticketkit.Config{Store: newEnv(t).desk.Store()})
	require.NoError(t, err)
	_, err = httpapi.New(httpapi.Config{
		Desk: desk, Authenticate: headerAuth,
		TrustedOrigins: []string{"https://ok.example", "not an origin"},
		CORS:           httpapi.CORS{AllowedOrigins: []string{"*"}, MaxAge: -time.Second},
		MaxQuerySize:   -1,
	})
	require.ErrorContains(t, err, "MaxQuerySize")
	_, err = httpapi.New(httpapi.Config{
		Desk: desk, Authenticate: headerAuth,
		TrustedOrigins: []string{"https://ok.example", "not an origin"},
		CORS:           httpapi.CORS{AllowedOrigins: []string{"*"}, MaxAge: -time.Second},
	})
	require.ErrorContains(t, err, "Config.TrustedOrigins")
	require.ErrorContains(t, err, "Config.CORS.AllowedOrigins")
	require.ErrorContains(t, err, "Config.CORS.MaxAge")
}
