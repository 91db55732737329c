package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

var dpo = ticketkit.Actor{ID: "dpo-1", Role: ticket.RoleAdmin, TenantID: "shop"}

func TestCustomerErasureAndExport(t *testing.T) {
	t.Parallel()

	t.Run("AnAdminExportsThenErasesAndTheTombstoneIsListed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		tk := e.open(ada, map[string]any{"subject": "Ada's secret kettle"})

		w := e.get(dpo, "/admin/customers/C-ADA/export")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		exp := decode[ticketkit.CustomerExport](t, w)
		require.Len(t, exp.Tickets, 1)
		require.Equal(t, tk.ID, exp.Tickets[0].Ticket.ID)

		w = e.send(dpo, http.MethodPost, "/admin/customers/C-ADA/erasure", map[string]any{"reason": "DSR-7"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		er := decode[storage.Erasure](t, w)
		require.Equal(t, []any{"C-ADA", "dpo-1", "DSR-7", 1}, []any{er.CustomerID, er.ActorID, er.Reason, er.Tickets})

		w = e.get(agent, "/tickets/"+tk.ID)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.NotContains(t, strings.ToLower(w.Body.String()), "secret")

		w = e.get(dpo, "/admin/erasures?customer_id=C-ADA")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		list := decode[struct{ Erasures []storage.Erasure }](t, w)
		require.Len(t, list.Erasures, 1)
		require.Equal(t, er.ID, list.Erasures[0].ID)
	})
	t.Run("OnlyAdminsMay", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.open(ada, map[string]any{"subject": "Kettle"})
		for _, a := range []ticketkit.Actor{agent, supervisor, ada} {
			requireError(t, e.send(a, http.MethodPost, "/admin/customers/C-ADA/erasure", map[string]any{}), http.StatusForbidden, "forbidden")
			requireError(t, e.get(a, "/admin/customers/C-ADA/export"), http.StatusForbidden, "forbidden")
			requireError(t, e.get(a, "/admin/erasures"), http.StatusForbidden, "forbidden")
		}
	})
	t.Run("AStoreWithoutErasureAnswers501", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memory.New()}})
		require.NoError(t, err)
		api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
		require.NoError(t, err)
		r := httptest.NewRequest(http.MethodGet, "/admin/erasures", nil)
		r.Header.Set("X-Actor", dpo.ID)
		r.Header.Set("X-Role", string(dpo.Role))
		r.Header.Set("X-Tenant", dpo.TenantID)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)
		requireError(t, w, http.StatusNotImplemented, "erasure_unsupported")
	})
}
