package ticketkit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// Complaints in Search and in the customer view (issue 13, defects 5
// and 6), on every backend.

// TestSearch_FindsComplaintsByTheirCodesAndCategories searches by
// status category, complaint status, priority and category: complaints
// are found with tickets, and their codes are not refused.
func TestSearch_FindsComplaintsByTheirCodesAndCategories(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c := cd.open(t)
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
	}
}

// TestComplaint_CustomersDoNotSeeRemedyNotes: the remedy's internal
// notes are stripped from a customer's view, kept for staff.
func TestComplaint_CustomersDoNotSeeRemedyNotes(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c := cd.open(t)
			_, err := cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
				ComplaintID: c.ID, Justified: true,
				Remedy: ticket.Remedy{Kind: ticket.RemedyReplacement, Notes: "swap from returns stock, margin too thin for credit"},
			})
			require.NoError(t, err)
			staff, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.NotEmpty(t, staff.Details.Decision.Remedy.Notes)
			mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			require.Equal(t, ticket.RemedyReplacement, mine.Details.Decision.Remedy.Kind)
			require.Empty(t, mine.Details.Decision.Remedy.Notes)
		})
	}
}
