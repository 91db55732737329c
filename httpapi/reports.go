package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// durationView is ticket.DurationStats in seconds, for JSON clients.
type durationView struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min_seconds"`
	Max    float64 `json:"max_seconds"`
	Mean   float64 `json:"mean_seconds"`
	Median float64 `json:"median_seconds"`
}

func viewDuration(d ticket.DurationStats) durationView {
	sec := func(v time.Duration) float64 { return v.Seconds() }
	return durationView{Count: d.Count, Min: sec(d.Min), Max: sec(d.Max), Mean: sec(d.Mean), Median: sec(d.Median)}
}

// slaStatsView is ticket.SLAStats with durations in seconds.
type slaStatsView struct {
	Tickets       int               `json:"tickets"`
	FirstResponse durationView      `json:"first_response"`
	Resolution    durationView      `json:"resolution"`
	Resolved      int               `json:"resolved"`
	Reopened      int               `json:"reopened"`
	ReopenRate    float64           `json:"reopen_rate"`
	Breached      int               `json:"breached"`
	BreachRate    float64           `json:"breach_rate"`
	BreachedBy    []ticket.CountRow `json:"breached_by"`
	Paused        durationView      `json:"paused"`
}

func viewSLAStats(s ticket.SLAStats) slaStatsView {
	by := s.BreachedBy
	if by == nil {
		by = []ticket.CountRow{}
	}
	return slaStatsView{
		Tickets: s.Tickets, FirstResponse: viewDuration(s.FirstResponse), Resolution: viewDuration(s.Resolution),
		Resolved: s.Resolved, Reopened: s.Reopened, ReopenRate: s.ReopenRate,
		Breached: s.Breached, BreachRate: s.BreachRate, BreachedBy: by, Paused: viewDuration(s.Paused),
	}
}

// slaReportView is the body of GET /reports/sla.
type slaReportView struct {
	slaStatsView
	GroupBy string         `json:"group_by,omitempty"`
	Groups  []slaGroupView `json:"groups,omitempty"`
}

type slaGroupView struct {
	Key string `json:"key"`
	slaStatsView
}

// reportParams names the query parameters of GET /reports/sla.
var reportParams = append(slices.Clone(filterParams), "group_by")

func (h *handler) slaReport(w http.ResponseWriter, r *http.Request, actor ticketkit.Actor) error {
	q, err := newQuery(r, reportParams...)
	if err != nil {
		return err
	}
	p := ticketkit.SLAReportParams{SearchParams: searchFilter(q), GroupBy: q.single("group_by")}
	if err := q.err(); err != nil {
		return err
	}
	rep, err := h.desk.SLAReport(r.Context(), actor, p)
	if err != nil {
		return renameFields(err, searchNames)
	}
	v := slaReportView{slaStatsView: viewSLAStats(rep.SLAStats), GroupBy: rep.GroupBy}
	for _, g := range rep.Groups {
		v.Groups = append(v.Groups, slaGroupView{Key: g.Key, slaStatsView: viewSLAStats(g.SLAStats)})
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
