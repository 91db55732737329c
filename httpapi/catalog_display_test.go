package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestCatalogListDisplay checks that GET /catalog says how lists show
// each set's labels, as the catalog sets it, and text when it says
// nothing.
func TestCatalogListDisplay(t *testing.T) {
	t.Parallel()
	spec := ticket.DefaultCatalogSpec()
	spec.Display = ticket.Display{Priorities: ticket.DisplayImage, Categories: ticket.DisplayBoth}
	for i := range spec.Priorities {
		spec.Priorities[i].Label.Icon = "/icons/" + spec.Priorities[i].Code + ".svg"
	}
	for i := range spec.Categories {
		spec.Categories[i].Label.Icon = "/icons/" + spec.Categories[i].Code + ".svg"
	}
	shown, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		catalog *ticket.Catalog
		want    map[string]string
	}{
		{"Configured", shown, map[string]string{"statuses": "text", "priorities": "image", "categories": "both"}},
		{"Default", ticket.DefaultCatalog(), map[string]string{"statuses": "text", "priorities": "text", "categories": "text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: tc.catalog})
			require.NoError(t, err)
			api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
			require.NoError(t, err)
			for _, as := range []actorT{agent, ada} {
				req := httptest.NewRequest(http.MethodGet, "/catalog", nil)
				setActor(req, as)
				w := httptest.NewRecorder()
				api.ServeHTTP(w, req)
				require.Equal(t, http.StatusOK, w.Code, w.Body.String())
				var body struct {
					ListDisplay map[string]string `json:"list_display"`
					Priorities  []struct {
						Icon string `json:"icon"`
					} `json:"priorities"`
				}
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
				require.Equal(t, tc.want, body.ListDisplay)
				if tc.want["priorities"] == "image" {
					require.Equal(t, "/icons/low.svg", body.Priorities[0].Icon)
				}
			}
		})
	}
}
