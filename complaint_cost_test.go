package ticketkit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// usdToEUR is a host rate source that knows one rate.
var usdToEUR = ticket.RateSourceFunc(func(from, to string, _ time.Time) (decimal.Decimal, error) {
	if from == "USD" && to == "EUR" {
		return decimal.RequireFromString("0.92345"), nil
	}
	return decimal.Decimal{}, errors.New("no rate")
})

// addCost records a cost and returns the complaint.
func addCost(t *testing.T, cd *complaintDesk, id string, kind ticket.CostKind, amount, cur string) *ticket.Complaint {
	t.Helper()
	c, err := cd.desk.ComplaintCostAdd(t.Context(), agent, ticketkit.ComplaintCostAddParams{
		ComplaintID: id, Kind: kind, Amount: decimal.RequireFromString(amount), Currency: cur, Note: string(kind) + " note",
	})
	require.NoError(t, err)
	return c
}

// requireTotals requires totals to be exactly want, "55.75 EUR" each.
func requireTotals(t *testing.T, want []string, got []ticket.CurrencyTotal) {
	t.Helper()
	texts := make([]string, len(got))
	for i, tot := range got {
		texts[i] = tot.Total.StringFixed(2) + " " + tot.Currency
	}
	require.Equal(t, want, texts)
}

// TestDesk_ComplaintCosts adds, lists and removes the costs of a
// complaint (ComplaintCostAdd, ComplaintCostList, ComplaintCostRemove).
func TestDesk_ComplaintCosts(t *testing.T) {
	t.Parallel()
	t.Run("AddedAndRemovedWithHistoryAndExactTotals", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			addCost(t, cd, c.ID, ticket.CostLabour, "45.50", "EUR")
			got := addCost(t, cd, c.ID, ticket.CostFreight, "20.00", "USD")
			got = addCost(t, cd, got.ID, "travel", "10.25", "EUR") // a host kind
			require.Len(t, got.Details.Costs, 3)
			require.Equal(t, agent.ID, got.Details.Costs[0].By)
			require.Equal(t, t0, got.Details.Costs[0].At.UTC())

			costs, err := cd.desk.ComplaintCostList(ctx, agent, ticketkit.ComplaintCostListParams{
				ComplaintID: c.ID, Convert: ticketkit.Conversion{Currency: "EUR", Rates: usdToEUR},
			})
			require.NoError(t, err)
			requireTotals(t, []string{"55.75 EUR", "20.00 USD"}, costs.Totals)
			// 55.75 + 20 × 0.92345 = 74.219, rounded once to 74.22.
			require.Equal(t, "74.22", costs.Converted.String())

			hist, err := cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			var lines []*ticket.Event
			for _, e := range hist {
				if e.Field == ticket.FieldCosts {
					lines = append(lines, e)
				}
			}
			require.Len(t, lines, 3)
			require.Equal(t, "freight 20.00 USD by agent-1 at 2026-03-02T09:00:00Z (freight note)", lines[1].New)

			freight := got.Details.Costs[1].ID
			got, err = cd.desk.ComplaintCostRemove(ctx, agent, ticketkit.ComplaintCostRemoveParams{ComplaintID: c.ID, CostID: freight})
			require.NoError(t, err)
			requireTotals(t, []string{"55.75 EUR"}, ticket.CostTotals(got.Details.Costs))
			hist, err = cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			last := hist[len(hist)-1]
			require.Equal(t, ticket.FieldCosts, last.Field)
			require.Contains(t, last.Old, "freight 20.00 USD")
			require.Empty(t, last.New)

			_, err = cd.desk.ComplaintCostRemove(ctx, agent, ticketkit.ComplaintCostRemoveParams{ComplaintID: c.ID, CostID: freight})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
		})
	})

	t.Run("CustomersNeverSeeCosts", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			addCost(t, cd, c.ID, ticket.CostScrap, "5.00", "EUR")
			mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			require.Empty(t, mine.Details.Costs)
			page, err := cd.desk.ComplaintJournal(ctx, customer, ticketkit.ComplaintJournalParams{})
			require.NoError(t, err)
			require.NotEmpty(t, page.Complaints)
			for _, x := range page.Complaints {
				require.Empty(t, x.Details.Costs)
			}
			_, err = cd.desk.ComplaintCostList(ctx, customer, ticketkit.ComplaintCostListParams{ComplaintID: c.ID})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = cd.desk.ComplaintCostAdd(ctx, customer, ticketkit.ComplaintCostAddParams{
				ComplaintID: c.ID, Kind: ticket.CostOther, Amount: decimal.NewFromInt(1), Currency: "EUR",
			})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = cd.desk.ComplaintCostReport(ctx, customer, ticketkit.ComplaintCostReportParams{})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
		})
	})

	t.Run("BadEntriesNameTheirFields", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			addCost(t, cd, c.ID, ticket.CostLabour, "45.50", "EUR")
			_, err := cd.desk.ComplaintCostAdd(ctx, agent, ticketkit.ComplaintCostAddParams{
				ComplaintID: c.ID, Kind: "Labour!", Amount: decimal.RequireFromString("-1"), Currency: "EURO",
			})
			var v *ticket.ValidationError
			require.ErrorAs(t, err, &v)
			require.ElementsMatch(t, []string{"kind", "amount", "currency"}, fieldNames(v))
			_, err = cd.desk.ComplaintCostAdd(ctx, agent, ticketkit.ComplaintCostAddParams{
				ComplaintID: c.ID, Kind: ticket.CostLabour, Amount: decimal.RequireFromString("1.5"), Currency: "JPY",
			})
			require.ErrorAs(t, err, &v)
			require.Equal(t, []string{"amount"}, fieldNames(v), "JPY has no decimals")
			_, err = cd.desk.ComplaintCostList(ctx, agent, ticketkit.ComplaintCostListParams{
				ComplaintID: c.ID, Convert: ticketkit.Conversion{Currency: "EUR"},
			})
			require.NoError(t, err, "all in EUR: no rates needed")
		})
	})

	t.Run("TxVariantRollsBackWithTheHost", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, _ := setupComplaint(t, b)
			other := cd.open(t)
			rollback := errors.New("host rolls back")
			err := cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				got, err := cd.desk.ComplaintCostAddTx(ctx, tx, agent, ticketkit.ComplaintCostAddParams{
					ComplaintID: other.ID, Kind: ticket.CostRework, Amount: decimal.NewFromInt(7), Currency: "EUR",
				})
				require.NoError(t, err)
				require.Len(t, got.Details.Costs, 1)
				return rollback
			})
			require.ErrorIs(t, err, rollback)
			after, err := cd.desk.ComplaintGet(ctx, agent, other.ID)
			require.NoError(t, err)
			require.Empty(t, after.Details.Costs)
			require.Equal(t, other.Version, after.Version)
		})
	})

	t.Run("PostedComplaintsKeepTheirCosts", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, _ := setupComplaint(t, b)
			p := cd.toFulfilled(t, cd.open(t))
			p = addCost(t, cd, p.ID, ticket.CostLabour, "1.00", "EUR")
			_, err := cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: p.ID})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintCostAdd(ctx, agent, ticketkit.ComplaintCostAddParams{
				ComplaintID: p.ID, Kind: ticket.CostLabour, Amount: decimal.NewFromInt(1), Currency: "EUR",
			})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
			_, err = cd.desk.ComplaintCostRemove(ctx, agent, ticketkit.ComplaintCostRemoveParams{ComplaintID: p.ID, CostID: p.Details.Costs[0].ID})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
		})
	})
}

