package ticket_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestComplaintLineNumbers(t *testing.T) {
	t.Parallel()

	t.Run("LinesStoredWithoutNumbersAreNumberedByPosition", func(t *testing.T) {
		t.Parallel()
		var d ticket.ComplaintDetails
		require.NoError(t, json.Unmarshal([]byte(`{"lines":[{"product":"A"},{"product":"B"}]}`), &d))
		require.Zero(t, d.Lines[0].No, "decoding keeps what was stored")
		d.NumberLines()
		require.Equal(t, []int{1, 2}, []int{d.Lines[0].No, d.Lines[1].No})
		require.Equal(t, 2, d.LineSeq)
		d.NumberLines()
		require.Equal(t, 2, d.LineSeq, "numbering again changes nothing")

		b, err := json.Marshal(d)
		require.NoError(t, err)
		var back ticket.ComplaintDetails
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, d.Lines, back.Lines, "numbers are stored")
		require.Equal(t, 2, back.LineSeq)
	})

	t.Run("NewLinesNumberAfterTheHighestEverGiven", func(t *testing.T) {
		t.Parallel()
		d := ticket.ComplaintDetails{LineSeq: 5, Lines: []ticket.ComplaintLine{{No: 2}, {}, {No: 3}}}
		d.NumberLines()
		require.Equal(t, 6, d.Lines[1].No)
		require.Equal(t, 6, d.LineSeq)
		require.Equal(t, 2, d.LineIndex(3))
		require.Equal(t, -1, d.LineIndex(5))
	})

	t.Run("NumbersAreUniqueAndPositive", func(t *testing.T) {
		t.Parallel()
		c := validComplaint()
		c.Details.Lines = []ticket.ComplaintLine{{No: 1, Product: "A"}, {No: 1, Product: "B"}, {No: -2, Product: "C"}}
		require.ElementsMatch(t, []string{"complaint.lines[1].no", "complaint.lines[2].no"}, fieldsOf(t, ticket.ValidateComplaint(c, nil)))
	})

	t.Run("InputLinesAreNamedByPosition", func(t *testing.T) {
		t.Parallel()
		err := ticket.ValidateLines("", []ticket.ComplaintLine{{Product: "A"}, {}, {Product: "C", Quantity: decimal.RequireFromString("0.00001")}})
		require.ElementsMatch(t, []string{"lines[1].product", "lines[2].quantity"}, fieldsOf(t, err))
		err = ticket.ValidateLine(ticket.ComplaintLine{Product: "A", Unit: "123456789012345678901", Quantity: decimal.RequireFromString("-1")})
		require.ElementsMatch(t, []string{"unit", "quantity"}, fieldsOf(t, err))
		require.NoError(t, ticket.ValidateLine(ticket.ComplaintLine{Product: "A"}))
	})

	t.Run("HistoryNamesTheLineByNumber", func(t *testing.T) {
		t.Parallel()
		before := validComplaint()
		before.Details.Lines = []ticket.ComplaintLine{
			{No: 1, Product: "KET-1", Quantity: decimal.NewFromInt(10), Unit: "pcs"},
			{No: 2, Product: "LID-1", Serial: "S-1"},
		}
		after := before.Clone()
		after.Details.Lines = []ticket.ComplaintLine{
			{No: 2, Product: "LID-2", Serial: "S-1", Batch: "B-1"},
			{No: 3, Product: "CUP-1", Quantity: decimal.NewFromInt(2), Unit: "pcs", Description: "Cup"},
		}
		var got []string
		for _, e := range ticket.ComplaintDiff(before, after) {
			got = append(got, e.Field+" "+e.Old+" -> "+e.New)
		}
		require.Equal(t, []string{
			"complaint.lines.product line 2 LID-2: LID-1 -> line 2 LID-2: LID-2",
			"complaint.lines.batch  -> line 2 LID-2: B-1",
			"complaint.lines  -> line 3 CUP-1: CUP-1 2 pcs (Cup)",
			"complaint.lines line 1 KET-1: KET-1 10 pcs -> ",
		}, got)
	})
}

// fieldsOf returns the fields err, a *ticket.ValidationError, names.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *ticket.ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}
