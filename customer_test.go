package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/ticket"
)

// customerDirectory is the host's customer data of the tests: it knows
// customer C-1 of tenant acme.
var customerDirectory = ticketkit.CustomerDirectoryFunc(func(_ context.Context, tenantID, customerID string) (ticket.Customer, error) {
	if tenantID == "acme" && customerID == "C-1" {
		return ticket.Customer{ID: "ignored", Name: "Jane Roe", Email: "jane@example.com", Mobile: "+33 6 12 34 56 78"}, nil
	}
	return ticket.Customer{}, nil
})

// contactDesk is a desk whose inline notifications land in a mailbox
// that renders them with the default templates.
type contactDesk struct {
	desk *ticketkit.Desk
	mail *notifytest.Mailbox
}

func newContactDesk(t *testing.T, b backend, mods ...func(*ticketkit.Config)) contactDesk {
	t.Helper()
	catalog := fieldCatalog(t)
	mail := notifytest.NewMailbox(&notify.Resolver{Catalog: catalog}, nil, catalog)
	cfg := ticketkit.Config{Store: b.Open(t), Catalog: catalog, Notifier: mail}
	for _, m := range mods {
		m(&cfg)
	}
	desk, err := ticketkit.New(cfg)
	require.NoError(t, err)
	return contactDesk{desk: desk, mail: mail}
}

// fieldCatalog is the default catalog with a public custom field and an
// internal one that is required.
func fieldCatalog(t *testing.T) *ticket.Catalog {
	t.Helper()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "service", Label: ticket.Label{Text: "Service"}}}
	spec.Fields = []ticket.FieldDef{
		{Key: "store", Label: ticket.Label{Text: "Store"}, Type: ticket.FieldText},
		{Key: "margin", Label: ticket.Label{Text: "Margin"}, Type: ticket.FieldNumber, Internal: true, Required: true},
	}
	c, err := ticket.NewCatalog(spec)
	require.NoError(t, err)
	return c
}

// requireRefused checks that err is a *ValidationError that refuses
// exactly fields with rule "forbidden".
func requireRefused(t *testing.T, err error, fields ...string) {
	t.Helper()
	var v *ticket.ValidationError
	require.ErrorAs(t, err, &v)
	var got []string
	for _, fe := range v.Fields {
		require.Equal(t, "forbidden", fe.Rule, "%s", fe.Field)
		got = append(got, fe.Field)
	}
	require.ElementsMatch(t, fields, got)
}

func fieldNames(v *ticket.ValidationError) []string {
	out := make([]string, len(v.Fields))
	for i, fe := range v.Fields {
		out[i] = fe.Field
	}
	return out
}
