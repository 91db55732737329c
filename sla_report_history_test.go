package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestSLAReportWithoutSLA plays one scenario on a Desk with an SLA and on
// one without, on every backend: without an SLA the report computes the
// figures from the tickets' history and says so, and they are the ones
// the SLA state keeps (on the always-open calendar business time is wall
// time); only breaches need a target.
func TestSLAReportWithoutSLA(t *testing.T) {
	for _, b := range backends() {
		for _, withSLA := range []bool{true, false} {
			name := b.Name + "/no SLA"
			if withSLA {
				name = b.Name + "/SLA"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := newSLADesk(t, b.Open(t), func(c *ticketkit.Config) {
					if !withSLA {
						c.SLA = nil
					}
				})
				ctx := context.Background()
				open, reply := s.opener(t), s.replier(t)
				a, bb, d := open("A"), open("B"), open("D")
				open("C")
				s.at(1)
				reply(a)
				s.at(1.5)
				reply(bb)
				s.at(2)
				s.move(t, d, ticket.StatusWaiting)
				s.at(3)
				s.move(t, a, ticket.StatusResolved)
				s.at(3.5)
				s.move(t, d, ticket.StatusInProgress)
				s.at(5)
				s.move(t, bb, ticket.StatusResolved)
				s.at(6)
				s.move(t, bb, ticket.StatusInProgress) // reopened
				s.at(7)
				s.move(t, bb, ticket.StatusResolved)
				s.at(7.5)
				s.move(t, a, ticket.StatusClosed) // closing keeps the first resolution

				r, err := s.desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{GroupBy: "status"})
				require.NoError(t, err)
				if withSLA {
					require.Zero(t, r.FromHistory)
				} else {
					require.Equal(t, 4, r.FromHistory, "every ticket is said to come from history")
					require.Zero(t, r.Breached, "no target, no breach")
				}
				require.Equal(t, 4, r.Tickets)
				requireABFigures(t, r.SLAStats)
				require.Equal(t, ticket.DurationStats{Count: 1, Min: 90 * time.Minute, Max: 90 * time.Minute, Mean: 90 * time.Minute, Median: 90 * time.Minute}, r.Paused)
				require.Len(t, r.Groups, 4)
				for _, g := range r.Groups {
					switch g.Key {
					case ticket.StatusResolved:
						require.Equal(t, 1, g.Resolved)
						require.Equal(t, 1, g.Reopened)
					case ticket.StatusClosed:
						require.Equal(t, 1, g.Resolved)
						require.Equal(t, 3*time.Hour, g.Resolution.Max)
					}
				}
			})
		}
	}
}

// TestSLAReportWithoutSLAReopenedByCustomer checks a reopen the Desk
// makes itself, a customer writing on a closed ticket, and a ticket
// still open: the history gives one reopen and no current resolution.
func TestSLAReportWithoutSLAReopenedByCustomer(t *testing.T) {
	f := newFixture(t, func(c *ticketkit.Config) { c.ReopenWithin = 24 * time.Hour })
	ctx := context.Background()
	tk := f.open(t, customer, ticketkit.OpenParams{})
	f.move(t, agent, tk.ID, ticket.StatusClosed, "fixed")
	_, err := f.desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "Still broken"})
	require.NoError(t, err)
	got, err := f.desk.Get(ctx, agent, tk.ID)
	require.NoError(t, err)
	require.NotEqual(t, ticket.StatusClosed, got.Status, "the customer's message reopened it")

	r, err := f.desk.SLAReport(ctx, agent, ticketkit.SLAReportParams{})
	require.NoError(t, err)
	require.Equal(t, 1, r.FromHistory)
	require.Equal(t, 1, r.Resolved, "resolved once")
	require.Equal(t, 1, r.Reopened)
	require.Zero(t, r.Resolution.Count, "not resolved now")
}

// opener returns a function that opens a ticket as the customer and
// returns its ID.
func (s *slaDesk) opener(t *testing.T) func(subject string) string {
	return func(subject string) string {
		t.Helper()
		tk, err := s.desk.Open(t.Context(), customer, ticketkit.OpenParams{Subject: subject})
		require.NoError(t, err)
		return tk.ID
	}
}

// replier returns a function that adds an agent's reply to a ticket.
func (s *slaDesk) replier(t *testing.T) func(id string) {
	return func(id string) {
		t.Helper()
		_, err := s.desk.Reply(t.Context(), agent, ticketkit.MessageParams{TicketID: id, Body: "On it"})
		require.NoError(t, err)
	}
}

// requireABFigures checks the figures of tickets A (replied after 1 h,
// resolved after 3 h) and B (replied after 90 min, resolved after 5 h,
// reopened and resolved again after 7 h) of the SLA report scenarios.
func requireABFigures(t *testing.T, r ticket.SLAStats) {
	t.Helper()
	require.Equal(t, ticket.DurationStats{Count: 2, Min: time.Hour, Max: 90 * time.Minute, Mean: 75 * time.Minute, Median: 75 * time.Minute}, r.FirstResponse)
	require.Equal(t, ticket.DurationStats{Count: 2, Min: 3 * time.Hour, Max: 7 * time.Hour, Mean: 5 * time.Hour, Median: 5 * time.Hour}, r.Resolution)
	require.Equal(t, 2, r.Resolved)
	require.Equal(t, 1, r.Reopened)
	require.InDelta(t, 0.5, r.ReopenRate, 1e-9)
}
