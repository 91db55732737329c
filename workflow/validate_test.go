package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestNewAcceptsDefaultDefinition(t *testing.T) {
	t.Parallel()
	m, err := workflow.New(workflow.Config{Definition: workflow.DefaultDefinition()})
	require.NoError(t, err)
	require.Equal(t, workflow.DefaultDefinition(), m.Definition())
	require.Equal(t, ticket.StatusOpen, m.Catalog().InitialStatus().Code, "nil catalog means the default one")

	m, err = workflow.Default(nil)
	require.NoError(t, err)
	require.Equal(t, workflow.DefaultDefinition(), m.Definition())

	c := testCatalog()
	m, err = workflow.Default(c)
	require.NoError(t, err)
	require.Same(t, c, m.Catalog())
}

func TestDefaultFailsOnCatalogWithoutDefaultStatuses(t *testing.T) {
	t.Parallel()
	c, err := ticket.NewCatalog(ticket.CatalogSpec{
		Statuses:   []ticket.Status{{Code: "new", Category: ticket.CategoryNew, Initial: true}},
		Priorities: []ticket.Priority{{Code: "p"}},
	})
	require.NoError(t, err)
	_, err = workflow.Default(c)
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Problems, `transition "start": unknown to status "in_progress"`)
}

func TestNewReportsEachProblem(t *testing.T) {
	t.Parallel()
	okGuard := func(context.Context, workflow.GuardInput) error { return nil }
	tests := []struct {
		name   string
		edit   func(d *workflow.Definition)
		guards map[string]workflow.Guard
		want   []string // exactly these problems, in order
	}{
		{
			name: "EmptyName",
			edit: func(d *workflow.Definition) { d.Transitions[1].Name = " " },
			want: []string{`transition 2: empty name`},
		},
		{
			name: "DuplicateName",
			edit: func(d *workflow.Definition) { d.Transitions[1].Name = "start" },
			want: []string{`transition "start": duplicate name (transitions 1 and 2)`},
		},
		{
			name: "ReservedName",
			edit: func(d *workflow.Definition) { d.Transitions[0].Name = "reopen" },
			want: []string{`transition "reopen": the name is reserved for the reopen rule`},
		},
		{
			name: "UnknownFromStatus",
			edit: func(d *workflow.Definition) { d.Transitions[0].From = append(d.Transitions[0].From, "opne") },
			want: []string{`transition "start": unknown from status "opne"`},
		},
		{
			name: "UnknownToStatusAlsoLeavesTargetUnreachable",
			edit: func(d *workflow.Definition) { d.Transitions[4].To = "clsoed" },
			want: []string{
				`transition "close": unknown to status "clsoed"`,
				`status "closed" is unreachable from initial status "open"`,
			},
		},
		{
			name: "EmptyFrom",
			edit: func(d *workflow.Definition) { d.Transitions[0].From = nil },
			want: []string{`transition "start": empty from`},
		},
		{
			name: "FromTerminalStatus",
			edit: func(d *workflow.Definition) { d.Transitions[0].From = []string{ticket.StatusOpen, ticket.StatusClosed} },
			want: []string{`transition "start": from terminal status "closed" (only the reopen rule may leave it)`},
		},
		{
			name: "FromItself",
			edit: func(d *workflow.Definition) {
				d.Transitions[0].From = append(d.Transitions[0].From, ticket.StatusInProgress)
			},
			want: []string{`transition "start": from "in_progress" to itself`},
		},
		{
			name: "UnreachableStatus",
			edit: func(d *workflow.Definition) { d.Transitions = append(d.Transitions[:2], d.Transitions[3:]...) },
			want: []string{`status "escalated" is unreachable from initial status "open"`},
		},
		{
			name: "NoTransitions",
			edit: func(d *workflow.Definition) { d.Transitions = nil; d.Reopen = nil },
			want: []string{
				`no transitions`,
				`status "in_progress" is unreachable from initial status "open"`,
				`status "waiting" is unreachable from initial status "open"`,
				`status "escalated" is unreachable from initial status "open"`,
				`status "resolved" is unreachable from initial status "open"`,
				`status "closed" is unreachable from initial status "open"`,
			},
		},
		{
			name: "UnknownGuard",
			edit: func(d *workflow.Definition) { d.Transitions[4].Guards = []string{"reason_requried"} },
			want: []string{`transition "close": unknown guard "reason_requried"`},
		},
		{
			name:   "HostGuardShadowsBuiltin",
			guards: map[string]workflow.Guard{workflow.GuardAssigned: okGuard},
			want:   []string{`guard "assigned" shadows a built-in guard`},
		},
		{
			name:   "NilHostGuard",
			edit:   func(d *workflow.Definition) { d.Transitions[0].Guards = []string{"vip"} },
			guards: map[string]workflow.Guard{"vip": nil},
			want:   []string{`guard "vip" is nil`},
		},
		{
			name:   "EmptyHostGuardName",
			guards: map[string]workflow.Guard{"": okGuard},
			want:   []string{`guard with empty name`},
		},
		{
			name: "UnknownRole",
			edit: func(d *workflow.Definition) { d.Transitions[0].Roles = []ticket.Role{ticket.RoleAgent, "janitor"} },
			want: []string{`transition "start": unknown role "janitor"`},
		},
		{
			name: "EmptyRoles",
			edit: func(d *workflow.Definition) { d.Transitions[0].Roles = nil },
			want: []string{`transition "start": no roles`},
		},
		{
			name: "SetUnknownKey",
			edit: func(d *workflow.Definition) {
				d.Transitions[0].Effects = []workflow.Effect{{Set: map[string]string{"owner": "x", "assignee": "$actor"}}}
			},
			want: []string{`transition "start": effect 1: unknown set key "owner" (want assignee, department, priority or category)`},
		},
		{
			name: "SetUnknownCodes",
			edit: func(d *workflow.Definition) {
				d.Transitions[0].Effects = []workflow.Effect{
					{Set: map[string]string{"department": "billing", "priority": "high", "category": "complaint"}},
					{Set: map[string]string{"department": "sales", "priority": "asap", "category": "praise"}},
				}
			},
			want: []string{
				`transition "start": effect 2: unknown category "praise"`,
				`transition "start": effect 2: unknown department "sales"`,
				`transition "start": effect 2: unknown priority "asap"`,
			},
		},
		{
			name: "SetClearsExceptPriority",
			edit: func(d *workflow.Definition) {
				d.Transitions[0].Effects = []workflow.Effect{{Set: map[string]string{"assignee": "", "department": "", "category": "", "priority": ""}}}
			},
			want: []string{`transition "start": effect 1: priority cannot be cleared`},
		},
		{
			name: "BadActions",
			edit: func(d *workflow.Definition) {
				d.Transitions[2].Effects = []workflow.Effect{{AddActions: []ticket.ActionTemplate{
					{Title: "Call the customer", DueIn: "4h"},
					{Title: "", DueIn: "1h"},
					{Title: "Refund", DueIn: "2d"},
					{Title: "Refund", DueIn: "-1h"},
				}}}
			},
			want: []string{
				`transition "escalate": effect 1: action 2: empty title`,
				`transition "escalate": effect 1: action 3: bad due_in "2d" (want a duration such as "48h")`,
				`transition "escalate": effect 1: action 4: bad due_in "-1h" (want a duration such as "48h")`,
			},
		},
		{
			name: "EmptyEmit",
			edit: func(d *workflow.Definition) {
				d.Transitions[2].Effects = []workflow.Effect{{Emit: []string{"escalated_to_manager", ""}}}
			},
			want: []string{`transition "escalate": effect 1: empty emit name`},
		},
		{
			name: "ReopenToTerminal",
			edit: func(d *workflow.Definition) { d.Reopen.To = ticket.StatusClosed },
			want: []string{`reopen: to terminal status "closed"`},
		},
		{
			name: "ReopenToUnknown",
			edit: func(d *workflow.Definition) { d.Reopen.To = "reopened" },
			want: []string{`reopen: unknown to status "reopened"`},
		},
		{
			name: "ReopenBadRolesAndWindow",
			edit: func(d *workflow.Definition) {
				d.Reopen.Roles = nil
				d.Reopen.Within = workflow.Duration(-time.Hour)
			},
			want: []string{`reopen: negative within -1h0m0s`, `reopen: no roles`},
		},
		{
			name: "ReopenUnknownRole",
			edit: func(d *workflow.Definition) { d.Reopen.Roles = []ticket.Role{"owner"} },
			want: []string{`reopen: unknown role "owner"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := workflow.DefaultDefinition()
			if tt.edit != nil {
				tt.edit(&d)
			}
			m, err := workflow.New(workflow.Config{Definition: d, Catalog: testCatalog(), Guards: tt.guards})
			require.Nil(t, m)
			var de *workflow.DefinitionError
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.want, de.Problems)
		})
	}
}

func TestNewReportsAllFourProblemsAtOnce(t *testing.T) {
	t.Parallel()
	d := workflow.DefaultDefinition()
	d.Transitions[1].Name = "start"
	d.Transitions[4].Guards = []string{"manager_approved"}
	d.Transitions[3].Roles = []ticket.Role{"robot"}
	d.Reopen.Within = workflow.Duration(-time.Minute)

	_, err := workflow.New(workflow.Config{Definition: d})
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Equal(t, []string{
		`transition "start": duplicate name (transitions 1 and 2)`,
		`transition "resolve": unknown role "robot"`,
		`transition "close": unknown guard "manager_approved"`,
		`reopen: negative within -1m0s`,
	}, de.Problems)
	require.Equal(t, "workflow: invalid definition: "+
		`transition "start": duplicate name (transitions 1 and 2); `+
		`transition "resolve": unknown role "robot"; `+
		`transition "close": unknown guard "manager_approved"; `+
		`reopen: negative within -1m0s`, err.Error())
}

func TestNewAcceptsValidVariants(t *testing.T) {
	t.Parallel()
	staff := []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor}
	tests := []struct {
		name   string
		def    workflow.Definition
		guards map[string]workflow.Guard
	}{
		{
			// in_progress is reached only through the reopen rule, every
			// other status only through "*".
			name: "WildcardAndReopenCountForReachability",
			def: workflow.Definition{
				Transitions: []workflow.Transition{
					{Name: "wait", From: []string{"*"}, To: ticket.StatusWaiting, Roles: staff},
					{Name: "escalate", From: []string{"*"}, To: ticket.StatusEscalated, Roles: staff},
					{Name: "resolve", From: []string{"*"}, To: ticket.StatusResolved, Roles: staff},
					{Name: "close", From: []string{"*"}, To: ticket.StatusClosed, Roles: staff},
				},
				Reopen: &workflow.ReopenRule{To: ticket.StatusInProgress, Roles: staff},
			},
		},
		{
			name: "HostGuardEffectsAndNoReopen",
			def: workflow.Definition{
				Transitions: []workflow.Transition{
					{
						Name: "take", From: []string{ticket.StatusOpen}, To: ticket.StatusInProgress, Roles: staff,
						Guards: []string{"vip", workflow.GuardCustomerSet},
						Effects: []workflow.Effect{{
							Set:        map[string]string{"assignee": "$actor", "department": "billing", "priority": "high", "category": ""},
							AddActions: []ticket.ActionTemplate{{Title: "Call back", DueIn: "4h", Owner: "$actor"}, {Title: "Note"}},
							Emit:       []string{"taken"},
						}},
					},
					{Name: "other", From: []string{"*"}, To: ticket.StatusWaiting, Roles: staff},
					{Name: "escalate", From: []string{"*"}, To: ticket.StatusEscalated, Roles: staff},
					{Name: "resolve", From: []string{"*"}, To: ticket.StatusResolved, Roles: staff},
					{Name: "close", From: []string{"*"}, To: ticket.StatusClosed, Roles: staff},
				},
			},
			guards: map[string]workflow.Guard{"vip": func(context.Context, workflow.GuardInput) error { return errors.New("no") }},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workflow.New(workflow.Config{Definition: tt.def, Catalog: testCatalog(), Guards: tt.guards})
			require.NoError(t, err)
		})
	}
}

func TestMachineKeepsItsOwnCopyOfTheDefinition(t *testing.T) {
	t.Parallel()
	d := workflow.DefaultDefinition()
	m, err := workflow.New(workflow.Config{Definition: d})
	require.NoError(t, err)

	d.Transitions[0].Roles[0] = ticket.RoleCustomer
	d.Reopen.Roles[0] = ticket.RoleCustomer
	got := m.Definition()
	got.Transitions[0].From[0] = "x"

	require.Equal(t, workflow.DefaultDefinition(), m.Definition())
}
