package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// firingSummary is what tests compare of a firing.
type firingSummary struct {
	Kind workflow.FiringKind
	Key  string
	At   time.Time
}

func summarize(firings []workflow.Firing) []firingSummary {
	out := make([]firingSummary, len(firings))
	for i, f := range firings {
		out[i] = firingSummary{f.Kind, f.Key, f.At.In(paris)}
	}
	return out
}

// escalatingPolicy has an 8h resolution target, warnings at 50% and 80%
// and levels at 100% and 150%.
func escalatingPolicy() workflow.Policy {
	return workflow.Policy{
		Name:    "std",
		Targets: workflow.Targets{Resolution: dur(8 * time.Hour)},
		WarnAt:  []int{80, 50},
		Levels: []workflow.Level{
			level(1, workflow.TargetResolution, 100),
			{Level: 2, Target: workflow.TargetResolution, At: 150, Notify: []string{"user:u-head"}, Status: ticket.StatusEscalated},
		},
	}
}

// monday09 is when the escalation tests open their ticket. 8h later is
// Monday 17:00 (100%), 12h later Tuesday 13:00 (150%).
var monday09 = at(2026, 3, 2, 9, 0)

func TestEvaluateOverdueFiringsAllFireInOrder(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, escalatingPolicy())
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", monday09)

	// The sweep runs a week late: everything fires at once, in the order
	// it came due, dated when it came due.
	st, firings := s.Evaluate(st, tk, at(2026, 3, 9, 9, 0))
	require.Equal(t, []firingSummary{
		{workflow.FiringWarning, "c1:resolution:warn50", at(2026, 3, 2, 13, 0)},
		{workflow.FiringWarning, "c1:resolution:warn80", at(2026, 3, 2, 15, 24)},
		{workflow.FiringBreach, "c1:resolution", at(2026, 3, 2, 17, 0)},
		{workflow.FiringEscalation, "c1:resolution:L1", at(2026, 3, 2, 17, 0)},
		{workflow.FiringEscalation, "c1:resolution:L2", at(2026, 3, 3, 13, 0)},
	}, summarize(firings))
	require.Equal(t, []int{50, 80, 100, 100, 150}, []int{
		firings[0].Percent, firings[1].Percent, firings[2].Percent, firings[3].Percent, firings[4].Percent,
	})
	for _, f := range firings {
		require.Equal(t, "std", f.Policy)
		require.Equal(t, workflow.TargetResolution, f.Target)
		require.Equal(t, f.Kind == workflow.FiringEscalation, f.Level != nil)
	}
	require.Equal(t, 2, firings[4].Level.Level)
	require.Equal(t, []string{"user:u-head"}, firings[4].Level.Notify)
	require.Equal(t, ticket.StatusEscalated, firings[4].Level.Status)

	require.Equal(t, []string{"c1:resolution:warn50", "c1:resolution:warn80", "c1:resolution:L1", "c1:resolution:L2"}, st.Fired)
	require.Equal(t, []string{"c1:resolution"}, st.Breached)
	require.True(t, st.NextCheckAt.IsZero(), "nothing left to fire")
	require.Equal(t, at(2026, 3, 2, 17, 0).UTC(), st.ResolutionDue, "the due time stays when the breach is past")
	require.True(t, st.Overdue(at(2026, 3, 9, 9, 0)))
	require.Equal(t, 40*time.Hour, st.ResolutionSpent)
}

