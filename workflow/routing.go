package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrNoRoute means routing rules govern the field but none lets a ticket
// in its status go to the requested value. A *[TransitionError] with a
// Route wraps it.
var ErrNoRoute = errors.New("workflow: no routing rule allows this")

// Fields a [RoutingRule] governs.
const (
	RouteDepartment = "department" // RouteDepartment: Ticket.Department, a catalog department code.
	RouteAssignee   = "assignee"   // RouteAssignee: Ticket.Assignee, a host user ID.
)

// RouteFields returns the fields a [RoutingRule] may govern.
func RouteFields() []string { return []string{RouteDepartment, RouteAssignee} }

// RoutingRule governs allocation the way a [Transition] governs status
// changes: who may route a ticket to a department (or an assignee), from
// which statuses, behind which guards, with which effects. A definition
// with no rule for a field lets staff change it freely, as before routing
// rules existed; once one rule names a field, a change of it needs a rule
// that allows it. "No department before verification" is a department
// rule whose Statuses leave out the statuses before verification, or
// whose Guards name the host's check.
//
// The Desk checks the rules when a ticket is opened with a department or
// an assignee (a routing from no value, in the initial status, by the
// opening actor) and on every change by Desk.Assign and Desk.Update. A
// department or assignee set by an [Effect] (of a transition, an SLA
// level's escalation or a routing rule) is the workflow's own decision
// and is not checked against the rules again.
type RoutingRule struct {
	// Name identifies the rule in refusals, such as "allocate"; unique
	// among the routing rules.
	Name string `json:"name"`
	// Field is what the rule governs: [RouteDepartment] or
	// [RouteAssignee].
	Field string `json:"field"`
	// To lists the values the rule lets the field take: department codes
	// for [RouteDepartment], user IDs for [RouteAssignee] ("$actor" is
	// the actor's ID). Empty or "*" means any value, clearing included;
	// "" in the list allows clearing.
	To []string `json:"to,omitempty"`
	// Statuses lists the status codes the ticket may be in; empty or "*"
	// means any status.
	Statuses []string `json:"statuses,omitempty"`
	// Roles lists who may route under the rule.
	Roles []ticket.Role `json:"roles"`
	// Guards names the checks that must pass, in order, as for a
	// transition; a guard sees the routing in [GuardInput.Route].
	// [GuardReasonRequired] cannot be used: routing takes no reason.
	Guards []string `json:"guards,omitempty"`
	// Effects are applied, in order, after the field is changed.
	Effects []Effect `json:"effects,omitempty"`
}

// Clone returns a deep copy of r.
func (r RoutingRule) Clone() RoutingRule {
	c := r
	c.To = slices.Clone(r.To)
	c.Statuses = slices.Clone(r.Statuses)
	c.Roles = slices.Clone(r.Roles)
	c.Guards = slices.Clone(r.Guards)
	c.Effects = cloneEffects(r.Effects)
	return c
}

// Route is a requested routing: the field and its current and requested
// values. A guard of a [RoutingRule] finds it in [GuardInput.Route]; a
// refusal carries it in [TransitionError.Route].
type Route struct {
	// Field is [RouteDepartment] or [RouteAssignee].
	Field string `json:"field"`
	// From is the field's current value, To the requested one ("" clears).
	From string `json:"from"`
	To   string `json:"to"`
}

// RouteRequest asks [Machine.Route] whether Actor may set Field of Ticket
// to To at time Now.
type RouteRequest struct {
	Ticket *ticket.Ticket
	Actor  ticket.Actor
	// Field is [RouteDepartment] or [RouteAssignee].
	Field string
	// To is the requested value; "" clears the field.
	To string
	// Now is the time of the request.
	Now time.Time
}

// RouteDecision is an allowed routing, ready for [RouteDecision.Apply].
type RouteDecision struct {
	// Route is the change.
	Route Route
	// Rule is the name of the rule that allowed it; empty when no rule
	// governs the field.
	Rule string
	// Effects are the rule's effects, in order.
	Effects []Effect
}

