package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/httpapi"
	"github.com/ticketkit/ticketkit/storage/memory"
)

// apiAutoAssign is the body of POST /tickets/{id}/auto-assign.
type apiAutoAssign struct {
	Ticket     apiTicket `json:"ticket"`
	Assignee   string    `json:"assignee"`
	Strategy   string    `json:"strategy"`
	Unassigned string    `json:"unassigned"`
}

// newAssignEnv is newEnv with a round-robin pool for the "service"
// department of agents amy and bob, which does not assign new tickets.
func newAssignEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewFake(start), logs: &syncBuffer{}}
	desk, err := ticketkit.New(ticketkit.Config{
		Store: memory.New(), Catalog: testCatalog(t), Clock: e.clock,
		Agents: ticketkit.AgentDirectoryFunc(func(context.Context, ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
			return []ticketkit.Agent{{ID: "amy"}, {ID: "bob"}}, nil
		}),
		Assignment: &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{{Department: "service", Strategy: ticketkit.AssignRoundRobin}}},
	})
	require.NoError(t, err)
	e.desk = desk
	e.api, err = httpapi.New(httpapi.Config{Desk: desk, Authenticate: headerAuth})
	require.NoError(t, err)
	return e
}

func TestAutoAssign(t *testing.T) {
	t.Parallel()

	t.Run("StaffAssignByThePoolCustomersMayNot", func(t *testing.T) {
		t.Parallel()
		e := newAssignEnv(t)
		tk := e.open(agent, map[string]any{"subject": "Kettle", "department": "service"})
		require.Empty(t, tk.Assignee)
		path := "/tickets/" + tk.ID + "/auto-assign"
		requireError(t, e.send(outsider, http.MethodPost, path, map[string]any{}), http.StatusNotFound, "not_found")

		w := e.send(agent, http.MethodPost, path, map[string]any{})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		got := decode[apiAutoAssign](t, w)
		require.Equal(t, "amy", got.Assignee)
		require.Equal(t, "amy", got.Ticket.Assignee)
		require.Equal(t, "round_robin", got.Strategy)

		w = e.send(agent, http.MethodPost, path, map[string]any{})
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Equal(t, "already_assigned", decode[apiAutoAssign](t, w).Unassigned)

		own := e.open(ada, map[string]any{"subject": "Mine"})
		requireError(t, e.send(ada, http.MethodPost, "/tickets/"+own.ID+"/auto-assign", map[string]any{}), http.StatusForbidden, "forbidden")
		requireError(t, e.send(agent, http.MethodPost, path, map[string]any{"version": 1}), http.StatusConflict, "version_conflict")
		bad := requireError(t, e.send(agent, http.MethodPost, path, map[string]any{"agent": "me"}), http.StatusBadRequest, "validation_failed")
		require.Equal(t, []string{"agent"}, bad.fieldNames(), "an agent is the pool's to pick")
	})
}
