package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestAutomationRoutes saves rules inside the tenant configuration (PUT
// /config), sees a bad rule named in a 400, and asks
// POST /tickets/{id}/rules/dry-run which rules would fire.
func TestAutomationRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	put := func(rules map[string]any) *http.Response {
		cfg, err := json.Marshal(ticketkit.TenantConfig{Catalog: e.desk.Catalog().Spec()})
		require.NoError(t, err)
		var body map[string]any
		require.NoError(t, json.Unmarshal(cfg, &body))
		body["automation"] = rules
		b, err := json.Marshal(map[string]any{"config": body})
		require.NoError(t, err)
		return e.do(request{as: &admin, method: http.MethodPut, path: "/config", body: bytes.NewReader(b), contentType: "application/json"}).Result()
	}
	bad := map[string]any{"event_rules": []any{map[string]any{"id": "r1", "do": []any{map[string]any{"type": "set", "field": "priority", "value": "meh"}}}}}
	res := put(bad)
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	var problem apiError
	require.NoError(t, json.NewDecoder(res.Body).Decode(&problem))
	require.Contains(t, problem.fieldNames(), "automation.event_rules[0].do[0].value")

	good := map[string]any{"event_rules": []any{map[string]any{
		"id":   "urgent-to-boss",
		"when": map[string]any{"fields": []any{map[string]any{"field": "priority", "is": []string{"urgent"}, "changed": true}}},
		"do":   []any{map[string]any{"type": "assign", "value": "boss"}},
	}}}
	require.Equal(t, http.StatusOK, put(good).StatusCode)

	tk := e.open(agent, map[string]any{"subject": "Kettle"})
	w := e.send(agent, http.MethodPost, "/tickets/"+tk.ID+"/rules/dry-run", map[string]any{"set": map[string]string{"priority": "urgent"}})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var got ticketkit.DryRunResult
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	require.Len(t, got.Fired, 1)
	require.Equal(t, "urgent-to-boss", got.Fired[0].RuleID)
	require.Equal(t, "boss", got.Ticket.Assignee)

	requireError(t, e.send(ada, http.MethodPost, "/tickets/"+tk.ID+"/rules/dry-run", map[string]any{}), http.StatusForbidden, "forbidden")
	w = e.send(agent, http.MethodPatch, "/tickets/"+tk.ID, map[string]any{"priority": "urgent"})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "boss", decode[apiTicket](t, w).Assignee, "the saved rule ran on the change")
}
