package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// routedMachine runs the default workflow plus "no department before
// verification": departments only once the ticket is in progress (or
// further), for staff, behind the host's "authentic" guard; supervisors
// alone may route to billing; routing to returns clears the assignee.
func routedMachine(t *testing.T) *workflow.Machine {
	t.Helper()
	def := workflow.DefaultDefinition()
	staff := []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}
	def.Routing = []workflow.RoutingRule{
		{Name: "billing", Field: workflow.RouteDepartment, To: []string{"billing"}, Roles: []ticket.Role{ticket.RoleSupervisor}},
		{Name: "allocate", Field: workflow.RouteDepartment, To: []string{"*"},
			Statuses: []string{ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated},
			Roles:    staff, Guards: []string{"authentic"},
			Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: ""}, Emit: []string{"routed.custom"}}}},
	}
	m, err := workflow.New(workflow.Config{Definition: def, Catalog: testCatalog(), Guards: map[string]workflow.Guard{
		"authentic": func(_ context.Context, in workflow.GuardInput) error {
			if in.Route == nil || in.Route.Field != workflow.RouteDepartment {
				return errors.New("guard called without the routing")
			}
			if in.Ticket.Customer.ID == "" {
				return errors.New("the purchase is not verified")
			}
			return nil
		},
	}})
	require.NoError(t, err)
	return m
}

func TestRouteWithoutRulesAllowsEverything(t *testing.T) {
	t.Parallel()
	m, err := workflow.Default(testCatalog())
	require.NoError(t, err)
	for _, field := range workflow.RouteFields() {
		dec, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: newTicket(ticket.StatusOpen), Actor: agent, Field: field, To: "billing", Now: now})
		require.NoError(t, err, field)
		require.Empty(t, dec.Rule)
		require.Empty(t, dec.Effects)
	}
}

func TestRouteRules(t *testing.T) {
	t.Parallel()
	m := routedMachine(t)
	unverified := newTicket(ticket.StatusInProgress)
	unverified.Customer = ticket.Customer{}
	tests := []struct {
		name     string
		tk       *ticket.Ticket
		actor    ticket.Actor
		field    string
		to       string
		sentinel error
		rule     string
		guard    string
	}{
		{"NoDepartmentBeforeVerification", newTicket(ticket.StatusOpen), agent, workflow.RouteDepartment, "returns", workflow.ErrNoRoute, "", ""},
		{"ClearingIsRoutingToo", newTicket(ticket.StatusOpen), agent, workflow.RouteDepartment, "", workflow.ErrNoRoute, "", ""},
		{"RoleRefused", newTicket(ticket.StatusOpen), agent, workflow.RouteDepartment, "billing", workflow.ErrForbidden, "billing", ""},
		{"CustomerRefused", newTicket(ticket.StatusInProgress), customer, workflow.RouteDepartment, "returns", workflow.ErrForbidden, "allocate", ""},
		{"GuardRefused", unverified, agent, workflow.RouteDepartment, "returns", workflow.ErrGuard, "allocate", "authentic"},
		{"UnknownField", newTicket(ticket.StatusOpen), agent, "priority", "high", workflow.ErrNoRoute, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: tt.tk, Actor: tt.actor, Field: tt.field, To: tt.to, Now: now})
			require.ErrorIs(t, err, tt.sentinel)
			var te *workflow.TransitionError
			require.ErrorAs(t, err, &te)
			require.NotNil(t, te.Route)
			require.Equal(t, tt.field, te.Route.Field)
			require.Equal(t, tt.to, te.Route.To)
			require.Equal(t, tt.rule, te.Rule)
			require.Equal(t, tt.guard, te.Guard)
			require.NotEmpty(t, te.Reason)
			if tt.rule != "" {
				require.Contains(t, te.Error(), `routing rule "`+tt.rule+`"`)
			}
		})
	}

	t.Run("AllowedAppliesEffects", func(t *testing.T) {
		t.Parallel()
		tk := newTicket(ticket.StatusInProgress)
		tk.Assignee = "u-old"
		dec, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: tk, Actor: agent, Field: workflow.RouteDepartment, To: "returns", Now: now})
		require.NoError(t, err)
		require.Equal(t, "allocate", dec.Rule)
		require.Equal(t, workflow.Route{Field: workflow.RouteDepartment, To: "returns"}, dec.Route)
		require.Equal(t, "u-old", tk.Assignee, "Route does not change the ticket")
		dec.Apply(tk, agent, now, nil)
		require.Equal(t, "returns", tk.Department)
		require.Empty(t, tk.Assignee, "the rule's effect cleared the assignee")
		require.Equal(t, []string{"routed.custom"}, dec.Effects[0].Emit)
	})

	t.Run("SupervisorRoutesToBilling", func(t *testing.T) {
		t.Parallel()
		dec, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: newTicket(ticket.StatusOpen), Actor: supervisor, Field: workflow.RouteDepartment, To: "billing", Now: now})
		require.NoError(t, err)
		require.Equal(t, "billing", dec.Rule)
	})

	t.Run("AssigneeIsNotGoverned", func(t *testing.T) {
		t.Parallel()
		_, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: newTicket(ticket.StatusOpen), Actor: agent, Field: workflow.RouteAssignee, To: "u-2", Now: now})
		require.NoError(t, err, "no rule names the assignee: it stays free")
	})
}

