package ticket

import (
	"slices"
	"time"
)

// SLAState is the SLA bookkeeping a ticket carries: which policy applies,
// how much business time each clock has used, when each target falls due
// and which warnings, escalations and breaches have already fired. It is
// plain data; the rules that compute it live in the workflow package
// (Start, Observe and Evaluate on workflow.SLA), and the Desk stores it
// with the ticket.
//
// A ticket's life is cut into cycles: cycle 1 starts when the ticket is
// opened and each reopen starts the next. Spent times, dues and fired
// keys belong to the current cycle; metrics (FirstResponseAt, ResolvedAt,
// PausedTotal, ReopenCount) to the whole ticket. All times are UTC.
type SLAState struct {
	// Policy is the name of the SLA policy that applies; empty when none
	// matched.
	Policy string `json:"policy,omitempty"`
	// Cycle is 1 from the ticket's opening and grows by one per reopen;
	// 0 means the SLA was never started.
	Cycle int `json:"cycle,omitempty"`
	// Tier is the customer's service tier the policy was matched with,
	// such as "gold".
	Tier string `json:"tier,omitempty"`

	// FirstResponseSpent, NextResponseSpent and ResolutionSpent are the
	// business time each clock has run in this cycle, up to Since. A
	// running clock's current value adds the calendar's business time
	// from Since to now.
	FirstResponseSpent time.Duration `json:"first_response_spent,omitempty"`
	NextResponseSpent  time.Duration `json:"next_response_spent,omitempty"`
	ResolutionSpent    time.Duration `json:"resolution_spent,omitempty"`
	// Since is when the spent values were last brought up to date.
	Since time.Time `json:"since,omitzero"`
	// NextResponseRound counts, in this cycle, the customer messages
	// that started the next-response clock after the first response;
	// each round fires its own warnings, escalations and breach.
	NextResponseRound int `json:"next_response_round,omitempty"`

	// Paused is set while the ticket is in a status that pauses SLA
	// clocks (see [Status.Paused]); PausedSince is when that began.
	Paused      bool      `json:"paused,omitempty"`
	PausedSince time.Time `json:"paused_since,omitzero"`
	// PausedTotal is the business time the ticket spent paused over its
	// whole life, counted when each pause ends.
	PausedTotal time.Duration `json:"paused_total,omitempty"`

	// FirstResponseDue, NextResponseDue and ResolutionDue are when each
	// target falls (or fell) due: zero when the policy has no such
	// target, the target is met or not running, or the clocks are
	// paused.
	FirstResponseDue time.Time `json:"first_response_due,omitzero"`
	NextResponseDue  time.Time `json:"next_response_due,omitzero"`
	ResolutionDue    time.Time `json:"resolution_due,omitzero"`
	// NextCheckAt is the earliest time a warning, escalation level or
	// breach not yet fired comes due: the index an escalation sweep
	// selects tickets by (NextCheckAt <= now). Zero when nothing is left
	// to fire.
	NextCheckAt time.Time `json:"next_check_at,omitzero"`
	// Fired lists the warning and escalation keys already fired, such as
	// "c1:resolution:warn80" or "c1:resolution:L2"; each fires once.
	Fired []string `json:"fired,omitempty"`
	// Breached lists the breached targets, such as "c1:resolution" or
	// "c2:next_response#3" (the third next-response round of cycle 2).
	Breached []string `json:"breached,omitempty"`

	// FirstResponseAt is when staff first replied to the customer.
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	// ResolvedAt is when the ticket entered a resolved or closed status
	// in this cycle.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// AwaitingReplySince is when the customer started waiting for a reply
	// (their first message since staff last replied); zero when they are
	// not waiting.
	AwaitingReplySince time.Time `json:"awaiting_reply_since,omitzero"`
	// ReopenCount counts reopens.
	ReopenCount int `json:"reopen_count,omitempty"`

	// PendingUntil is when a ticket waiting in a pausing status (on the
	// customer, say) is woken again by the escalation sweep; zero when
	// no wait is set. The Desk sets and clears it; the SLA rules keep it
	// as it is.
	PendingUntil time.Time `json:"pending_until,omitzero"`
	// AutoCloseAt is when the escalation sweep closes a resolved ticket
	// nobody reopened; zero when the ticket is not resolved or the Desk
	// does not auto-close. The Desk sets and clears it.
	AutoCloseAt time.Time `json:"auto_close_at,omitzero"`

	// Timers are the episodes of the automation's time rules the ticket
	// is in (see [RuleTimer]); TimerDue is when the earliest of them not
	// yet fired comes due, zero when none. The Desk sets both.
	Timers   []RuleTimer `json:"timers,omitempty"`
	TimerDue time.Time   `json:"timer_due,omitzero"`
}

