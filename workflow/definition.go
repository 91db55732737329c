package workflow

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Wildcard in [Transition.From] stands for every non-terminal status of the
// catalog.
const Wildcard = "*"

// ActorValue in an [Effect.Set] value or an [ticket.ActionTemplate] Owner
// stands for the ID of the actor taking the transition.
const ActorValue = "$actor"

// Keys an [Effect.Set] may change.
const (
	SetAssignee   = "assignee"   // SetAssignee sets Ticket.Assignee; "$actor" is the actor's ID.
	SetDepartment = "department" // SetDepartment sets Ticket.Department to a catalog department code.
	SetPriority   = "priority"   // SetPriority sets Ticket.Priority to a catalog priority code.
	SetCategory   = "category"   // SetCategory sets Ticket.Category to a catalog category code.
)

// ReopenName is the name of the synthetic transition a [Decision] carries
// when a terminal ticket is reopened through the [ReopenRule].
const ReopenName = "reopen"

// Definition is a workflow as data: the transitions between the statuses of
// a catalog and the rule for reopening closed tickets. Write it as Go
// values, or load it with [ParseJSON] or [ParseYAML]; [New] validates it
// against a catalog.
type Definition struct {
	// Name names the workflow in diagrams; optional.
	Name string `json:"name,omitempty"`
	// Transitions lists the allowed status changes. Order matters: when
	// several transitions lead from one status to the same status, the
	// first one whose Roles include the actor is taken.
	Transitions []Transition `json:"transitions"`
	// Reopen is the only way out of a terminal status; nil means closed
	// tickets stay closed.
	Reopen *ReopenRule `json:"reopen,omitempty"`
	// Routing governs department and assignee changes (Desk.Assign and
	// Desk.Update) as Transitions govern status changes; none means
	// staff route tickets freely. See [RoutingRule].
	Routing []RoutingRule `json:"routing,omitempty"`
}

// Transition is one named, allowed status change.
type Transition struct {
	// Name identifies the transition, such as "start" or "close"; unique
	// within a definition.
	Name string `json:"name"`
	// From lists the status codes the transition leaves. "*" means every
	// non-terminal status. A terminal status may not be listed.
	From []string `json:"from"`
	// To is the status code the transition enters.
	To string `json:"to"`
	// Roles lists who may take the transition.
	Roles []ticket.Role `json:"roles"`
	// Guards names the checks that must pass, in order: built-in guards
	// (see [GuardReasonRequired] and its siblings) or guards the host
	// registered in [Config.Guards].
	Guards []string `json:"guards,omitempty"`
	// Effects are applied, in order, when the transition is taken.
	Effects []Effect `json:"effects,omitempty"`
}

// RequiresReason reports whether t runs the [GuardReasonRequired] guard,
// so a user interface knows to ask for a reason before taking it.
func (t Transition) RequiresReason() bool {
	return slices.Contains(t.Guards, GuardReasonRequired)
}

// Effect is what entering a transition's target status does to a ticket
// besides changing its status.
type Effect struct {
	// Set changes ticket fields. Keys are [SetAssignee], [SetDepartment],
	// [SetPriority] and [SetCategory]; the value "$actor" is the actor's
	// ID and "" clears the field (priority cannot be cleared).
	Set map[string]string `json:"set,omitempty"`
	// AddActions appends checklist actions to the ticket; DueIn counts
	// from the time of the transition. An Owner of "$actor" is the actor's
	// ID.
	AddActions []ticket.ActionTemplate `json:"add_actions,omitempty"`
	// Emit names extra notification kinds the host wants raised. The
	// workflow only carries them; the host decides what they mean.
	Emit []string `json:"emit,omitempty"`
	// AddTags adds these tags to the ticket, those it lacks, in order;
	// RemoveTags then removes these. A tag is 1 to 50 bytes of text.
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
}

// ReopenRule says who may reopen a ticket in a terminal status, into which
// status, and for how long after it was closed.
type ReopenRule struct {
	// To is the non-terminal status a reopened ticket enters.
	To string `json:"to"`
	// Within limits reopening to this long after Ticket.ClosedAt; zero
	// means any time.
	Within Duration `json:"within,omitempty"`
	// Roles lists who may reopen.
	Roles []ticket.Role `json:"roles"`
}

