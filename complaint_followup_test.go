package ticketkit_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_ComplaintFollowUp follows a complaint up: its reason code and
// the employee in charge.
func TestDesk_ComplaintFollowUp(t *testing.T) {
	t.Parallel()

	// ReasonAtFollowUp: a complaint is logged without a reason
	// code, planned and decided without one, refused at fulfilment by the
	// reason_code_set guard, and fulfilled once ComplaintUpdate gave it one
	// (with its history line); a reason once set cannot be cleared.
	t.Run("ReasonAtFollowUp", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c, err := cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "Leaking kettles", Category: ticket.CategoryDefect, RemedySought: ticket.RemedyCreditNote, Source: invoice,
			})
			require.NoError(t, err, "a complaint is logged without a reason")
			require.Empty(t, c.Reason)
			page, err := cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{Reasons: []string{""}})
			require.NoError(t, err)
			require.Len(t, page.Complaints, 1, "the journal finds complaints still without a reason")

			c.Reason = "" // toFulfilled's last step is refused: reach it by hand
			_, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err, "planned without a reason")
			_, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
				ComplaintID: c.ID, Justified: true, Remedy: ticket.Remedy{Kind: ticket.RemedyReplacement},
			})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			var done []ticketkit.ActionChange
			for _, a := range c.Actions {
				done = append(done, ticketkit.ActionChange{ID: a.ID, Done: new(true)})
			}
			_, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: done})
			require.NoError(t, err)

			fulfil := ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: t0}
			_, err = cd.desk.ComplaintTransition(ctx, agent, fulfil)
			var te *workflow.TransitionError
			require.True(t, errors.As(err, &te), "%v", err)
			require.Equal(t, workflow.GuardReasonCodeSet, te.Guard)

			c, err = cd.desk.ComplaintUpdate(ctx, agent, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Reason: new("CR03")})
			require.NoError(t, err)
			require.Equal(t, "CR03", c.Reason)
			require.Contains(t, historyFields(t, cd, c.ID), ticket.FieldReason)
			c, err = cd.desk.ComplaintTransition(ctx, agent, fulfil)
			require.NoError(t, err)
			require.Equal(t, ticket.StatusFulfilled, c.Status)

			_, err = cd.desk.ComplaintUpdate(ctx, agent, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Reason: new(" ")})
			require.Equal(t, []string{"reason"}, validationFields(t, err), "a reason once set cannot be cleared")
		})
	})

	// EmployeeInChargeIsTheAssignee: the employee in charge is
	// the source of truth and the assignee follows it, whichever side
	// changes, so that Search by assignee finds the complaints in an
	// employee's charge.
	t.Run("EmployeeInChargeIsTheAssignee", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			assigned := func(who string) []string {
				t.Helper()
				res, err := cd.desk.Search(ctx, agent, ticketkit.SearchParams{Assignees: []string{who}})
				require.NoError(t, err)
				return numbers(res.Tickets)
			}
			open := func(p ticketkit.ComplaintOpenParams) (*ticket.Complaint, error) {
				p.Subject, p.Reason, p.Category, p.RemedySought, p.Source = "Leaking kettles", "CR02", ticket.CategoryDefect, ticket.RemedyCreditNote, invoice
				return cd.desk.ComplaintOpen(ctx, agent, p)
			}
			c, err := open(ticketkit.ComplaintOpenParams{Responsibility: ticket.Responsibility{Employee: "emp-7"}})
			require.NoError(t, err)
			require.Equal(t, "emp-7", c.Assignee)
			require.Equal(t, []string{c.Number}, assigned("emp-7"))

			c2, err := open(ticketkit.ComplaintOpenParams{Assignee: "emp-3"})
			require.NoError(t, err)
			require.Equal(t, "emp-3", c2.Details.Responsibility.Employee, "the assignee fills the employee in charge")
			_, err = open(ticketkit.ComplaintOpenParams{Assignee: "emp-3", Responsibility: ticket.Responsibility{Employee: "emp-4"}})
			require.Equal(t, []string{"assignee"}, validationFields(t, err))

			c, err = cd.desk.ComplaintUpdate(ctx, agent, ticketkit.ComplaintUpdateParams{
				ComplaintID: c.ID, Responsibility: &ticket.Responsibility{BusinessUnit: "BU1", Employee: "emp-8"},
			})
			require.NoError(t, err)
			require.Equal(t, "emp-8", c.Assignee)
			require.Empty(t, assigned("emp-7"))
			require.Equal(t, []string{c.Number}, assigned("emp-8"))
			require.Subset(t, historyFields(t, cd, c.ID), []string{ticket.FieldEmployee, ticket.FieldAssignee})

			_, err = cd.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: c.ID, Assignee: new("emp-9")})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, "emp-9", c.Details.Responsibility.Employee, "a generic assignment moves the employee in charge")
			require.Equal(t, "BU1", c.Details.Responsibility.BusinessUnit)
			page, err := cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{Employees: []string{"emp-9"}})
			require.NoError(t, err)
			require.Len(t, page.Complaints, 1)
		})
	})
}

// TestDesk_ComplaintReviewResultAdd records review results.
func TestDesk_ComplaintReviewResultAdd(t *testing.T) {
	t.Parallel()

	// ARecordOfItsOwnThatApprovesNothing: a review result is a record of
	// its own, with text, findings, reviewer and time and a history line; it does
	// not approve the complaint for the supervisor_review rule, and
	// customers do not see it.
	t.Run("ARecordOfItsOwnThatApprovesNothing", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{SupervisorReview: true})
			c := cd.toFulfilled(t, cd.open(t))
			sup := ticketkit.Actor{ID: "sup-1", Role: ticket.RoleSupervisor, TenantID: agent.TenantID}
			c, err := cd.desk.ComplaintReviewResultAdd(ctx, sup, ticketkit.ComplaintReviewResultParams{
				ComplaintID: c.ID, Text: "Returned kettles examined", Findings: []string{" seal cracked ", "batch B-7 only"},
			})
			require.NoError(t, err)
			require.Len(t, c.Details.ReviewResults, 1)
			r := c.Details.ReviewResults[0]
			require.NotEmpty(t, r.ID)
			require.Equal(t, "sup-1", r.By)
			require.Equal(t, t0, r.At.UTC())
			require.Equal(t, []string{"seal cracked", "batch B-7 only"}, r.Findings)
			require.Empty(t, c.Details.Reviews, "a review result is not an approval")
			require.Contains(t, historyFields(t, cd, c.ID), ticket.FieldReviewResults)

			stored, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Details.ReviewResults, stored.Details.ReviewResults)
			mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			require.Empty(t, mine.Details.ReviewResults)

			_, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPosted})
			var te *workflow.TransitionError
			require.True(t, errors.As(err, &te), "%v", err)
			require.Equal(t, workflow.GuardSupervisorReview, te.Guard, "the approval is still required")

			_, err = cd.desk.ComplaintReviewResultAdd(ctx, sup, ticketkit.ComplaintReviewResultParams{ComplaintID: c.ID})
			require.Equal(t, []string{"text"}, validationFields(t, err))
			_, err = cd.desk.ComplaintReviewResultAdd(ctx, customer, ticketkit.ComplaintReviewResultParams{ComplaintID: c.ID, Text: "x"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
		})
	})
}
