package ticket_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestCatalog_Equal(t *testing.T) {
	t.Parallel()
	build := func(change func(*ticket.CatalogSpec)) *ticket.Catalog {
		spec := ticket.DefaultCatalogSpec()
		change(&spec)
		c, err := ticket.NewCatalog(spec)
		require.NoError(t, err)
		return c
	}
	def := ticket.DefaultCatalog()
	tests := []struct {
		name  string
		a, b  *ticket.Catalog
		equal bool
	}{
		{"Same", def, def, true},
		{"TwoDefaults", ticket.DefaultCatalog(), ticket.DefaultCatalog(), true},
		{"DefaultAndItsSpec", def, build(func(*ticket.CatalogSpec) {}), true},
		{"EmptyTranslationsAreAbsent", build(func(s *ticket.CatalogSpec) { s.Statuses[0].Label.Translations = nil }), build(func(s *ticket.CatalogSpec) {
			s.Statuses[0].Label.Translations = map[string]string{}
			s.Departments = []ticket.Department{}
		}), true},
		{"OtherLabel", def, build(func(s *ticket.CatalogSpec) { s.Statuses[0].Label.Text = "New" }), false},
		{"OtherTranslation", def, build(func(s *ticket.CatalogSpec) {
			s.Statuses[0].Label.Translations = map[string]string{"fr": "Ouvert"}
		}), false},
		{"OtherOrder", def, build(func(s *ticket.CatalogSpec) {
			s.Priorities[0], s.Priorities[3] = s.Priorities[3], s.Priorities[0]
		}), false},
		{"ExtraReason", def, build(func(s *ticket.CatalogSpec) {
			s.Reasons = append(s.Reasons, ticket.ReasonCode{Code: "CR05", Label: ticket.Label{Text: "Other"}})
		}), false},
		{"AllowNewReasons", def, build(func(s *ticket.CatalogSpec) { s.AllowNewReasons = true }), false},
		{"Nil", def, nil, false},
		{"BothNil", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.equal, tt.a.Equal(tt.b))
			require.Equal(t, tt.equal, tt.b.Equal(tt.a), "symmetric")
		})
	}
}
