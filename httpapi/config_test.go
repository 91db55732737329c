package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/httpapi"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	got := httpapi.Config{}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"MaxBodySize", got.MaxBodySize, httpapi.DefaultMaxBodySize},
		{"MaxUploadSize", got.MaxUploadSize, httpapi.DefaultMaxUploadSize},
		{"MaxQuerySize", got.MaxQuerySize, httpapi.DefaultMaxQuerySize},
		{"CORS.AllowedHeaders", got.CORS.AllowedHeaders, httpapi.DefaultCORSAllowedHeaders()},
		{"CORS.MaxAge", got.CORS.MaxAge, httpapi.DefaultCORSMaxAge},
		{"Challenge", got.Challenge, httpapi.DefaultChallenge},
		{"Logger", got.Logger != nil, true},
		{"CORS.AllowedOrigins", got.CORS.AllowedOrigins, []string(nil)},
		{"AllowSameSite", got.AllowSameSite, false},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}
	set := httpapi.Config{MaxQuerySize: 10, CORS: httpapi.CORS{AllowedHeaders: []string{"X-A"}}}.WithDefaults()
	require.Equal(t, []any{10, []string{"X-A"}}, []any{set.MaxQuerySize, set.CORS.AllowedHeaders}, "set fields are kept")
}

func TestNew_ReportsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := httpapi.New(httpapi.Config{
		MaxBodySize: -1, MaxUploadSize: -1, MaxQuerySize: -1,
		TrustedOrigins: []string{"not an origin"},
		CORS:           httpapi.CORS{MaxAge: -1},
		Challenge:      "Bearer\x00",
	})
	require.ErrorContains(t, err, "httpapi: invalid Config: ")
	for _, want := range []string{
		"Config.Desk is required",
		"Config.Authenticate is required",
		"Config.MaxBodySize must not be negative",
		"Config.MaxUploadSize must not be negative",
		"Config.MaxQuerySize must not be negative",
		"Config.TrustedOrigins: ",
		"Config.CORS.MaxAge must not be negative",
		"Config.Challenge must not hold control characters",
	} {
		require.ErrorContains(t, err, want)
	}
}
