package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestCatalogDisplay(t *testing.T) {
	t.Parallel()
	t.Run("DefaultsToText", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, ticket.Display{Statuses: ticket.DisplayText, Priorities: ticket.DisplayText, Categories: ticket.DisplayText},
			ticket.DefaultCatalog().Display())
	})
	t.Run("ImageNeedsAnIconOnEveryEntry", func(t *testing.T) {
		t.Parallel()
		spec := ticket.DefaultCatalogSpec()
		spec.Display = ticket.Display{Priorities: ticket.DisplayImage, Categories: ticket.DisplayBoth}
		spec.Priorities[0].Label.Icon = "" // the default catalog gives every priority an icon
		for i := range spec.Priorities[1:] {
			spec.Priorities[i+1].Label.Icon = "prio-" + spec.Priorities[i+1].Code + ".svg"
		}
		_, err := ticket.NewCatalog(spec)
		var ce *ticket.CatalogError
		require.ErrorAs(t, err, &ce)
		require.Len(t, ce.Problems, 1+len(spec.Categories))
		require.Contains(t, ce.Problems[0], `priority "low"`)
		require.Contains(t, ce.Problems[0], `display.priorities is "image"`)

		spec.Priorities[0].Label.Icon = "prio-low.svg"
		for i := range spec.Categories {
			spec.Categories[i].Label.Icon = "cat.svg"
		}
		c, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		require.Equal(t, ticket.Display{Statuses: ticket.DisplayText, Priorities: ticket.DisplayImage, Categories: ticket.DisplayBoth}, c.Display())
		require.Equal(t, spec.Display, c.Spec().Display)
		other, err := ticket.NewCatalog(c.Spec())
		require.NoError(t, err)
		require.True(t, c.Equal(other))
		asText := c.Spec()
		asText.Display = ticket.Display{}
		textOnly, err := ticket.NewCatalog(asText)
		require.NoError(t, err)
		require.False(t, c.Equal(textOnly), "the display is part of the catalog")
	})
	t.Run("DefaultStatusesAndPrioritiesHaveColoursAndIcons", func(t *testing.T) {
		t.Parallel()
		c := ticket.DefaultCatalog()
		var labels []ticket.Label
		for _, s := range c.Statuses() {
			labels = append(labels, s.Label)
		}
		for _, p := range c.Priorities() {
			labels = append(labels, p.Label)
		}
		colours := map[string]bool{}
		for _, l := range labels {
			require.Regexp(t, `^#[0-9a-f]{6}$`, l.Color, l.Text)
			require.Regexp(t, `^[a-z0-9-]+$`, l.Icon, l.Text)
			colours[l.Color] = true
		}
		require.Greater(t, len(colours), 4, "the badges tell statuses apart by colour")
		spec := ticket.DefaultCatalogSpec()
		spec.Display = ticket.Display{Statuses: ticket.DisplayImage, Priorities: ticket.DisplayImage}
		_, err := ticket.NewCatalog(spec)
		require.NoError(t, err, "statuses and priorities can be shown as icons alone")
	})
	t.Run("UnknownValue", func(t *testing.T) {
		t.Parallel()
		spec := ticket.DefaultCatalogSpec()
		spec.Display.Statuses = "emoji"
		_, err := ticket.NewCatalog(spec)
		var ce *ticket.CatalogError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, []string{`display.statuses: invalid value "emoji" (want one of "text", "image", "both")`}, ce.Problems)
	})
}
