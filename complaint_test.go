package ticketkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// complaintDesk is a desk with complaints on one backend.
type complaintDesk struct {
	desk   *ticketkit.Desk
	store  storage.Store
	clock  *clock.Fake
	posted []ticket.RemedyRequest
	fail   error
	// handle, when set, is the remedy handler instead of the one that
	// records into posted.
	handle ticket.RemedyHandlerFunc
}

func newComplaintDesk(t *testing.T, b backend, rules workflow.ComplaintRules) *complaintDesk {
	t.Helper()
	cd := &complaintDesk{store: b.Open(t), clock: clock.NewFake(t0)}
	sources := ticket.SourceResolverFunc(func(_ context.Context, ref ticket.Reference) (ticket.SourceDocument, error) {
		// Returns (RMA): RMA-7 is customer C-1's, RMA-OTHER another's.
		if owner, ok := map[string]string{"RMA-7": "C-1", "RMA-OTHER": "C-2"}[ref.ID]; ok && ref.Kind == ticket.RefReturn {
			return ticket.SourceDocument{Ref: ticket.Reference{Kind: ref.Kind, ID: ref.ID, Label: "Return " + ref.ID},
				Customer: ticket.Customer{ID: owner}}, nil
		}
		if ref.ID != "INV-1" {
			return ticket.SourceDocument{}, ticket.ErrSourceNotFound
		}
		return ticket.SourceDocument{
			Ref: ref, Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop", Email: "buyer@kettle.example"},
			Contacts: []ticket.Contact{{Name: "Jo Buyer", Role: "buyer"}}, Company: "ACME-FR", Contract: "CT-9",
			Currency: "EUR", Salesperson: "sales-1",
			Lines: []ticket.ComplaintLine{{Product: "KET-1", Batch: "B-7", Quantity: decimal.NewFromInt(3)}},
		}, nil
	})
	remedies := ticket.RemedyHandlerFunc(func(ctx context.Context, req ticket.RemedyRequest) (ticket.RemedyResult, error) {
		if cd.handle != nil {
			return cd.handle(ctx, req)
		}
		if cd.fail != nil {
			return ticket.RemedyResult{}, cd.fail
		}
		cd.posted = append(cd.posted, req)
		return ticket.RemedyResult{Document: &ticket.RemedyDocument{Kind: ticket.DocCreditNote, ID: "CN-1", Label: "credit note"}}, nil
	})
	desk, err := ticketkit.New(ticketkit.Config{Store: cd.store, Clock: cd.clock, Complaints: &ticketkit.ComplaintConfig{
		Rules: rules, Sources: sources, Remedies: remedies,
		ConfirmActions: func(_ context.Context, _ *ticket.Complaint, a ticket.ActionTemplate) bool {
			return a.Title != "Check the batch for further defects"
		},
	}})
	require.NoError(t, err)
	cd.desk = desk
	return cd
}

// setupComplaint is the setup of most complaint tests: a complaint desk
// on b without complaint rules and a defect complaint opened on it from
// INV-1 (complaintDesk.open).
func setupComplaint(t *testing.T, b backend) (*complaintDesk, *ticket.Complaint) {
	t.Helper()
	cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
	return cd, cd.open(t)
}

var invoice = &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-1"}

// open opens a defect complaint from INV-1.
func (cd *complaintDesk) open(t *testing.T) *ticket.Complaint {
	t.Helper()
	c, err := cd.desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{
		Subject: "Leaking kettles", Reason: "CR02", Category: ticket.CategoryDefect,
		RemedySought: ticket.RemedyCreditNote, Source: invoice,
		Accounting: ticket.Accounting{SalesAdjustment: true, Amount: decimal.RequireFromString("120.00")},
	})
	require.NoError(t, err)
	return c
}

