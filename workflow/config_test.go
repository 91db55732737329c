package workflow_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := workflow.Config{}.WithDefaults()
	require.True(t, got.Catalog.Equal(ticket.DefaultCatalog()), "Config.Catalog")
	require.Empty(t, got.Definition.Transitions, "Config.Definition has no default")
	c := ticket.ComplaintCatalog()
	require.Same(t, c, workflow.Config{Catalog: c}.WithDefaults().Catalog, "a set Catalog is kept")
}

func TestComplaintConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	rules := workflow.ComplaintRules{ClosureReason: true}
	got := workflow.ComplaintConfig{Rules: rules}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"Catalog", got.Catalog.Equal(ticket.ComplaintCatalog()), true},
		{"Definition", got.Definition, workflow.DefaultComplaintDefinition(rules)},
		{"PostedStatus", got.PostedStatus, ticket.StatusPosted},
	} {
		require.Equal(t, tt.want, tt.got, "ComplaintConfig.%s", tt.field)
	}
	def := workflow.DefaultDefinition()
	set := workflow.ComplaintConfig{Definition: def, PostedStatus: "done"}.WithDefaults()
	require.Equal(t, def, set.Definition, "a Definition with transitions is kept")
	require.Equal(t, "done", set.PostedStatus, "a set PostedStatus is kept")
}
