package ticketkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

func hours(n float64) workflow.Duration {
	return workflow.Duration(time.Duration(n * float64(time.Hour)))
}

// testSLA has, on the always-open calendar, an "urgent" policy (1 h
// first response, 2 h resolution) and a "std" policy (2 h first
// response, 8 h resolution, a warning at 50 %, level 1 at 100 %: notify
// the supervisors and assign the lead; level 2 at 150 %: notify the head,
// raise the priority to high and move to escalated).
func testSLA(t testing.TB) *workflow.SLA {
	t.Helper()
	s, err := workflow.NewSLA(workflow.SLAConfig{Policies: []workflow.Policy{
		{
			Name:    "urgent",
			When:    workflow.Conditions{Priorities: []string{ticket.PriorityUrgent}},
			Targets: workflow.Targets{FirstResponse: hours(1), Resolution: hours(2)},
		},
		{
			Name:    "std",
			Targets: workflow.Targets{FirstResponse: hours(2), Resolution: hours(8)},
			WarnAt:  []int{50},
			Levels: []workflow.Level{
				{Level: 1, Target: workflow.TargetResolution, At: 100, Notify: []string{"supervisor"},
					Effects: []workflow.Effect{{Set: map[string]string{workflow.SetAssignee: "lead-1"}}}},
				{Level: 2, Target: workflow.TargetResolution, At: 150, Notify: []string{"user:u-head"},
					Effects: []workflow.Effect{{Set: map[string]string{workflow.SetPriority: ticket.PriorityHigh}}},
					Status:  ticket.StatusEscalated},
			},
		},
	}}, nil)
	require.NoError(t, err)
	return s
}

// slaDesk is a desk with testSLA on a fake clock at t0.
type slaDesk struct {
	desk  *ticketkit.Desk
	store storage.Store
	clock *clock.Fake
}

func newSLADesk(t testing.TB, store storage.Store, mods ...func(*ticketkit.Config)) *slaDesk {
	t.Helper()
	clk := clock.NewFake(t0)
	cfg := ticketkit.Config{Store: store, Clock: clk, SLA: testSLA(t)}
	for _, m := range mods {
		m(&cfg)
	}
	d, err := ticketkit.New(cfg)
	require.NoError(t, err)
	return &slaDesk{desk: d, store: store, clock: clk}
}

// at moves the clock to t0 plus h hours.
func (s *slaDesk) at(h float64) { s.clock.Set(t0.Add(time.Duration(h * float64(time.Hour)))) }

func (s *slaDesk) sweep(t testing.TB) ticketkit.EscalationResult {
	t.Helper()
	res, err := s.desk.RunEscalations(context.Background())
	require.NoError(t, err)
	return res
}

func (s *slaDesk) get(t testing.TB, id string) *ticket.Ticket {
	t.Helper()
	tk, err := s.desk.Get(context.Background(), agent, id)
	require.NoError(t, err)
	return tk
}

func (s *slaDesk) move(t testing.TB, id, to string, mods ...func(*ticketkit.TransitionParams)) *ticket.Ticket {
	t.Helper()
	p := ticketkit.TransitionParams{TicketID: id, To: to, Reason: "test"}
	for _, m := range mods {
		m(&p)
	}
	tk, err := s.desk.Transition(context.Background(), agent, p)
	require.NoError(t, err)
	return tk
}

// historyOf returns the ticket's history lines on the given fields.
func historyOf(t testing.TB, s *slaDesk, id string, fields ...string) []string {
	t.Helper()
	events, err := s.desk.History(context.Background(), agent, id)
	require.NoError(t, err)
	var out []string
	for _, e := range events {
		for _, f := range fields {
			if e.Field == f {
				out = append(out, e.Field+": "+e.New)
			}
		}
	}
	return out
}

// outboxKinds counts the outbox entries by kind, claiming them all.
func outboxKinds(t testing.TB, st storage.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range outboxEvents(t, st) {
		out[string(e.Kind)]++
	}
	return out
}

