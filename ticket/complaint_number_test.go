package ticket_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestSeriesNumberer(t *testing.T) {
	t.Parallel()
	c := validComplaint()
	c.CreatedAt = time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	c.Details.IssuedAt = time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC)
	c.Details.Responsibility.BusinessUnit = "BU1"
	c.Details.Accounting.Company = "ACME_FR"
	tests := []struct {
		name  string
		f     ticket.SeriesFormat
		scope string
		num   string
	}{
		{"Default", ticket.SeriesFormat{}, "CC-2027", "CC-2027-0042"},
		{"ByBusinessUnit", ticket.SeriesFormat{By: ticket.SeriesByBusinessUnit}, "CC-BU1-2027", "CC-BU1-2027-0042"},
		{"ByCompanyOwnType", ticket.SeriesFormat{Prefix: "RC", By: ticket.SeriesByCompany, Digits: 6}, "RC-ACME_FR-2027", "RC-ACME_FR-2027-000042"},
		{"NoYear", ticket.SeriesFormat{By: ticket.SeriesByBusinessUnit, OmitYear: true, Digits: 1}, "CC-BU1", "CC-BU1-42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := ticket.NewSeriesNumberer(tt.f)
			require.NoError(t, err)
			scope, err := n.Scope(c)
			require.NoError(t, err)
			require.Equal(t, tt.scope, scope, "the series of the year of registration")
			require.Equal(t, tt.num, n.Format(c, 42))
		})
	}

	t.Run("MissingKey", func(t *testing.T) {
		t.Parallel()
		n, err := ticket.NewSeriesNumberer(ticket.SeriesFormat{By: ticket.SeriesByBusinessUnit})
		require.NoError(t, err)
		for _, bu := range []string{"", "BU 1", "BU-1"} {
			c := validComplaint()
			c.Details.Responsibility.BusinessUnit = bu
			_, err = n.Scope(c)
			requireFields(t, err, "complaint.responsibility.business_unit")
		}
	})

	t.Run("BadFormat", func(t *testing.T) {
		t.Parallel()
		_, err := ticket.NewSeriesNumberer(ticket.SeriesFormat{Prefix: "C-C", By: "region", Digits: 13})
		require.ErrorContains(t, err, "Prefix")
		require.ErrorContains(t, err, "By")
		require.ErrorContains(t, err, "Digits")
	})
}
