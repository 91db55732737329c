package ticketkit_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// TestDesk_ComplaintOpen_SourceKeepsGivenLines is the regression test of
// lines lost at open: a complaint opened from a source document with
// lines of its own kept the document's lines (with a resolver) or none
// at all (without one), silently dropping what the clerk typed.
func TestDesk_ComplaintOpen_SourceKeepsGivenLines(t *testing.T) {
	t.Parallel()
	given := []ticket.ComplaintLine{{Product: "CUP-9", Batch: "B-2", Quantity: decimal.RequireFromString("3"), Unit: "pcs"}}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			open := func(t *testing.T, desk *ticketkit.Desk, lines []ticket.ComplaintLine) *ticket.Complaint {
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

			t.Run("WithResolver", func(t *testing.T) {
				cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
				c := open(t, cd.desk, given)
				requireLines(t, given, c)
				require.Equal(t, "C-1", c.Customer.ID, "the rest still comes from the invoice")

				c = open(t, cd.desk, nil)
				require.NotEmpty(t, c.Details.Lines, "without lines the invoice's are taken")
				require.NotEqual(t, "CUP-9", c.Details.Lines[0].Product)
			})
			t.Run("WithoutResolver", func(t *testing.T) {
				desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Complaints: &ticketkit.ComplaintConfig{}})
				require.NoError(t, err)
				c := open(t, desk, given)
				requireLines(t, given, c)
				require.Equal(t, invoice.ID, c.Details.Source.ID)
			})
		})
	}
}
