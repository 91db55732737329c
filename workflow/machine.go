package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Config configures [New].
type Config struct {
	// Definition is the workflow to run.
	Definition Definition
	// Catalog holds the statuses, priorities, categories and departments
	// the definition refers to; nil means [ticket.DefaultCatalog].
	Catalog *ticket.Catalog
	// Guards are host guards by name, usable in [Transition.Guards]. A
	// name may not be one of [BuiltinGuards].
	Guards map[string]Guard
}

// Machine is a validated workflow on a catalog. It decides status changes
// and never performs I/O or reads the clock. A Machine is safe for
// concurrent use as long as the host's guards are.
type Machine struct {
	def     Definition
	catalog *ticket.Catalog
	guards  map[string]Guard
}

// WithDefaults returns a copy of c with its zero Catalog set to
// [ticket.DefaultCatalog]. Definition and Guards have no default. [New]
// calls it.
func (c Config) WithDefaults() Config {
	if c.Catalog == nil {
		c.Catalog = ticket.DefaultCatalog()
	}
	return c
}

// New fills cfg's defaults (see [Config.WithDefaults]), validates it and
// returns a Machine. The error is a *[DefinitionError] listing every
// problem found: a workflow is data, checked as a whole like a
// ticket.CatalogSpec, so its problems come in one typed error rather
// than a join.
func New(cfg Config) (*Machine, error) {
	cfg = cfg.WithDefaults()
	c := cfg.Catalog
	guards := builtinGuards()
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(cfg.Guards)) {
		g := cfg.Guards[name]
		switch {
		case strings.TrimSpace(name) == "":
			problems = append(problems, "guard with empty name")
		case slices.Contains(BuiltinGuards(), name):
			problems = append(problems, fmt.Sprintf("guard %q shadows a built-in guard", name))
		case g == nil:
			problems = append(problems, fmt.Sprintf("guard %q is nil", name))
		default:
			guards[name] = g
		}
	}
	def := cfg.Definition.Clone()
	problems = append(problems, validate(def, c, guardNames(guards, cfg.Guards))...)
	if len(problems) > 0 {
		return nil, &DefinitionError{Problems: problems}
	}
	return &Machine{def: def, catalog: c, guards: guards}, nil
}

// guardNames is the set of guard names a definition may use: the valid
// ones plus every name the host registered, so a host guard rejected for
// another reason is not also reported as unknown.
func guardNames(valid, host map[string]Guard) map[string]Guard {
	names := make(map[string]Guard, len(valid)+len(host))
	maps.Copy(names, valid)
	maps.Copy(names, host)
	return names
}

// Default returns a Machine running [DefaultDefinition] on c; nil means
// [ticket.DefaultCatalog]. It fails if c lacks the default status codes.
func Default(c *ticket.Catalog) (*Machine, error) {
	return New(Config{Definition: DefaultDefinition(), Catalog: c})
}

// Definition returns a copy of the machine's definition.
func (m *Machine) Definition() Definition { return m.def.Clone() }

// HostGuards returns a copy of the guards the host registered in
// [Config.Guards], by name, without the built-in ones: a workflow built
// from data for the same host (a tenant's) may use them by name.
func (m *Machine) HostGuards() map[string]Guard {
	out := make(map[string]Guard)
	for name, g := range m.guards {
		if !slices.Contains(BuiltinGuards(), name) {
			out[name] = g
		}
	}
	return out
}

// Catalog returns the catalog the machine was validated against.
func (m *Machine) Catalog() *ticket.Catalog { return m.catalog }

// Request asks [Machine.Decide] whether Actor may move Ticket to status To
// at time Now.
type Request struct {
	Ticket *ticket.Ticket
	Actor  ticket.Actor
	// To is the requested status code.
	To string
	// Reason is the actor's reason, such as a closure reason; guards may
	// require it.
	Reason string
	// Now is the time of the request; the reopen window is measured
	// against it.
	Now time.Time
	// TimeEntries is how many time entries the ticket has, for
	// [GuardTimeEntryRequired]; ticketkit's Desk counts them when
	// [Machine.UsesGuard] says the workflow needs them.
	TimeEntries int
}

// UsesGuard reports whether a transition of the workflow names the
// guard name.
func (m *Machine) UsesGuard(name string) bool {
	for _, t := range m.def.Transitions {
		if slices.Contains(t.Guards, name) {
			return true
		}
	}
	return false
}

// Decision is an allowed status change, ready for [Decision.Apply].
type Decision struct {
	// Transition is the transition taken; for a reopen, a synthetic one
	// named "reopen" built from the [ReopenRule].
	Transition Transition
	// From and To are the catalog statuses left and entered.
	From, To ticket.Status
	// Reopen reports whether the ticket leaves a terminal status.
	Reopen bool
	// Effects are the transition's effects, in order.
	Effects []Effect
	// Reason is the request's reason, trimmed.
	Reason string
}

