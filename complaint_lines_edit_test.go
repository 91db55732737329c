package ticketkit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// lineNos returns the numbers and products of c's lines, "1 KET-1".
func lineNos(c *ticket.Complaint) []string {
	out := make([]string, len(c.Details.Lines))
	for i, l := range c.Details.Lines {
		out[i] = decimal.NewFromInt(int64(l.No)).String() + " " + l.Product
	}
	return out
}

// lineHistory returns the history lines of the line fields, "field old
// -> new", in order.
func lineHistory(t *testing.T, cd *complaintDesk, id string) []string {
	t.Helper()
	hist, err := cd.desk.History(t.Context(), agent, id)
	require.NoError(t, err)
	var out []string
	for _, e := range hist {
		switch e.Field {
		case ticket.FieldLines, ticket.FieldLineProduct, ticket.FieldLineDescription, ticket.FieldLineSerial,
			ticket.FieldLineBatch, ticket.FieldLineQuantity, ticket.FieldLineDecision, ticket.FieldLineNote:
			out = append(out, e.Field+" "+e.Old+" -> "+e.New)
		}
	}
	return out
}

// decideLine decides line no of c justified with a replacement of 2.
func decideLine(t *testing.T, cd *complaintDesk, c *ticket.Complaint, no int) *ticket.Complaint {
	t.Helper()
	c, err := cd.desk.ComplaintLineDecide(t.Context(), agent, ticketkit.ComplaintLineDecideParams{
		ComplaintID: c.ID, Line: no, Justified: true,
		Remedies: []ticket.LineRemedy{{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(2)}},
	})
	require.NoError(t, err)
	return c
}

