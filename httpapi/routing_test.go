package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestRoutingRefusals checks that a routing the workflow refuses answers
// as a refused transition does, over POST /tickets/{id}/assignment and
// PATCH /tickets/{id}: 409 without a rule, 403 for a role, 400 naming
// the department for a failed guard; POST /tickets with a department
// is refused alike.
func TestRoutingRefusals(t *testing.T) {
	t.Parallel()
	c := testCatalog(t)
	def := workflow.DefaultDefinition()
	def.Routing = []workflow.RoutingRule{
		{Name: "sales", Field: workflow.RouteDepartment, To: []string{"sales"}, Roles: []ticket.Role{ticket.RoleSupervisor}},
		{Name: "service", Field: workflow.RouteDepartment, To: []string{"service"}, Statuses: []string{ticket.StatusInProgress},
			Roles: []ticket.Role{ticket.RoleAgent}, Guards: []string{"verified"}},
	}
	m, err := workflow.New(workflow.Config{Definition: def, Catalog: c, Guards: map[string]workflow.Guard{
		"verified": func(context.Context, workflow.GuardInput) error { return errors.New("the purchase is not verified") },
	}})
	require.NoError(t, err)
	desk, err := ticketkit.New(ticketkit.Config{Store: memory.New(), Catalog: c, Workflow: m, Clock: clock.NewFake(start)})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	e := &env{t: t, api: api, desk: desk, rec: notifytest.NewRecorder()}

	tk := e.open(agent, map[string]any{"subject": "Blender"})
	assign := "/tickets/" + tk.ID + "/assignment"
	patch := "/tickets/" + tk.ID
	for _, path := range []struct{ method, path string }{{http.MethodPost, assign}, {http.MethodPatch, patch}} {
		w := e.send(agent, path.method, path.path, map[string]any{"department": "service"})
		requireError(t, w, http.StatusConflict, "transition_not_allowed")
		w = e.send(agent, path.method, path.path, map[string]any{"department": "sales"})
		requireError(t, w, http.StatusForbidden, "forbidden")
	}
	w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/transitions", map[string]any{"to": "in_progress"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	for _, path := range []struct{ method, path string }{{http.MethodPost, assign}, {http.MethodPatch, patch}} {
		w = e.send(agent, path.method, path.path, map[string]any{"department": "service"})
		require.Equal(t, []string{"department"}, requireError(t, w, http.StatusBadRequest, "validation_failed").fieldNames(), path.method)
	}
	w = e.get(agent, "/tickets/"+tk.ID)
	require.Equal(t, http.StatusOK, w.Code)
	require.Empty(t, decode[apiTicket](t, w).Department, "nothing was routed")

	// A ticket opened straight into a department is routed there in its
	// initial status by the opener: the same refusals, and nothing stored.
	w = e.send(agent, http.MethodPost, "/tickets", map[string]any{"subject": "Toaster", "department": "service"})
	requireError(t, w, http.StatusConflict, "transition_not_allowed")
	w = e.send(agent, http.MethodPost, "/tickets", map[string]any{"subject": "Toaster", "department": "sales"})
	requireError(t, w, http.StatusForbidden, "forbidden")
	res, err := desk.Search(t.Context(), agent, ticketkit.SearchParams{})
	require.NoError(t, err)
	require.Len(t, res.Tickets, 1, "a refused ticket is not stored")
	w = e.send(supervisor, http.MethodPost, "/tickets", map[string]any{"subject": "Toaster", "department": "sales"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.Equal(t, "sales", decode[apiTicket](t, w).Department)
}
