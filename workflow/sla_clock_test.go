package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// officeSLA returns an SLA whose policies run on the office calendar
// (Monday to Friday 09:00–17:00, Paris) with the given holidays.
func officeSLA(tb testing.TB, holidays []string, policies ...workflow.Policy) *workflow.SLA {
	tb.Helper()
	spec := officeSpec()
	spec.Holidays = holidays
	for i := range policies {
		if policies[i].Calendar == "" {
			policies[i].Calendar = spec.Name
		}
	}
	return mustSLA(tb, workflow.SLAConfig{Calendars: []workflow.CalendarSpec{spec}, Policies: policies})
}

func dur(d time.Duration) workflow.Duration { return workflow.Duration(d) }

// resolutionPolicy has only a resolution target.
func resolutionPolicy(name string, d time.Duration, levels ...workflow.Level) workflow.Policy {
	return workflow.Policy{Name: name, Targets: workflow.Targets{Resolution: dur(d)}, Levels: levels}
}

func level(n int, target workflow.SLATarget, pct int) workflow.Level {
	return workflow.Level{Level: n, Target: target, At: pct, Notify: []string{"supervisor"}}
}

// edit returns a copy of tk changed by f, so tests can pass before and
// after versions.
func edit(tk *ticket.Ticket, f func(*ticket.Ticket)) *ticket.Ticket {
	c := tk.Clone()
	f(c)
	return c
}

func withStatus(status string) func(*ticket.Ticket) {
	return func(t *ticket.Ticket) { t.Status = status }
}

func TestSLAStartDueDates(t *testing.T) {
	t.Parallel()
	policy := workflow.Policy{
		Name:    "std",
		Targets: workflow.Targets{FirstResponse: dur(2 * time.Hour), Resolution: dur(8 * time.Hour)},
		WarnAt:  []int{50},
	}
	tests := []struct {
		name                string
		holidays            []string
		opened              time.Time
		wantFirst, wantDue  time.Time
		wantNextCheckAtWarn time.Time
	}{
		{
			name:   "OverWeekend",
			opened: at(2026, 3, 6, 16, 0), // Friday
			// 1h on Friday, 1h on Monday.
			wantFirst: at(2026, 3, 9, 10, 0),
			// 1h on Friday and 7h on Monday: Monday 16:00.
			wantDue:             at(2026, 3, 9, 16, 0),
			wantNextCheckAtWarn: at(2026, 3, 6, 17, 0),
		},
		{
			name:                "OverWeekendAndHolidayMonday",
			holidays:            []string{"2026-03-09"},
			opened:              at(2026, 3, 6, 16, 0),
			wantFirst:           at(2026, 3, 10, 10, 0),
			wantDue:             at(2026, 3, 10, 16, 0),
			wantNextCheckAtWarn: at(2026, 3, 6, 17, 0),
		},
		{
			name:                "SpringForwardWeekend",
			opened:              at(2026, 3, 27, 16, 0), // CET, +01:00
			wantFirst:           at(2026, 3, 30, 10, 0), // CEST, +02:00
			wantDue:             time.Date(2026, 3, 30, 14, 0, 0, 0, time.UTC),
			wantNextCheckAtWarn: at(2026, 3, 27, 17, 0),
		},
		{
			name:      "FallBackWeekend",
			opened:    at(2026, 10, 23, 16, 30),
			wantFirst: at(2026, 10, 26, 10, 30),
			wantDue:   time.Date(2026, 10, 26, 15, 30, 0, 0, time.UTC),
			// 50% of the 2h first response is 1h of business time: 30m
			// on Friday, 30m on Monday. The clocks change on Sunday,
			// while the office is closed, which adds no business time.
			wantNextCheckAtWarn: at(2026, 10, 26, 9, 30),
		},
		{
			name:                "BeforeOpening",
			opened:              at(2026, 3, 2, 6, 0),
			wantFirst:           at(2026, 3, 2, 11, 0),
			wantDue:             at(2026, 3, 2, 17, 0),
			wantNextCheckAtWarn: at(2026, 3, 2, 10, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := officeSLA(t, tt.holidays, policy)
			st := s.Start(newTicket(ticket.StatusOpen), "gold", tt.opened)
			require.Equal(t, "std", st.Policy)
			require.Equal(t, 1, st.Cycle)
			require.Equal(t, "gold", st.Tier)
			require.Equal(t, tt.opened.UTC(), st.Since)
			require.Equal(t, tt.wantFirst.UTC(), st.FirstResponseDue)
			require.Equal(t, tt.wantDue.UTC(), st.ResolutionDue)
			require.True(t, st.NextResponseDue.IsZero())
			require.Equal(t, tt.wantNextCheckAtWarn.UTC(), st.NextCheckAt, "the 50%% first-response warning comes first")
			require.Equal(t, tt.wantFirst.UTC(), st.NextDue())
		})
	}
}

