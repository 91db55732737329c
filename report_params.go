package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ReportParams selects the period and grouping of a satisfaction or
// time report.
type ReportParams struct {
	// GroupBy is one of storage.RatingGroupings for
	// [Desk.SatisfactionReport], of storage.TimeGroupings for
	// [Desk.TimeReport].
	GroupBy storage.ReportGroupBy `json:"group_by"`
	// From and To bound the UTC day (of the rating, of the work): From's
	// day included, To's excluded; a zero bound is open.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// SatisfactionReport is the satisfaction ratings of a period, grouped.
type SatisfactionReport struct {
	ReportParams
	Groups []SatisfactionGroup `json:"groups"`
}

// SatisfactionGroup is one line of a [SatisfactionReport].
type SatisfactionGroup struct {
	// Key is the agent, department, category, day or month; "" for
	// ratings without one, such as of unassigned tickets.
	Key     string `json:"key"`
	Ratings int64  `json:"ratings"`
	// Average is the mean score, from 1 to 5.
	Average float64 `json:"average"`
	// Satisfied is how many ratings scored 4 or 5; CSAT is their share
	// in percent, the usual CSAT score.
	Satisfied int64   `json:"satisfied"`
	CSAT      float64 `json:"csat"`
}

// checkReport validates p against the groupings of a report.
func checkReport(actor ticket.Actor, p ReportParams, groupings []storage.ReportGroupBy) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := requireStaff(actor, "read reports"); err != nil {
		return err
	}
	v := &ticket.ValidationError{}
	if !slices.Contains(groupings, p.GroupBy) {
		v.Add("group_by", "oneof", fmt.Sprintf("must be one of %v", groupings))
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"from", p.From}, {"to", p.To}} {
		if err := ticket.CheckTime(f.name, f.t); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
		v.Add("to", "gtfield", "must be after from")
	}
	return failed(v)
}

// SatisfactionReport aggregates the tenant's ratings of a period by
// agent, department (team), category, day or month, in the store (one
// GROUP BY over an index of the day). Staff only.
func (d *Desk) SatisfactionReport(ctx context.Context, actor ticket.Actor, p ReportParams) (_ *SatisfactionReport, err error) {
	ctx, end := d.begin(ctx, "SatisfactionReport", actor)
	defer func() { end(err) }()
	if err := checkReport(actor, p, storage.RatingGroupings()); err != nil {
		return nil, err
	}
	rs, ok := d.store.(storage.RatingStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: ratings: %T does not implement storage.RatingStore: %w", d.store, ErrRatingsUnsupported)
	}
	groups, err := rs.RatingReport(ctx, storage.RatingReportParams{TenantID: actor.TenantID, GroupBy: p.GroupBy, From: p.From, To: p.To})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: satisfaction report: %w", err)
	}
	out := &SatisfactionReport{ReportParams: p, Groups: make([]SatisfactionGroup, len(groups))}
	for i, g := range groups {
		sg := SatisfactionGroup{Key: g.Key, Ratings: g.Count, Satisfied: g.Satisfied}
		if g.Count > 0 {
			sg.Average = float64(g.ScoreSum) / float64(g.Count)
			sg.CSAT = 100 * float64(g.Satisfied) / float64(g.Count)
		}
		out.Groups[i] = sg
	}
	return out, nil
}