// toFulfilled plans, decides (credit note, credit required), closes
// every action and fulfils c.
func (cd *complaintDesk) toFulfilled(t *testing.T, c *ticket.Complaint) *ticket.Complaint {
	t.Helper()
	ctx := t.Context()
	c, err := cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
	require.NoError(t, err)
	c, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
		ComplaintID: c.ID, Justified: true, CreditRequired: true,
		Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("99.90"), Currency: "EUR"},
	})
	require.NoError(t, err)
	var done []ticketkit.ActionChange
	for _, a := range c.Actions {
		done = append(done, ticketkit.ActionChange{ID: a.ID, Done: new(true), Result: new("ok")})
	}
	c, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: done})
	require.NoError(t, err)
	c, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: t0})
	require.NoError(t, err)
	return c
}

// TestDesk_ComplaintLifecycle takes a complaint from its opening to its
// posting and reads it back through history, messages and the report.
func TestDesk_ComplaintLifecycle(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		cd, c := setupComplaint(t, b)
		require.Equal(t, ticket.StatusRegistered, c.Status)
		require.Equal(t, "C-1", c.Customer.ID, "filled from the invoice")
		require.Equal(t, "CT-9", c.Details.Accounting.Contract)
		require.Equal(t, "INV-1", c.Details.Source.ID)
		require.Len(t, c.Details.Lines, 1)
		require.Len(t, c.Actions, 1, "the host declined one template action")

		c, err := cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
		require.NoError(t, err)
		c, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
			ComplaintID: c.ID, Justified: true, CreditRequired: true,
			Remedy: ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("99.90"), Currency: "EUR"},
		})
		require.NoError(t, err)
		require.Len(t, c.Actions, 2)
		require.Equal(t, "sales-1", c.Actions[1].Owner, "credit follow-up for the salesperson")

		// Fulfilling is blocked while actions are open.
		_, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: t0})
		require.ErrorIs(t, err, ticketkit.ErrGuard)

		c = cd.toFulfilledFromPlanned(t, c)
		require.Equal(t, ticket.StatusFulfilled, c.Status)

		c, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
		require.NoError(t, err)
		require.True(t, c.Details.Posted)
		require.Equal(t, "CN-1", c.Details.Decision.Remedy.Document.ID)
		require.Len(t, cd.posted, 1)
		require.Equal(t, "99.9", cd.posted[0].Remedy.Amount.String())

		// A posted complaint is immutable, through every path.
		_, err = cd.desk.ComplaintUpdate(ctx, agent, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, Subject: new("x")})
		require.ErrorIs(t, err, ticketkit.ErrPosted)
		_, err = cd.desk.ComplaintComment(ctx, agent, ticketkit.ComplaintCommentParams{ComplaintID: c.ID, Text: "late"})
		require.ErrorIs(t, err, ticketkit.ErrPosted)
		_, err = cd.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: c.ID, To: ticket.StatusPlanned})
		require.ErrorIs(t, err, ticketkit.ErrPosted)
		_, err = cd.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: c.ID, Assignee: new("agent-2")})
		require.ErrorIs(t, err, ticketkit.ErrPosted)

		got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.Version, got.Version)

		hist, err := cd.desk.History(ctx, agent, c.ID)
		require.NoError(t, err)
		fields := map[string]bool{}
		for _, e := range hist {
			fields[e.Field] = true
		}
		for _, f := range []string{ticket.FieldCreated, ticket.FieldStatus, ticket.FieldDecision, ticket.FieldRemedy, ticket.FieldEndDate, ticket.FieldPosted, ticket.FieldActions} {
			require.True(t, fields[f], "history has %s", f)
		}

		msgs, err := cd.desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: c.ID})
		require.NoError(t, err)
		require.Len(t, msgs.Messages, 1)
		require.Contains(t, msgs.Messages[0].Body, "credit note of 99.90 EUR", "the customer is told the decision")

		rep, err := cd.desk.ComplaintReport(ctx, agent, ticketkit.ComplaintReportParams{})
		require.NoError(t, err)
		require.Equal(t, 1, rep.Complaints)
		require.Equal(t, []ticket.CountRow{{Key: "CR02", Count: 1}}, rep.ByReason)
		require.Equal(t, 1, rep.Justified.Justified)
		require.Equal(t, "120", rep.Claimed[0].Total.String())
	})
}

