package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestConfigComplaintPart round-trips the complaint part of a tenant's
// configuration through PUT and GET /config: a bad part is a 400 naming
// each field, a good one gives the tenant's complaints its statuses,
// reason codes and labels, and another tenant keeps the desk's.
func TestConfigComplaintPart(t *testing.T) {
	t.Parallel()
	s := newComplaintServer(t, dbtest.Stores()[0])
	admin := ticketkit.Actor{ID: "admin-1", Role: ticket.RoleAdmin, TenantID: agent.TenantID}
	spec := ticket.ComplaintCatalogSpec()
	spec.Statuses = append(spec.Statuses, ticket.Status{Code: "on_hold", Category: ticket.CategoryPending,
		Label: ticket.Label{Text: "On hold", Translations: map[string]string{"fr": "En attente"}}})
	spec.Reasons = append(spec.Reasons, ticket.ReasonCode{Code: "CR99", Label: ticket.Label{Text: "Packaging"}})
	def := workflow.DefaultComplaintDefinition(workflow.ComplaintRules{})
	def.Transitions = append(def.Transitions, workflow.Transition{Name: "hold", From: []string{ticket.StatusRegistered}, To: "on_hold",
		Roles: []ticket.Role{ticket.RoleAgent}})
	put := func(complaints any) (int, apiError, string) {
		b, err := json.Marshal(map[string]any{"config": map[string]any{"catalog": testCatalog(t).Spec(), "complaints": complaints}})
		require.NoError(t, err)
		return s.call(admin, http.MethodPut, "/config", string(b), "application/json")
	}

	bad := spec
	bad.Statuses = append([]ticket.Status{{Code: "draft", Category: ticket.CategoryNew, Initial: true}}, bad.Statuses[1:]...)
	status, e, raw := put(map[string]any{"catalog": bad, "workflow": def, "reason_code_from": "never"})
	require.Equal(t, http.StatusBadRequest, status, raw)
	fields := e.fieldNames()
	require.Contains(t, fields, "complaints.catalog.statuses[0].label.text")
	require.Contains(t, fields, "complaints.workflow", "the workflow names the removed status registered")

	status, _, raw = put(map[string]any{"catalog": spec, "workflow": def, "closure_reason": true})
	require.Equal(t, http.StatusOK, status, raw)
	got := ok[ticketkit.TenantConfigVersion](s.server, http.StatusOK, agent, http.MethodGet, "/config", "")
	require.Equal(t, int64(1), got.Version)
	require.NotNil(t, got.Config.Complaints)
	require.True(t, got.Config.Complaints.ClosureReason)
	require.Len(t, got.Config.Complaints.Catalog.Statuses, len(spec.Statuses))
	require.Equal(t, "hold", got.Config.Complaints.Workflow.Transitions[len(def.Transitions)-1].Name)

	c := s.openComplaint("Crushed box", "C-ADA", "CR99", "BU1", "10.00")
	var held struct {
		Status      string `json:"status"`
		StatusLabel string `json:"status_label"`
		ReasonLabel string `json:"reason_label"`
	}
	_, _, raw = s.call(agent, http.MethodPost, "/complaints/"+c.ID+"/transitions", `{"to":"on_hold"}`, "")
	require.NoError(t, json.Unmarshal([]byte(raw), &held), raw)
	require.Equal(t, "on_hold", held.Status, raw)
	require.Equal(t, "On hold", held.StatusLabel, "labelled from the tenant's complaint catalog")
	require.Equal(t, "Packaging", held.ReasonLabel)

	other := ticketkit.Actor{ID: "agent-9", Role: ticket.RoleAgent, TenantID: "elsewhere"}
	status, _, raw = s.call(other, http.MethodPost, "/complaints", `{"subject":"x","reason":"CR99","remedy_sought":"credit_note","customer":{"id":"C-1"}}`, "")
	require.Equal(t, http.StatusBadRequest, status, "another tenant has no CR99: %s", raw)
}
