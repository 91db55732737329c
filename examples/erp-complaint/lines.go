package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// correctLines shows the lines changing after the complaint was
// opened, as at an ERP team's follow-up call: the customer forgot the
// kettle lids (a line added, numbered 3) and counted the cups again (a
// quantity corrected on line 2, addressed by its number). Each change
// gets a history line naming the line.
func correctLines(ctx context.Context, w io.Writer, desk *ticketkit.Desk, c *ticket.Complaint) (*ticket.Complaint, error) {
	c, err := desk.ComplaintLineAdd(ctx, clerk, ticketkit.ComplaintLineAddParams{ComplaintID: c.ID, Version: c.Version,
		Lines: []ticket.ComplaintLine{{Product: "LID-200", Description: "Kettle lid", Batch: "B-2612", Quantity: decimal.NewFromInt(2), Unit: "pcs"}},
	})
	if err != nil {
		return nil, err
	}
	if c, err = desk.ComplaintLineUpdate(ctx, clerk, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 2,
		Quantity: new(decimal.NewFromInt(3)), Version: c.Version}); err != nil {
		return nil, err
	}
	for _, l := range c.Details.Lines {
		fmt.Fprintf(w, "   line %d %s qty %s %s\n", l.No, l.Product, l.Quantity, l.Unit)
	}
	return c, nil
}

// refuseDecidedChange shows that a decided line's quantity is not changed
// under its decision: the Desk refuses unless the decision is dropped.
func refuseDecidedChange(ctx context.Context, w io.Writer, desk *ticketkit.Desk, c *ticket.Complaint) {
	_, err := desk.ComplaintLineUpdate(ctx, clerk, ticketkit.ComplaintLineUpdateParams{ComplaintID: c.ID, Line: 1,
		Quantity: new(decimal.NewFromInt(10))})
	fmt.Fprintf(w, "   correcting decided line 1 is refused (decided: %t)\n", errors.Is(err, ticketkit.ErrLineDecided))
}

// decideLines decides the complaint line by line: the kettles are
// justified and settled in parts, a credit of 40 % of the line's value and
// 3 of the 12 kettles replaced; the cups are not, with feedback for the
// customer.
func decideLines(ctx context.Context, w io.Writer, desk *ticketkit.Desk, c *ticket.Complaint) (*ticket.Complaint, error) {
	c, err := desk.ComplaintLineDecide(ctx, clerk, ticketkit.ComplaintLineDecideParams{
		ComplaintID: c.ID, Line: 1, Justified: true, Remedies: []ticket.LineRemedy{
			{Kind: ticket.RemedyCreditNote, Percent: decimal.NewFromInt(40)},
			{Kind: ticket.RemedyReplacement, Quantity: decimal.NewFromInt(3), Notes: "the 3 that leaked"},
		},
	})
	if err != nil {
		return nil, err
	}
	if c, err = desk.ComplaintLineDecide(ctx, clerk, ticketkit.ComplaintLineDecideParams{
		ComplaintID: c.ID, Line: 2, Justified: false, Feedback: "The cups arrived intact according to the delivery note",
	}); err != nil {
		return nil, err
	}
	for _, l := range c.Details.Lines {
		d := l.Decision
		if d == nil {
			continue // the lids: still being examined
		}
		var parts []string
		for _, r := range d.Remedies {
			parts = append(parts, lineRemedy(r, l.Unit))
		}
		if !d.Justified {
			parts = append(parts, "feedback "+fmt.Sprintf("%q", d.Feedback))
		}
		fmt.Fprintf(w, "   line %d %s: justified %t, %s\n", l.No, l.Product, d.Justified, strings.Join(parts, ", "))
	}
	return c, nil
}

// lineRemedy describes one remedy of a line whose quantities are in unit.
func lineRemedy(r ticket.LineRemedy, unit string) string {
	switch {
	case !r.Percent.IsZero():
		return fmt.Sprintf("%s %s %%", r.Kind, r.Percent)
	case !r.Quantity.IsZero():
		return fmt.Sprintf("%s %s %s", r.Kind, r.Quantity, unit)
	default:
		return fmt.Sprintf("%s %s %s", r.Kind, r.Amount.StringFixed(2), r.Currency)
	}
}

// addCosts records the help desk's internal costs of the complaint and
// prints them with their totals per currency.
func addCosts(ctx context.Context, w io.Writer, desk *ticketkit.Desk, c *ticket.Complaint) error {
	for _, p := range []ticketkit.ComplaintCostAddParams{
		{ComplaintID: c.ID, Kind: ticket.CostFreight, Amount: decimal.RequireFromString("38.50"), Currency: "EUR", Note: "pick-up of 12 kettles"},
		{ComplaintID: c.ID, Kind: ticket.CostLabour, Amount: decimal.RequireFromString("64.00"), Currency: "EUR", Note: "2 h testing"},
	} {
		if _, err := desk.ComplaintCostAdd(ctx, clerk, p); err != nil {
			return err
		}
	}
	costs, err := desk.ComplaintCostList(ctx, clerk, ticketkit.ComplaintCostListParams{ComplaintID: c.ID})
	if err != nil {
		return err
	}
	for _, e := range costs.Entries {
		fmt.Fprintf(w, "   cost %s %s %s (%s)\n", e.Kind, e.Amount.StringFixed(2), e.Currency, e.Note)
	}
	for _, t := range costs.Totals {
		fmt.Fprintf(w, "   costs total %s %s over %d entries\n", t.Total.StringFixed(2), t.Currency, t.Count)
	}
	return nil
}
