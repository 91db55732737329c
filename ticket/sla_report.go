package ticket

import (
	"slices"
	"strings"
	"time"
)

// SLAStats are the response, resolution and reopen figures of a set of
// tickets, computed from the metrics each ticket's SLA state keeps (see
// [SLAState]). Durations are wall-clock time from the ticket's opening.
type SLAStats struct {
	// Tickets is the number of tickets the figures cover.
	Tickets int `json:"tickets"`
	// FirstResponse is the time from opening to the first staff reply,
	// over the tickets that got one.
	FirstResponse DurationStats `json:"first_response"`
	// Resolution is the time from opening to the latest resolution,
	// over the tickets resolved or closed now.
	Resolution DurationStats `json:"resolution"`
	// Resolved counts the tickets that were resolved at least once;
	// Reopened those of them reopened at least once; ReopenRate is
	// Reopened / Resolved (0 when nothing was resolved).
	Resolved   int     `json:"resolved"`
	Reopened   int     `json:"reopened"`
	ReopenRate float64 `json:"reopen_rate"`
	// Breached counts the tickets that breached at least one target;
	// BreachRate is Breached / Tickets; BreachedBy counts them per target
	// ("first_response", "next_response", "resolution"), a ticket once
	// per target whatever the cycles and rounds, by count, highest first.
	Breached   int        `json:"breached"`
	BreachRate float64    `json:"breach_rate"`
	BreachedBy []CountRow `json:"breached_by"`
	// Paused is the business time the tickets spent waiting on the
	// customer, over those that did.
	Paused DurationStats `json:"paused"`
}

// SLAStatsRow is the SLAStats of one group of tickets.
type SLAStatsRow struct {
	Key string `json:"key"`
	SLAStats
}

// SLAStatsOf returns the SLA figures of ts. Feed it the tickets of a
// search, page by page appended, to report over any store.
func SLAStatsOf(ts []*Ticket) SLAStats {
	var s SLAStats
	var first, resolution, paused []time.Duration
	for _, t := range ts {
		if t == nil {
			continue
		}
		s.Tickets++
		st := t.SLA
		if !st.FirstResponseAt.IsZero() {
			first = append(first, max(0, st.FirstResponseAt.Sub(t.CreatedAt)))
		}
		if !st.ResolvedAt.IsZero() {
			resolution = append(resolution, max(0, st.ResolvedAt.Sub(t.CreatedAt)))
		}
		if !st.ResolvedAt.IsZero() || st.ReopenCount > 0 {
			s.Resolved++
		}
		if st.ReopenCount > 0 {
			s.Reopened++
		}
		if st.PausedTotal > 0 {
			paused = append(paused, st.PausedTotal)
		}
		if len(breachedTargets(st.Breached)) > 0 {
			s.Breached++
		}
	}
	s.FirstResponse = durationStatsOf(first)
	s.Resolution = durationStatsOf(resolution)
	s.Paused = durationStatsOf(paused)
	if s.Resolved > 0 {
		s.ReopenRate = float64(s.Reopened) / float64(s.Resolved)
	}
	if s.Tickets > 0 {
		s.BreachRate = float64(s.Breached) / float64(s.Tickets)
	}
	s.BreachedBy = countBy(ts, func(t *Ticket) []string { return breachedTargets(t.SLA.Breached) })
	return s
}

// SLAStatsBy groups ts by key, such as the department or the priority,
// and returns the SLA figures of each group, by key.
func SLAStatsBy(ts []*Ticket, key func(*Ticket) string) []SLAStatsRow {
	groups := make(map[string][]*Ticket)
	for _, t := range ts {
		if t != nil {
			groups[key(t)] = append(groups[key(t)], t)
		}
	}
	rows := make([]SLAStatsRow, 0, len(groups))
	for k, g := range groups {
		rows = append(rows, SLAStatsRow{Key: k, SLAStats: SLAStatsOf(g)})
	}
	slices.SortFunc(rows, func(a, b SLAStatsRow) int { return strings.Compare(a.Key, b.Key) })
	return rows
}

// breachedTargets returns the distinct targets of SLAState.Breached
// keys such as "c1:resolution" or "c2:next_response#3".
func breachedTargets(keys []string) []string {
	var out []string
	for _, k := range keys {
		_, target, ok := strings.Cut(k, ":")
		if !ok {
			continue
		}
		target, _, _ = strings.Cut(target, "#")
		if !slices.Contains(out, target) {
			out = append(out, target)
		}
	}
	return out
}
