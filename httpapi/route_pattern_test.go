package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/httpapi"
)

// patternKey carries a test value in the context, so that the outer
// middleware below copies the request as otelhttp does.
type patternKey struct{}

// seePattern is an outer middleware shaped like otelhttp.NewHandler: it
// hands next a copy of the request with a context of its own, and reads
// the copy's Pattern after next returns.
func seePattern(next http.Handler, seen *string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := r.WithContext(context.WithValue(r.Context(), patternKey{}, "span"))
		next.ServeHTTP(w, rc)
		*seen = rc.Pattern
	})
}

// wildcard matches a ServeMux wildcard such as {id}.
var wildcard = regexp.MustCompile(`\{[^}]+\}`)

func TestHandler_RoutePattern(t *testing.T) {
	t.Parallel()

	t.Run("OuterMiddlewareSeesThePatternOfEveryRoute", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		patterns := httpapi.RoutePatterns()
		require.Greater(t, len(patterns), 40)
		for _, p := range patterns {
			method, path, _ := strings.Cut(p, " ")
			var seen string
			for _, as := range []*struct{ name string }{nil, {"agent"}} {
				r := httptest.NewRequest(method, wildcard.ReplaceAllString(path, "x1"), nil)
				if as != nil {
					r.Header.Set("X-Actor", agent.ID)
					r.Header.Set("X-Role", string(agent.Role))
					r.Header.Set("X-Tenant", agent.TenantID)
				}
				w := httptest.NewRecorder()
				seePattern(e.api, &seen).ServeHTTP(w, r)
				require.Equal(t, p, seen, "%s %s answered %d", method, r.URL.Path, w.Code)
			}
		}
	})

	t.Run("RequestsOfNoRouteHaveNone", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for _, tt := range []struct{ method, path string }{
			{http.MethodGet, "/no-such-path"},
			{http.MethodPut, "/tickets"}, // 405
		} {
			seen := "unset"
			w := httptest.NewRecorder()
			seePattern(e.api, &seen).ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			require.Empty(t, seen, "%s %s answered %d", tt.method, tt.path, w.Code)
			require.GreaterOrEqual(t, w.Code, 300)
		}
	})

	t.Run("BelowAPrefixTheMiddlewareGoesInsideStripPrefix", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		tk := e.open(agent, map[string]any{"subject": "Kettle broken"})
		var outside, inside string
		mux := http.NewServeMux()
		mux.Handle("/api/", http.StripPrefix("/api", seePattern(e.api, &inside)))
		r := httptest.NewRequest(http.MethodGet, "/api/tickets/"+tk.ID, nil)
		r.Header.Set("X-Actor", agent.ID)
		r.Header.Set("X-Role", string(agent.Role))
		r.Header.Set("X-Tenant", agent.TenantID)
		w := httptest.NewRecorder()
		seePattern(mux, &outside).ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Equal(t, "GET /tickets/{id}", inside)
		// StripPrefix hands a copy of the request down: outside it, only
		// the host's own mux pattern is seen (see the package
		// documentation, "Tracing and metrics").
		require.Equal(t, "/api/", outside)
	})
}
