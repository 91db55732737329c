package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/internal/dbtest"
)

// BenchmarkOpenTicketIdempotencyKey measures what an Idempotency-Key
// adds to POST /tickets on each store: the claim and the stored answer
// in the ticket's transaction.
func BenchmarkOpenTicketIdempotencyKey(b *testing.B) {
	for _, store := range dbtest.Stores() {
		for _, withKey := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/key=%v", store.Name, withKey), func(b *testing.B) {
				desk, err := ticketkit.New(ticketkit.Config{Store: store.Open(b)})
				if err != nil {
					b.Fatal(err)
				}
				api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					i++
					r := httptest.NewRequest(http.MethodPost, "/tickets", strings.NewReader(openBody))
					r.Header.Set("Content-Type", "application/json")
					r.Header.Set("X-Actor", agent.ID)
					r.Header.Set("X-Role", string(agent.Role))
					r.Header.Set("X-Tenant", agent.TenantID)
					if withKey {
						r.Header.Set("Idempotency-Key", fmt.Sprintf("k-%d", i))
					}
					w := httptest.NewRecorder()
					api.ServeHTTP(w, r)
					if w.Code != http.StatusCreated {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
