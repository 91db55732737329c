package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// BenchmarkOpenTicketIdempotencyKey measures what an Idempotency-Key
// adds to POST /tickets on each store: the claim and the stored answer
// in the ticket's transaction. The two variants run round-robin in one
// loop (a request without a key, then one with a new key), so that both
// share the machine's load; each is timed on its own and reported as
// p50/p95 in ms, with the ratio of the p50s.
func BenchmarkOpenTicketIdempotencyKey(b *testing.B) {
	for _, store := range dbtest.Stores() {
		b.Run(store.Name, func(b *testing.B) {
			desk, err := ticketkit.New(ticketkit.Config{Store: store.Open(b)})
			if err != nil {
				b.Fatal(err)
			}
			api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
			if err != nil {
				b.Fatal(err)
			}
			post := func(key string) time.Duration {
				r := httptest.NewRequest(http.MethodPost, "/tickets", strings.NewReader(openBody))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Actor", agent.ID)
				r.Header.Set("X-Role", string(agent.Role))
				r.Header.Set("X-Tenant", agent.TenantID)
				if key != "" {
					r.Header.Set("Idempotency-Key", key)
				}
				w := httptest.NewRecorder()
				start := time.Now()
				api.ServeHTTP(w, r)
				took := time.Since(start)
				if w.Code != http.StatusCreated {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
				return took
			}
			var plain, keyed []time.Duration
			i := 0
			for b.Loop() {
				i++
				plain = append(plain, post(""))
				keyed = append(keyed, post(fmt.Sprintf("k-%d", i)))
			}
			q := func(d []time.Duration, p float64) float64 {
				s := slices.Clone(d)
				slices.Sort(s)
				return float64(s[int(p*float64(len(s)-1))]) / 1e6
			}
			b.ReportMetric(q(plain, 0.5), "nokey-p50-ms")
			b.ReportMetric(q(plain, 0.95), "nokey-p95-ms")
			b.ReportMetric(q(keyed, 0.5), "key-p50-ms")
			b.ReportMetric(q(keyed, 0.95), "key-p95-ms")
			b.ReportMetric(q(keyed, 0.5)/q(plain, 0.5), "key/nokey-p50")
		})
	}
}
