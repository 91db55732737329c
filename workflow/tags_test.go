package workflow_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func TestApplyTagEffects(t *testing.T) {
	t.Parallel()
	c := ticket.DefaultCatalog()
	from, _ := c.Status(ticket.StatusOpen)
	to, _ := c.Status(ticket.StatusEscalated)
	tk := &ticket.Ticket{Status: ticket.StatusOpen, Tags: []string{"vip", "waiting"}}
	before := tk.Tags
	workflow.Decision{From: from, To: to, Effects: []workflow.Effect{
		{AddTags: []string{"escalated", "vip"}, RemoveTags: []string{"waiting", "absent"}},
	}}.Apply(tk, agent, now, nil)
	require.Equal(t, []string{"vip", "escalated"}, tk.Tags)
	require.Equal(t, []string{"vip", "waiting"}, before, "the caller's slice is not changed in place")
}

func TestTagEffectsAreValidated(t *testing.T) {
	t.Parallel()
	def := workflow.DefaultDefinition()
	def.Transitions[0].Effects = append(def.Transitions[0].Effects, workflow.Effect{
		AddTags: []string{"ok", " ", "nul\x00"}, RemoveTags: []string{string(make([]byte, 51))},
	})
	_, err := workflow.New(workflow.Config{Definition: def, Catalog: ticket.DefaultCatalog()})
	var de *workflow.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Len(t, de.Problems, 3)
	for _, p := range de.Problems {
		require.Contains(t, p, "a tag is 1 to 50 bytes of text")
	}
}

func TestTagEffectsParse(t *testing.T) {
	t.Parallel()
	def, err := workflow.ParseYAML([]byte(`name: tagging
transitions:
  - {name: escalate, from: ["*"], to: escalated, roles: [agent], effects: [{add_tags: [hot], remove_tags: [cold]}]}
`))
	require.NoError(t, err)
	require.Equal(t, []workflow.Effect{{AddTags: []string{"hot"}, RemoveTags: []string{"cold"}}}, def.Transitions[0].Effects)
}