// Route says whether req may happen. It returns a [RouteDecision], or a
// *[TransitionError] whose Route is set, wrapping [ErrNoRoute],
// [ErrForbidden] or [ErrGuard] and naming the rule. A field no rule
// governs is always allowed. The ticket is not changed.
func (m *Machine) Route(ctx context.Context, req RouteRequest) (RouteDecision, error) {
	if req.Ticket == nil {
		return RouteDecision{}, &TransitionError{To: req.To, Role: req.Actor.Role, Reason: "no ticket", Err: ErrNoRoute}
	}
	t := req.Ticket
	route := Route{Field: req.Field, To: req.To}
	switch req.Field {
	case RouteDepartment:
		route.From = t.Department
	case RouteAssignee:
		route.From = t.Assignee
	default:
		return RouteDecision{}, &TransitionError{From: t.Status, To: t.Status, Role: req.Actor.Role, Route: &route,
			Reason: fmt.Sprintf("unknown routing field %q", req.Field), Err: ErrNoRoute}
	}
	fail := func(sentinel error, rule, guard, reason string) (RouteDecision, error) {
		return RouteDecision{}, &TransitionError{
			From: t.Status, To: t.Status, Role: req.Actor.Role, Route: &route,
			Rule: rule, Guard: guard, Reason: reason, Err: sentinel,
		}
	}
	var governed bool
	var candidates []RoutingRule
	for _, r := range m.def.Routing {
		if r.Field != req.Field {
			continue
		}
		governed = true
		if routeMatches(r.To, req.To, req.Actor.ID) && statusMatches(r.Statuses, t.Status) {
			candidates = append(candidates, r)
		}
	}
	if !governed {
		return RouteDecision{Route: route}, nil
	}
	if len(candidates) == 0 {
		what := fmt.Sprintf("go to %s %q", req.Field, req.To)
		if req.To == "" {
			what = "lose its " + req.Field
		}
		return fail(ErrNoRoute, "", "", fmt.Sprintf("no routing rule lets a ticket in status %q %s", t.Status, what))
	}
	i := slices.IndexFunc(candidates, func(r RoutingRule) bool { return slices.Contains(r.Roles, req.Actor.Role) })
	if i < 0 {
		var roles []ticket.Role
		for _, r := range candidates {
			roles = appendUnique(roles, r.Roles...)
		}
		return fail(ErrForbidden, candidates[0].Name, "", fmt.Sprintf("only %s may route it there", joinRoles(roles)))
	}
	r := candidates[i].Clone()
	in := GuardInput{Ticket: t, Actor: req.Actor, To: t.Status, Now: req.Now, Route: &route}
	for _, name := range r.Guards {
		if err := m.guards[name](ctx, in); err != nil {
			return fail(ErrGuard, r.Name, name, err.Error())
		}
	}
	return RouteDecision{Route: route, Rule: r.Name, Effects: r.Effects}, nil
}

// Apply sets the routed field of t and applies the rule's effects, on
// behalf of actor at now, as [Decision.Apply] does for a transition's
// effects. It does not touch UpdatedAt or Version. newID may be nil when
// no effect adds actions.
func (d RouteDecision) Apply(t *ticket.Ticket, actor ticket.Actor, now time.Time, newID func() string) {
	switch d.Route.Field {
	case RouteDepartment:
		t.Department = d.Route.To
	case RouteAssignee:
		t.Assignee = d.Route.To
	}
	for _, e := range d.Effects {
		applyEffect(t, e, actor, now, newID)
	}
}

// routeMatches reports whether the value to is in the list of a rule's
// To: an empty list or "*" allows any value, "$actor" the actor's ID.
func routeMatches(list []string, to, actorID string) bool {
	if len(list) == 0 || slices.Contains(list, Wildcard) {
		return true
	}
	for _, v := range list {
		if v == to || (v == ActorValue && to != "" && to == actorID) {
			return true
		}
	}
	return false
}

// statusMatches reports whether status is in a rule's Statuses: an
// empty list or "*" allows any.
func statusMatches(list []string, status string) bool {
	return len(list) == 0 || slices.Contains(list, Wildcard) || slices.Contains(list, status)
}

// routing checks the routing rules of a definition.
func (v *validator) routing(rules []RoutingRule) {
	names := make(map[string]int, len(rules))
	for i, r := range rules {
		where := v.named("routing rule", i, r.Name, names)
		if !slices.Contains(RouteFields(), r.Field) {
			v.addf("%s: unknown field %q (want department or assignee)", where, r.Field)
		}
		if r.Field == RouteDepartment {
			for _, code := range r.To {
				if _, ok := v.catalog.Department(code); !ok && code != "" && code != Wildcard {
					v.addf("%s: unknown to department %q", where, code)
				}
			}
		}
		for _, code := range r.Statuses {
			if _, ok := v.catalog.Status(code); !ok && code != Wildcard {
				v.addf("%s: unknown status %q", where, code)
			}
		}
		v.roles(where, r.Roles)
		for _, g := range r.Guards {
			switch _, ok := v.guards[g]; {
			case g == GuardReasonRequired:
				v.addf("%s: guard %q cannot pass: routing takes no reason", where, g)
			case !ok:
				v.addf("%s: unknown guard %q", where, g)
			}
		}
		for j, e := range r.Effects {
			v.effect(fmt.Sprintf("%s: effect %d", where, j+1), e)
		}
	}
}