// outboxEvents claims and decodes every notification in the outbox.
func outboxEvents(t testing.TB, st storage.Store) []notify.Event {
	t.Helper()
	var out []notify.Event
	for {
		es, err := st.OutboxClaim(context.Background(), storage.OutboxClaimParams{Now: t0.Add(1000 * time.Hour), LockFor: time.Hour, Limit: storage.MaxLimit})
		require.NoError(t, err)
		if len(es) == 0 {
			return out
		}
		for _, en := range es {
			var e notify.Event
			require.NoError(t, json.Unmarshal(en.Payload, &e))
			out = append(out, e)
		}
	}
}

func TestEscalationThroughTwoLevels(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Broken kettle"})
			require.NoError(t, err)
			require.True(t, tk.SLA.IsZero(), "customers do not see the SLA state")
			tk = s.get(t, tk.ID)
			require.Equal(t, "std", tk.SLA.Policy)
			require.Equal(t, t0.Add(2*time.Hour), tk.SLA.FirstResponseDue)
			require.Equal(t, t0.Add(8*time.Hour), tk.SLA.ResolutionDue)

			s.at(1)
			_, err = s.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Looking into it"})
			require.NoError(t, err)
			got := s.get(t, tk.ID)
			require.Equal(t, t0.Add(time.Hour), got.SLA.FirstResponseAt, "the agent's reply meets the first response")
			require.True(t, got.SLA.FirstResponseDue.IsZero())

			s.at(3.9)
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t), "nothing is due yet")
			s.at(4)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Warnings: 1}, s.sweep(t))
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t), "a warning fires once")

			s.at(8)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Breaches: 1, Escalations: 1}, s.sweep(t))
			got = s.get(t, tk.ID)
			require.Equal(t, "lead-1", got.Assignee, "level 1 assigns the lead")
			require.Equal(t, ticket.StatusOpen, got.Status)

			s.at(12)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Escalations: 1}, s.sweep(t))
			got = s.get(t, tk.ID)
			require.Equal(t, ticket.PriorityHigh, got.Priority, "level 2 raises the priority")
			require.Equal(t, ticket.StatusEscalated, got.Status, "level 2 escalates")
			require.True(t, got.SLA.NextCheckAt.IsZero(), "nothing left to fire")
			require.Equal(t, []string{"c1:resolution"}, got.SLA.Breached)

			s.at(500)
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t), "every level fired once")

			require.Equal(t, []string{
				"sla.warning: resolution at 50% of policy std (c1:resolution:warn50)",
				"sla.breach: resolution target reached of policy std (c1:resolution)",
				"sla.escalation: level 1: resolution at 100% of policy std (c1:resolution:L1), notify supervisor",
				"assignee: lead-1",
				"sla.escalation: level 2: resolution at 150% of policy std (c1:resolution:L2), notify user:u-head",
				"status: escalated",
				"priority: high",
			}, historyOf(t, s, tk.ID, ticket.FieldSLAWarning, ticket.FieldSLABreach, ticket.FieldSLAEscalation,
				ticket.FieldAssignee, ticket.FieldStatus, ticket.FieldPriority))
			var levels []notify.Escalation
			assigned := 0
			for _, e := range outboxEvents(t, s.store) {
				switch e.Kind {
				case notify.KindEscalated:
					require.NotNil(t, e.Escalation)
					levels = append(levels, *e.Escalation)
				case notify.KindAssigned:
					assigned++
				}
			}
			require.Equal(t, []notify.Escalation{
				{Policy: "std", Level: 1, Target: "resolution", Percent: 100, Notify: []string{"supervisor"}},
				{Policy: "std", Level: 2, Target: "resolution", Percent: 150, Notify: []string{"user:u-head"}},
			}, levels, "each level's notification names the level and its targets")
			require.Equal(t, 1, assigned)
		})
	}
}

