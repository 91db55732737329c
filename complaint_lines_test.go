package ticketkit_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// openWithLines opens a complaint of customer C-1 about two lines:
// 10 kettles and 5 lids.
func openWithLines(t *testing.T, cd *complaintDesk) *ticket.Complaint {
	t.Helper()
	c, err := cd.desk.ComplaintOpen(t.Context(), agent, ticketkit.ComplaintOpenParams{
		Subject: "Damaged delivery", Reason: "CR02", Category: ticket.CategoryDefect, RemedySought: ticket.RemedyCreditNote,
		Customer: ticket.Customer{ID: "C-1", Name: "Kettle Shop"},
		Lines: []ticket.ComplaintLine{
			{Product: "KET-1", Batch: "B-7", Quantity: decimal.NewFromInt(10), Unit: "pcs"},
			{Product: "LID-1", Serial: "S-9", Quantity: decimal.NewFromInt(5), Unit: "pcs"},
		},
	})
	require.NoError(t, err)
	return c
}

// setupComplaintWithLines returns a complaint desk on b without
// complaint rules and a complaint opened on it by openWithLines.
func setupComplaintWithLines(t *testing.T, b backend) (*complaintDesk, *ticket.Complaint) {
	t.Helper()
	cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
	return cd, openWithLines(t, cd)
}

