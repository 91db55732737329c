package ticketkit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestOpenComplaint_NumberingSeries numbers complaints per business
// unit and year on every backend: each series counts from 1 without a
// gap, also when complaints are opened concurrently, a complaint that
// lacks its series' business unit is refused naming the field and uses
// no number, and plain tickets keep their own numbers.
func TestOpenComplaint_NumberingSeries(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
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
	}
}
