package workflow

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Observation tells [SLA.Observe] what happened to a ticket besides the
// field changes it can see by comparing two versions.
type Observation struct {
	// AgentReplied means staff sent the customer a reply (not an internal
	// note): it meets the first response and stops the next-response
	// clock.
	AgentReplied bool
	// CustomerMessaged means the customer added a message: when the first
	// response is met and the customer was not already waiting, it starts
	// a new next-response round.
	CustomerMessaged bool
	// Reopened means the ticket was reopened ([Decision].Reopen). A ticket
	// leaving a resolved or closed status for another counts as reopened
	// whether or not this is set.
	Reopened bool
}

// Start returns the SLA state of a ticket opened at now by a customer in
// tier: the first matching policy (none leaves Policy empty and no clock
// running), cycle 1, and the due times of its targets. A ticket opened in
// a pausing status starts paused.
func (s *SLA) Start(t *ticket.Ticket, tier string, now time.Time) ticket.SLAState {
	now = now.UTC()
	st := ticket.SLAState{Cycle: 1, Tier: tier, Since: now, Policy: s.matchName(t, tier)}
	if t != nil {
		if s.pausing(t) {
			st.Paused, st.PausedSince = true, now
		}
		if s.finished(t) {
			st.ResolvedAt = now
		}
	}
	return s.schedule(st)
}

// Observe returns the SLA state after a change of a ticket from before to
// after at now, given the previous state prev. It never changes its
// arguments. In order, it:
//
//  1. brings the spent time of running clocks up to now, on the calendar
//     of prev's policy or, when that policy no longer exists, of the
//     policy the ticket matches instead (before, or after when before is
//     nil);
//  2. matches the policy again when before is nil or when priority,
//     department, category, channel or tenant changed; spent time is kept
//     and the due times are recomputed from it: Due = Calendar.Add(now,
//     target - spent) while time is left, and otherwise the moment the
//     clock reached the target, in the past;
//  3. on a reopen, starts the next cycle: spent times, the next-response
//     round and AwaitingReplySince reset, ResolvedAt cleared, ReopenCount
//     incremented;
//  4. pauses when after's status pauses SLA clocks ([ticket.Status].Paused)
//     and resumes when it stops doing so, adding the business time paused
//     to PausedTotal;
//  5. on an agent reply, meets the first response (FirstResponseAt) and
//     stops the next-response clock; on a customer message, starts a
//     next-response round unless the customer is already waiting;
//  6. on entering a resolved or closed status, sets ResolvedAt and stops
//     the clocks.
//
// A clock that stops at or past its target is recorded in Breached.
// Finally it recomputes the due times and NextCheckAt. Observe fires
// nothing: call [SLA.Evaluate] to fire what has come due. A zero prev
// (Cycle 0) is started first, as [SLA.Start] does. To change a ticket's
// tier, set prev.Tier and pass a nil before.
func (s *SLA) Observe(prev ticket.SLAState, before, after *ticket.Ticket, ev Observation, now time.Time) ticket.SLAState {
	now = now.UTC()
	if after == nil {
		return prev.Clone()
	}
	if prev.Cycle == 0 {
		prev, before = s.Start(after, prev.Tier, now), nil
	}
	was := before
	if was == nil {
		was = after
	}
	st := s.catchUp(s.rematchRemoved(prev.Clone(), was), now)

	if before == nil || matchFieldsChanged(before, after) {
		st.Policy = s.matchName(after, st.Tier)
	}

	finished := s.finished(after)
	if ev.Reopened || !st.ResolvedAt.IsZero() && !finished {
		st.Cycle++
		st.ReopenCount++
		st.FirstResponseSpent, st.NextResponseSpent, st.ResolutionSpent = 0, 0, 0
		st.NextResponseRound = 0
		st.ResolvedAt, st.AwaitingReplySince = time.Time{}, time.Time{}
		st.Fired = keepPrefix(st.Fired, cyclePrefix(st.Cycle))
	}

	switch pausing := s.pausing(after); {
	case pausing && !st.Paused:
		st.Paused, st.PausedSince = true, now
	case !pausing && st.Paused:
		st.PausedTotal += s.calendarOf(st.Policy).Between(st.PausedSince, now)
		st.Paused, st.PausedSince = false, time.Time{}
	}

	if ev.AgentReplied {
		if st.FirstResponseAt.IsZero() {
			s.stopClock(&st, TargetFirstResponse)
			st.FirstResponseAt = now
		}
		if !st.AwaitingReplySince.IsZero() {
			s.stopClock(&st, TargetNextResponse)
			st.AwaitingReplySince = time.Time{}
		}
	}
	if ev.CustomerMessaged && st.AwaitingReplySince.IsZero() {
		st.AwaitingReplySince = now
		if !st.FirstResponseAt.IsZero() {
			st.NextResponseRound++
			st.NextResponseSpent = 0
			st.Fired = keepNotPrefix(st.Fired, cyclePrefix(st.Cycle)+string(TargetNextResponse)+"#")
		}
	}

	if finished && st.ResolvedAt.IsZero() {
		for _, t := range SLATargets() {
			s.stopClock(&st, t)
		}
		st.ResolvedAt = now
	}
	return s.schedule(st)
}

// rematchRemoved matches the policy again, for ticket t, when st names a
// policy the SLA no longer has, so that the time since st.Since counts on
// the calendar of the policy that replaces it instead of being lost. A
// nil t leaves st as it is.
func (s *SLA) rematchRemoved(st ticket.SLAState, t *ticket.Ticket) ticket.SLAState {
	if _, known := s.byName[st.Policy]; !known && st.Policy != "" && t != nil {
		st.Policy = s.matchName(t, st.Tier)
	}
	return st
}

