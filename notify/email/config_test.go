package email_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/email"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	catalog := ticket.DefaultCatalog()
	resolver := &notify.Resolver{Catalog: catalog}
	got := email.Config{From: "Help desk <help@shop.example>", Resolver: resolver}.WithDefaults()
	for _, tt := range []struct {
		field     string
		got, want any
	}{
		{"TLS", got.TLS, email.DefaultTLS},
		{"Port", got.Port, email.DefaultPort},
		{"Domain", got.Domain, "shop.example"},
		{"Templates", got.Templates != nil, true},
		{"Catalog", got.Catalog, catalog},
		{"Timeout", got.Timeout, email.DefaultTimeout},
		{"Host", got.Host, ""},
	} {
		require.Equal(t, tt.want, tt.got, "Config.%s", tt.field)
	}

	implicit := email.Config{TLS: email.TLSImplicit}.WithDefaults()
	require.Equal(t, email.DefaultImplicitTLSPort, implicit.Port, "Config.Port with TLSImplicit")
	zero := email.Config{}.WithDefaults()
	require.Empty(t, zero.Domain, "no From, no Domain")
	require.Nil(t, zero.Catalog, "no Resolver, no Catalog")
	set := email.Config{Port: 2525, Domain: "mail.example", Timeout: time.Second}.WithDefaults()
	require.Equal(t, []any{2525, "mail.example", time.Second}, []any{set.Port, set.Domain, set.Timeout}, "set fields are kept")
}

func TestNew_ReportsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := email.New(email.Config{Port: 70000, TLS: "maybe", From: "help desk", Timeout: -1})
	require.ErrorContains(t, err, "email: invalid Config: ")
	for _, want := range []string{
		"Config.Host is required",
		"Config.Port 70000 is out of range",
		`Config.TLS "maybe" is not one of`,
		`Config.From "help desk" is not an email address`,
		"Config.Resolver is required",
		"Config.Timeout must not be negative",
	} {
		require.ErrorContains(t, err, want)
	}
}
