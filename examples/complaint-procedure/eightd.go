package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/complaintdoc"
	"github.com/ticketkit/ticketkit/complaintdoc/pdf"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// eightD walks the complaint through the 8D structure: typed actions
// (containment, corrective, preventive) with an effectiveness check, the
// root cause coded from the catalog's cause and defect codes, and steps
// D1 to D8 completed in order (one asked for too early is refused).
func eightD(ctx context.Context, w io.Writer, d *ticketkit.Desk, clk *clock.Fake, c *ticket.Complaint) (*ticket.Complaint, error) {
	fmt.Fprintln(w, "6. The 8D: typed actions, root cause, steps D1 to D8")
	const (
		contain  = "Check the other boilers serviced that week"
		correct  = "Replace worn ignition electrodes at every annual service"
		prevent  = "Add the electrode to the service checklist"
		checkout = "two weeks without a failure on the revisited boilers"
	)
	c, err := d.ComplaintPlan(ctx, super, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Add: []ticketkit.ActionInput{
		{Title: contain, Owner: tech.ID, DueAt: clk.Now().Add(24 * time.Hour), Type: ticket.ActionContainment},
		{Title: correct, Owner: super.ID, DueAt: clk.Now().Add(7 * 24 * time.Hour), Type: ticket.ActionCorrective},
		{Title: prevent, Owner: super.ID, DueAt: clk.Now().Add(14 * 24 * time.Hour), Type: ticket.ActionPreventive},
	}})
	if err != nil {
		return nil, err
	}
	clk.Advance(time.Hour)
	if c, err = d.ComplaintPlan(ctx, super, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{
		{ID: actionID(c, contain), Done: new(true), Result: new("3 boilers checked, 1 electrode replaced")},
		{ID: actionID(c, correct), Done: new(true), Result: new("service instruction SI-12 updated")},
		{ID: actionID(c, prevent), Done: new(true), Result: new("checklist v7 issued")},
	}}); err != nil {
		return nil, err
	}
	if c, err = d.ComplaintEffectivenessRecord(ctx, super, ticketkit.ComplaintEffectivenessParams{
		ComplaintID: c.ID, ActionID: actionID(c, correct), Effective: true, Notes: checkout,
	}); err != nil {
		return nil, err
	}
	for _, a := range c.Actions {
		if a.Type == "" {
			continue
		}
		check := "not checked"
		if a.Effectiveness.Checked() {
			check = fmt.Sprintf("effective %t: %s", a.Effectiveness.Effective, a.Effectiveness.Notes)
		}
		fmt.Fprintf(w, "   %-11s %s (%s)\n", a.Type, a.Title, check)
	}

	if c, err = d.ComplaintRootCauseSet(ctx, super, ticketkit.ComplaintRootCauseParams{
		ComplaintID: c.ID, Cause: ticket.CodeRef{Group: "MAN", Code: "M02"}, Defect: ticket.CodeRef{Group: "FUN", Code: "F01"},
		Text: "The worn ignition electrode was not replaced at the service",
	}); err != nil {
		return nil, err
	}
	rc := c.Details.RootCause
	cause, _ := d.ComplaintCatalog().CauseCode(rc.Cause)
	defect, _ := d.ComplaintCatalog().DefectCode(rc.Defect)
	fmt.Fprintf(w, "   root cause %s %s, defect %s %s, by %s\n", rc.Cause, cause.Label.Text, rc.Defect, defect.Label.Text, rc.By)

	notes := map[ticket.Step]string{
		ticket.StepD1: "team: desk-mia, tech-tom, super-sam",
		ticket.StepD2: "boiler does not ignite two days after the service",
		ticket.StepD3: contain,
		ticket.StepD4: rc.Text,
		ticket.StepD5: correct,
		ticket.StepD6: checkout,
		ticket.StepD7: prevent,
		ticket.StepD8: "team thanked; complaint closed with a credit",
	}
	complete := func(s ticket.Step) error {
		next, err := d.ComplaintStepComplete(ctx, super, ticketkit.ComplaintStepParams{ComplaintID: c.ID, Step: s, Notes: notes[s]})
		if err == nil {
			c = next
		}
		return err
	}
	for _, s := range ticket.Steps() {
		if s == ticket.StepD3 {
			// D4 asked for before D3 is refused, naming the missing step.
			err := complete(ticket.StepD4)
			var se *workflow.StepError
			if !errors.As(err, &se) {
				return nil, fmt.Errorf("D4 before D3: want a step error, got %v", err)
			}
			fmt.Fprintf(w, "   %s before D3, refused (step order: %t): %s\n", se.Step, errors.Is(err, ticketkit.ErrStepOrder), se.Reason)
		}
		if err := complete(s); err != nil {
			return nil, err
		}
	}
	for _, r := range c.Details.Steps {
		fmt.Fprintf(w, "   %s done by %s at %s: %s\n", r.Step, r.By, r.At.Format("01-02 15:04"), r.Notes)
	}
	return c, nil
}

// print8D prints the posted complaint's 8D report as a PDF into dir.
func print8D(w io.Writer, d *ticketkit.Desk, c *ticket.Complaint, dir string) error {
	fmt.Fprintln(w, "9. Print the 8D report")
	r, err := complaintdoc.New(complaintdoc.Config{Catalog: d.ComplaintCatalog()})
	if err != nil {
		return err
	}
	doc, err := r.Build(complaintdoc.KindReport8D, c, "en")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.Write(&buf, doc, pdf.Config{}); err != nil {
		return err
	}
	file := c.Number + "-8d.pdf"
	if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s: %s, %d sections\n", file, doc.Title, len(doc.Sections))
	return nil
}
