package intake_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/mailin"
	"github.com/ticketkit/ticketkit/mailin/intake"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := intake.Config{}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"Numberer", got.Numberer, ticket.DefaultNumberer()},
		{"AutoReplies", got.AutoReplies, intake.DefaultPolicy},
		{"Bounces", got.Bounces, intake.DefaultPolicy},
		{"ClaimTimeout", got.ClaimTimeout, intake.DefaultClaimTimeout},
		{"Clock", got.Clock, clock.System()},
		{"Domain", got.Domain, ""},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}
	set := intake.Config{Bounces: intake.PolicyDrop, ClaimTimeout: time.Minute}.WithDefaults()
	require.Equal(t, []any{intake.PolicyDrop, time.Minute}, []any{set.Bounces, set.ClaimTimeout}, "set fields are kept")
}

func TestNew_ReportsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := intake.New(intake.Config{
		Routes:       mailin.Routes{"not an address": {}},
		AutoReplies:  "keep",
		Bounces:      "bounce",
		ClaimTimeout: -1,
	})
	require.ErrorContains(t, err, "intake: invalid Config: ")
	for _, want := range []string{
		"Config.Desk is required",
		"Config.Parser is required",
		"Config.Inbound is required",
		`Config.Routes: `, `"not an address" is not a bare email address`,
		`Config.AutoReplies must be "record" or "drop"`,
		`Config.Bounces must be "record" or "drop"`,
		"Config.ClaimTimeout must not be negative",
	} {
		require.ErrorContains(t, err, want)
	}
	_, err = intake.New(intake.Config{})
	require.ErrorContains(t, err, "Config.Routes is required")
}