func TestSLAStartWithoutMatchingPolicy(t *testing.T) {
	t.Parallel()
	urgent := resolutionPolicy("urgent", 4*time.Hour)
	urgent.When.Priorities = []string{ticket.PriorityUrgent}
	s := officeSLA(t, nil, urgent)
	tk := newTicket(ticket.StatusOpen)
	opened := at(2026, 3, 2, 9, 0)
	st := s.Start(tk, "", opened)
	require.Equal(t, ticket.SLAState{Cycle: 1, Since: opened.UTC()}, st)

	st, firings := s.Evaluate(st, tk, opened.Add(30*24*time.Hour))
	require.Empty(t, firings)
	require.True(t, st.NextCheckAt.IsZero())

	// Raising the priority an hour after that sweep (Wednesday 1 April,
	// 10:00) brings the urgent policy in, counting from the change: time
	// spent without a policy, before or since the sweep, is not counted.
	raised := edit(tk, func(t *ticket.Ticket) { t.Priority = ticket.PriorityUrgent })
	st = s.Observe(st, tk, raised, workflow.Observation{}, at(2026, 4, 1, 11, 0))
	require.Equal(t, "urgent", st.Policy)
	require.Equal(t, at(2026, 4, 1, 15, 0).UTC(), st.ResolutionDue)
}

func TestSLAPauseResumeExactToTheSecond(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, resolutionPolicy("std", 8*time.Hour, level(1, workflow.TargetResolution, 100)))
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", at(2026, 3, 2, 9, 0)) // Monday

	// Waiting on the customer pauses the clocks.
	waiting := edit(tk, withStatus(ticket.StatusWaiting))
	pauseAt := at(2026, 3, 2, 10, 0).Add(17 * time.Second)
	st = s.Observe(st, tk, waiting, workflow.Observation{}, pauseAt)
	require.True(t, st.Paused)
	require.Equal(t, pauseAt.UTC(), st.PausedSince)
	require.Equal(t, time.Hour+17*time.Second, st.ResolutionSpent)
	require.True(t, st.ResolutionDue.IsZero())
	require.True(t, st.NextCheckAt.IsZero())

	// A paused clock fires nothing, however late.
	st, firings := s.Evaluate(st, waiting, at(2026, 3, 2, 16, 0))
	require.Empty(t, firings)
	require.Equal(t, time.Hour+17*time.Second, st.ResolutionSpent)
	require.True(t, st.NextCheckAt.IsZero())

	// Resuming on Tuesday 11:30:05: paused Monday 10:00:17–17:00
	// (6h59m43s) and Tuesday 09:00–11:30:05 (2h30m5s).
	resumeAt := at(2026, 3, 3, 11, 30).Add(5 * time.Second)
	st = s.Observe(st, waiting, tk, workflow.Observation{}, resumeAt)
	require.False(t, st.Paused)
	require.True(t, st.PausedSince.IsZero())
	require.Equal(t, 9*time.Hour+29*time.Minute+48*time.Second, st.PausedTotal)
	require.Equal(t, time.Hour+17*time.Second, st.ResolutionSpent)
	// 6h59m43s left: 5h29m55s on Tuesday, 1h29m48s on Wednesday.
	require.Equal(t, at(2026, 3, 4, 10, 29).Add(48*time.Second).UTC(), st.ResolutionDue)
	require.Equal(t, st.ResolutionDue, st.NextCheckAt)

	// A second pause of 30 seconds adds to the total.
	pauseAt = at(2026, 3, 4, 10, 0)
	st = s.Observe(st, tk, waiting, workflow.Observation{}, pauseAt)
	require.Equal(t, 7*time.Hour+30*time.Minute+12*time.Second, st.ResolutionSpent)
	st = s.Observe(st, waiting, tk, workflow.Observation{}, pauseAt.Add(30*time.Second))
	require.Equal(t, 9*time.Hour+30*time.Minute+18*time.Second, st.PausedTotal)
	require.Equal(t, at(2026, 3, 4, 10, 30).Add(18*time.Second).UTC(), st.ResolutionDue)
}

