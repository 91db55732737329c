package ticket_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

// withLineDecisions returns a valid complaint with two lines: 40 % credit
// on line 1, 3 pieces replaced on line 2 (of 5), the second line linked
// to its return.
func withLineDecisions() *ticket.Complaint {
	c := validComplaint()
	c.Details.Lines = append(c.Details.Lines, ticket.ComplaintLine{
		Product: "KET-2", Serial: "S-9", Quantity: decimal.NewFromInt(5), Unit: "pcs", Note: "seal cracked",
		Return: &ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"},
	})
	c.Details.Lines[0].Decision = &ticket.LineDecision{Justified: true, By: "u-ann", At: t0, Remedies: []ticket.LineRemedy{
		{Kind: ticket.RemedyCreditNote, Percent: decimal.RequireFromString("40"), Notes: "goodwill"},
	}}
	c.Details.Lines[1].Decision = &ticket.LineDecision{Justified: true, By: "u-ann", At: t0, Remedies: []ticket.LineRemedy{
		{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(3)},
		{Kind: ticket.RemedyRefund, Amount: decimal.RequireFromString("12.50"), Currency: "EUR"},
	}}
	return c
}

func TestComplaintLines(t *testing.T) {
	t.Parallel()

	t.Run("PartialAndMultipleRemediesAreValidAndFlattened", func(t *testing.T) {
		t.Parallel()
		c := withLineDecisions()
		require.NoError(t, ticket.ValidateComplaint(c, nil))
		items := c.LineRemedies()
		require.Len(t, items, 3)
		require.Equal(t, 1, items[0].Line, "the line's number: lines without one count by position")
		require.Equal(t, "40", items[0].Remedy.Percent.String())
		require.Equal(t, 2, items[1].Line)
		require.Equal(t, "KET-2", items[1].Product)
		require.Equal(t, "RMA-7", items[1].Return.ID)
		require.Equal(t, ticket.RemedyRefund, items[2].Remedy.Kind)
	})

	t.Run("UnjustifiedLinesGiveNoRemedies", func(t *testing.T) {
		t.Parallel()
		c := withLineDecisions()
		c.Details.Lines[0].Decision = &ticket.LineDecision{By: "u-ann", At: t0, Feedback: "wear and tear"}
		require.NoError(t, ticket.ValidateComplaint(c, nil))
		require.Len(t, c.LineRemedies(), 2)
	})

	t.Run("ProblemsNameTheLineField", func(t *testing.T) {
		t.Parallel()
		c := withLineDecisions()
		c.Details.Lines[0].Decision.Remedies[0].Percent = decimal.RequireFromString("140")
		c.Details.Lines[1].Quantity = decimal.RequireFromString("-1")
		c.Details.Lines[1].Decision.Remedies[0].Kind = ticket.RemedyRejection
		c.Details.Lines[1].Decision.Remedies[1].Quantity = decimal.NewFromInt(1)
		c.Details.Lines = append(c.Details.Lines, ticket.ComplaintLine{Product: "KET-3", Quantity: decimal.NewFromInt(2),
			Decision: &ticket.LineDecision{Justified: true, By: "u-ann", At: t0, Remedies: []ticket.LineRemedy{
				{Kind: ticket.RemedyRepair, Quantity: decimal.NewFromInt(3)},
			}}})
		c.Details.CounterpartyRole = "bank"
		var ve *ticket.ValidationError
		require.ErrorAs(t, ticket.ValidateComplaint(c, nil), &ve)
		var fields []string
		for _, f := range ve.Fields {
			fields = append(fields, f.Field)
		}
		require.ElementsMatch(t, []string{
			"complaint.lines[0].decision.remedies[0].percent",
			"complaint.lines[1].quantity",
			"complaint.lines[1].decision.remedies[0].kind",
			"complaint.lines[1].decision.remedies[1].quantity",
			"complaint.lines[2].decision.remedies",
			"complaint.counterparty_role",
		}, fields)
	})

	t.Run("DecisionsAndReturnsHaveHistoryLines", func(t *testing.T) {
		t.Parallel()
		before := validComplaint()
		before.Details.Lines = append(before.Details.Lines, ticket.ComplaintLine{Product: "KET-2", Quantity: decimal.NewFromInt(5)})
		after := withLineDecisions()
		var got []ticket.Event
		for _, e := range ticket.ComplaintDiff(before, after) {
			if e.Field == ticket.FieldLineDecision || e.Field == ticket.FieldLineReturn {
				got = append(got, e)
			}
		}
		require.Equal(t, []ticket.Event{
			{Field: ticket.FieldLineDecision, New: "line 1 KET-1: justified: credit_note 40% [goodwill] by u-ann at 2026-03-02T09:30:00Z"},
			{Field: ticket.FieldLineDecision, New: "line 2 KET-2: justified: replacement 3; refund 12.50 EUR by u-ann at 2026-03-02T09:30:00Z"},
			{Field: ticket.FieldLineReturn, New: "line 2 KET-2: return:RMA-7"},
		}, got)
	})

	t.Run("CustomersSeeNoInternalNotesOrClaims", func(t *testing.T) {
		t.Parallel()
		c := withLineDecisions()
		c.Details.Claims = []ticket.ClaimLink{{ID: "x", Number: "CC-2", Role: ticket.CounterpartySupplier}}
		view := c.Clone()
		view.Details.HideInternal()
		require.Empty(t, view.Details.Claims)
		require.Empty(t, view.Details.Lines[1].Note)
		require.Empty(t, view.Details.Lines[0].Decision.Remedies[0].Notes)
		require.Equal(t, "40", view.Details.Lines[0].Decision.Remedies[0].Percent.String(), "the remedy itself stays")
		require.Equal(t, "goodwill", c.Details.Lines[0].Decision.Remedies[0].Notes, "the clone shares nothing")
		require.Equal(t, "seal cracked", c.Details.Lines[1].Note)
	})
}
