package mailin

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoutesMatch(t *testing.T) {
	t.Parallel()
	routes := Routes{
		"Support@Acme.Example":        {TenantID: "acme", Department: "support"},
		"billing@acme.example":        {TenantID: "acme", Department: "billing"},
		"support+vip@acme.example":    {TenantID: "acme", Department: "vip"},
		"help@globex.example":         {TenantID: "globex"},
		"intake-acme@desk.ticket.kit": {TenantID: "acme", Department: "intake"},
	}
	require.NoError(t, routes.Validate())
	addrs := func(list ...string) []Address {
		var out []Address
		for _, a := range list {
			out = append(out, Address{Address: a})
		}
		return out
	}
	tests := []struct {
		name string
		in   Inbound
		want RouteMatch
		ok   bool
	}{
		{"ToMatchesIgnoringCase", Inbound{To: addrs("support@acme.example")},
			RouteMatch{Route: Route{"acme", "support"}, Address: "support@acme.example"}, true},
		{"FirstKnownRecipientWins", Inbound{To: addrs("someone@example.com", "billing@acme.example"), Cc: addrs("support@acme.example")},
			RouteMatch{Route: Route{"acme", "billing"}, Address: "billing@acme.example"}, true},
		{"ToBeatsCc", Inbound{To: addrs("help@globex.example"), Cc: addrs("support@acme.example")},
			RouteMatch{Route: Route{TenantID: "globex"}, Address: "help@globex.example"}, true},
		{"CcMatches", Inbound{To: addrs("anna@example.com"), Cc: addrs("billing@acme.example")},
			RouteMatch{Route: Route{"acme", "billing"}, Address: "billing@acme.example"}, true},
		{"DeliveredToForBcc", Inbound{To: addrs("list@example.com"), DeliveredTo: []string{"intake-acme@desk.ticket.kit"}},
			RouteMatch{Route: Route{"acme", "intake"}, Address: "intake-acme@desk.ticket.kit"}, true},
		{"OriginalTo", Inbound{OriginalTo: []string{"help@globex.example"}},
			RouteMatch{Route: Route{TenantID: "globex"}, Address: "help@globex.example"}, true},
		{"PlusTagFallsBackToMailbox", Inbound{To: addrs("support+order-77@acme.example")},
			RouteMatch{Route: Route{"acme", "support"}, Address: "support+order-77@acme.example"}, true},
		{"TaggedKeyBeatsMailbox", Inbound{To: addrs("support+vip@acme.example")},
			RouteMatch{Route: Route{"acme", "vip"}, Address: "support+vip@acme.example"}, true},
		{"UnknownMailbox", Inbound{To: addrs("sales@acme.example")}, RouteMatch{}, false},
		{"NoRecipients", Inbound{}, RouteMatch{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := routes.Match(tt.in)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.want, got)
		})
	}
	_, ok := Routes(nil).Match(Inbound{To: addrs("support@acme.example")})
	require.False(t, ok)
}

func TestRoutesMatchCorpus(t *testing.T) {
	t.Parallel()
	routes := Routes{"support@acme.example": {TenantID: "acme"}, testOwn: {TenantID: "acme", Department: "replies"}}
	p := newTestParser(t, Config{})
	m, ok := routes.Match(parseFile(t, p, "plain.eml"))
	require.True(t, ok)
	require.Equal(t, "support@acme.example", m.Address)
	m, ok = routes.Match(parseFile(t, p, "vacation.eml"))
	require.True(t, ok)
	require.Equal(t, "replies", m.Department)
}

func TestRoutesValidate(t *testing.T) {
	t.Parallel()
	err := Routes{
		"Support <support@acme.example>": {TenantID: "acme"},
		"billing@acme.example":           {},
		"help@acme.example":              {TenantID: "acme"},
		"HELP@acme.example":              {TenantID: "acme"},
	}.Validate()
	require.EqualError(t, err, `mailin: invalid routes: "Support <support@acme.example>" is not a bare email address; `+
		`"billing@acme.example" has no TenantID; "HELP@acme.example" and "help@acme.example" differ only in case`)
}
