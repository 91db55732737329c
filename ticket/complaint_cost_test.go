package ticket_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestConvertTotals(t *testing.T) {
	t.Parallel()
	rate := func(r string) ticket.RateSource {
		return ticket.RateSourceFunc(func(string, string, time.Time) (decimal.Decimal, error) {
			return decimal.RequireFromString(r), nil
		})
	}
	tot := func(amount, cur string) ticket.CurrencyTotal {
		return ticket.CurrencyTotal{Currency: cur, Total: decimal.RequireFromString(amount), Count: 1}
	}
	tests := []struct {
		name   string
		totals []ticket.CurrencyTotal
		to     string
		rates  ticket.RateSource
		want   string
	}{
		{"SameCurrencyNeedsNoRates", []ticket.CurrencyTotal{tot("10.10", "EUR")}, "EUR", nil, "10.1"},
		// 0.005 + 0.005 = 0.01: rounding each product first would give 0.02.
		{"RoundsTheSumOnce", []ticket.CurrencyTotal{tot("0.01", "CHF"), tot("0.01", "USD")}, "EUR", rate("0.5"), "0.01"},
		{"HalfAwayFromZero", []ticket.CurrencyTotal{tot("0.01", "USD")}, "EUR", rate("0.5"), "0.01"},
		{"ToTheTargetsDecimals", []ticket.CurrencyTotal{tot("10.00", "EUR")}, "JPY", rate("161.255"), "1613"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ConvertTotals(tt.totals, tt.to, time.Time{}, tt.rates)
			require.NoError(t, err)
			require.Equal(t, tt.want, got.String())
		})
	}
	t.Run("Failures", func(t *testing.T) {
		t.Parallel()
		usd := []ticket.CurrencyTotal{tot("1", "USD")}
		_, err := ticket.ConvertTotals(usd, "EUR", time.Time{}, nil)
		require.Error(t, err, "no rate source")
		_, err = ticket.ConvertTotals(usd, "EUR", time.Time{}, rate("0"))
		require.Error(t, err, "rate not positive")
		broken := errors.New("feed down")
		_, err = ticket.ConvertTotals(usd, "EUR", time.Time{}, ticket.RateSourceFunc(func(string, string, time.Time) (decimal.Decimal, error) {
			return decimal.Decimal{}, broken
		}))
		require.ErrorIs(t, err, broken)
		_, err = ticket.ConvertTotals(usd, "EURO", time.Time{}, rate("1"))
		var v *ticket.ValidationError
		require.ErrorAs(t, err, &v)
	})
}

func TestCostEntry_Check(t *testing.T) {
	t.Parallel()
	ok := ticket.CostEntry{ID: "c-1", Kind: "travel", Amount: decimal.RequireFromString("1.50"), Currency: "EUR", By: "u-1", At: time.Unix(1, 0)}
	require.NoError(t, ok.Check())
	bad := ticket.CostEntry{Kind: "Travel", Amount: decimal.RequireFromString("1.505"), Currency: "EUR"}
	var v *ticket.ValidationError
	require.ErrorAs(t, bad.Check(), &v)
	var fields []string
	for _, f := range v.Fields {
		fields = append(fields, f.Field)
	}
	require.ElementsMatch(t, []string{"id", "kind", "amount", "by", "at"}, fields)

	c := validComplaint()
	c.Details.Costs = []ticket.CostEntry{ok, bad}
	require.ErrorAs(t, ticket.ValidateComplaint(c, ticket.ComplaintCatalog()), &v)
	require.Contains(t, v.Error(), "complaint.costs[1].kind")
}
