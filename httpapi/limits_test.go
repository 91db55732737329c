package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/ticket"
)

// hugeStatusQuery is the amplification attack of issue 12: a query of
// about size bytes listing the same bad status over and over.
func hugeStatusQuery(size int) string {
	return "/tickets?status=" + strings.Repeat("x,", size/2)
}

// TestBadInputAnswersAreSmall sends floods of bad input and checks that
// each answer is a 400 of a few KB at most, listing at most
// ticket.MaxFieldErrors fields and counting the rest.
func TestBadInputAnswersAreSmall(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	big := newEnv(t, func(o *options) { o.api.MaxQuerySize = 1 << 20 })
	const maxAnswer = 4 << 10

	t.Run("OneMegabyteQuery", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, hugeStatusQuery(1<<20))
		got := requireError(t, w, http.StatusBadRequest, "malformed_request")
		require.Contains(t, got.Detail, "query string")
		require.Less(t, w.Body.Len(), maxAnswer)
	})
	t.Run("LongListWithinTheQueryLimit", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, hugeStatusQuery(httpapi.DefaultMaxQuerySize-100))
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"status"}, got.fieldNames(), "one error for the list, none per item")
		require.Equal(t, "max", got.Errors[0].Rule)
		require.Less(t, w.Body.Len(), maxAnswer)
	})
	t.Run("ManyBadCodes", func(t *testing.T) {
		t.Parallel()
		w := e.get(agent, "/tickets?status="+strings.Repeat("nope,", ticket.MaxItems))
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Len(t, got.Errors, ticket.MaxFieldErrors)
		require.Equal(t, "status[0]", got.Errors[0].Field)
		require.Equal(t, ticket.MaxItems-ticket.MaxFieldErrors, got.More)
		require.Less(t, w.Body.Len(), maxAnswer)
	})
	t.Run("ManyUnknownParameters", func(t *testing.T) {
		t.Parallel()
		var q strings.Builder
		for i := range 5000 {
			fmt.Fprintf(&q, "&p%d=1", i)
		}
		w := big.get(agent, "/tickets?"+q.String()[1:])
		got := requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Len(t, got.Errors, ticket.MaxFieldErrors)
		require.Positive(t, got.More)
		require.Less(t, w.Body.Len(), maxAnswer)
	})
	t.Run("ManyTagsInABody", func(t *testing.T) {
		t.Parallel()
		w := e.send(agent, http.MethodPost, "/tickets", map[string]any{
			"subject": "x", "tags": make([]string, 50000), "fields": manyFields(5000),
		})
		requireError(t, w, http.StatusBadRequest, "validation_failed")
		require.Less(t, w.Body.Len(), maxAnswer)
	})
}

func manyFields(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprint("k", i)] = "\x00"
	}
	return m
}

// TestHugeQueryAllocations measures what a 1 MB query costs the server.
// Before the query limit and the capped ValidationError it drew a 40 MB
// error body, 540 MiB and 3.1 million allocations; now it is refused
// before parsing, and even with the limit raised the list is cut one
// item past ticket.MaxItems and the answer is one field error.
func TestHugeQueryAllocations(t *testing.T) {
	for name, limit := range map[string]int{"DefaultLimit": 0, "LimitRaisedTo2MB": 2 << 20} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(o *options) { o.api.MaxQuerySize = limit })
			r := httptest.NewRequest(http.MethodGet, hugeStatusQuery(1<<20), nil)
			r.Header.Set("X-Actor", agent.ID)
			r.Header.Set("X-Role", string(agent.Role))
			r.Header.Set("X-Tenant", agent.TenantID)
			var body int
			allocs := testing.AllocsPerRun(10, func() {
				w := httptest.NewRecorder()
				e.api.ServeHTTP(w, r)
				if w.Code != http.StatusBadRequest {
					t.Fatalf("status %d", w.Code)
				}
				body = w.Body.Len()
			})
			t.Logf("allocations per 1 MB query: %.0f; answer: %d bytes", allocs, body)
			require.Less(t, allocs, 200.0)
			require.Less(t, body, 1024)
		})
	}
}
