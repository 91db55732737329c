package ticketkit_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_ComplaintOpen opens complaints.
func TestDesk_ComplaintOpen(t *testing.T) {
	t.Parallel()

	t.Run("ComplaintsOffWithoutConfig", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t)})
		require.NoError(t, err)
		_, err = desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{})
		require.ErrorIs(t, err, ticketkit.ErrComplaintsOff)
	})

	// NumberingSeries numbers complaints per business unit and year: each
	// series counts from 1 without a gap, also when complaints are opened
	// concurrently, a complaint that lacks its series' business unit is
	// refused naming the field and uses no number, and plain tickets keep
	// their own numbers.
	t.Run("NumberingSeries", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			series, err := ticket.NewSeriesNumberer(ticket.SeriesFormat{By: ticket.SeriesByBusinessUnit})
			require.NoError(t, err)
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Clock: clock.NewFake(t0), Complaints: &ticketkit.ComplaintConfig{
				Numbering: series,
			}})
			require.NoError(t, err)
			open := func(unit string) (*ticket.Complaint, error) {
				return desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
					Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect, RemedySought: ticket.RemedyReplacement,
					Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop"}, Responsibility: ticket.Responsibility{BusinessUnit: unit},
				})
			}
			c, err := open("BU1")
			require.NoError(t, err)
			require.Equal(t, "CC-BU1-2026-0001", c.Number)
			_, err = open("")
			require.Equal(t, []string{"complaint.responsibility.business_unit"}, validationFields(t, err))
			c, err = open("BU2")
			require.NoError(t, err)
			require.Equal(t, "CC-BU2-2026-0001", c.Number, "each business unit has its own series")
			plain, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "plain"})
			require.NoError(t, err)
			require.Equal(t, "TK-2026-000001", plain.Number, "tickets keep their numbers")

			const n = 6
			var wg sync.WaitGroup
			got, errs := make(chan string, n), make(chan error, n)
			for range n {
				wg.Go(func() {
					c, err := open("BU1")
					if err != nil {
						errs <- err
						return
					}
					got <- c.Number
				})
			}
			wg.Wait()
			close(got)
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			var numbers []string
			for num := range got {
				numbers = append(numbers, num)
			}
			var want []string
			for i := 2; i <= n+1; i++ {
				want = append(want, fmt.Sprintf("CC-BU1-2026-%04d", i))
			}
			require.ElementsMatch(t, want, numbers, "gap-free and unique under concurrency")
			found, err := desk.Search(ctx, agent, ticketkit.SearchParams{Number: "CC-BU1-2026-0003"})
			require.NoError(t, err)
			require.Len(t, found.Tickets, 1, "a complaint is found by its number")
		})
	})

	// SourceKeepsGivenLines is the regression test of lines lost at open:
	// a complaint opened from a source document with lines of its own
	// kept the document's lines (with a resolver) or none at all (without
	// one), silently dropping what the clerk typed.
	given := []ticket.ComplaintLine{{Product: "CUP-9", Batch: "B-2", Quantity: decimal.RequireFromString("3"), Unit: "pcs"}}
	// openFromInvoice opens a complaint from INV-1 with lines and reads
	// it back.
	openFromInvoice := func(t *testing.T, desk *ticketkit.Desk, lines []ticket.ComplaintLine) *ticket.Complaint {
		t.Helper()
		c, err := desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{
			Subject: "Chipped cups", Reason: "CR02", RemedySought: ticket.RemedyCreditNote,
			Source: invoice, Lines: lines, Customer: ticket.Customer{ID: "C-1", Name: "Roe Retail"},
		})
		require.NoError(t, err)
		got, err := desk.ComplaintGet(t.Context(), agent, c.ID)
		require.NoError(t, err)
		return got
	}
	requireLines := func(t *testing.T, want []ticket.ComplaintLine, got *ticket.Complaint) {
		t.Helper()
		require.Len(t, got.Details.Lines, len(want))
		for i, l := range got.Details.Lines {
			require.Equal(t, i+1, l.No)
			require.Equal(t, want[i].Product, l.Product)
			require.Equal(t, want[i].Batch, l.Batch)
			require.True(t, want[i].Quantity.Equal(l.Quantity), "quantity of line %d", l.No)
		}
	}

	t.Run("SourceKeepsGivenLinesWithResolver", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c := openFromInvoice(t, cd.desk, given)
			requireLines(t, given, c)
			require.Equal(t, "C-1", c.Customer.ID, "the rest still comes from the invoice")

			c = openFromInvoice(t, cd.desk, nil)
			require.NotEmpty(t, c.Details.Lines, "without lines the invoice's are taken")
			require.NotEqual(t, "CUP-9", c.Details.Lines[0].Product)
		})
	})
	t.Run("SourceKeepsGivenLinesWithoutResolver", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Complaints: &ticketkit.ComplaintConfig{}})
			require.NoError(t, err)
			c := openFromInvoice(t, desk, given)
			requireLines(t, given, c)
			require.Equal(t, invoice.ID, c.Details.Source.ID)
		})
	})
}