func TestRouteActorValue(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultDefinition()
	def.Routing = []workflow.RoutingRule{{Name: "self", Field: workflow.RouteAssignee, To: []string{workflow.ActorValue, ""}, Roles: []ticket.Role{ticket.RoleAgent}}}
	m, err := workflow.New(workflow.Config{Definition: def, Catalog: testCatalog()})
	require.NoError(t, err)
	route := func(to string) error {
		_, err := m.Route(t.Context(), workflow.RouteRequest{Ticket: newTicket(ticket.StatusOpen), Actor: agent, Field: workflow.RouteAssignee, To: to, Now: now})
		return err
	}
	require.NoError(t, route(agent.ID), "agents take tickets themselves")
	require.NoError(t, route(""), "and let them go")
	require.ErrorIs(t, route("u-other"), workflow.ErrNoRoute, "but do not hand them to others")
}

func TestRoutingValidation(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultDefinition()
	def.Routing = []workflow.RoutingRule{
		{Name: "a", Field: "priority", Roles: []ticket.Role{ticket.RoleAgent}},
		{Name: "a", Field: workflow.RouteDepartment, To: []string{"nowhere"}, Statuses: []string{"limbo"},
			Guards: []string{workflow.GuardReasonRequired, "nope"}, Effects: []workflow.Effect{{Set: map[string]string{"colour": "red"}}}},
		{Field: workflow.RouteAssignee, Roles: []ticket.Role{"boss"}},
	}
	_, err := workflow.New(workflow.Config{Definition: def, Catalog: testCatalog()})
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Equal(t, []string{
		`routing rule "a": unknown field "priority" (want department or assignee)`,
		`routing rule "a": duplicate name (routing rules 1 and 2)`,
		`routing rule "a": unknown to department "nowhere"`,
		`routing rule "a": unknown status "limbo"`,
		`routing rule "a": no roles`,
		`routing rule "a": guard "reason_required" cannot pass: routing takes no reason`,
		`routing rule "a": unknown guard "nope"`,
		`routing rule "a": effect 1: unknown set key "colour" (want assignee, department, priority or category)`,
		`routing rule 3: empty name`,
		`routing rule 3: unknown role "boss"`,
	}, de.Problems)
}

func TestRoutingParses(t *testing.T) {
	t.Parallel()
	yml := []byte(`name: store
transitions:
  - {name: start, from: [open], to: in_progress, roles: [agent]}
  - {name: close, from: ["*"], to: closed, roles: [agent], guards: [reason_required]}
  - {name: resolve, from: ["*"], to: resolved, roles: [agent]}
  - {name: wait, from: ["*"], to: waiting, roles: [agent]}
  - {name: escalate, from: ["*"], to: escalated, roles: [agent]}
routing:
  - name: allocate
    field: department
    to: ["*"]
    statuses: [in_progress]
    roles: [agent]
    guards: [assigned]
    effects: [{emit: [allocated]}]
`)
	def, err := workflow.ParseYAML(yml)
	require.NoError(t, err)
	require.Equal(t, []workflow.RoutingRule{{Name: "allocate", Field: "department", To: []string{"*"}, Statuses: []string{"in_progress"},
		Roles: []ticket.Role{ticket.RoleAgent}, Guards: []string{"assigned"}, Effects: []workflow.Effect{{Emit: []string{"allocated"}}}}}, def.Routing)
	_, err = workflow.New(workflow.Config{Definition: def, Catalog: testCatalog()})
	require.NoError(t, err)

	js := []byte(`{"name":"x","transitions":[],"routing":[{"name":"r","field":"assignee","roles":["agent"],"colour":1}]}`)
	_, err = workflow.ParseJSON(js)
	var pe *workflow.ParseError
	require.ErrorAs(t, err, &pe, "unknown members of a routing rule are refused")

	c := def.Clone()
	c.Routing[0].To[0] = "changed"
	require.Equal(t, "*", def.Routing[0].To[0], "Clone copies the routing rules")
}
