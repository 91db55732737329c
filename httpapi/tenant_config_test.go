package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTenantConfigLabels checks that GET /catalog and the labels of the
// tickets a tenant reads come from the tenant's own configuration once
// its admin saved one, and that another tenant keeps the Desk's.
func TestTenantConfigLabels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spec := ticket.DefaultCatalogSpec()
	for i, s := range spec.Statuses {
		if s.Code == ticket.StatusOpen {
			spec.Statuses[i].Label = ticket.Label{Text: "New request", Translations: map[string]string{"fr": "Nouvelle demande"}}
		}
	}
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	_, err := e.desk.ConfigureTenant(t.Context(), admin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec}})
	require.NoError(t, err)

	label := func(as ticketkit.Actor) string {
		w := e.do(request{as: &as, method: http.MethodGet, path: "/catalog?locale=fr"})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		for _, s := range decode[apiCatalog](t, w).Statuses {
			if s.Code == ticket.StatusOpen {
				return s.Label
			}
		}
		return ""
	}
	require.Equal(t, "Nouvelle demande", label(agent))
	other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "other-shop"}
	require.Equal(t, "Ouvert", label(other), "another tenant keeps the Desk's catalog")

	tk := e.open(agent, map[string]any{"subject": "Where is my parcel?"})
	w := e.get(agent, "/tickets/"+tk.ID)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got := decode[struct {
		StatusLabel   string `json:"status_label"`
		ConfigVersion int64  `json:"config_version"`
	}](t, w)
	require.Equal(t, "New request", got.StatusLabel)
	require.Equal(t, int64(1), got.ConfigVersion)
}
