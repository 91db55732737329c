package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// SLATarget names one of the three SLA clocks.
type SLATarget string

// SLA targets.
const (
	TargetFirstResponse SLATarget = "first_response" // TargetFirstResponse: from opening to the first staff reply.
	TargetNextResponse  SLATarget = "next_response"  // TargetNextResponse: from a customer message to the next staff reply.
	TargetResolution    SLATarget = "resolution"     // TargetResolution: from opening (or reopening) to resolved or closed.
)

// SLATargets returns every SLA target, in the order firings are sorted
// by.
func SLATargets() []SLATarget {
	return []SLATarget{TargetFirstResponse, TargetNextResponse, TargetResolution}
}

// Valid reports whether t is one of [SLATargets].
func (t SLATarget) Valid() bool { return slices.Contains(SLATargets(), t) }

// Targets are a policy's durations in business time; zero means no
// target.
type Targets struct {
	FirstResponse Duration `json:"first_response,omitempty"`
	NextResponse  Duration `json:"next_response,omitempty"`
	Resolution    Duration `json:"resolution,omitempty"`
}

// Of returns the duration of target t, or 0 for an unknown target.
func (ts Targets) Of(t SLATarget) time.Duration {
	switch t {
	case TargetFirstResponse:
		return time.Duration(ts.FirstResponse)
	case TargetNextResponse:
		return time.Duration(ts.NextResponse)
	case TargetResolution:
		return time.Duration(ts.Resolution)
	}
	return 0
}