// toFulfilledFromPlanned closes every action of a decided, planned c
// and fulfils it.
func (cd *complaintDesk) toFulfilledFromPlanned(t *testing.T, c *ticket.Complaint) *ticket.Complaint {
	t.Helper()
	var done []ticketkit.ActionChange
	for _, a := range c.Actions {
		done = append(done, ticketkit.ActionChange{ID: a.ID, Done: new(true)})
	}
	c, err := cd.desk.ComplaintPlan(t.Context(), agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: done})
	require.NoError(t, err)
	c, err = cd.desk.ComplaintTransition(t.Context(), agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled, EndDate: t0})
	require.NoError(t, err)
	return c
}

// TestDesk_ComplaintRules checks the rules every complaint use case
// keeps: bad input, the generic methods, closing, posting, tenants.
func TestDesk_ComplaintRules(t *testing.T) {
	t.Parallel()

	t.Run("BadInputIsRefused", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			_, err := cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "x", Reason: "CR02", RemedySought: ticket.RemedyRefund, Customer: ticket.Customer{ID: "C-1"},
				Accounting: ticket.Accounting{Amount: decimal.RequireFromString("-1"), Currency: "EUX"},
			})
			var ve *ticketkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Contains(t, err.Error(), "complaint.accounting.amount")
			require.Contains(t, err.Error(), "complaint.accounting.currency")
			_, err = cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "x", Reason: "CR02", RemedySought: ticket.RemedyRefund, Source: &ticket.Reference{Kind: ticket.RefInvoice, ID: "INV-404"},
			})
			require.ErrorContains(t, err, "complaint.source")
			_, err = cd.desk.ComplaintOpen(ctx, customer, ticketkit.ComplaintOpenParams{Subject: "x"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)

			c := cd.open(t)
			_, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{
				ComplaintID: c.ID, Justified: false, Remedy: ticket.Remedy{Kind: ticket.RemedyRejection},
			})
			require.ErrorContains(t, err, "complaint.decision.remedy.feedback")
			_, err = cd.desk.ComplaintPlan(ctx, agent, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{{ID: "nope", Done: new(true)}}})
			require.ErrorContains(t, err, "change[0].id")
		})
	})

	t.Run("GenericMethodsDoNotBypassComplaintRules", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			_, err := cd.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: c.ID, Subject: new("renamed")})
			require.ErrorIs(t, err, ticketkit.ErrComplaint)
			// Transition is routed through the complaint workflow.
			tk, err := cd.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			require.Equal(t, ticket.StatusPlanned, tk.Status)
			_, err = cd.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: c.ID, To: ticket.StatusFulfilled})
			require.ErrorIs(t, err, ticketkit.ErrGuard, "fulfil needs closed actions, a decision and an end date")
			// Assigning stays a plain operation.
			tk, err = cd.desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: c.ID, Assignee: new("agent-2")})
			require.NoError(t, err)
			require.Equal(t, "agent-2", tk.Assignee)
			// Plain tickets are not complaints.
			plain, err := cd.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "plain"})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintGet(ctx, agent, plain.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = cd.desk.ComplaintComment(ctx, agent, ticketkit.ComplaintCommentParams{ComplaintID: plain.ID, Text: "x"})
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = cd.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: plain.ID, To: ticket.StatusInProgress})
			require.NoError(t, err)
		})
	})

	t.Run("ClosingNeedsReasonAndSupervisorReview", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true})
			c := cd.toFulfilled(t, cd.open(t))
			_, err := cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.ErrorIs(t, err, ticketkit.ErrGuard)
			require.ErrorContains(t, err, "reason")
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: "credited"})
			require.ErrorContains(t, err, "supervisor")
			_, err = cd.desk.ComplaintReview(ctx, super, ticketkit.ComplaintReviewParams{ComplaintID: c.ID, Outcome: ticket.ReviewApproved})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: "credited"})
			require.NoError(t, err)
			require.Equal(t, ticket.StatusPosted, c.Status)
			require.Equal(t, "credited", c.ClosureReason)
		})
	})

	t.Run("RemedyHandlerErrorRollsBackThePosting", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c := cd.toFulfilled(t, cd.open(t))
			before, err := cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			cd.fail = errors.New("ERP is down")
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.ErrorContains(t, err, "ERP is down")
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.False(t, got.Details.Posted)
			require.Equal(t, ticket.StatusFulfilled, got.Status)
			require.Equal(t, c.Version, got.Version)
			after, err := cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Len(t, after, len(before))
			cd.fail = nil
			got, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.NoError(t, err)
			require.True(t, got.Details.Posted)
		})
	})

	t.Run("TenantsAndCustomersAreIsolated", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
			_, err := cd.desk.ComplaintGet(ctx, otherOrg, c.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = cd.desk.ComplaintGet(ctx, stranger, c.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
			_, err = cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			rep, err := cd.desk.ComplaintReport(ctx, otherOrg, ticketkit.ComplaintReportParams{})
			require.NoError(t, err)
			require.Zero(t, rep.Complaints)
		})
	})
}