func TestSLAPausesWhileWaitingOnCustomer(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Which filter?"})
			require.NoError(t, err)
			s.at(1)
			_, err = s.desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "Which model is it?"})
			require.NoError(t, err)
			s.at(2)
			got := s.move(t, tk.ID, ticket.StatusWaiting)
			require.True(t, got.SLA.Paused)
			require.True(t, got.SLA.ResolutionDue.IsZero(), "no due time while paused")

			s.at(30)
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t), "a paused clock fires nothing")

			// The customer answers: the ticket goes back to work, and
			// the 28 h spent waiting do not count.
			s.move(t, tk.ID, ticket.StatusInProgress)
			got = s.get(t, tk.ID)
			require.False(t, got.SLA.Paused)
			require.Equal(t, 28*time.Hour, got.SLA.PausedTotal)
			require.Equal(t, 2*time.Hour, got.SLA.ResolutionSpent)
			require.Equal(t, t0.Add(36*time.Hour), got.SLA.ResolutionDue, "6 h left from hour 30")

			s.at(36)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Warnings: 1, Breaches: 1, Escalations: 1}, s.sweep(t))
		})
	}
}

func TestPendingUntilWakesTheTicket(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Send us a photo"})
			require.NoError(t, err)
			s.at(1)
			got := s.move(t, tk.ID, ticket.StatusWaiting, func(p *ticketkit.TransitionParams) { p.PendingUntil = t0.Add(49 * time.Hour) })
			require.Equal(t, t0.Add(49*time.Hour), got.SLA.PendingUntil)

			s.at(48)
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t))
			s.at(49)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Reminders: 1}, s.sweep(t))
			got = s.get(t, tk.ID)
			require.Equal(t, ticket.StatusInProgress, got.Status, "woken into the wake status")
			require.True(t, got.SLA.PendingUntil.IsZero())
			require.False(t, got.SLA.Paused)
			require.Equal(t, 48*time.Hour, got.SLA.PausedTotal)
			require.Equal(t, []string{
				"sla.reminder: pending until 2026-03-04T10:00:00Z passed",
				"status: in_progress",
			}, historyOf(t, s, tk.ID, ticket.FieldSLAReminder, ticket.FieldStatus)[1:])

			_, err = s.desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved, PendingUntil: t0.Add(100 * time.Hour)})
			require.ErrorAs(t, err, new(*ticket.ValidationError), "only pausing statuses wait")
		})
	}
}

func TestPriorityChangeRecomputesDues(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Leak"})
			require.NoError(t, err)
			tk = s.get(t, tk.ID) // as staff: customers do not see the SLA state
			require.Equal(t, t0.Add(8*time.Hour), tk.SLA.ResolutionDue)

			s.at(0.5)
			urgent := ticket.PriorityUrgent
			got, err := s.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Priority: &urgent})
			require.NoError(t, err)
			require.Equal(t, "urgent", got.SLA.Policy)
			require.Equal(t, t0.Add(time.Hour), got.SLA.FirstResponseDue, "30 min spent of the urgent 1 h")
			require.Equal(t, t0.Add(2*time.Hour), got.SLA.ResolutionDue, "30 min spent of the urgent 2 h")

			s.at(2)
			res := s.sweep(t)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Breaches: 2}, res)
			got = s.get(t, tk.ID)
			require.ElementsMatch(t, []string{"c1:first_response", "c1:resolution"}, got.SLA.Breached)
		})
	}
}

func TestReopenStartsANewCycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Refund"})
			require.NoError(t, err)
			s.at(8)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Warnings: 2, Breaches: 2, Escalations: 1}, s.sweep(t), "both clocks warn and breach")
			s.at(9)
			got := s.move(t, tk.ID, ticket.StatusResolved)
			require.Equal(t, t0.Add(9*time.Hour), got.SLA.ResolvedAt)
			require.True(t, got.SLA.NextCheckAt.IsZero())

			s.at(20)
			got = s.move(t, tk.ID, ticket.StatusInProgress)
			require.Equal(t, 2, got.SLA.Cycle)
			require.Equal(t, 1, got.SLA.ReopenCount)
			require.True(t, got.SLA.ResolvedAt.IsZero())
			require.Equal(t, t0.Add(28*time.Hour), got.SLA.ResolutionDue)

			s.at(28)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Warnings: 2, Breaches: 2, Escalations: 1}, s.sweep(t),
				"the new cycle fires its own warnings, breaches and level 1 (still no first response)")
			require.Len(t, historyOf(t, s, tk.ID, ticket.FieldSLAEscalation), 2)
		})
	}
}

