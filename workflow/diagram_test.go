package workflow_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// smallMachine is a three-status workflow for the diagram goldens.
func smallMachine(t *testing.T) *workflow.Machine {
	t.Helper()
	c, err := ticket.NewCatalog(ticket.CatalogSpec{
		Statuses: []ticket.Status{
			{Code: "new", Label: ticket.Label{Text: "New"}, Category: ticket.CategoryNew, Initial: true},
			{Code: "doing", Label: ticket.Label{Text: "In \"work\""}, Category: ticket.CategoryOpen},
			{Code: "on-hold", Category: ticket.CategoryPending},
			{Code: "done", Label: ticket.Label{Text: "Done"}, Category: ticket.CategoryClosed, Terminal: true},
		},
		Priorities: []ticket.Priority{{Code: "normal"}},
	})
	require.NoError(t, err)
	m, err := workflow.New(workflow.Config{
		Catalog: c,
		Definition: workflow.Definition{
			Name: "small",
			Transitions: []workflow.Transition{
				{Name: "start", From: []string{"new", "on-hold"}, To: "doing", Roles: []ticket.Role{ticket.RoleAgent}},
				{Name: "hold", From: []string{"doing"}, To: "on-hold", Roles: []ticket.Role{ticket.RoleAgent, ticket.RoleSystem}},
				{Name: "finish", From: []string{"*"}, To: "done", Roles: []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor},
					Guards: []string{workflow.GuardReasonRequired}},
			},
			Reopen: &workflow.ReopenRule{To: "doing", Within: workflow.Duration(72 * time.Hour), Roles: []ticket.Role{ticket.RoleSupervisor}},
		},
	})
	require.NoError(t, err)
	return m
}

func TestDiagramsMatchGoldenFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		render func(*workflow.Machine) string
	}{
		{file: "small.mmd", render: (*workflow.Machine).Mermaid},
		{file: "small.dot", render: (*workflow.Machine).Graphviz},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			m := smallMachine(t)
			got := tt.render(m)
			require.Equal(t, got, tt.render(m), "deterministic")
			path := filepath.Join("testdata", tt.file)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), got)
		})
	}
}

func TestMermaidDefaultWorkflow(t *testing.T) {
	t.Parallel()
	out := defaultMachine(t).Mermaid()
	require.Contains(t, out, "stateDiagram-v2\n")
	require.Contains(t, out, "    [*] --> open\n")
	require.Contains(t, out, "    resolved --> closed : close (agent, supervisor, system)\n")
	require.Contains(t, out, "    closed --> in_progress : reopen (agent, supervisor, system)\n")
	require.Contains(t, out, "    closed --> [*]\n")
	require.NotContains(t, out, "(customer")
	require.NotContains(t, out, ", customer")
}

func TestGraphvizUnnamedWorkflow(t *testing.T) {
	t.Parallel()
	d := workflow.DefaultDefinition()
	d.Name = ""
	m, err := workflow.New(workflow.Config{Definition: d})
	require.NoError(t, err)
	out := m.Graphviz()
	require.Contains(t, out, "digraph \"workflow\" {\n")
	require.Contains(t, out, "\t\"closed\" [label=\"Closed\", peripheries=2];\n")
	require.Contains(t, out, "\t\"__start\" -> \"open\";\n")
}