// TestDesk_ComplaintLineDecide decides the lines of a complaint one by one
// (and links their returns, ComplaintLineReturnLink).
func TestDesk_ComplaintLineDecide(t *testing.T) {
	t.Parallel()

	t.Run("PerLineRemediesReachTheHandlerWhenPosting", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			c, err := cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{
				ComplaintID: c.ID, Line: 1, Justified: true, Note: new("dented, checked by QA"),
				Remedies: []ticket.LineRemedy{{Kind: ticket.RemedyCreditNote, Percent: decimal.RequireFromString("40"), Notes: "goodwill"}},
			})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{
				ComplaintID: c.ID, Line: 2, Justified: true, Version: c.Version,
				Remedies: []ticket.LineRemedy{{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(3)}},
			})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintLineReturnLink(ctx, agent, ticketkit.ComplaintLineReturnParams{
				ComplaintID: c.ID, Line: 2, Return: ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"},
			})
			require.NoError(t, err)
			require.Equal(t, "Return RMA-7", c.Details.Lines[1].Return.Label, "resolved through the source resolver")
			c, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{ComplaintID: c.ID, Justified: true,
				Remedy: ticket.Remedy{Kind: ticket.RemedyReplacement}})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			c = cd.toFulfilledFromPlanned(t, c)
			_, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.NoError(t, err)

			require.Len(t, cd.posted, 1)
			items := cd.posted[0].LineRemedies
			require.Len(t, items, 2)
			require.Equal(t, "KET-1", items[0].Product)
			require.Equal(t, "40", items[0].Remedy.Percent.String())
			require.Equal(t, 2, items[1].Line, "the line's number")
			require.Equal(t, ticket.RemedyReplacement, items[1].Remedy.Kind)
			require.Equal(t, "3", items[1].Remedy.Quantity.String())
			require.Equal(t, "RMA-7", items[1].Return.ID)

			hist, err := cd.desk.History(ctx, agent, c.ID)
			require.NoError(t, err)
			var lines []string
			for _, e := range hist {
				if e.Field == ticket.FieldLineDecision || e.Field == ticket.FieldLineReturn || e.Field == ticket.FieldLineNote {
					lines = append(lines, e.Field+" "+e.New)
				}
			}
			require.Equal(t, []string{
				"complaint.lines.decision line 1 KET-1: justified: credit_note 40% [goodwill] by agent-1 at 2026-03-02T09:00:00Z",
				"complaint.lines.note line 1 KET-1: dented, checked by QA",
				"complaint.lines.decision line 2 LID-1: justified: replacement 3 by agent-1 at 2026-03-02T09:00:00Z",
				"complaint.lines.return line 2 LID-1: return:RMA-7 (Return RMA-7)",
			}, lines)

			_, err = cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{ComplaintID: c.ID, Line: 1, Feedback: "x"})
			require.ErrorIs(t, err, ticket.ErrPosted)
		})
	})

	t.Run("ProblemsNameTheLineField", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			_, err := cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{
				ComplaintID: c.ID, Line: 2, Justified: true, Remedies: []ticket.LineRemedy{
					{Kind: ticket.RemedyCreditNote, Percent: decimal.RequireFromString("140")},
					{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(6)},
				},
			})
			require.ElementsMatch(t, []string{
				"complaint.lines[1].decision.remedies[0].percent", "complaint.lines[1].decision.remedies",
			}, validationFields(t, err))
			_, err = cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{ComplaintID: c.ID, Line: 3, Feedback: "x"})
			require.Equal(t, []string{"line"}, validationFields(t, err))
			_, err = cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "x", Reason: "CR02", RemedySought: ticket.RemedyRefund, Customer: ticket.Customer{ID: "C-1"},
				Lines: []ticket.ComplaintLine{{Product: "A"}, {Product: "B"}, {Product: "C", Quantity: decimal.RequireFromString("1.00001")}},
			})
			require.Contains(t, validationFields(t, err), "complaint.lines[2].quantity")

			_, err = cd.desk.ComplaintLineReturnLink(ctx, agent, ticketkit.ComplaintLineReturnParams{
				ComplaintID: c.ID, Line: 1, Return: ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-404"},
			})
			require.Equal(t, []string{"return"}, validationFields(t, err), "an unknown return")
			_, err = cd.desk.ComplaintLineReturnLink(ctx, agent, ticketkit.ComplaintLineReturnParams{
				ComplaintID: c.ID, Line: 1, Return: ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-OTHER"},
			})
			require.Equal(t, []string{"return"}, validationFields(t, err), "another customer's return")
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Version, got.Version, "nothing was stored")
		})
	})

	t.Run("CustomersSeeRemediesButNoInternalNotes", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			_, err := cd.desk.ComplaintLineDecide(ctx, agent, ticketkit.ComplaintLineDecideParams{
				ComplaintID: c.ID, Line: 1, Justified: true, Note: new("supplier fault"),
				Remedies: []ticket.LineRemedy{{Kind: ticket.RemedyRefund, Amount: decimal.RequireFromString("12.50"), Currency: "EUR", Notes: "internal"}},
			})
			require.NoError(t, err)
			mine, err := cd.desk.ComplaintGet(ctx, customer, c.ID)
			require.NoError(t, err)
			l := mine.Details.Lines[0]
			require.Empty(t, l.Note)
			require.Empty(t, l.Decision.By)
			require.Empty(t, l.Decision.Remedies[0].Notes)
			require.Equal(t, "12.50 EUR", l.Decision.Remedies[0].Amount.StringFixed(2)+" "+l.Decision.Remedies[0].Currency)
			staff, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, "supplier fault", staff.Details.Lines[0].Note)
			require.Equal(t, "internal", staff.Details.Lines[0].Decision.Remedies[0].Notes)
		})
	})

	t.Run("TxVariantsCommitWithTheHost", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			err := cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				if _, err := cd.desk.ComplaintLineDecideTx(ctx, tx, agent, ticketkit.ComplaintLineDecideParams{
					ComplaintID: c.ID, Line: 1, Feedback: "wear and tear",
				}); err != nil {
					return err
				}
				_, err := cd.desk.ComplaintLineReturnLinkTx(ctx, tx, agent, ticketkit.ComplaintLineReturnParams{
					ComplaintID: c.ID, Line: 1, Return: ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"},
				})
				return err
			})
			require.NoError(t, err)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.False(t, got.Details.Lines[0].Decision.Justified)
			require.Equal(t, "RMA-7", got.Details.Lines[0].Return.ID)
		})
	})
}
