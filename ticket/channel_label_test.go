package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestChannelLabel(t *testing.T) {
	t.Parallel()
	for _, c := range ticket.Channels() {
		l := c.Label()
		require.NotEmpty(t, l.Text, c)
		require.NotEqual(t, string(c), l.Text, "%s has a label of its own", c)
		require.NotEmpty(t, l.Translations["fr"], "%s has a French label", c)
	}
	require.Equal(t, "Manual entry", ticket.ChannelManual.Label().In("en-GB"))
	require.Equal(t, "Saisie manuelle", ticket.ChannelManual.Label().In("fr-CA"))
	require.Equal(t, "fax", ticket.Channel("fax").Label().In("fr"), "an unknown channel shows its code")
	require.Empty(t, ticket.Channel("").Label().In("fr"))

	// A caller changing a label changes no one else's.
	l := ticket.ChannelManual.Label()
	l.Translations["fr"] = "changed"
	require.Equal(t, "Saisie manuelle", ticket.ChannelManual.Label().In("fr"))
}

func TestChannelStaffOnly(t *testing.T) {
	t.Parallel()
	var staff []ticket.Channel
	for _, c := range ticket.Channels() {
		if c.StaffOnly() {
			staff = append(staff, c)
		}
	}
	require.Equal(t, []ticket.Channel{ticket.ChannelManual}, staff)
	require.False(t, ticket.Channel("").StaffOnly())
}