func TestResolvedTicketsCloseAutomatically(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t), func(c *ticketkit.Config) { c.AutoCloseAfter = 72 * time.Hour })
			tk, err := s.desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "Done soon"})
			require.NoError(t, err)
			s.at(1)
			got := s.move(t, tk.ID, ticket.StatusResolved)
			require.Equal(t, t0.Add(73*time.Hour), got.SLA.AutoCloseAt)
			s.at(72)
			require.Equal(t, ticketkit.EscalationResult{}, s.sweep(t))
			s.at(73)
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, AutoClosed: 1}, s.sweep(t))
			got = s.get(t, tk.ID)
			require.Equal(t, ticket.StatusClosed, got.Status)
			require.Equal(t, ticketkit.AutoCloseReason, got.ClosureReason)
			require.Equal(t, t0.Add(73*time.Hour), got.ClosedAt)
			require.True(t, got.SLA.WakeAt().IsZero())
		})
	}
}

func TestConcurrentSweepersNeverFireALevelTwice(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 40
	}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			s := newSLADesk(t, store)
			ids := openBusy(t, s, n)
			// Two desks on one store, as two processes would run.
			other := newSLADesk(t, store)
			s.at(12)
			other.at(12)

			var total ticketkit.EscalationResult
			var wg sync.WaitGroup
			sweepAll(t, &wg, []*slaDesk{s, other, s, other}, 3, &total)
			wg.Wait()
			require.Equal(t, ticketkit.EscalationResult{Tickets: n, Warnings: 2 * n, Breaches: 2 * n, Escalations: 2 * n}, total)
			for _, id := range ids[:10] {
				require.Len(t, historyOf(t, s, id, ticket.FieldSLAEscalation), 2)
			}
			require.Equal(t, 2*n, outboxKinds(t, store)[string(notify.KindEscalated)])
		})
	}
}

func TestEscalationWorkerStartsAndStops(t *testing.T) {
	s := newSLADesk(t, backends()[0].Open(t))
	tk, err := s.desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "worker"})
	require.NoError(t, err)
	s.at(8)
	w, err := ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: s.desk, Interval: time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, w.Start(context.Background()))
	require.Error(t, w.Start(context.Background()), "already started")
	require.Eventually(t, func() bool { return s.get(t, tk.ID).Assignee == "lead-1" }, 5*time.Second, time.Millisecond)
	require.NoError(t, w.Stop(context.Background()))
	require.NoError(t, w.Stop(context.Background()), "stopping twice is fine")

	_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{})
	require.Error(t, err)
	plain, err := ticketkit.New(ticketkit.Config{Store: backends()[0].Open(t)})
	require.NoError(t, err)
	_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: plain})
	require.Error(t, err, "a desk without SLA has nothing to sweep")
}