// matchName returns the name of the first policy matching t for a
// customer in tier, or "" when none does.
func (s *SLA) matchName(t *ticket.Ticket, tier string) string {
	if i := s.match(t, tier); i >= 0 {
		return s.policies[i].Name
	}
	return ""
}

// catchUp adds the business time from st.Since to now to the running
// clocks and moves Since to now. A now before Since changes nothing.
func (s *SLA) catchUp(st ticket.SLAState, now time.Time) ticket.SLAState {
	if !now.After(st.Since) {
		return st
	}
	if i, ok := s.byName[st.Policy]; ok && !st.Since.IsZero() {
		var d time.Duration
		measured := false
		for _, t := range SLATargets() {
			if running(st, t) {
				if !measured {
					d, measured = s.cals[i].Between(st.Since, now), true
				}
				*spentOf(&st, t) += d
			}
		}
	}
	st.Since = now
	return st
}

// stopClock records a breach when target t's running clock stops at or
// past its duration.
func (s *SLA) stopClock(st *ticket.SLAState, t SLATarget) {
	i, ok := s.byName[st.Policy]
	if !ok || !running(*st, t) {
		return
	}
	if d := s.policies[i].Targets.Of(t); d > 0 && *spentOf(st, t) >= d {
		if key := clockKey(*st, t); !st.HasBreached(key) {
			st.Breached = append(st.Breached, key)
		}
	}
}

// schedule recomputes the due times and NextCheckAt of st from its spent
// times at st.Since.
func (s *SLA) schedule(st ticket.SLAState) ticket.SLAState {
	st.FirstResponseDue, st.NextResponseDue, st.ResolutionDue = time.Time{}, time.Time{}, time.Time{}
	st.NextCheckAt = time.Time{}
	i, ok := s.byName[st.Policy]
	if !ok {
		return st
	}
	p, cal := &s.policies[i], s.cals[i]
	for _, t := range SLATargets() {
		d := p.Targets.Of(t)
		if d <= 0 || !running(st, t) {
			continue
		}
		spent := *spentOf(&st, t)
		*dueOf(&st, t) = cal.reachedAt(st.Since, d-spent)
		for _, th := range thresholds(p, t, clockKey(st, t)) {
			if th.fired(st) {
				continue
			}
			next := cal.reachedAt(st.Since, th.need-spent)
			if st.NextCheckAt.IsZero() || next.Before(st.NextCheckAt) {
				st.NextCheckAt = next
			}
			break // thresholds come in order: the first unfired one is the earliest
		}
	}
	return st
}

// running reports whether target t's clock runs in st: a policy applies,
// the ticket is neither paused nor resolved, and for the first response
// no reply was sent yet, for the next response a round is under way.
func running(st ticket.SLAState, t SLATarget) bool {
	if st.Policy == "" || st.Paused || !st.ResolvedAt.IsZero() {
		return false
	}
	switch t {
	case TargetFirstResponse:
		return st.FirstResponseAt.IsZero()
	case TargetNextResponse:
		return st.NextResponseRound > 0 && !st.AwaitingReplySince.IsZero() && !st.FirstResponseAt.IsZero()
	}
	return true
}

func spentOf(st *ticket.SLAState, t SLATarget) *time.Duration {
	switch t {
	case TargetFirstResponse:
		return &st.FirstResponseSpent
	case TargetNextResponse:
		return &st.NextResponseSpent
	}
	return &st.ResolutionSpent
}

func dueOf(st *ticket.SLAState, t SLATarget) *time.Time {
	switch t {
	case TargetFirstResponse:
		return &st.FirstResponseDue
	case TargetNextResponse:
		return &st.NextResponseDue
	}
	return &st.ResolutionDue
}

// clockKey names target t's clock in the current cycle, such as
// "c1:resolution", or "c1:next_response#2" for the second next-response
// round. Firing keys extend it.
func clockKey(st ticket.SLAState, t SLATarget) string {
	key := cyclePrefix(st.Cycle) + string(t)
	if t == TargetNextResponse {
		key += "#" + strconv.Itoa(st.NextResponseRound)
	}
	return key
}

func cyclePrefix(cycle int) string { return "c" + strconv.Itoa(cycle) + ":" }

func keepPrefix(keys []string, prefix string) []string {
	return slices.DeleteFunc(keys, func(k string) bool { return !strings.HasPrefix(k, prefix) })
}

func keepNotPrefix(keys []string, prefix string) []string {
	return slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, prefix) })
}

// calendarOf returns the calendar of the named policy, or [AlwaysOpen].
func (s *SLA) calendarOf(policy string) *Calendar {
	if i, ok := s.byName[policy]; ok {
		return s.cals[i]
	}
	return AlwaysOpen()
}

// pausing reports whether t's status stops SLA clocks.
func (s *SLA) pausing(t *ticket.Ticket) bool {
	st, ok := s.catalog.Status(t.Status)
	return ok && st.Paused()
}

// finished reports whether t's status is of category resolved or closed.
func (s *SLA) finished(t *ticket.Ticket) bool {
	st, ok := s.catalog.Status(t.Status)
	return ok && (st.Category == ticket.CategoryResolved || st.Category == ticket.CategoryClosed)
}

// matchFieldsChanged reports whether a field policies match on changed.
func matchFieldsChanged(before, after *ticket.Ticket) bool {
	return before.Priority != after.Priority || before.Department != after.Department ||
		before.Category != after.Category || before.Channel != after.Channel ||
		before.TenantID != after.TenantID
}
