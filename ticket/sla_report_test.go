package ticket_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
)

func TestSLAStatsOf(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	tk := func(dept string, st ticket.SLAState) *ticket.Ticket {
		return &ticket.Ticket{Department: dept, CreatedAt: t0, SLA: st}
	}
	ts := []*ticket.Ticket{
		// Answered after 1 h, resolved after 5 h.
		tk("billing", ticket.SLAState{Cycle: 1, FirstResponseAt: h(1), ResolvedAt: h(5)}),
		// Answered after 3 h, breached its first response, resolved after
		// 9 h, reopened once and resolved again after 20 h.
		tk("billing", ticket.SLAState{Cycle: 2, FirstResponseAt: h(3), ResolvedAt: h(20), ReopenCount: 1,
			Breached: []string{"c1:first_response", "c2:next_response#1", "c2:next_response#2"}, PausedTotal: 2 * time.Hour}),
		// Reopened and open again: resolved once, not now.
		tk("support", ticket.SLAState{Cycle: 2, FirstResponseAt: h(2), ReopenCount: 2, Breached: []string{"c1:resolution"}}),
		// Never answered.
		tk("support", ticket.SLAState{Cycle: 1, Breached: []string{"c1:first_response"}}),
		nil,
	}
	got := ticket.SLAStatsOf(ts)
	require.Equal(t, 4, got.Tickets)
	require.Equal(t, ticket.DurationStats{Count: 3, Min: time.Hour, Max: 3 * time.Hour, Mean: 2 * time.Hour, Median: 2 * time.Hour}, got.FirstResponse)
	require.Equal(t, ticket.DurationStats{Count: 2, Min: 5 * time.Hour, Max: 20 * time.Hour, Mean: 12*time.Hour + 30*time.Minute, Median: 12*time.Hour + 30*time.Minute}, got.Resolution)
	require.Equal(t, 3, got.Resolved)
	require.Equal(t, 2, got.Reopened)
	require.InDelta(t, 2.0/3, got.ReopenRate, 1e-9)
	require.Equal(t, 3, got.Breached)
	require.InDelta(t, 0.75, got.BreachRate, 1e-9)
	require.Equal(t, []ticket.CountRow{{Key: "first_response", Count: 2}, {Key: "next_response", Count: 1}, {Key: "resolution", Count: 1}}, got.BreachedBy)
	require.Equal(t, ticket.DurationStats{Count: 1, Min: 2 * time.Hour, Max: 2 * time.Hour, Mean: 2 * time.Hour, Median: 2 * time.Hour}, got.Paused)

	rows := ticket.SLAStatsBy(ts, func(t *ticket.Ticket) string { return t.Department })
	require.Len(t, rows, 2)
	require.Equal(t, "billing", rows[0].Key)
	require.Equal(t, 2, rows[0].Tickets)
	require.Equal(t, 1, rows[0].Reopened)
	require.Equal(t, "support", rows[1].Key)
	require.Equal(t, 2, rows[1].Breached)
	require.Equal(t, 0, rows[1].Resolution.Count)

	require.Equal(t, ticket.SLAStats{BreachedBy: []ticket.CountRow{}}, ticket.SLAStatsOf(nil), "no tickets, no rates")
}