// Duration is a [time.Duration] that reads and writes as text such as
// "336h" in JSON and YAML.
type Duration time.Duration

// String returns the duration as [time.Duration.String] does, such as
// "336h0m0s".
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText encodes d in the compact form "336h", "90m" or "1h30m".
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(compactDuration(time.Duration(d))), nil
}

// UnmarshalText decodes text accepted by [time.ParseDuration], such as
// "336h" or "90m".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return &durationError{text: string(text)}
	}
	*d = Duration(v)
	return nil
}

// durationError is what UnmarshalText returns; ParseYAML recognises it to
// find the line and column of the bad value.
type durationError struct{ text string }

func (e *durationError) Error() string {
	return fmt.Sprintf("invalid duration %q (want a value such as \"336h\")", e.text)
}

// compactDuration drops the zero minute and second parts time.Duration
// prints ("336h0m0s" becomes "336h").
func compactDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// DefaultDefinition returns the workflow for [ticket.DefaultCatalog]: staff
// (agents, supervisors and the system) move tickets between open, in
// progress, waiting, escalated and resolved, and close them with a reason;
// staff may reopen a closed ticket into in progress within 14 days.
// Customers take no transitions. testdata/default.yaml holds the same
// definition as YAML.
func DefaultDefinition() Definition {
	staff := func() []ticket.Role {
		return []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}
	}
	return Definition{
		Name: "default",
		Transitions: []Transition{
			{
				Name:  "start",
				From:  []string{ticket.StatusOpen, ticket.StatusWaiting, ticket.StatusEscalated, ticket.StatusResolved},
				To:    ticket.StatusInProgress,
				Roles: staff(),
			},
			{
				Name:  "wait",
				From:  []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusEscalated},
				To:    ticket.StatusWaiting,
				Roles: staff(),
			},
			{
				Name:  "escalate",
				From:  []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting},
				To:    ticket.StatusEscalated,
				Roles: staff(),
			},
			{
				Name:  "resolve",
				From:  []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated},
				To:    ticket.StatusResolved,
				Roles: staff(),
			},
			{
				Name:   "close",
				From:   []string{ticket.StatusOpen, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated, ticket.StatusResolved},
				To:     ticket.StatusClosed,
				Roles:  staff(),
				Guards: []string{GuardReasonRequired},
			},
		},
		Reopen: &ReopenRule{
			To:     ticket.StatusInProgress,
			Within: Duration(14 * 24 * time.Hour),
			Roles:  staff(),
		},
	}
}

// Clone returns a deep copy of d.
func (d Definition) Clone() Definition {
	c := d
	c.Transitions = make([]Transition, len(d.Transitions))
	for i, t := range d.Transitions {
		c.Transitions[i] = t.Clone()
	}
	if d.Transitions == nil {
		c.Transitions = nil
	}
	if d.Reopen != nil {
		r := *d.Reopen
		r.Roles = slices.Clone(d.Reopen.Roles)
		c.Reopen = &r
	}
	if d.Routing != nil {
		c.Routing = make([]RoutingRule, len(d.Routing))
		for i, r := range d.Routing {
			c.Routing[i] = r.Clone()
		}
	}
	return c
}

// Clone returns a deep copy of t.
func (t Transition) Clone() Transition {
	c := t
	c.From = slices.Clone(t.From)
	c.Roles = slices.Clone(t.Roles)
	c.Guards = slices.Clone(t.Guards)
	c.Effects = cloneEffects(t.Effects)
	return c
}

// Clone returns a deep copy of e.
func (e Effect) Clone() Effect {
	return Effect{
		Set:        maps.Clone(e.Set),
		AddActions: slices.Clone(e.AddActions),
		Emit:       slices.Clone(e.Emit),
		AddTags:    slices.Clone(e.AddTags),
		RemoveTags: slices.Clone(e.RemoveTags),
	}
}

func cloneEffects(effects []Effect) []Effect {
	if effects == nil {
		return nil
	}
	c := make([]Effect, len(effects))
	for i, e := range effects {
		c[i] = e.Clone()
	}
	return c
}