// TestDesk_ComplaintLineEdit adds, changes and removes the lines of a
// complaint (ComplaintLineAdd, ComplaintLineUpdate, ComplaintLineRemove).
func TestDesk_ComplaintLineEdit(t *testing.T) {
	t.Parallel()

	t.Run("LinesKeepTheirNumbersAndNumbersAreNeverReused", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(c))
			require.Equal(t, 2, c.Details.LineSeq)

			c, err := cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Version: c.Version,
				Lines: []ticket.ComplaintLine{
					{Product: " CUP-1 ", Batch: "B-1", Quantity: decimal.NewFromInt(4), Unit: "pcs"},
					{Product: "SAU-1", Serial: "S-3"},
				}})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1", "3 CUP-1", "4 SAU-1"}, lineNos(c), "trimmed, numbered after the last")

			c, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 4})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 2})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID,
				Lines: []ticket.ComplaintLine{{Product: "POT-1"}}})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "3 CUP-1", "5 POT-1"}, lineNos(c), "4 and 2 are never given again")

			c, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 3,
				Quantity: new(decimal.NewFromInt(6)), Batch: new("B-2"), Note: new("recounted")})
			require.NoError(t, err)
			l := c.Details.Lines[1]
			require.Equal(t, "CUP-1", l.Product)
			require.Equal(t, "6", l.Quantity.String())
			require.Equal(t, "B-2", l.Batch)
			c = decideLine(t, cd, c, 5)
			require.NotNil(t, c.Details.Lines[2].Decision, "line 5 is POT-1 whatever its position")

			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Details.Lines, got.Details.Lines, "as stored")
			require.Equal(t, 5, got.Details.LineSeq)

			require.Equal(t, []string{
				"complaint.lines  -> line 3 CUP-1: CUP-1 batch B-1 4 pcs",
				"complaint.lines  -> line 4 SAU-1: SAU-1 serial S-3",
				"complaint.lines line 4 SAU-1: SAU-1 serial S-3 -> ",
				"complaint.lines line 2 LID-1: LID-1 serial S-9 5 pcs -> ",
				"complaint.lines  -> line 5 POT-1: POT-1",
				"complaint.lines.batch line 3 CUP-1: B-1 -> line 3 CUP-1: B-2",
				"complaint.lines.quantity line 3 CUP-1: 4 pcs -> line 3 CUP-1: 6 pcs",
				"complaint.lines.note  -> line 3 CUP-1: recounted",
				"complaint.lines.decision  -> line 5 POT-1: justified: replacement 2 by agent-1 at 2026-03-02T09:00:00Z",
			}, lineHistory(t, cd, c.ID))

			p := supplierClaim(c.ID)
			p.Lines = []int{5, 1}
			claim, err := cd.desk.ComplaintClaimRaise(ctx, agent, p)
			require.NoError(t, err)
			require.Equal(t, []string{"1 POT-1", "2 KET-1"}, lineNos(claim), "claims take lines by number and number their own")
			p.Lines = []int{2}
			_, err = cd.desk.ComplaintClaimRaise(ctx, agent, p)
			require.Equal(t, []string{"lines[0]"}, validationFields(t, err), "line 2 was removed")
			c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)

			before := c.Version
			c, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 3, Batch: new(" B-2 ")})
			require.NoError(t, err)
			require.Equal(t, before, c.Version, "a change to nothing stores nothing")
		})
	})

	t.Run("LinesFromASourceDocumentAreNumberedFromOne", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c, err := cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "Leaking kettles", Reason: "CR02", RemedySought: ticket.RemedyCreditNote, Source: invoice,
			})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1"}, lineNos(c), "without lines given, the invoice's, numbered from 1")
			require.Equal(t, 1, c.Details.LineSeq)
			c, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: []ticket.ComplaintLine{{Product: "LID-1"}}})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(c))
		})
	})

	t.Run("ConcurrentClerksChangeTheLinesTheyMeant", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			c, err := cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID,
				Lines: []ticket.ComplaintLine{{Product: "CUP-1", Quantity: decimal.NewFromInt(1)}}})
			require.NoError(t, err)
			// Both clerks read lines 1, 2, 3; one removes line 1 while
			// the other corrects line 3 and a third adds a line.
			var wg sync.WaitGroup
			errs := make([]error, 3)
			wg.Go(func() {
				_, errs[0] = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 1})
			})
			wg.Go(func() {
				_, errs[1] = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 3,
					Quantity: new(decimal.NewFromInt(9))})
			})
			wg.Go(func() {
				_, errs[2] = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID,
					Lines: []ticket.ComplaintLine{{Product: "POT-1"}}})
			})
			wg.Wait()
			require.NoError(t, errors.Join(errs...))
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"2 LID-1", "3 CUP-1", "4 POT-1"}, lineNos(got))
			require.Equal(t, "9", got.Details.Lines[1].Quantity.String(), "CUP-1 got the correction, not the line now at its old index")
			require.Equal(t, "5", got.Details.Lines[0].Quantity.String())
		})
	})

	t.Run("AStaleVersionIsAConflict", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			stale := c.Version
			_, err := cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Serial: new("S-1"), Version: stale})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Version: stale,
				Lines: []ticket.ComplaintLine{{Product: "X"}}})
			require.ErrorIs(t, err, ticketkit.ErrConflict)
			_, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Batch: new("B"), Version: stale})
			require.ErrorIs(t, err, ticketkit.ErrConflict)
			_, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 2, Version: stale})
			require.ErrorIs(t, err, ticketkit.ErrConflict)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(got))
			require.Equal(t, "B-7", got.Details.Lines[0].Batch)
		})
	})

	t.Run("ADecidedLineKeepsItsProductAndQuantityUnlessTheDecisionIsDropped", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd := newComplaintDesk(t, b, workflow.ComplaintRules{})
			c := decideLine(t, cd, openWithLines(t, cd), 1)
			for name, p := range map[string]ticketkit.ComplaintLineUpdateParams{
				"quantity": {Quantity: new(decimal.NewFromInt(1))},
				"product":  {Product: new("KET-2")},
				"unit":     {Unit: new("box")},
			} {
				p.ComplaintID, p.Line = c.ID, 1
				_, err := cd.desk.ComplaintLineUpdate(ctx, agent, p)
				require.ErrorIs(t, err, ticketkit.ErrLineDecided, name)
			}
			_, err := cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 1})
			require.ErrorIs(t, err, ticketkit.ErrLineDecided)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Version, got.Version, "nothing was stored")

			c, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Batch: new("B-8"), Serial: new("S-1")})
			require.NoError(t, err, "tracking data is corrected freely")
			require.NotNil(t, c.Details.Lines[0].Decision)

			c, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1,
				Quantity: new(decimal.NewFromInt(1)), DropDecision: true})
			require.NoError(t, err)
			require.Nil(t, c.Details.Lines[0].Decision, "to be decided again")
			require.Equal(t, "1", c.Details.Lines[0].Quantity.String())
			hist := lineHistory(t, cd, c.ID)
			require.Equal(t, []string{
				"complaint.lines.quantity line 1 KET-1: 10 pcs -> line 1 KET-1: 1 pcs",
				"complaint.lines.decision line 1 KET-1: justified: replacement 2 by agent-1 at 2026-03-02T09:00:00Z -> ",
			}, hist[len(hist)-2:], "the dropped decision is on record")

			c = decideLine(t, cd, c, 2)
			c, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 2, DropDecision: true})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1"}, lineNos(c))
			hist = lineHistory(t, cd, c.ID)
			require.Equal(t, []string{
				"complaint.lines line 2 LID-1: LID-1 serial S-9 5 pcs -> ",
				"complaint.lines.decision line 2 LID-1: justified: replacement 2 by agent-1 at 2026-03-02T09:00:00Z -> ",
			}, hist[len(hist)-2:], "the removed line's decision is on record")
		})
	})

	t.Run("ALineWithAReturnIsNeverRemoved", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			c, err := cd.desk.ComplaintLineReturnLink(ctx, agent, ticketkit.ComplaintLineReturnParams{
				ComplaintID: c.ID, Line: 2, Return: ticket.Reference{Kind: ticket.RefReturn, ID: "RMA-7"}})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 2, DropDecision: true})
			require.ErrorIs(t, err, ticketkit.ErrLineReturned)
			require.ErrorContains(t, err, "RMA-7")
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(got))
		})
	})

	t.Run("BadInputNamesTheField", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			_, err := cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: []ticket.ComplaintLine{
				{Product: "A"}, {Product: "  "}, {Product: "C", Quantity: decimal.RequireFromString("-1")},
				{Product: "D", No: 9, Return: &ticket.Reference{Kind: ticket.RefReturn, ID: "R"}, Decision: &ticket.LineDecision{}},
			}})
			require.ElementsMatch(t, []string{"lines[1].product", "lines[2].quantity", "lines[3].no", "lines[3].return", "lines[3].decision"},
				validationFields(t, err))
			_, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID})
			require.Equal(t, []string{"lines"}, validationFields(t, err))
			_, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID,
				Lines: make([]ticket.ComplaintLine, ticket.MaxItems+1)})
			require.Contains(t, validationFields(t, err), "lines", "at most as many lines per call as at open")

			_, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1,
				Product: new(""), Quantity: new(decimal.RequireFromString("1.00001"))})
			require.ElementsMatch(t, []string{"product", "quantity"}, validationFields(t, err))
			_, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 7, Batch: new("x")})
			require.Equal(t, []string{"line"}, validationFields(t, err))
			_, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID})
			require.Equal(t, []string{"line"}, validationFields(t, err))
			_, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Batch: new("a\x00b")})
			require.Equal(t, []string{"batch"}, validationFields(t, err))
			_, err = cd.desk.ComplaintOpen(ctx, agent, ticketkit.ComplaintOpenParams{
				Subject: "x", Reason: "CR02", RemedySought: ticket.RemedyRefund, Customer: ticket.Customer{ID: "C-1"},
				Lines: []ticket.ComplaintLine{{Product: "A", No: 4}},
			})
			require.Equal(t, []string{"lines[0].no"}, validationFields(t, err), "the desk numbers lines at open too")

			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, c.Version, got.Version, "nothing was stored")
		})
	})

	t.Run("AComplaintHoldsAtMostMaxComplaintLines", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			batch := make([]ticket.ComplaintLine, ticket.MaxItems)
			for i := range batch {
				batch[i] = ticket.ComplaintLine{Product: "P"}
			}
			var err error
			for len(c.Details.Lines)+len(batch) <= ticket.MaxComplaintLines {
				c, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: batch})
				require.NoError(t, err)
			}
			_, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: batch})
			require.Equal(t, []string{"lines"}, validationFields(t, err))
		})
	})

	t.Run("OnlyStaffChangeLinesAndNeverAfterPosting", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			_, err := cd.desk.ComplaintLineAdd(ctx, customer, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: []ticket.ComplaintLine{{Product: "X"}}})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = cd.desk.ComplaintLineUpdate(ctx, customer, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Batch: new("x")})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = cd.desk.ComplaintLineRemove(ctx, customer, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 1})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)

			c, err = cd.desk.ComplaintTransition(ctx, agent, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintDecide(ctx, agent, ticketkit.ComplaintDecideParams{ComplaintID: c.ID, Justified: true,
				Remedy: ticket.Remedy{Kind: ticket.RemedyReplacement}})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			c = cd.toFulfilledFromPlanned(t, c)
			c, err = cd.desk.ComplaintPost(ctx, agent, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
			require.NoError(t, err)
			_, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: []ticket.ComplaintLine{{Product: "X"}}})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
			_, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1, Batch: new("x")})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
			_, err = cd.desk.ComplaintLineRemove(ctx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 1})
			require.ErrorIs(t, err, ticketkit.ErrPosted)
		})
	})

	t.Run("TxVariantsCommitAndRollBackWithTheHost", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			run := func(fail error) error {
				return cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					if _, err := cd.desk.ComplaintLineAddTx(ctx, tx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID,
						Lines: []ticket.ComplaintLine{{Product: "CUP-1"}}}); err != nil {
						return err
					}
					if _, err := cd.desk.ComplaintLineUpdateTx(ctx, tx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1,
						Quantity: new(decimal.NewFromInt(8))}); err != nil {
						return err
					}
					if _, err := cd.desk.ComplaintLineRemoveTx(ctx, tx, agent, ticketkit.ComplaintLineRemoveParams{ComplaintID: c.ID, Line: 2}); err != nil {
						return err
					}
					return fail
				})
			}
			boom := errors.New("host fails")
			require.ErrorIs(t, run(boom), boom)
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(got), "rolled back")
			require.Empty(t, lineHistory(t, cd, c.ID))

			require.NoError(t, run(nil))
			got, err = cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "3 CUP-1"}, lineNos(got), "line 3 even though the rolled-back attempt drew it too")
			require.Equal(t, "8", got.Details.Lines[0].Quantity.String())
		})
	})

	t.Run("LinesStoredWithoutNumbersGetThemByPosition", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ctx := t.Context()
			cd, c := setupComplaintWithLines(t, b)
			// Store the lines as they were stored before lines had
			// numbers: no "no", no "line_seq".
			legacy := c.Clone()
			for i := range legacy.Details.Lines {
				legacy.Details.Lines[i].No = 0
			}
			legacy.Details.LineSeq = 0
			require.NoError(t, cd.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				return tx.(storage.ComplaintStore).ComplaintUpdate(ctx, legacy)
			}))
			got, err := cd.desk.ComplaintGet(ctx, agent, c.ID)
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(got), "numbered on read")
			page, err := cd.desk.ComplaintJournal(ctx, agent, ticketkit.ComplaintJournalParams{})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(page.Complaints[0]), "in the journal too")
			_, err = cd.desk.ComplaintComment(ctx, agent, ticketkit.ComplaintCommentParams{ComplaintID: c.ID, Text: "called back"})
			require.NoError(t, err)
			raw, err := cd.store.(storage.ComplaintStore).ComplaintGet(ctx, storage.TicketGetParams{TenantID: agent.TenantID, ID: c.ID})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1"}, lineNos(raw), "the first write of any kind stores the numbers")
			require.Equal(t, 2, raw.Details.LineSeq)
			c, err = cd.desk.ComplaintLineUpdate(ctx, agent, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 2, Batch: new("B-9")})
			require.NoError(t, err)
			c, err = cd.desk.ComplaintLineAdd(ctx, agent, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Lines: []ticket.ComplaintLine{{Product: "CUP-1"}}})
			require.NoError(t, err)
			require.Equal(t, []string{"1 KET-1", "2 LID-1", "3 CUP-1"}, lineNos(c))
			require.Equal(t, "B-9", c.Details.Lines[1].Batch)
			require.Equal(t, []string{
				"complaint.lines.batch  -> line 2 LID-1: B-9",
				"complaint.lines  -> line 3 CUP-1: CUP-1",
			}, lineHistory(t, cd, c.ID), "numbering old lines is no change of theirs")
		})
	})
}