// TestSLAFiringLeavesTheTicketVersion checks that firings that change
// nothing but the SLA state (a warning, a notify-only level) leave the
// ticket's Version and UpdatedAt, so that an agent who read the ticket
// before the sweep can still save it at that version.
func TestSLAFiringLeavesTheTicketVersion(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := newSLADesk(t, b.Open(t))
			ctx := context.Background()
			tk, err := s.desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Broken kettle"})
			require.NoError(t, err)
			read := s.get(t, tk.ID)

			s.at(4) // the first response breached, the resolution warned
			require.Equal(t, ticketkit.EscalationResult{Tickets: 1, Warnings: 2, Breaches: 1}, s.sweep(t))
			var alerts []string
			for _, e := range outboxEvents(t, s.store) {
				if e.Kind == notify.KindSLAWarning || e.Kind == notify.KindSLABreached {
					require.NotNil(t, e.SLA, "%s carries its clock", e.Kind)
					require.Equal(t, t0.Add(4*time.Hour), e.At)
					alerts = append(alerts, fmt.Sprintf("%s %s %d%% due %s", e.Kind, e.SLA.Target, e.SLA.Percent, e.SLA.Due.Format("15:04")))
				}
			}
			require.ElementsMatch(t, []string{
				"ticket.sla_warning first_response 50% due 11:00",
				"ticket.sla_breached first_response 100% due 11:00",
				"ticket.sla_warning resolution 50% due 17:00",
			}, alerts, "warnings and breaches are notified")
			got := s.get(t, tk.ID)
			require.True(t, got.SLA.HasFired("c1:resolution:warn50"))
			require.Equal(t, read.Version, got.Version, "a warning is not an edit of the ticket")
			require.Equal(t, read.UpdatedAt, got.UpdatedAt)
			events, err := s.desk.History(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, t0.Add(4*time.Hour), events[len(events)-1].At, "the history line has the sweep's time")

			subject := "Broken kettle, model K2"
			upd, err := s.desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject, Version: read.Version})
			require.NoError(t, err, "the version the agent read is still current")
			require.Equal(t, read.Version+1, upd.Version)
			require.True(t, upd.SLA.HasFired("c1:resolution:warn50"), "the agent's save keeps the sweep's firing")

			s.at(8) // level 1 reassigns: an edit of the ticket
			require.Equal(t, 1, s.sweep(t).Escalations)
			got = s.get(t, tk.ID)
			require.Equal(t, "lead-1", got.Assignee)
			require.Equal(t, upd.Version+1, got.Version)
			require.Equal(t, t0.Add(8*time.Hour), got.UpdatedAt)
		})
	}
}

// TestSweepsAndAgentsLoseNoUpdate runs escalation sweeps while agents edit
// the same tickets: every agent's edit is kept and every level fires
// once, whichever writer wins each race.
func TestSweepsAndAgentsLoseNoUpdate(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 20
	}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			s := newSLADesk(t, store)
			ctx := context.Background()
			ids := openBusy(t, s, n)
			other := newSLADesk(t, store)
			s.at(12)
			other.at(12)

			var total ticketkit.EscalationResult
			var wg sync.WaitGroup
			sweepAll(t, &wg, []*slaDesk{s, other}, 4, &total)
			// Each agent edits a field of its own on every ticket.
			subject, description := "edited subject", "edited description"
			edits := []func(*ticketkit.UpdateParams){
				func(p *ticketkit.UpdateParams) { p.Subject = &subject },
				func(p *ticketkit.UpdateParams) { p.Description = &description },
				func(p *ticketkit.UpdateParams) { p.Tags = []string{"edited"} },
			}
			for _, edit := range edits {
				wg.Go(func() {
					for _, id := range ids {
						p := ticketkit.UpdateParams{TicketID: id}
						edit(&p)
						if _, err := other.desk.Update(ctx, agent, p); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			require.Equal(t, 2*n, total.Escalations, "every level fired once")
			for _, id := range ids {
				got := s.get(t, id)
				require.Equal(t, subject, got.Subject)
				require.Equal(t, description, got.Description)
				require.Equal(t, []string{"edited"}, got.Tags)
				require.Equal(t, int64(1+len(edits)+1), got.Version, "three edits and level 2's status change")
				require.Len(t, historyOf(t, s, id, ticket.FieldSLAEscalation), 2)
			}
			require.Equal(t, 2*n, outboxKinds(t, store)[string(notify.KindEscalated)])
		})
	}
}

// openBusy opens n tickets as the agent and returns their IDs.
func openBusy(t *testing.T, s *slaDesk, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		tk, err := s.desk.Open(context.Background(), agent, ticketkit.OpenParams{Subject: "busy"})
		require.NoError(t, err)
		ids[i] = tk.ID
	}
	return ids
}

// sweepAll starts a goroutine per desk in wg that runs rounds sweeps and
// adds their results up in total.
func sweepAll(t *testing.T, wg *sync.WaitGroup, desks []*slaDesk, rounds int, total *ticketkit.EscalationResult) {
	var mu sync.Mutex
	for _, d := range desks {
		wg.Go(func() {
			for range rounds {
				res, err := d.desk.RunEscalations(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total.Tickets += res.Tickets
				total.Warnings += res.Warnings
				total.Breaches += res.Breaches
				total.Escalations += res.Escalations
				mu.Unlock()
			}
		})
	}
}