func TestSLAPriorityChangeRecomputesDueFromTimeSpent(t *testing.T) {
	t.Parallel()
	urgent := resolutionPolicy("urgent", 4*time.Hour, level(1, workflow.TargetResolution, 100))
	urgent.When.Priorities = []string{ticket.PriorityUrgent}
	standard := resolutionPolicy("standard", 16*time.Hour)
	s := officeSLA(t, nil, urgent, standard)
	normal := newTicket(ticket.StatusInProgress)
	raised := edit(normal, func(t *ticket.Ticket) { t.Priority = ticket.PriorityUrgent })
	opened := at(2026, 3, 2, 9, 0) // Monday

	st := s.Start(normal, "", opened)
	require.Equal(t, "standard", st.Policy)
	require.Equal(t, at(2026, 3, 3, 17, 0).UTC(), st.ResolutionDue)

	tests := []struct {
		name      string
		changed   time.Time
		wantSpent time.Duration
		wantDue   time.Time
	}{
		// 2h spent of the urgent 4h: 2h left.
		{"TimeLeft", at(2026, 3, 2, 11, 0), 2 * time.Hour, at(2026, 3, 2, 13, 0)},
		// 5h spent: the urgent target was exceeded an hour ago.
		{"AlreadyExceeded", at(2026, 3, 2, 14, 0), 5 * time.Hour, at(2026, 3, 2, 13, 0)},
		// Tuesday 10:00: 9h spent, exceeded since Monday 13:00.
		{"ExceededYesterday", at(2026, 3, 3, 10, 0), 9 * time.Hour, at(2026, 3, 2, 13, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := s.Observe(st, normal, raised, workflow.Observation{}, tt.changed)
			require.Equal(t, "urgent", got.Policy)
			require.Equal(t, tt.wantSpent, got.ResolutionSpent)
			require.Equal(t, tt.wantDue.UTC(), got.ResolutionDue)
			require.Equal(t, got.ResolutionDue, got.NextCheckAt, "the breach is the next thing to fire")

			if got.ResolutionDue.After(tt.changed) {
				return
			}
			// The sweep fires the breach and level 1 at once, dated when
			// the target was exceeded.
			got, firings := s.Evaluate(got, raised, tt.changed)
			require.Equal(t, []firingSummary{
				{workflow.FiringBreach, "c1:resolution", tt.wantDue},
				{workflow.FiringEscalation, "c1:resolution:L1", tt.wantDue},
			}, summarize(firings))
			require.True(t, got.NextCheckAt.IsZero())

			// Lowering the priority again brings the 16h target back.
			back := s.Observe(got, raised, normal, workflow.Observation{}, tt.changed)
			require.Equal(t, "standard", back.Policy)
			require.Equal(t, s.Start(normal, "", opened).ResolutionDue, back.ResolutionDue)
		})
	}
}

