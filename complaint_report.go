package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintReportParams selects the complaints a report covers. Empty
// fields do not filter; list fields match any of their values and hold
// at most [ticket.MaxItems] codes of the desk's complaint catalog. Bad
// input is checked as [Desk.ComplaintJournal] checks the same fields:
// unknown codes, an oversize list or ID, and a date range whose end is
// not after its start are a *ValidationError naming every bad field.
type ComplaintReportParams struct {
	// Reasons are reason codes; "" selects the complaints logged without
	// a reason.
	Reasons    []string `json:"reasons,omitempty"`
	Statuses   []string `json:"statuses,omitempty"`
	CustomerID string   `json:"customer_id,omitempty"`
	// IssuedFrom and IssuedTo bound the date of issue to [From, To).
	IssuedFrom time.Time `json:"issued_from,omitzero"`
	IssuedTo   time.Time `json:"issued_to,omitzero"`
}

// ComplaintReport is the complaint statistics of a selection; see the
// report functions of package ticket for each part.
type ComplaintReport struct {
	Complaints     int                    `json:"complaints"`
	ByReason       []ticket.CountRow      `json:"by_reason"`
	ByChannel      []ticket.CountRow      `json:"by_channel"`
	ByProduct      []ticket.CountRow      `json:"by_product"`
	BySeries       []ticket.SeriesRow     `json:"by_series"`
	ByCause        []ticket.CountRow      `json:"by_cause"`
	ByDefect       []ticket.CountRow      `json:"by_defect"`
	Justified      ticket.JustifiedRate   `json:"justified"`
	TimeToDecision ticket.DurationStats   `json:"time_to_decision"`
	Claimed        []ticket.CurrencyTotal `json:"claimed"`
	Granted        []ticket.CurrencyTotal `json:"granted"`
}

// ComplaintReport pages through the tenant's complaints matching p with
// storage.ComplaintStore.ComplaintList, so it works on every backend, and
// feeds them to the report functions of package ticket. Only staff may
// read reports.
func (d *Desk) ComplaintReport(ctx context.Context, actor ticket.Actor, p ComplaintReportParams) (_ *ComplaintReport, err error) {
	ctx, end := d.begin(ctx, "ComplaintReport", actor)
	defer func() { end(err) }()
	all, err := d.reportComplaints(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	return &ComplaintReport{
		Complaints:     len(all),
		ByReason:       ticket.ComplaintsByReason(all),
		ByChannel:      ticket.ComplaintsByChannel(all),
		ByProduct:      ticket.ComplaintsByProduct(all),
		BySeries:       ticket.ComplaintsBySeries(all),
		ByCause:        ticket.ComplaintsByCause(all),
		ByDefect:       ticket.ComplaintsByDefect(all),
		Justified:      ticket.ComplaintsJustified(all),
		TimeToDecision: ticket.TimeToDecision(all),
		Claimed:        ticket.ClaimedAmounts(all),
		Granted:        ticket.GrantedAmounts(all),
	}, nil
}

// reportComplaints reads every complaint of the actor's tenant that p
// selects, for a report only staff may read. p is checked as the
// journal's parameters of the same names (journalQuery).
func (d *Desk) reportComplaints(ctx context.Context, actor ticket.Actor, p ComplaintReportParams) ([]*ticket.Complaint, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	d, setup, err := d.complaintSetup(ctx, nil, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "read complaint reports"); err != nil {
		return nil, err
	}
	q, empty, err := d.journalQuery(setup, actor, ComplaintJournalParams{
		Reasons: p.Reasons, Statuses: p.Statuses, CustomerID: p.CustomerID,
		IssuedFrom: p.IssuedFrom, IssuedTo: p.IssuedTo,
	})
	if err != nil || empty {
		return nil, err
	}
	q.Limit = storage.MaxLimit
	cs, err := complaintTx(d.store)
	if err != nil {
		return nil, err
	}
	var all []*ticket.Complaint
	for {
		page, err := cs.ComplaintList(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("ticketkit: complaint report: %w", err)
		}
		all = append(all, page.Complaints...)
		if page.Next == "" {
			return all, nil
		}
		q.After = page.Next
	}
}