// TestDesk_ComplaintGet reads a complaint.
func TestDesk_ComplaintGet(t *testing.T) {
	t.Parallel()

	// CustomersSeeTheirComplaintWithoutTheAssessment checks that a
	// customer reading their complaint gets the decision and its remedy but
	// not the help desk's assessment (severity, accounting, responsibility,
	// comments, reviews, the decision's notes and author), and that staff
	// still see everything.
	t.Run("CustomersSeeTheirComplaintWithoutTheAssessment", func(t *testing.T) {
		t.Parallel()
		cd := newComplaintDesk(t, memoryBackend(), workflow.ComplaintRules{})
		c := cd.toFulfilled(t, cd.open(t))
		ctx := t.Context()
		_, err := cd.desk.ComplaintComment(ctx, agent, ticketkit.ComplaintCommentParams{ComplaintID: c.ID, Text: "Supplier batch B-7 again"})
		require.NoError(t, err)

		staff, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
		require.NoError(t, err)
		require.NotEmpty(t, staff.Details.Comments)
		require.True(t, staff.Details.Accounting.SalesAdjustment)
		require.NotEmpty(t, staff.Details.Decision.By)

		mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
		require.NoError(t, err)
		require.Empty(t, mine.Details.Comments)
		require.Empty(t, mine.Details.Reviews)
		require.Equal(t, ticket.Accounting{}, mine.Details.Accounting)
		require.Equal(t, ticket.Responsibility{}, mine.Details.Responsibility)
		require.Empty(t, mine.Details.Severity)
		require.NotNil(t, mine.Details.Decision)
		require.True(t, mine.Details.Decision.Justified)
		require.Equal(t, ticket.RemedyCreditNote, mine.Details.Decision.Remedy.Kind)
		require.Empty(t, mine.Details.Decision.By)
		require.Empty(t, mine.Actions, "the ticket part is a customer's view too")
		require.Equal(t, staff.Details.Lines, mine.Details.Lines)

		again, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
		require.NoError(t, err)
		require.Equal(t, staff.Details.Comments, again.Details.Comments, "the stored complaint is whole")
	})

	// CustomersDoNotSeeRemedyNotes: the remedy's internal
	// notes are stripped from a customer's view, kept for staff.
	t.Run("CustomersDoNotSeeRemedyNotes", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaint(t, b)
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
	})
}