// TestDesk_ComplaintCostReport totals the costs of complaints by
// customer, product and reason, converted on request.
func TestDesk_ComplaintCostReport(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
		kettle := cd.open(t) // C-1, CR02, KET-1
		addCost(t, cd, kettle.ID, ticket.CostLabour, "40.00", "EUR")
		addCost(t, cd, kettle.ID, ticket.CostFreight, "10.00", "USD")
		toaster, err := cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
			Subject: "Burnt toast", Reason: "CR01", RemedySought: ticket.RemedyRepair,
			Customer: ticket.Customer{ID: "C-2", Name: "Toast Bar", Email: "bar@toast.example"},
			Lines:    []ticket.ComplaintLine{{Product: "TOA-1"}, {Product: "KET-1"}},
		})
		require.NoError(t, err)
		addCost(t, cd, toaster.ID, ticket.CostScrap, "2.50", "EUR")
		_, err = cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{ // no costs
			Subject: "Late", Reason: "CR03", RemedySought: ticket.RemedyRefund,
			Customer: ticket.Customer{ID: "C-3", Name: "Late Co", Email: "late@co.example"},
		})
		require.NoError(t, err)

		r, err := cd.desk.ComplaintCostReport(ctx, agent, ticketkit.ComplaintCostReportParams{
			Convert: ticketkit.Conversion{Currency: "EUR", Rates: usdToEUR},
		})
		require.NoError(t, err)
		require.Equal(t, 3, r.Complaints)
		requireTotals(t, []string{"42.50 EUR", "10.00 USD"}, r.Totals)
		require.Equal(t, "51.73", r.Converted.String(), "42.50 + 9.2345, rounded once")

		row := func(rows []ticketkit.ComplaintCostReportRow, key string) ticketkit.ComplaintCostReportRow {
			t.Helper()
			for _, x := range rows {
				if x.Key == key {
					return x
				}
			}
			t.Fatalf("no row %q in %+v", key, rows)
			return ticketkit.ComplaintCostReportRow{}
		}
		require.Len(t, r.ByCustomer, 2, "C-3 has no costs")
		requireTotals(t, []string{"2.50 EUR"}, row(r.ByCustomer, "C-2").Totals)
		ket := row(r.ByProduct, "KET-1")
		require.Equal(t, 2, ket.Complaints, "both complaints name KET-1")
		requireTotals(t, []string{"42.50 EUR", "10.00 USD"}, ket.Totals)
		require.Equal(t, "2.50", row(r.ByProduct, "TOA-1").Converted.StringFixed(2))
		requireTotals(t, []string{"40.00 EUR", "10.00 USD"}, row(r.ByReason, "CR02").Totals)

		only, err := cd.desk.ComplaintCostReport(ctx, agent, ticketkit.ComplaintCostReportParams{
			ComplaintReportParams: ticketkit.ComplaintReportParams{CustomerID: "C-2"},
		})
		require.NoError(t, err)
		require.Equal(t, 1, only.Complaints)
		require.Nil(t, only.Converted, "no conversion asked")
		requireTotals(t, []string{"2.50 EUR"}, only.Totals)

		_, err = cd.desk.ComplaintCostReport(ctx, agent, ticketkit.ComplaintCostReportParams{Convert: ticketkit.Conversion{Currency: "EUR"}})
		require.Error(t, err, "USD costs and no rate source")
	})
}
