// Command complaint-procedure plays a service company's complaint
// procedure on an embedded SQLite database: a service job from the host's
// job system is marked a complaint, and its category's template actions
// are added once the user confirms each one (one is declined); the reason
// code comes from the catalog (CR01 to CR04); a reason is required to
// close; once the job is solved a super user (a supervisor) follows it
// up: checks the actions are done (an open one blocks), decides the
// complaint was justified and, since a credit is required, gets a
// follow-up task added for the salesperson; closing before that review,
// or without a reason, is refused; then the complaint is closed (posted).
// Before it is fulfilled, the supervisor runs the 8D: typed containment,
// corrective and preventive actions, the corrective one checked effective,
// the root cause coded from the catalog's cause and defect codes, and
// steps D1 to D8 completed in order (D4 asked for before D3 is refused).
// Last, the 8D report is printed as PDF into the -out directory.
//
// Run it with:
//
//	go run ./examples/complaint-procedure
//
// or keep the database in a file with -db complaints.db.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

var (
	// desk is the service desk agent who registers the complaint.
	desk = ticketkit.Actor{ID: "desk-mia", Role: ticket.RoleAgent, TenantID: "heatco"}
	// tech is the technician who carries out the actions.
	tech = ticketkit.Actor{ID: "tech-tom", Role: ticket.RoleAgent, TenantID: "heatco"}
	// sales is the salesperson in charge of the customer.
	sales = ticketkit.Actor{ID: "sales-ana", Role: ticket.RoleAgent, TenantID: "heatco"}
	// super is the super user who must follow a solved complaint up.
	super = ticketkit.Actor{ID: "super-sam", Role: ticket.RoleSupervisor, TenantID: "heatco"}
)

// categoryService is the host's complaint category for service jobs.
const categoryService = "service-job"

func main() {
	path := flag.String("db", bunopen.Memory, `SQLite database file, or ":memory:"`)
	out := flag.String("out", ".", "directory the 8D report is printed into")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path, *out); err != nil {
		log.Fatal(err)
	}
}

// catalog is the complaint catalog with the host's service job category,
// whose template actions are offered when a job becomes a complaint.
func catalog() (*ticket.Catalog, error) {
	spec := ticket.ComplaintCatalogSpec()
	spec.Categories = append(spec.Categories, ticket.Category{
		Code: categoryService, Label: ticket.Label{Text: "Service job"}, Complaint: true,
		Actions: []ticket.ActionTemplate{
			{Title: "Call the customer back", Owner: "desk-mia", DueIn: "4h"},
			{Title: "Revisit the site and re-test the boiler", Owner: "tech-tom", DueIn: "48h"},
			{Title: "Lend the customer a heater", Owner: "logistics", DueIn: "8h"},
		},
	})
	return ticket.NewCatalog(spec)
}

// jobs is the host's job system: it resolves service jobs into source
// documents, which name the customer, the contract and the salesperson.
var jobs = ticket.SourceResolverFunc(func(_ context.Context, ref ticket.Reference) (ticket.SourceDocument, error) {
	if ref.Kind != ticket.RefJob || ref.ID != "JOB-4711" {
		return ticket.SourceDocument{}, fmt.Errorf("%s %s: %w", ref.Kind, ref.ID, ticket.ErrSourceNotFound)
	}
	return ticket.SourceDocument{
		Ref:      ticket.Reference{Kind: ticket.RefJob, ID: "JOB-4711", Label: "Annual boiler service"},
		Customer: ticket.Customer{ID: "CUST-19", Name: "Café Nord", Email: "owner@cafe-nord.example"},
		Contacts: []ticket.Contact{{Name: "Lena Berg", Role: "owner"}},
		Company:  "HEATCO", Contract: "SC-2026-88", Currency: "EUR", Salesperson: "sales-ana",
		Lines: []ticket.ComplaintLine{
			{Product: "SVC-BOILER", Description: "Annual boiler service", Serial: "BX-300-5521", Quantity: decimal.NewFromInt(1), Unit: "job"},
		},
	}, nil
})

// declined are the template actions the user answers "no" for.
var declined = map[string]bool{"Lend the customer a heater": true}

