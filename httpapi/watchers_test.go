package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
)

// apiWatchers is the body of GET /tickets/{id}/watchers and /cc.
type apiWatchers struct {
	Watchers []struct {
		Kind      string `json:"kind"`
		Key       string `json:"key"`
		CreatedBy string `json:"created_by"`
	} `json:"watchers"`
}

func TestWatchersAndCC(t *testing.T) {
	t.Parallel()

	t.Run("AgentsFollowCustomersNeverSeeThem", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Kettle"})
		w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/watchers", map[string]any{})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		w = e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/watchers", map[string]any{"user_id": "agent-2"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		w = e.get(agent, "/tickets/"+tk.ID+"/watchers")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		got := decode[apiWatchers](t, w)
		require.Len(t, got.Watchers, 2)
		require.Equal(t, agent.ID, got.Watchers[0].Key)

		requireError(t, e.get(ada, "/tickets/"+tk.ID+"/watchers"), http.StatusForbidden, "forbidden")
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/watchers", map[string]any{}), http.StatusForbidden, "forbidden")

		w = e.do(request{as: &agent, method: http.MethodDelete, path: "/tickets/" + tk.ID + "/watchers?user_id=agent-2"})
		require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
		w = e.do(request{as: &agent, method: http.MethodDelete, path: "/tickets/" + tk.ID + "/watchers?user_id=agent-2"})
		require.Equal(t, http.StatusNotFound, w.Code, w.Body.String())
	})

	t.Run("TheCustomerCopiesAddressesWithinLimits", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Kettle"})
		w := e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/cc", map[string]any{"address": "Boss@Example.com"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		w = e.get(ada, "/tickets/"+tk.ID+"/cc")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		got := decode[apiWatchers](t, w)
		require.Len(t, got.Watchers, 1)
		require.Equal(t, "boss@example.com", got.Watchers[0].Key)
		require.Empty(t, got.Watchers[0].CreatedBy)

		bad := requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/cc", map[string]any{"address": "Eve <eve@example.com>"}),
			http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"address"}, bad.fieldNames())
		requireError(t, e.send(bob, http.MethodPost, "/tickets/"+tk.ID+"/cc", map[string]any{"address": "eve@example.com"}), http.StatusNotFound, "not_found")
		requireError(t, e.get(bob, "/tickets/"+tk.ID+"/cc"), http.StatusNotFound, "not_found")

		w = e.do(request{as: &ada, method: http.MethodDelete, path: "/tickets/" + tk.ID + "/cc?address=" + url.QueryEscape("BOSS@example.com")})
		require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	})

	t.Run("StaffFilterByOrganisation", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.open(agent, map[string]any{"subject": "A", "customer": map[string]any{"id": "C-1", "organisation_id": "org-1"}})
		e.open(agent, map[string]any{"subject": "B", "customer": map[string]any{"id": "C-2", "organisation_id": "org-2"}})
		w := e.get(agent, "/tickets?organisation_id=org-1")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		page := decode[struct {
			Tickets []apiTicket `json:"tickets"`
		}](t, w)
		require.Len(t, page.Tickets, 1)
		require.Equal(t, "A", page.Tickets[0].Subject)
		bad := requireError(t, e.get(ada, "/tickets?organisation_id=org-1"), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"organisation_id"}, bad.fieldNames())
		w = e.get(agent, "/reports/sla?group_by=organisation")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	})
}

func TestWatchersUnsupported(t *testing.T) {
	t.Parallel()
	desk, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memory.New()}})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "Kettle"})
	require.NoError(t, err)
	for _, path := range []string{"/tickets/" + tk.ID + "/watchers", "/tickets/" + tk.ID + "/cc"} {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("X-Actor", agent.ID)
		r.Header.Set("X-Role", string(agent.Role))
		r.Header.Set("X-Tenant", agent.TenantID)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)
		requireError(t, w, http.StatusNotImplemented, "watchers_unsupported")
	}
}
