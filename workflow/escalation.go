package workflow

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// FiringKind says what a [Firing] is.
type FiringKind string

// Kinds of firings.
const (
	FiringWarning    FiringKind = "warning"    // FiringWarning: a clock reached one of the policy's WarnAt percentages.
	FiringBreach     FiringKind = "breach"     // FiringBreach: a clock reached 100% of its target.
	FiringEscalation FiringKind = "escalation" // FiringEscalation: a clock reached an escalation [Level].
)

// FiringKinds returns every firing kind.
func FiringKinds() []FiringKind { return []FiringKind{FiringWarning, FiringBreach, FiringEscalation} }

// Valid reports whether k is one of [FiringKinds].
func (k FiringKind) Valid() bool { return slices.Contains(FiringKinds(), k) }

// Firing is a warning, breach or escalation whose time has come, returned
// by [SLA.Evaluate] for the host to act on: notify, apply the level's
// effects and status, record history.
type Firing struct {
	Kind FiringKind
	// Policy is the name of the policy that fired.
	Policy string
	// Target is the clock that reached the threshold.
	Target SLATarget
	// Percent is the threshold as a percentage of the target: the
	// warning's, 100 for a breach, the level's At.
	Percent int
	// Level is the escalation level, for escalations; nil otherwise.
	Level *Level
	// Key identifies the firing, unique per cycle (and next-response
	// round): "c1:resolution:warn80", "c1:resolution:L2", or the clock
	// key "c1:resolution" for a breach.
	Key string
	// At is when the threshold was reached, which is before the
	// evaluation time when the sweep runs late.
	At time.Time
	// Due is when the target falls (or fell) due: At for a breach.
	Due time.Time
}

// Evaluate fires what has come due on a ticket at now, for the
// escalation sweep: every warning, breach and escalation level whose
// threshold a running clock has reached and whose key is not yet in
// state.Fired (breaches: state.Breached). Each key fires exactly once per
// cycle however often or late Evaluate runs; when several are overdue
// they all fire, ordered by the time they were reached. A paused or
// stopped clock fires nothing.
//
// The threshold of percent p of a target of duration T is reached when
// the clock has spent T*p/100 of business time: at the instant that
// business time ran out, so a threshold reached exactly at closing time
// is dated at closing time, not at the next opening. Evaluate returns the
// new state: spent times brought up to now, the keys marked, due times
// and NextCheckAt recomputed (zero when nothing is left to fire). t is
// used only to match a policy again when state's policy no longer exists,
// before the time since state.Since is counted; it may be nil. The
// arguments are not changed.
func (s *SLA) Evaluate(state ticket.SLAState, t *ticket.Ticket, now time.Time) (ticket.SLAState, []Firing) {
	now = now.UTC()
	if state.Cycle == 0 {
		return state.Clone(), nil
	}
	st := s.catchUp(s.rematchRemoved(state.Clone(), t), now)
	i, ok := s.byName[st.Policy]
	if !ok {
		return s.schedule(st), nil
	}
	p, cal := &s.policies[i], s.cals[i]
	var firings []Firing
	for _, target := range SLATargets() {
		if p.Targets.Of(target) <= 0 || !running(st, target) {
			continue
		}
		spent := *spentOf(&st, target)
		for _, th := range thresholds(p, target, clockKey(st, target)) {
			if th.need > spent {
				break
			}
			if th.fired(st) {
				continue
			}
			f := Firing{
				Kind: th.kind, Policy: p.Name, Target: target, Percent: th.percent, Key: th.key,
				At:  cal.reachedAt(st.Since, th.need-spent),
				Due: cal.reachedAt(st.Since, p.Targets.Of(target)-spent),
			}
			if th.kind == FiringBreach {
				st.Breached = append(st.Breached, th.key)
			} else {
				st.Fired = append(st.Fired, th.key)
			}
			if th.level >= 0 {
				l := p.Levels[th.level].Clone()
				f.Level = &l
			}
			firings = append(firings, f)
		}
	}
	slices.SortStableFunc(firings, func(a, b Firing) int { return a.At.Compare(b.At) })
	return s.schedule(st), firings
}

// threshold is a point on a clock at which something fires.
type threshold struct {
	kind    FiringKind
	percent int
	need    time.Duration // spent business time that reaches it
	level   int           // index into Policy.Levels, or -1
	key     string
}

// fired reports whether th has fired in st.
func (th threshold) fired(st ticket.SLAState) bool {
	if th.kind == FiringBreach {
		return st.HasBreached(th.key)
	}
	return st.HasFired(th.key)
}

// thresholds returns target t's warnings, breach and levels in p, keyed
// under the clock key, in the order they are reached: by need, then
// warnings before the breach before escalations.
func thresholds(p *Policy, t SLATarget, clock string) []threshold {
	d := p.Targets.Of(t)
	out := make([]threshold, 0, len(p.WarnAt)+1+len(p.Levels))
	for _, pct := range p.WarnAt {
		out = append(out, threshold{FiringWarning, pct, percentOf(d, pct), -1, clock + ":warn" + strconv.Itoa(pct)})
	}
	out = append(out, threshold{FiringBreach, 100, d, -1, clock})
	for i, l := range p.Levels {
		if l.Target == t {
			out = append(out, threshold{FiringEscalation, l.At, percentOf(d, l.At), i, clock + ":L" + strconv.Itoa(l.Level)})
		}
	}
	rank := func(k FiringKind) int { return slices.Index(FiringKinds(), k) }
	slices.SortStableFunc(out, func(a, b threshold) int {
		return cmp.Or(cmp.Compare(a.need, b.need), cmp.Compare(rank(a.kind), rank(b.kind)))
	})
	return out
}

// percentOf returns pct percent of d, without overflowing for long d.
func percentOf(d time.Duration, pct int) time.Duration {
	p := time.Duration(pct)
	return d/100*p + d%100*p/100
}