// Decide says whether req may happen. It returns a [Decision] describing
// the change, or a *[TransitionError] wrapping [ErrNoTransition],
// [ErrForbidden], [ErrGuard] or [ErrReopenWindow]. The ticket is not
// changed.
func (m *Machine) Decide(ctx context.Context, req Request) (Decision, error) {
	if req.Ticket == nil {
		return Decision{}, &TransitionError{To: req.To, Role: req.Actor.Role, Reason: "no ticket", Err: ErrNoTransition}
	}
	fail := func(sentinel error, guard, reason string) (Decision, error) {
		return Decision{}, &TransitionError{
			From: req.Ticket.Status, To: req.To, Role: req.Actor.Role,
			Guard: guard, Reason: reason, Err: sentinel,
		}
	}
	from, ok := m.catalog.Status(req.Ticket.Status)
	if !ok {
		return fail(ErrNoTransition, "", fmt.Sprintf("the current status %q is not in the catalog", req.Ticket.Status))
	}
	to, ok := m.catalog.Status(req.To)
	if !ok {
		return fail(ErrNoTransition, "", fmt.Sprintf("unknown status %q", req.To))
	}
	if from.Code == to.Code {
		return fail(ErrNoTransition, "", fmt.Sprintf("the ticket is already %q", from.Code))
	}
	reason := strings.TrimSpace(req.Reason)

	if from.Terminal {
		r := m.def.Reopen
		if r == nil || r.To != to.Code {
			return fail(ErrNoTransition, "", m.reachableReason(from))
		}
		if !slices.Contains(r.Roles, req.Actor.Role) {
			return fail(ErrForbidden, "", fmt.Sprintf("reopening is for %s", joinRoles(r.Roles)))
		}
		if !m.withinReopenWindow(req.Ticket, req.Now) {
			return fail(ErrReopenWindow, "", fmt.Sprintf("tickets can be reopened up to %s after closing",
				compactDuration(time.Duration(r.Within))))
		}
		return Decision{
			Transition: m.reopenTransition(from.Code),
			From:       from, To: to, Reopen: true, Reason: reason,
		}, nil
	}

	var candidates []Transition
	for _, t := range m.def.Transitions {
		if t.To == to.Code && leaves(t, from) {
			candidates = append(candidates, t)
		}
	}
	if len(candidates) == 0 {
		return fail(ErrNoTransition, "", m.reachableReason(from))
	}
	i := slices.IndexFunc(candidates, func(t Transition) bool { return slices.Contains(t.Roles, req.Actor.Role) })
	if i < 0 {
		var roles []ticket.Role
		for _, t := range candidates {
			roles = appendUnique(roles, t.Roles...)
		}
		return fail(ErrForbidden, "", fmt.Sprintf("only %s may do that", joinRoles(roles)))
	}
	t := candidates[i]
	in := GuardInput{Ticket: req.Ticket, Actor: req.Actor, To: to.Code, Reason: req.Reason, Now: req.Now, TimeEntries: req.TimeEntries}
	for _, name := range t.Guards {
		if err := m.guards[name](ctx, in); err != nil {
			return fail(ErrGuard, name, err.Error())
		}
	}
	t = t.Clone()
	return Decision{Transition: t, From: from, To: to, Effects: t.Effects, Reason: reason}, nil
}

// Available returns the transitions actor may take on t at now, in
// definition order: those leaving t's status whose roles include the actor
// and whose guards pass, except [GuardReasonRequired], which a user
// interface satisfies by asking for a reason. From a terminal status it
// returns the synthetic "reopen" transition when the actor may reopen and
// the window is open. Each target status appears at most once, as the
// transition [Machine.Decide] would take.
func (m *Machine) Available(ctx context.Context, t *ticket.Ticket, actor ticket.Actor, now time.Time) []Transition {
	if t == nil {
		return nil
	}
	from, ok := m.catalog.Status(t.Status)
	if !ok {
		return nil
	}
	if from.Terminal {
		r := m.def.Reopen
		if r == nil || !slices.Contains(r.Roles, actor.Role) || !m.withinReopenWindow(t, now) {
			return nil
		}
		return []Transition{m.reopenTransition(from.Code)}
	}
	var out []Transition
	decided := make(map[string]bool)
	for _, tr := range m.def.Transitions {
		if tr.To == from.Code || decided[tr.To] || !leaves(tr, from) || !slices.Contains(tr.Roles, actor.Role) {
			continue
		}
		decided[tr.To] = true
		if m.guardsPass(ctx, tr, GuardInput{Ticket: t, Actor: actor, To: tr.To, Now: now}) {
			out = append(out, tr.Clone())
		}
	}
	return out
}

func (m *Machine) guardsPass(ctx context.Context, tr Transition, in GuardInput) bool {
	for _, name := range tr.Guards {
		if name == GuardReasonRequired || name == GuardTimeEntryRequired {
			continue
		}
		if m.guards[name](ctx, in) != nil {
			return false
		}
	}
	return true
}

// withinReopenWindow reports whether t, closed at t.ClosedAt, may still be
// reopened at now. A ticket with no ClosedAt counts as closed long ago when
// the rule has a window.
func (m *Machine) withinReopenWindow(t *ticket.Ticket, now time.Time) bool {
	w := time.Duration(m.def.Reopen.Within)
	if w <= 0 {
		return true
	}
	if t.ClosedAt.IsZero() {
		return false
	}
	return !now.After(t.ClosedAt.Add(w))
}

func (m *Machine) reopenTransition(from string) Transition {
	return Transition{
		Name:  ReopenName,
		From:  []string{from},
		To:    m.def.Reopen.To,
		Roles: slices.Clone(m.def.Reopen.Roles),
	}
}

// reachableReason lists the statuses the definition leads to from s,
// whatever the actor's role.
func (m *Machine) reachableReason(s ticket.Status) string {
	var codes []string
	if s.Terminal {
		if m.def.Reopen != nil {
			codes = append(codes, m.def.Reopen.To)
		}
	} else {
		for _, t := range m.def.Transitions {
			if t.To != s.Code && leaves(t, s) && !slices.Contains(codes, t.To) {
				codes = append(codes, t.To)
			}
		}
	}
	if len(codes) == 0 {
		return fmt.Sprintf("no status is reachable from %q", s.Code)
	}
	return fmt.Sprintf("from %q the ticket can move to %s", s.Code, strings.Join(codes, ", "))
}

func appendUnique[T comparable](s []T, vs ...T) []T {
	for _, v := range vs {
		if !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	return s
}

func joinRoles(roles []ticket.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