func TestSLAResponseClocks(t *testing.T) {
	t.Parallel()
	policy := workflow.Policy{
		Name: "std",
		Targets: workflow.Targets{
			FirstResponse: dur(time.Hour), NextResponse: dur(2 * time.Hour), Resolution: dur(40 * time.Hour),
		},
		Levels: []workflow.Level{level(1, workflow.TargetNextResponse, 100)},
	}
	s := officeSLA(t, nil, policy)
	tk := newTicket(ticket.StatusInProgress)
	agent := workflow.Observation{AgentReplied: true}
	customer := workflow.Observation{CustomerMessaged: true}
	monday := func(hh, mm int) time.Time { return at(2026, 3, 2, hh, mm) }

	st := s.Start(tk, "", monday(9, 0))
	require.Equal(t, monday(10, 0).UTC(), st.FirstResponseDue)

	// A customer message before the first response starts no
	// next-response clock, but the customer is waiting.
	st = s.Observe(st, tk, tk, customer, monday(9, 10))
	require.Equal(t, monday(9, 10).UTC(), st.AwaitingReplySince)
	require.True(t, st.NextResponseDue.IsZero())
	require.Equal(t, monday(10, 0).UTC(), st.FirstResponseDue)

	// The first reply meets the first response in time.
	st = s.Observe(st, tk, tk, agent, monday(9, 30))
	require.Equal(t, monday(9, 30).UTC(), st.FirstResponseAt)
	require.True(t, st.FirstResponseDue.IsZero())
	require.True(t, st.AwaitingReplySince.IsZero())
	require.Empty(t, st.Breached)

	// The customer writes back: round 1 of the next response, due in 2h.
	st = s.Observe(st, tk, tk, customer, monday(10, 0))
	require.Equal(t, 1, st.NextResponseRound)
	require.Equal(t, monday(12, 0).UTC(), st.NextResponseDue)
	// A second message while waiting does not restart the clock.
	st = s.Observe(st, tk, tk, customer, monday(10, 30))
	require.Equal(t, 1, st.NextResponseRound)
	require.Equal(t, monday(10, 0).UTC(), st.AwaitingReplySince)
	require.Equal(t, monday(12, 0).UTC(), st.NextResponseDue)

	st, firings := s.Evaluate(st, tk, monday(12, 30))
	require.Equal(t, []firingSummary{
		{workflow.FiringBreach, "c1:next_response#1", monday(12, 0)},
		{workflow.FiringEscalation, "c1:next_response#1:L1", monday(12, 0)},
	}, summarize(firings))

	// The late reply stops the clock; the breach stays recorded once.
	st = s.Observe(st, tk, tk, agent, monday(13, 0))
	require.True(t, st.NextResponseDue.IsZero())
	require.Equal(t, 3*time.Hour, st.NextResponseSpent)
	require.Equal(t, []string{"c1:next_response#1"}, st.Breached)

	// Round 2 fires its own keys, and is met in time.
	st = s.Observe(st, tk, tk, customer, monday(14, 0))
	require.Equal(t, 2, st.NextResponseRound)
	require.Zero(t, st.NextResponseSpent)
	require.Equal(t, monday(16, 0).UTC(), st.NextResponseDue)
	require.Equal(t, monday(16, 0).UTC(), st.NextCheckAt)
	require.Empty(t, st.Fired, "keys of finished rounds are dropped")
	st = s.Observe(st, tk, tk, agent, monday(15, 0))
	require.Equal(t, []string{"c1:next_response#1"}, st.Breached)
	_, firings = s.Evaluate(st, tk, monday(17, 0))
	require.Empty(t, firings)
}

func TestSLALateStopsAreBreaches(t *testing.T) {
	t.Parallel()
	policy := workflow.Policy{
		Name:    "std",
		Targets: workflow.Targets{FirstResponse: dur(time.Hour), Resolution: dur(4 * time.Hour)},
	}
	s := officeSLA(t, nil, policy)
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", at(2026, 3, 2, 9, 0))

	// Replying after the hour is a first-response breach, even if no
	// sweep ran in between.
	st = s.Observe(st, tk, tk, workflow.Observation{AgentReplied: true}, at(2026, 3, 2, 10, 30))
	require.Equal(t, []string{"c1:first_response"}, st.Breached)

	// Resolving after 4h is a resolution breach; the clocks stop.
	resolved := edit(tk, withStatus(ticket.StatusResolved))
	st = s.Observe(st, tk, resolved, workflow.Observation{}, at(2026, 3, 2, 14, 0))
	require.Equal(t, []string{"c1:first_response", "c1:resolution"}, st.Breached)
	require.Equal(t, at(2026, 3, 2, 14, 0).UTC(), st.ResolvedAt)
	require.Equal(t, 5*time.Hour, st.ResolutionSpent)
	require.True(t, st.ResolutionDue.IsZero())
	require.True(t, st.NextCheckAt.IsZero())
	require.False(t, st.Overdue(at(2026, 3, 9, 0, 0)))

	// Closing a resolved ticket keeps ResolvedAt and adds nothing.
	closed := edit(resolved, withStatus(ticket.StatusClosed))
	again := s.Observe(st, resolved, closed, workflow.Observation{}, at(2026, 3, 3, 9, 0))
	require.Equal(t, st.ResolvedAt, again.ResolvedAt)
	require.Equal(t, st.Breached, again.Breached)
	require.Equal(t, st.ResolutionSpent, again.ResolutionSpent)
}