// Conditions select the tickets a policy applies to. An empty list
// matches anything; every non-empty list must contain the ticket's value.
type Conditions struct {
	// Priorities, Departments and Categories hold catalog codes.
	Priorities  []string `json:"priorities,omitempty"`
	Departments []string `json:"departments,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	// Tenants holds tenant IDs.
	Tenants []string `json:"tenants,omitempty"`
	// Tiers holds the host's customer service tiers, such as "gold",
	// given to [SLA.Match] and [SLA.Start].
	Tiers    []string         `json:"tiers,omitempty"`
	Channels []ticket.Channel `json:"channels,omitempty"`
}

// Matches reports whether the ticket t of a customer in tier matches c.
func (c Conditions) Matches(t *ticket.Ticket, tier string) bool {
	return anyOrHas(c.Priorities, t.Priority) &&
		anyOrHas(c.Departments, t.Department) &&
		anyOrHas(c.Categories, t.Category) &&
		anyOrHas(c.Tenants, t.TenantID) &&
		anyOrHas(c.Tiers, tier) &&
		anyOrHas(c.Channels, t.Channel)
}

func anyOrHas[T comparable](list []T, v T) bool { return len(list) == 0 || slices.Contains(list, v) }

// Level is an escalation step: when a target's clock reaches At percent
// of its duration, notify people, change the ticket and move it to a
// status. Each level fires once per cycle (and per next-response round).
type Level struct {
	// Level numbers the policy's levels 1..N in order.
	Level int `json:"level"`
	// Target is the clock the level watches.
	Target SLATarget `json:"target"`
	// At is a percentage of the target's duration: 100 fires at the
	// breach, 150 half a target later, 50 halfway.
	At int `json:"at"`
	// Notify lists who to tell: roles such as "supervisor", or
	// "user:<id>" for one host user. The host resolves them.
	Notify []string `json:"notify,omitempty"`
	// Effects change the ticket, as a transition's effects do, on behalf
	// of the system actor; see [Level.Apply].
	Effects []Effect `json:"effects,omitempty"`
	// Status moves the ticket to this status code, such as "escalated";
	// the Desk asks the workflow [Machine] as the system actor.
	Status string `json:"status,omitempty"`
}

// Apply applies the level's effects to t on behalf of actor (normally
// [ticket.SystemActor]) at now, as [Decision.Apply] applies a
// transition's: Set changes fields ("$actor" is actor.ID) and AddActions
// appends actions with IDs from newID. It does not change the status:
// take Status through [Machine.Decide] first. newID may be nil when no
// effect adds actions.
func (l Level) Apply(t *ticket.Ticket, actor ticket.Actor, now time.Time, newID func() string) {
	for _, e := range l.Effects {
		applyEffect(t, e, actor, now, newID)
	}
}

// Clone returns a deep copy of l.
func (l Level) Clone() Level {
	l.Notify = slices.Clone(l.Notify)
	l.Effects = cloneEffects(l.Effects)
	return l
}

// NotifyUserPrefix starts a [Level.Notify] entry naming one host user,
// as in "user:u-42".
const NotifyUserPrefix = "user:"

// Policy is one SLA: which tickets it applies to, on which calendar, its
// targets, its warnings and its escalation levels.
type Policy struct {
	// Name identifies the policy; it is stored in [ticket.SLAState].
	Name string `json:"name"`
	// Calendar names a calendar of the [SLAConfig]; empty or
	// [AlwaysOpenName] counts every hour.
	Calendar string `json:"calendar,omitempty"`
	// When selects the tickets the policy applies to.
	When Conditions `json:"when,omitzero"`
	// Targets are the durations the clocks are measured against.
	Targets Targets `json:"targets"`
	// WarnAt lists percentages of each target, from 1 to 99, at which a
	// warning fires, such as [80].
	WarnAt []int `json:"warn_at,omitempty"`
	// Levels are the escalation steps, numbered 1..N.
	Levels []Level `json:"levels,omitempty"`
}

// Clone returns a deep copy of p.
func (p Policy) Clone() Policy {
	p.When = Conditions{
		Priorities:  slices.Clone(p.When.Priorities),
		Departments: slices.Clone(p.When.Departments),
		Categories:  slices.Clone(p.When.Categories),
		Tenants:     slices.Clone(p.When.Tenants),
		Tiers:       slices.Clone(p.When.Tiers),
		Channels:    slices.Clone(p.When.Channels),
	}
	p.WarnAt = slices.Clone(p.WarnAt)
	if p.Levels != nil {
		levels := make([]Level, len(p.Levels))
		for i, l := range p.Levels {
			levels[i] = l.Clone()
		}
		p.Levels = levels
	}
	return p
}

// SLAConfig is SLA configuration as data: calendars and policies. Write
// it in Go or load it with [ParseSLAYAML] or [ParseSLAJSON]; [NewSLA]
// validates it.
type SLAConfig struct {
	Calendars []CalendarSpec `json:"calendars,omitempty"`
	// Policies are tried in order; the first whose conditions match a
	// ticket applies.
	Policies []Policy `json:"policies"`
}

// SLA is a validated SLA configuration on a catalog. Its methods are pure
// rules: they take the time as an argument, never read the clock, and
// return new values. An SLA is safe for concurrent use.
type SLA struct {
	catalog   *ticket.Catalog
	calendars map[string]*Calendar
	policies  []Policy
	cals      []*Calendar // the calendar of each policy
	byName    map[string]int
}

// NewSLA validates cfg against the catalog c (nil means
// [ticket.DefaultCatalog]) and builds an SLA. Every problem (bad or
// duplicate calendars, duplicate or empty policy names, unknown
// calendars, codes the catalog does not know, negative targets, bad
// warning percentages, levels out of order, for an unknown target or for
// a target with no duration, bad notify entries, effects or statuses) is
// listed in one *[DefinitionError].
func NewSLA(cfg SLAConfig, c *ticket.Catalog) (*SLA, error) {
	if c == nil {
		c = ticket.DefaultCatalog()
	}
	s := &SLA{catalog: c, calendars: make(map[string]*Calendar), byName: make(map[string]int)}
	var problems []string
	addf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for i, spec := range cfg.Calendars {
		cal, ps := buildCalendar(spec)
		problems = append(problems, ps...)
		switch {
		case strings.TrimSpace(spec.Name) == "":
			addf("calendar %d: empty name", i+1)
		case spec.Name == AlwaysOpenName:
			addf("calendar %q: the name is reserved for the always-open calendar", spec.Name)
		case s.calendars[spec.Name] != nil:
			addf("calendar %q: duplicate name", spec.Name)
		case len(ps) == 0:
			s.calendars[spec.Name] = cal
		default:
			s.calendars[spec.Name] = AlwaysOpen() // keep the name known
		}
	}

	if len(cfg.Policies) == 0 {
		addf("no policies")
	}
	for i, p := range cfg.Policies {
		where := fmt.Sprintf("policy %d", i+1)
		if strings.TrimSpace(p.Name) == "" {
			addf("%s: empty name", where)
		} else {
			where = fmt.Sprintf("policy %q", p.Name)
			if first, dup := s.byName[p.Name]; dup {
				addf("%s: duplicate name (policies %d and %d)", where, first+1, i+1)
			} else {
				s.byName[p.Name] = i
			}
		}
		cal := AlwaysOpen()
		if p.Calendar != "" && p.Calendar != AlwaysOpenName {
			if cal = s.calendars[p.Calendar]; cal == nil {
				addf("%s: unknown calendar %q", where, p.Calendar)
			}
		}
		problems = append(problems, checkPolicy(where, p, c)...)
		s.policies = append(s.policies, p.Clone())
		s.cals = append(s.cals, cal)
	}
	if len(problems) > 0 {
		return nil, &DefinitionError{Problems: problems}
	}
	return s, nil
}

// checkPolicy returns the problems of p other than its name and
// calendar.
func checkPolicy(where string, p Policy, c *ticket.Catalog) []string {
	v := validator{catalog: c}
	codes := func(kind string, list []string, known func(string) bool) {
		for _, code := range list {
			if !known(code) {
				v.addf("%s: when: unknown %s %q", where, kind, code)
			}
		}
	}
	codes("priority", p.When.Priorities, func(s string) bool { _, ok := c.Priority(s); return ok })
	codes("department", p.When.Departments, func(s string) bool { _, ok := c.Department(s); return ok })
	codes("category", p.When.Categories, func(s string) bool { _, ok := c.Category(s); return ok })
	codes("tenant", p.When.Tenants, func(s string) bool { return strings.TrimSpace(s) != "" })
	codes("tier", p.When.Tiers, func(s string) bool { return strings.TrimSpace(s) != "" })
	for _, ch := range p.When.Channels {
		if !ch.Valid() {
			v.addf("%s: when: unknown channel %q", where, ch)
		}
	}

	for _, t := range SLATargets() {
		if d := p.Targets.Of(t); d < 0 {
			v.addf("%s: negative %s target %s", where, t, compactDuration(d))
		}
	}
	for i, pct := range p.WarnAt {
		switch {
		case pct < 1 || pct > 99:
			v.addf("%s: warn_at %d%%: want a percentage from 1 to 99", where, pct)
		case slices.Contains(p.WarnAt[:i], pct):
			v.addf("%s: warn_at %d%%: listed twice", where, pct)
		}
	}

	last := make(map[SLATarget]Level)
	for i, l := range p.Levels {
		lw := fmt.Sprintf("%s: level %d", where, l.Level)
		if l.Level != i+1 {
			v.addf("%s: levels must be numbered 1..N in order; the level at position %d is %d", where, i+1, l.Level)
			lw = fmt.Sprintf("%s: level at position %d", where, i+1)
		}
		switch {
		case !l.Target.Valid():
			v.addf("%s: unknown target %q (want first_response, next_response or resolution)", lw, l.Target)
		case p.Targets.Of(l.Target) <= 0:
			v.addf("%s: target %s has no duration", lw, l.Target)
		}
		if l.At < 1 || l.At > 1000 {
			v.addf("%s: at %d%%: want a percentage from 1 to 1000", lw, l.At)
		} else if prev, ok := last[l.Target]; ok && l.At <= prev.At {
			v.addf("%s: at %d%% of %s is not after level %d at %d%%", lw, l.At, l.Target, prev.Level, prev.At)
		}
		last[l.Target] = l
		for _, n := range l.Notify {
			switch {
			case strings.TrimSpace(n) == "":
				v.addf("%s: empty notify entry", lw)
			case strings.HasPrefix(n, NotifyUserPrefix) && strings.TrimSpace(n[len(NotifyUserPrefix):]) == "":
				v.addf("%s: notify %q names no user", lw, n)
			}
		}
		for j, e := range l.Effects {
			v.effect(fmt.Sprintf("%s: effect %d", lw, j+1), e)
		}
		if l.Status != "" {
			if _, ok := c.Status(l.Status); !ok {
				v.addf("%s: unknown status %q", lw, l.Status)
			}
		}
	}
	return v.problems
}

// Catalog returns the catalog the SLA was validated against.
func (s *SLA) Catalog() *ticket.Catalog { return s.catalog }

// Policies returns copies of the policies, in matching order.
func (s *SLA) Policies() []Policy {
	out := make([]Policy, len(s.policies))
	for i, p := range s.policies {
		out[i] = p.Clone()
	}
	return out
}

// Policy returns a copy of the policy with the given name.
func (s *SLA) Policy(name string) (Policy, bool) {
	i, ok := s.byName[name]
	if !ok {
		return Policy{}, false
	}
	return s.policies[i].Clone(), true
}

// Calendar returns the calendar with the given name; [AlwaysOpenName]
// returns [AlwaysOpen] unless the configuration defines one of that name.
func (s *SLA) Calendar(name string) (*Calendar, bool) {
	if c, ok := s.calendars[name]; ok {
		return c, true
	}
	if name == AlwaysOpenName {
		return AlwaysOpen(), true
	}
	return nil, false
}

// Match returns a copy of the first policy whose conditions match t for
// a customer in tier, and false when none does.
func (s *SLA) Match(t *ticket.Ticket, tier string) (Policy, bool) {
	if i := s.match(t, tier); i >= 0 {
		return s.policies[i].Clone(), true
	}
	return Policy{}, false
}

func (s *SLA) match(t *ticket.Ticket, tier string) int {
	if t == nil {
		return -1
	}
	return slices.IndexFunc(s.policies, func(p Policy) bool { return p.When.Matches(t, tier) })
}
