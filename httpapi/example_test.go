package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A host mounts the API below /api on its own server and maps its own
// credentials (here, bearer tokens) to ticketkit actors.
func Example() {
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(),
		Blobs: blob.NewMemory(blob.Config{}),
		Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		panic(err)
	}
	// The host's own users; a real host asks its session store.
	users := map[string]ticketkit.Actor{
		"token-ada":   {ID: "u-ada", Role: ticket.RoleCustomer, TenantID: "shop", CustomerID: "C-ADA"},
		"token-agent": {ID: "u-agent", Role: ticket.RoleAgent, TenantID: "shop"},
	}
	api, err := httpapi.New(httpapi.Config{
		Desk: desk,
		Authenticate: func(r *http.Request) (ticketkit.Actor, error) {
			token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if a, known := users[token]; ok && known {
				return a, nil
			}
			return ticketkit.Actor{}, errors.New("unknown token")
		},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	call := func(token, method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequestWithContext(context.Background(), method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}

	status, t := call("token-ada", http.MethodPost, "/api/tickets", `{"subject": "Blender jar cracked"}`)
	fmt.Println(status, t["number"], t["status"], t["channel"])

	id := t["id"].(string)
	status, e := call("token-ada", http.MethodPost, "/api/tickets/"+id+"/transitions", `{"to": "closed", "reason": "never mind"}`)
	fmt.Println(status, e["code"])

	status, t = call("token-agent", http.MethodPost, "/api/tickets/"+id+"/transitions", `{"to": "in_progress", "version": 1}`)
	fmt.Println(status, t["status"], t["version"])

	status, e = call("stolen", http.MethodGet, "/api/tickets/"+id, "")
	fmt.Println(status, e["code"])
	// Output:
	// 201 TK-2026-000001 open portal
	// 403 forbidden
	// 200 in_progress 2
	// 401 unauthenticated
}

// An outer middleware, such as OpenTelemetry's otelhttp.NewHandler, reads
// the matched route's pattern from the request it passed on once the API
// has served it: a span or a metric is named after the route, not after
// a path holding ticket IDs.
func ExampleNew_routePattern() {
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New()})
	if err != nil {
		panic(err)
	}
	api, err := httpapi.New(httpapi.Config{
		Desk: desk,
		Authenticate: func(*http.Request) (ticketkit.Actor, error) {
			return ticketkit.Actor{ID: "u-agent", Role: ticket.RoleAgent, TenantID: "shop"}, nil
		},
	})
	if err != nil {
		panic(err)
	}
	// traced stands for otelhttp.NewHandler(api, "ticketkit"): it passes
	// on a copy of the request with its span in the context.
	traced := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(r.Context())
		api.ServeHTTP(w, r)
		fmt.Printf("span %q for %s %s\n", r.Pattern, r.Method, r.URL.Path)
	})
	for _, path := range []string{"/tickets/0190c2a4-7b1e-7000-8000-000000000001", "/tickets/by-number/TK-2026-00042", "/no-such-path"} {
		traced.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	// Output:
	// span "GET /tickets/{id}" for GET /tickets/0190c2a4-7b1e-7000-8000-000000000001
	// span "GET /tickets/by-number/{number}" for GET /tickets/by-number/TK-2026-00042
	// span "" for GET /no-such-path
}
