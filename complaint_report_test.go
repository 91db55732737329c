package ticketkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_ComplaintReportValidatesParams checks that the complaint
// report (and the cost report, which selects the same way) refuses bad
// parameters with a *ValidationError naming every bad field, as the
// journal and SLAReport do, on every backend, and still reports what
// good parameters select.
func TestDesk_ComplaintReportValidatesParams(t *testing.T) {
	ctx := context.Background()
	tooMany := make([]string, ticket.MaxItems+1)
	for i := range tooMany {
		tooMany[i] = ticket.StatusRegistered
	}
	day := t0.Add(-24 * time.Hour)
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			cd.open(t)

			tests := []struct {
				name string
				p    ticketkit.ComplaintReportParams
				want []string
			}{
				{"UnknownStatus", ticketkit.ComplaintReportParams{Statuses: []string{ticket.StatusRegistered, "nope"}}, []string{"statuses[1]"}},
				{"TicketStatusIsNotAComplaintStatus", ticketkit.ComplaintReportParams{Statuses: []string{"open"}}, []string{"statuses[0]"}},
				{"UnknownReason", ticketkit.ComplaintReportParams{Reasons: []string{"CR99"}}, []string{"reasons[0]"}},
				{"TooManyStatuses", ticketkit.ComplaintReportParams{Statuses: tooMany}, []string{"statuses"}},
				{"TooManyReasons", ticketkit.ComplaintReportParams{Reasons: tooMany[:ticket.MaxItems+1]}, []string{"reasons"}},
				{"OversizeCustomerID", ticketkit.ComplaintReportParams{CustomerID: strings.Repeat("c", 201)}, []string{"customer_id"}},
				{"ReversedDates", ticketkit.ComplaintReportParams{IssuedFrom: day, IssuedTo: day.Add(-time.Hour)}, []string{"issued_to"}},
				{"EmptyDateRange", ticketkit.ComplaintReportParams{IssuedFrom: day, IssuedTo: day}, []string{"issued_to"}},
				{"EveryFieldAtOnce", ticketkit.ComplaintReportParams{
					Statuses: []string{"nope"}, Reasons: []string{"CR99"}, CustomerID: strings.Repeat("c", 201),
					IssuedFrom: day, IssuedTo: day.Add(-time.Hour),
				}, []string{"statuses[0]", "reasons[0]", "customer_id", "issued_to"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rep, err := cd.desk.ComplaintReport(ctx, agent, tt.p)
					require.Nil(t, rep)
					require.ElementsMatch(t, tt.want, validationFields(t, err), "%+v", tt.p)
					cost, err := cd.desk.ComplaintCostReport(ctx, agent, ticketkit.ComplaintCostReportParams{ComplaintReportParams: tt.p})
					require.Nil(t, cost)
					require.ElementsMatch(t, tt.want, validationFields(t, err), "cost report %+v", tt.p)
				})
			}

			// Good parameters, at the edges: one instant, no reason, the
			// longest ID, a full list.
			full := make([]string, ticket.MaxItems)
			for i := range full {
				full[i] = ticket.StatusRegistered
			}
			for i, p := range []ticketkit.ComplaintReportParams{
				{},
				{Statuses: full, Reasons: []string{"CR02", ""}, IssuedFrom: t0.Add(-time.Hour), IssuedTo: t0.Add(time.Hour)},
				{CustomerID: "C-1"},
			} {
				rep, err := cd.desk.ComplaintReport(ctx, agent, p)
				require.NoError(t, err, "params %d", i)
				require.Equal(t, 1, rep.Complaints, "params %d", i)
			}
			for i, p := range []ticketkit.ComplaintReportParams{
				{CustomerID: strings.Repeat("c", 200)},
				{Statuses: []string{ticket.StatusPosted}},
				{IssuedTo: t0.Add(-time.Hour)},
			} {
				rep, err := cd.desk.ComplaintReport(ctx, agent, p)
				require.NoError(t, err, fmt.Sprintf("empty selection %d", i))
				require.Zero(t, rep.Complaints, "empty selection %d", i)
			}
			_, err := cd.desk.ComplaintReport(ctx, customer, ticketkit.ComplaintReportParams{Statuses: []string{"nope"}})
			require.ErrorIs(t, err, ticketkit.ErrForbidden, "a customer is refused before the params are looked at")
		})
	}
}