func TestEvaluateFiresEachKeyOnce(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, escalatingPolicy())
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", monday09)
	require.Equal(t, at(2026, 3, 2, 13, 0).UTC(), st.NextCheckAt)

	steps := []struct {
		at            time.Time
		want          []firingSummary
		wantNextCheck time.Time
	}{
		{at(2026, 3, 2, 12, 59), nil, at(2026, 3, 2, 13, 0)},
		{at(2026, 3, 2, 13, 0), []firingSummary{{workflow.FiringWarning, "c1:resolution:warn50", at(2026, 3, 2, 13, 0)}}, at(2026, 3, 2, 15, 24)},
		{at(2026, 3, 2, 13, 0), nil, at(2026, 3, 2, 15, 24)},
		{at(2026, 3, 2, 14, 0), nil, at(2026, 3, 2, 15, 24)},
		{at(2026, 3, 2, 17, 30), []firingSummary{
			{workflow.FiringWarning, "c1:resolution:warn80", at(2026, 3, 2, 15, 24)},
			{workflow.FiringBreach, "c1:resolution", at(2026, 3, 2, 17, 0)},
			{workflow.FiringEscalation, "c1:resolution:L1", at(2026, 3, 2, 17, 0)},
		}, at(2026, 3, 3, 13, 0)},
		{at(2026, 3, 2, 17, 30), nil, at(2026, 3, 3, 13, 0)},
		{at(2026, 3, 3, 13, 0), []firingSummary{{workflow.FiringEscalation, "c1:resolution:L2", at(2026, 3, 3, 13, 0)}}, time.Time{}},
		{at(2026, 3, 20, 9, 0), nil, time.Time{}},
	}
	for _, step := range steps {
		var firings []workflow.Firing
		st, firings = s.Evaluate(st, tk, step.at)
		require.Equal(t, step.want, nilIfEmpty(summarize(firings)), "at %s", step.at)
		if step.wantNextCheck.IsZero() {
			require.True(t, st.NextCheckAt.IsZero(), "at %s", step.at)
		} else {
			require.Equal(t, step.wantNextCheck.UTC(), st.NextCheckAt, "at %s", step.at)
		}
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestReopenStartsACycleWhoseLevelsFireAgain(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, escalatingPolicy())
	inProgress := newTicket(ticket.StatusInProgress)
	resolved := edit(inProgress, withStatus(ticket.StatusResolved))
	closed := edit(inProgress, withStatus(ticket.StatusClosed))
	st := s.Start(inProgress, "", monday09)
	st, firings := s.Evaluate(st, inProgress, at(2026, 3, 3, 13, 0))
	require.Len(t, firings, 5)

	st = s.Observe(st, inProgress, resolved, workflow.Observation{}, at(2026, 3, 3, 14, 0))
	require.Equal(t, at(2026, 3, 3, 14, 0).UTC(), st.ResolvedAt)
	require.True(t, st.NextCheckAt.IsZero())
	_, firings = s.Evaluate(st, resolved, at(2026, 3, 20, 9, 0))
	require.Empty(t, firings, "a resolved ticket fires nothing")

	tests := []struct {
		name   string
		before *ticket.Ticket
		ev     workflow.Observation
	}{
		{"LeavingResolved", resolved, workflow.Observation{}},
		{"ReopenedFromClosed", closed, workflow.Observation{Reopened: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prev := st
			if tt.before == closed {
				prev = s.Observe(st, resolved, closed, workflow.Observation{}, at(2026, 3, 3, 15, 0))
			}
			got := s.Observe(prev, tt.before, inProgress, tt.ev, at(2026, 3, 4, 9, 0)) // Wednesday
			require.Equal(t, 2, got.Cycle)
			require.Equal(t, 1, got.ReopenCount)
			require.True(t, got.ResolvedAt.IsZero())
			require.Zero(t, got.ResolutionSpent)
			require.Empty(t, got.Fired, "keys of the previous cycle are dropped")
			require.Equal(t, []string{"c1:resolution"}, got.Breached, "breaches stay as history")
			require.Equal(t, at(2026, 3, 4, 17, 0).UTC(), got.ResolutionDue)
			require.Equal(t, at(2026, 3, 4, 13, 0).UTC(), got.NextCheckAt)

			got, firings := s.Evaluate(got, inProgress, at(2026, 3, 6, 9, 0))
			require.Equal(t, []firingSummary{
				{workflow.FiringWarning, "c2:resolution:warn50", at(2026, 3, 4, 13, 0)},
				{workflow.FiringWarning, "c2:resolution:warn80", at(2026, 3, 4, 15, 24)},
				{workflow.FiringBreach, "c2:resolution", at(2026, 3, 4, 17, 0)},
				{workflow.FiringEscalation, "c2:resolution:L1", at(2026, 3, 4, 17, 0)},
				{workflow.FiringEscalation, "c2:resolution:L2", at(2026, 3, 5, 13, 0)},
			}, summarize(firings))
			require.Equal(t, []string{"c1:resolution", "c2:resolution"}, got.Breached)
		})
	}
}

func TestEvaluateWithRemovedPolicyMatchesAgain(t *testing.T) {
	t.Parallel()
	old := officeSLA(t, nil, resolutionPolicy("old", 8*time.Hour))
	s := officeSLA(t, nil, escalatingPolicy())
	tk := newTicket(ticket.StatusInProgress)
	st := old.Start(tk, "", monday09)
	st, firings := s.Evaluate(st, tk, at(2026, 3, 2, 13, 0))
	require.Equal(t, "std", st.Policy)
	require.Equal(t, []firingSummary{{workflow.FiringWarning, "c1:resolution:warn50", at(2026, 3, 2, 13, 0)}}, summarize(firings))
}

func TestObserveWithRemovedPolicyCountsTimeOnTheNewPolicy(t *testing.T) {
	t.Parallel()
	old := officeSLA(t, nil, resolutionPolicy("old", 8*time.Hour))
	s := officeSLA(t, nil, escalatingPolicy())
	tk := newTicket(ticket.StatusInProgress)
	st := old.Start(tk, "", monday09)
	st = s.Observe(st, tk, tk, workflow.Observation{}, at(2026, 3, 2, 13, 0))
	require.Equal(t, "std", st.Policy)
	require.Equal(t, 4*time.Hour, st.ResolutionSpent, "the morning counts on the new policy")
	require.Equal(t, at(2026, 3, 2, 17, 0).UTC(), st.ResolutionDue)
	require.Equal(t, at(2026, 3, 2, 13, 0).UTC(), st.NextCheckAt, "the 50% warning is due now")
}

func TestDueReachedAtClosingStaysAtClosing(t *testing.T) {
	t.Parallel()
	s := officeSLA(t, nil, escalatingPolicy())
	tk := newTicket(ticket.StatusInProgress)
	st := s.Start(tk, "", monday09)
	// Seen after closing, and again the next morning, with the whole 8h
	// spent: the target fell due at Monday's closing, not Tuesday's
	// opening.
	for _, seen := range []time.Time{at(2026, 3, 2, 17, 30), at(2026, 3, 3, 8, 0), at(2026, 3, 3, 9, 0)} {
		st = s.Observe(st, tk, tk, workflow.Observation{}, seen)
		require.Equal(t, 8*time.Hour, st.ResolutionSpent)
		require.Equal(t, at(2026, 3, 2, 17, 0).UTC(), st.ResolutionDue, "seen at %s", seen)
		require.True(t, st.Overdue(seen))
	}
	_, firings := s.Evaluate(st, tk, at(2026, 3, 3, 9, 0))
	require.Equal(t, at(2026, 3, 2, 17, 0), firings[2].At.In(paris), "the breach is dated at closing")
}

func TestFiringKinds(t *testing.T) {
	t.Parallel()
	for _, k := range workflow.FiringKinds() {
		require.True(t, k.Valid())
	}
	require.False(t, workflow.FiringKind("alarm").Valid())
	for _, tg := range workflow.SLATargets() {
		require.True(t, tg.Valid())
	}
	require.False(t, workflow.SLATarget("reply").Valid())
}