// WakeAt returns when the escalation sweep must next look at the ticket:
// the earliest of NextCheckAt, PendingUntil, AutoCloseAt and TimerDue that is set,
// or zero when none is. Stores index it (see storage's TicketClaimDue).
func (s SLAState) WakeAt() time.Time {
	var at time.Time
	for _, t := range []time.Time{s.NextCheckAt, s.PendingUntil, s.AutoCloseAt, s.TimerDue} {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	return at
}

// History field names of the lines the escalation sweep writes (see
// [Event]); New describes what fired.
const (
	FieldSLAWarning    = "sla.warning"    // FieldSLAWarning: a clock reached a warning percentage.
	FieldSLABreach     = "sla.breach"     // FieldSLABreach: a clock reached its target.
	FieldSLAEscalation = "sla.escalation" // FieldSLAEscalation: an escalation level fired.
	FieldSLAReminder   = "sla.reminder"   // FieldSLAReminder: the pending-until time of a waiting ticket passed.
	FieldFollowUpOf    = "follow_up_of"   // FieldFollowUpOf: the ticket was opened as a follow-up of the ticket numbered New.
	FieldFollowUp      = "follow_up"      // FieldFollowUp: a follow-up ticket, numbered New, was opened for this one.
)

// Clone returns a deep copy of s.
func (s SLAState) Clone() SLAState {
	s.Fired = slices.Clone(s.Fired)
	s.Breached = slices.Clone(s.Breached)
	s.Timers = slices.Clone(s.Timers)
	return s
}

// IsZero reports whether s is the zero state: no SLA was ever started
// and no wake time is set.
func (s SLAState) IsZero() bool {
	return s.Policy == "" && s.Cycle == 0 && s.Tier == "" &&
		s.FirstResponseSpent == 0 && s.NextResponseSpent == 0 && s.ResolutionSpent == 0 &&
		s.Since.IsZero() && s.NextResponseRound == 0 && !s.Paused && s.PausedSince.IsZero() &&
		s.PausedTotal == 0 && s.FirstResponseDue.IsZero() && s.NextResponseDue.IsZero() &&
		s.ResolutionDue.IsZero() && s.NextCheckAt.IsZero() && len(s.Fired) == 0 && len(s.Breached) == 0 &&
		s.FirstResponseAt.IsZero() && s.ResolvedAt.IsZero() && s.AwaitingReplySince.IsZero() &&
		s.ReopenCount == 0 && s.PendingUntil.IsZero() && s.AutoCloseAt.IsZero() &&
		len(s.Timers) == 0 && s.TimerDue.IsZero()
}

// HasFired reports whether the warning or escalation key has fired.
func (s SLAState) HasFired(key string) bool { return slices.Contains(s.Fired, key) }

// HasBreached reports whether the target key, such as "c1:resolution",
// is breached.
func (s SLAState) HasBreached(key string) bool { return slices.Contains(s.Breached, key) }

// NextDue returns the earliest of the running targets' due times, or
// zero when no target is running.
func (s SLAState) NextDue() time.Time {
	var due time.Time
	for _, d := range []time.Time{s.FirstResponseDue, s.NextResponseDue, s.ResolutionDue} {
		if !d.IsZero() && (due.IsZero() || d.Before(due)) {
			due = d
		}
	}
	return due
}

// Overdue reports whether a running target's due time is at or before
// now.
func (s SLAState) Overdue(now time.Time) bool {
	due := s.NextDue()
	return !due.IsZero() && !due.After(now)
}
