package ticketkit_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// Complaints in Search and in the customer view (issue 13, defects 5
// and 6), on every backend.

// TestDesk_ComplaintSearch finds complaints with Search.
func TestDesk_ComplaintSearch(t *testing.T) {
	t.Parallel()

	// FindsComplaintsByTheirCodesAndCategories searches by
	// status category, complaint status, priority and category: complaints
	// are found with tickets, and their codes are not refused.
	t.Run("FindsComplaintsByTheirCodesAndCategories", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			plain, err := cd.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "plain"})
			require.NoError(t, err)
			for _, tc := range []struct {
				p    ticketkit.SearchParams
				want []string
			}{
				{ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew}}, []string{c.Number, plain.Number}},
				{ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryNew, ticket.CategoryOpen}, Categories: []string{ticket.CategoryDefect}}, []string{c.Number}},
				{ticketkit.SearchParams{Statuses: []string{ticket.StatusRegistered}}, []string{c.Number}},
				{ticketkit.SearchParams{Statuses: []string{ticket.StatusRegistered}, StatusCategories: []ticket.StatusCategory{ticket.CategoryNew}, Priorities: []string{c.Priority}}, []string{c.Number}},
				{ticketkit.SearchParams{StatusCategories: []ticket.StatusCategory{ticket.CategoryClosed}}, nil},
			} {
				res, err := cd.desk.Search(ctx, agent, tc.p)
				require.NoError(t, err, "%+v", tc.p)
				require.ElementsMatch(t, tc.want, numbers(res.Tickets), "%+v", tc.p)
			}
			_, err = cd.desk.Search(ctx, agent, ticketkit.SearchParams{Statuses: []string{"nope"}})
			require.ErrorContains(t, err, "statuses[0]", "unknown codes are still refused")
		})
	})
}
