package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSLAReportByChannel checks that GET /reports/sla selects and
// splits tickets by channel, such as the tickets staff entered by hand.
func TestSLAReportByChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.open(agent, map[string]any{"subject": "Entered at the desk", "channel": "manual", "customer": map[string]any{"id": "C-ADA"}})
	for range 2 {
		e.open(ada, map[string]any{"subject": "From the portal"})
	}
	type report struct {
		Tickets int `json:"tickets"`
		Groups  []struct {
			Key     string `json:"key"`
			Tickets int    `json:"tickets"`
		} `json:"groups"`
	}
	w := e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?channel=manual"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, 1, decode[report](t, w).Tickets)

	w = e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?group_by=channel"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	counts := map[string]int{}
	for _, g := range decode[report](t, w).Groups {
		counts[g.Key] = g.Tickets
	}
	require.Equal(t, map[string]int{"manual": 1, "portal": 2}, counts)

	w = e.do(request{as: &agent, method: http.MethodGet, path: "/reports/sla?channel=fax"})
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"channel[0]"`)
}