func TestSLAStartInPausingOrResolvedStatus(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, resolutionPolicy("std", 8*time.Hour))
	opened := at(2026, 3, 2, 9, 0)

	st := s.Start(newTicket(ticket.StatusWaiting), "", opened)
	require.True(t, st.Paused)
	require.Equal(t, opened.UTC(), st.PausedSince)
	require.True(t, st.ResolutionDue.IsZero())

	st = s.Start(newTicket(ticket.StatusResolved), "", opened)
	require.Equal(t, opened.UTC(), st.ResolvedAt)
	require.True(t, st.ResolutionDue.IsZero())
}

func TestSLAObserveZeroStateStarts(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, resolutionPolicy("std", 8*time.Hour))
	tk := newTicket(ticket.StatusInProgress)
	st := s.Observe(ticket.SLAState{Tier: "gold"}, nil, tk, workflow.Observation{AgentReplied: true}, at(2026, 3, 2, 9, 0))
	require.Equal(t, "std", st.Policy)
	require.Equal(t, 1, st.Cycle)
	require.Equal(t, "gold", st.Tier)
	require.Equal(t, at(2026, 3, 2, 9, 0).UTC(), st.FirstResponseAt)
	require.Equal(t, at(2026, 3, 2, 17, 0).UTC(), st.ResolutionDue)

	// A nil after changes nothing; a zero state evaluates to nothing.
	require.Equal(t, st, s.Observe(st, tk, nil, workflow.Observation{}, at(2026, 3, 3, 9, 0)))
	zero, firings := s.Evaluate(ticket.SLAState{}, tk, at(2026, 3, 3, 9, 0))
	require.Equal(t, ticket.SLAState{}, zero)
	require.Empty(t, firings)
}

func TestSLATierChangeWithNilBefore(t *testing.T) {
	t.Parallel()
	gold := resolutionPolicy("gold", 2*time.Hour)
	gold.When.Tiers = []string{"gold"}
	s := officeSLA(t, nil, gold, resolutionPolicy("std", 8*time.Hour))
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", at(2026, 3, 2, 9, 0))
	require.Equal(t, "std", st.Policy)

	// Without a field change the policy is kept.
	st.Tier = "gold"
	kept := s.Observe(st, tk, tk, workflow.Observation{}, at(2026, 3, 2, 10, 0))
	require.Equal(t, "std", kept.Policy)
	// A nil before matches again.
	changed := s.Observe(st, nil, tk, workflow.Observation{}, at(2026, 3, 2, 10, 0))
	require.Equal(t, "gold", changed.Policy)
	require.Equal(t, at(2026, 3, 2, 11, 0).UTC(), changed.ResolutionDue)
}

func TestSLARulesDoNotChangeTheirArguments(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, workflow.Policy{
		Name:    "std",
		Targets: workflow.Targets{FirstResponse: dur(time.Hour), NextResponse: dur(time.Hour), Resolution: dur(8 * time.Hour)},
		WarnAt:  []int{50},
		Levels:  []workflow.Level{level(1, workflow.TargetResolution, 100)},
	})
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", at(2026, 3, 2, 9, 0))
	st, _ = s.Evaluate(st, tk, at(2026, 3, 2, 13, 30))
	require.NotEmpty(t, st.Fired)
	st.Fired = append(make([]string, 0, 16), st.Fired...) // room to append in place
	st.Breached = make([]string, 0, 16)
	prev := st.Clone()
	tkCopy := tk.Clone()

	resolved := edit(tk, withStatus(ticket.StatusResolved))
	_ = s.Observe(st, tk, resolved, workflow.Observation{AgentReplied: true, CustomerMessaged: true}, at(2026, 3, 3, 9, 0))
	_ = s.Observe(st, tk, tk, workflow.Observation{Reopened: true}, at(2026, 3, 3, 9, 0))
	_, _ = s.Evaluate(st, tk, at(2026, 3, 9, 9, 0))
	require.Equal(t, prev, st)
	require.Equal(t, tkCopy, tk)
	// Nothing was appended into the spare capacity either.
	require.Equal(t, make([]string, 16-len(st.Fired)), st.Fired[len(st.Fired):16])
	require.Equal(t, make([]string, 16), st.Breached[:16])
}