// run plays the procedure on the SQLite database at path and prints the
// 8D report into outDir.
func run(ctx context.Context, w io.Writer, path, outDir string) error {
	store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	clk := clock.NewFake(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	cat, err := catalog()
	if err != nil {
		return err
	}
	// "Request reason for closure" on, and a supervisor's follow-up
	// review before a complaint is closed.
	machine, err := workflow.DefaultComplaint(cat, workflow.ComplaintRules{ClosureReason: true, SupervisorReview: true})
	if err != nil {
		return err
	}
	mailbox := notifytest.NewMailbox(&notify.Resolver{Catalog: cat}, nil, nil)
	mailbox.OnMail = func(m notifytest.Mail) { fmt.Fprintf(w, "   mail to %s: %s\n", m.To.Address, m.Subject) }
	// confirm stands for the question the host's screen asks the user
	// before each template action is added.
	confirm := func(_ context.Context, c *ticket.Complaint, tmpl ticket.ActionTemplate) bool {
		yes := !declined[tmpl.Title]
		answer := "yes"
		if !yes {
			answer = "no"
		}
		fmt.Fprintf(w, "   ? add action %q (%s, due in %s) to the complaint on %s %s? %s\n",
			tmpl.Title, tmpl.Owner, tmpl.DueIn, c.Details.Source.Kind, c.Details.Source.ID, answer)
		return yes
	}
	d, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clk, Notifier: mailbox, Complaints: &ticketkit.ComplaintConfig{
		Workflow: machine, Sources: jobs, ConfirmActions: confirm,
	}})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "1. Reason codes in the catalog")
	for _, r := range d.ComplaintCatalog().Reasons() {
		fmt.Fprintf(w, "   %s %s\n", r.Code, r.Label.Text)
	}

	fmt.Fprintln(w, "2. Service job JOB-4711 is marked a complaint")
	c, err := d.ComplaintOpen(ctx, desk, ticketkit.ComplaintOpenParams{
		Subject: "Boiler fails again two days after the service", Reason: "CR03", Category: categoryService,
		Channel: ticket.ChannelPhone, RemedySought: ticket.RemedyCreditNote, Severity: ticket.SeverityMedium,
		Source:         &ticket.Reference{Kind: ticket.RefJob, ID: "JOB-4711"},
		Accounting:     ticket.Accounting{SalesAdjustment: true, Amount: decimal.RequireFromString("180.00")},
		Responsibility: ticket.Responsibility{BusinessUnit: "Service North", Employee: tech.ID},
	})
	if err != nil {
		return err
	}
	job, _ := c.Reference(ticket.RefJob)
	fmt.Fprintf(w, "   %s %s, job %s, customer %s, reason %s, salesperson %s, %d action(s) added\n",
		c.Number, c.Status, job.ID, c.Customer.Name, c.Reason, c.Details.Responsibility.Salesperson, len(c.Actions))

	fmt.Fprintln(w, "3. The technician works on it")
	if c, err = d.ComplaintTransition(ctx, desk, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusPlanned}); err != nil {
		return err
	}
	clk.Advance(2 * time.Hour)
	if c, err = d.ComplaintPlan(ctx, desk, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{
		{ID: actionID(c, "Call the customer back"), Done: new(true), Result: new("visit agreed for tomorrow")},
	}}); err != nil {
		return err
	}
	clk.Advance(22 * time.Hour)
	if c, err = d.ComplaintUpdate(ctx, tech, ticketkit.ComplaintUpdateParams{ComplaintID: c.ID, EndDate: new(clk.Now())}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s: the technician reports the job solved (end date %s)\n",
		c.Number, c.Status, c.Details.EndDate.Format(time.DateOnly))

	fmt.Fprintln(w, "4. Follow-up by the super user: are the actions done?")
	printActions(w, c)
	_, err = d.ComplaintTransition(ctx, super, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled})
	fmt.Fprintf(w, "   refused: %s\n", refusal(err))
	clk.Advance(3 * time.Hour)
	if c, err = d.ComplaintPlan(ctx, tech, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{
		{ID: actionID(c, "Revisit the site and re-test the boiler"), Done: new(true), Result: new("ignition electrode replaced")},
	}}); err != nil {
		return err
	}
	printActions(w, c)

	fmt.Fprintln(w, "5. The super user decides: justified, a credit is required")
	clk.Advance(time.Hour)
	if c, err = d.ComplaintDecide(ctx, super, ticketkit.ComplaintDecideParams{
		ComplaintID: c.ID, Justified: true, Notes: "The electrode should have been replaced at the service",
		Remedy:         ticket.Remedy{Kind: ticket.RemedyCreditNote, Amount: decimal.RequireFromString("180.00"), Currency: "EUR"},
		CreditRequired: true,
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   justified %t by %s\n", c.Details.Decision.Justified, c.Details.Decision.By)
	credit := c.Actions[len(c.Actions)-1]
	fmt.Fprintf(w, "   follow-up for the salesperson %s: %q\n", credit.Owner, credit.Title)
	printActions(w, c)
	clk.Advance(time.Hour)
	if c, err = d.ComplaintPlan(ctx, sales, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Change: []ticketkit.ActionChange{
		{ID: credit.ID, Done: new(true), Result: new("credit note CN-2026-0118 issued")},
	}}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s: %q done: %s; %d open\n", sales.ID, credit.Title, actionResult(c, credit.ID), c.OpenActions())

	if c, err = eightD(ctx, w, d, clk, c); err != nil {
		return err
	}

	fmt.Fprintln(w, "7. The complaint is fulfilled")
	if c, err = d.ComplaintTransition(ctx, super, ticketkit.ComplaintTransitionParams{ComplaintID: c.ID, To: ticket.StatusFulfilled}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s\n", c.Number, c.Status)

	fmt.Fprintln(w, "8. Closing")
	const reason = "Credit note CN-2026-0118 over 180.00 EUR issued; boiler works"
	_, err = d.ComplaintPost(ctx, desk, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: reason})
	fmt.Fprintf(w, "   before the review, refused: %s\n", refusal(err))
	if c, err = d.ComplaintReview(ctx, super, ticketkit.ComplaintReviewParams{
		ComplaintID: c.ID, Outcome: ticket.ReviewApproved, Notes: "actions done, credit issued",
	}); err != nil {
		return err
	}
	r, _ := c.LatestReview(ticket.RoleSupervisor)
	fmt.Fprintf(w, "   reviewed by %s (%s): %s\n", r.By, r.Role, r.Outcome)
	_, err = d.ComplaintPost(ctx, desk, ticketkit.ComplaintPostParams{ComplaintID: c.ID})
	fmt.Fprintf(w, "   without a reason, refused: %s\n", refusal(err))
	clk.Advance(time.Hour)
	if c, err = d.ComplaintPost(ctx, desk, ticketkit.ComplaintPostParams{ComplaintID: c.ID, Reason: reason}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s %s at %s, reason %q\n", c.Number, c.Status, c.Details.PostedAt.Format(time.RFC3339), c.ClosureReason)
	_, err = d.ComplaintPlan(ctx, tech, ticketkit.ComplaintPlanParams{ComplaintID: c.ID, Add: []ticketkit.ActionInput{{Title: "one more"}}})
	fmt.Fprintf(w, "   a later change is refused (posted: %t)\n", errors.Is(err, ticketkit.ErrPosted))
	return print8D(w, d, c, outDir)
}

// actionID returns the ID of c's action with the given title.
func actionID(c *ticket.Complaint, title string) string {
	for _, a := range c.Actions {
		if a.Title == title {
			return a.ID
		}
	}
	return ""
}

// actionResult returns the result of c's action id.
func actionResult(c *ticket.Complaint, id string) string {
	for _, a := range c.Actions {
		if a.ID == id {
			return a.Result
		}
	}
	return ""
}

// printActions prints c's action plan, open and done.
func printActions(w io.Writer, c *ticket.Complaint) {
	for _, a := range c.Actions {
		state := "open"
		when := "due " + a.DueAt.Format("01-02 15:04")
		if a.DueAt.IsZero() {
			when = "no due date"
		}
		if a.Done {
			state, when = "done", "done "+a.DoneAt.Format("01-02 15:04")+": "+a.Result
		}
		fmt.Fprintf(w, "   [%s] %s (%s, %s)\n", state, a.Title, a.Owner, when)
	}
	fmt.Fprintf(w, "   %d open\n", c.OpenActions())
}

// refusal describes a refused status change: the guard that refused it
// and why.
func refusal(err error) string {
	var te *ticketkit.TransitionError
	if errors.As(err, &te) && te.Guard != "" {
		return fmt.Sprintf("guard %s: %s", te.Guard, te.Reason)
	}
	if err == nil {
		return "not refused"
	}
	return err.Error()
}
