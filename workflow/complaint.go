package workflow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// Complaints run on a [ComplaintMachine]: an ordinary [Machine] (the
// definition is data, validated by [New]) whose guards may also see the
// complaint section of a [ticket.Complaint], not only its ticket core.

// Names of the built-in complaint guards, usable in the transitions a
// [ComplaintMachine] runs. A host guard may not reuse them.
const (
	// GuardDecisionMade passes when the complaint has a decision.
	GuardDecisionMade = "decision_made"
	// GuardEndDateSet passes when the complaint has an end date that is
	// not in the future.
	GuardEndDateSet = "end_date_set"
	// GuardSupervisorReview passes when the complaint's latest review by a
	// supervisor approves it.
	GuardSupervisorReview = "supervisor_review"
	// GuardReasonCodeSet passes when the complaint has a reason code
	// (Ticket.Reason): a complaint may be logged without one and get it
	// at the follow-up, before the step that carries this guard. It is
	// not [GuardReasonRequired], which asks for a reason with the
	// request, such as a reason for closure.
	GuardReasonCodeSet = "reason_code_set"
)

// ComplaintGuardNames returns the names of the built-in complaint guards.
func ComplaintGuardNames() []string {
	return []string{GuardDecisionMade, GuardEndDateSet, GuardSupervisorReview, GuardReasonCodeSet}
}

// ComplaintGuard checks whether a complaint may take a transition, like a
// [Guard] that sees the whole complaint. It must not change the complaint
// and must be safe for concurrent use.
type ComplaintGuard func(ctx context.Context, in ComplaintGuardInput) error

// ComplaintGuardInput is what a [ComplaintGuard] sees.
type ComplaintGuardInput struct {
	// Complaint is the complaint as it is before the transition. Do not
	// modify.
	Complaint *ticket.Complaint
	// Actor is who asks for the transition.
	Actor ticket.Actor
	// To is the requested status code.
	To string
	// Reason is the reason the actor gave, possibly empty.
	Reason string
	// Now is the time of the request.
	Now time.Time
}

// ComplaintRules are the configurable rules of
// [DefaultComplaintDefinition]. The zero value requires neither.
type ComplaintRules struct {
	// ClosureReason requires a reason to post or reject a complaint
	// ([GuardReasonRequired]).
	ClosureReason bool
	// SupervisorReview requires a supervisor's approving follow-up review
	// before a complaint is posted or rejected ([GuardSupervisorReview]).
	SupervisorReview bool
	// ReasonCodeFrom names the transition of the main path (plan, fulfil,
	// post) from which on a complaint must have a reason code
	// ([GuardReasonCodeSet]): that transition and the later ones carry
	// the guard. Default [ReasonCodeFromDefault]. Posting needs a reason
	// code whatever the workflow says (ticket.ValidateComplaint).
	ReasonCodeFrom string
}

// ReasonCodeFromDefault is the default of ComplaintRules.ReasonCodeFrom:
// a complaint is logged and planned without a reason code, and gets one
// at the follow-up, before it is fulfilled.
const ReasonCodeFromDefault = TransitionFulfil

// WithDefaults returns r with its zero fields set to their defaults.
func (r ComplaintRules) WithDefaults() ComplaintRules {
	r.ReasonCodeFrom = cmp.Or(r.ReasonCodeFrom, ReasonCodeFromDefault)
	return r
}

// reasonCodePath returns the transitions ComplaintRules.ReasonCodeFrom
// may name, in order.
func reasonCodePath() []string { return []string{TransitionPlan, TransitionFulfil, TransitionPost} }

// reasonCodeGuards returns the guards transition name gets from rules:
// [GuardReasonCodeSet] from rules.ReasonCodeFrom on along plan, fulfil,
// post.
func (r ComplaintRules) reasonCodeGuards(name string) []string {
	from, at := slices.Index(reasonCodePath(), r.WithDefaults().ReasonCodeFrom), slices.Index(reasonCodePath(), name)
	if from < 0 || at < from {
		return nil
	}
	return []string{GuardReasonCodeSet}
}

// Names of the transitions of [DefaultComplaintDefinition].
const (
	TransitionPlan   = "plan"   // TransitionPlan: registered → planned.
	TransitionFulfil = "fulfil" // TransitionFulfil: planned → fulfilled.
	TransitionReplan = "replan" // TransitionReplan: fulfilled → planned.
	TransitionPost   = "post"   // TransitionPost: fulfilled → posted.
	TransitionReject = "reject" // TransitionReject: registered or planned → rejected.
)

// DefaultComplaintDefinition returns the complaint workflow for
// [ticket.ComplaintCatalog], for staff (agents, supervisors and the
// system):
//
//	plan    registered         → planned
//	fulfil  planned            → fulfilled  guards: actions_done, decision_made, end_date_set, reason_code_set
//	replan  fulfilled          → planned
//	post    fulfilled          → posted     guards: actions_done, decision_made, reason_code_set [, reason_required] [, supervisor_review]
//	reject  registered,planned → rejected   guards: [reason_required] [, supervisor_review]
//
// The bracketed guards are added by rules; reason_code_set is on the
// transitions from rules.ReasonCodeFrom on (fulfil by default; plan adds
// it to plan as well). Posted and rejected are
// terminal and the definition has no reopen rule, so neither is ever
// left.
func DefaultComplaintDefinition(rules ComplaintRules) Definition {
	staff := func() []ticket.Role {
		return []ticket.Role{ticket.RoleAgent, ticket.RoleSupervisor, ticket.RoleSystem}
	}
	var closing []string
	if rules.ClosureReason {
		closing = append(closing, GuardReasonRequired)
	}
	if rules.SupervisorReview {
		closing = append(closing, GuardSupervisorReview)
	}
	return Definition{
		Name: "complaint",
		Transitions: []Transition{
			{
				Name: TransitionPlan, From: []string{ticket.StatusRegistered}, To: ticket.StatusPlanned, Roles: staff(),
				Guards: rules.reasonCodeGuards(TransitionPlan),
			},
			{
				Name: TransitionFulfil, From: []string{ticket.StatusPlanned}, To: ticket.StatusFulfilled, Roles: staff(),
				Guards: append([]string{GuardActionsDone, GuardDecisionMade, GuardEndDateSet}, rules.reasonCodeGuards(TransitionFulfil)...),
			},
			{Name: TransitionReplan, From: []string{ticket.StatusFulfilled}, To: ticket.StatusPlanned, Roles: staff()},
			{
				Name: TransitionPost, From: []string{ticket.StatusFulfilled}, To: ticket.StatusPosted, Roles: staff(),
				Guards: slices.Concat([]string{GuardActionsDone, GuardDecisionMade}, rules.reasonCodeGuards(TransitionPost), closing),
			},
			{
				Name: TransitionReject, From: []string{ticket.StatusRegistered, ticket.StatusPlanned}, To: ticket.StatusRejected,
				Roles: staff(), Guards: slices.Clone(closing),
			},
		},
	}
}

// ComplaintConfig configures [NewComplaint]. The zero value runs
// [DefaultComplaintDefinition] with no extra rules on
// [ticket.ComplaintCatalog].
type ComplaintConfig struct {
	// Definition is the workflow to run; one without transitions means
	// [DefaultComplaintDefinition] of Rules.
	Definition Definition
	// Rules shape the default definition; ignored when Definition has
	// transitions.
	Rules ComplaintRules
	// Catalog holds the statuses the definition refers to; nil means
	// [ticket.ComplaintCatalog].
	Catalog *ticket.Catalog
	// PostedStatus is the terminal status that posts a complaint; ""
	// means [ticket.StatusPosted].
	PostedStatus string
	// Guards are host guards on the ticket core, as in [Config.Guards].
	Guards map[string]Guard
	// ComplaintGuards are host guards on the whole complaint. A name may
	// not be a built-in guard, a complaint guard or one of Guards.
	ComplaintGuards map[string]ComplaintGuard
}

// ComplaintMachine is a validated complaint workflow. It decides status
// changes of complaints, performs no I/O and never reads the clock. It is
// safe for concurrent use as long as the host's guards are.
type ComplaintMachine struct {
	m      *Machine
	posted string
	guards map[string]ComplaintGuard
}

// WithDefaults returns a copy of c with its zero fields set to their
// documented defaults: Catalog, Definition (from Rules, when it has no
// transitions) and PostedStatus. [NewComplaint] calls it.
func (c ComplaintConfig) WithDefaults() ComplaintConfig {
	if c.Catalog == nil {
		c.Catalog = ticket.ComplaintCatalog()
	}
	if len(c.Definition.Transitions) == 0 {
		c.Definition = DefaultComplaintDefinition(c.Rules)
	}
	c.PostedStatus = cmp.Or(c.PostedStatus, ticket.StatusPosted)
	return c
}

// NewComplaint fills cfg's defaults (see [ComplaintConfig.WithDefaults]),
// validates it and returns a ComplaintMachine. The error is a
// *[DefinitionError] listing every problem found.
func NewComplaint(cfg ComplaintConfig) (*ComplaintMachine, error) {
	var problems []string
	if len(cfg.Definition.Transitions) == 0 {
		if f := cfg.Rules.ReasonCodeFrom; f != "" && !slices.Contains(reasonCodePath(), f) {
			problems = append(problems, fmt.Sprintf("rules: reason code from %q: must be one of %v", f, reasonCodePath()))
		}
	}
	cfg = cfg.WithDefaults()
	c, def, posted := cfg.Catalog, cfg.Definition, cfg.PostedStatus
	if s, ok := c.Status(posted); !ok {
		problems = append(problems, fmt.Sprintf("unknown posted status %q", posted))
	} else if !s.Terminal {
		problems = append(problems, fmt.Sprintf("posted status %q is not terminal", posted))
	}

	cguards := complaintGuards()
	hostGuards := maps.Clone(cfg.Guards)
	if hostGuards == nil {
		hostGuards = make(map[string]Guard)
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Guards)) {
		if _, ok := cguards[name]; ok {
			problems = append(problems, fmt.Sprintf("guard %q shadows a complaint guard", name))
			delete(hostGuards, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.ComplaintGuards)) {
		g := cfg.ComplaintGuards[name]
		_, isHost := cfg.Guards[name]
		_, isComplaint := cguards[name]
		switch {
		case strings.TrimSpace(name) == "":
			problems = append(problems, "complaint guard with empty name")
		case slices.Contains(BuiltinGuards(), name) || isComplaint || isHost:
			problems = append(problems, fmt.Sprintf("complaint guard %q shadows another guard", name))
		case g == nil:
			problems = append(problems, fmt.Sprintf("complaint guard %q is nil", name))
		default:
			cguards[name] = g
		}
	}
	// Complaint guards are registered with the Machine under their names,
	// so the definition is validated as usual; Decide binds them to the
	// complaint at hand.
	for name := range cguards {
		hostGuards[name] = unboundGuard(name)
	}
	m, err := New(Config{Definition: def, Catalog: c, Guards: hostGuards})
	var de *DefinitionError
	switch {
	case errors.As(err, &de):
		problems = append(problems, de.Problems...)
	case err != nil:
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, &DefinitionError{Problems: problems}
	}
	return &ComplaintMachine{m: m, posted: posted, guards: cguards}, nil
}

// DefaultComplaint returns a ComplaintMachine running
// [DefaultComplaintDefinition] of rules on c; nil means
// [ticket.ComplaintCatalog]. It fails if c lacks the complaint statuses.
func DefaultComplaint(c *ticket.Catalog, rules ComplaintRules) (*ComplaintMachine, error) {
	return NewComplaint(ComplaintConfig{Catalog: c, Rules: rules})
}

// Machine returns the underlying machine, for its definition, catalog and
// diagrams. Its Decide does not know the complaint section: use
// [ComplaintMachine.Decide] to decide.
func (cm *ComplaintMachine) Machine() *Machine { return cm.m }

// PostedStatus returns the status code that posts a complaint.
func (cm *ComplaintMachine) PostedStatus() string { return cm.posted }

// ComplaintRequest asks [ComplaintMachine.Decide] whether Actor may move
// Complaint to status To at time Now.
type ComplaintRequest struct {
	Complaint *ticket.Complaint
	Actor     ticket.Actor
	// To is the requested status code.
	To string
	// Reason is the actor's reason, such as a closure reason.
	Reason string
	// Now is the time of the request.
	Now time.Time
}

// Decide says whether req may happen, as [Machine.Decide] does, with the
// complaint guards seeing req.Complaint. A posted complaint never moves:
// the *[TransitionError] then wraps [ticket.ErrPosted]. The complaint is
// not changed.
func (cm *ComplaintMachine) Decide(ctx context.Context, req ComplaintRequest) (Decision, error) {
	c := req.Complaint
	if c == nil {
		return Decision{}, &TransitionError{To: req.To, Role: req.Actor.Role, Reason: "no complaint", Err: ErrNoTransition}
	}
	if c.Details.Posted {
		return Decision{}, &TransitionError{
			From: c.Status, To: req.To, Role: req.Actor.Role,
			Reason: "a posted complaint cannot change", Err: ticket.ErrPosted,
		}
	}
	return cm.bind(c).Decide(ctx, Request{Ticket: &c.Ticket, Actor: req.Actor, To: req.To, Reason: req.Reason, Now: req.Now})
}

// Available returns the transitions actor may take on c at now, as
// [Machine.Available] does, with the complaint guards seeing c. A posted
// complaint has none.
func (cm *ComplaintMachine) Available(ctx context.Context, c *ticket.Complaint, actor ticket.Actor, now time.Time) []Transition {
	if c == nil || c.Details.Posted {
		return nil
	}
	return cm.bind(c).Available(ctx, &c.Ticket, actor, now)
}

// Apply changes c as d says, on behalf of actor at now: [Decision.Apply]
// on the ticket core, and entering the posted status sets
// Details.Posted and Details.PostedAt. It returns an error wrapping
// [ticket.ErrPosted] when c is already posted, and changes nothing then.
func (cm *ComplaintMachine) Apply(d Decision, c *ticket.Complaint, actor ticket.Actor, now time.Time, newID func() string) error {
	if err := c.CheckEditable(); err != nil {
		return err
	}
	d.Apply(&c.Ticket, actor, now, newID)
	if d.To.Code == cm.posted {
		c.Details.Posted = true
		c.Details.PostedAt = now
	}
	return nil
}

// bind returns a copy of the machine whose complaint guards see c.
func (cm *ComplaintMachine) bind(c *ticket.Complaint) *Machine {
	m := *cm.m
	m.guards = maps.Clone(cm.m.guards)
	for name, g := range cm.guards {
		m.guards[name] = func(ctx context.Context, in GuardInput) error {
			return g(ctx, ComplaintGuardInput{Complaint: c, Actor: in.Actor, To: in.To, Reason: in.Reason, Now: in.Now})
		}
	}
	return &m
}

// unboundGuard stands in for a complaint guard in the plain Machine; it
// runs only when that Machine decides without a complaint.
func unboundGuard(name string) Guard {
	return func(context.Context, GuardInput) error {
		return fmt.Errorf("guard %q needs a complaint: decide with ComplaintMachine.Decide", name)
	}
}

func complaintGuards() map[string]ComplaintGuard {
	return map[string]ComplaintGuard{
		GuardDecisionMade: func(_ context.Context, in ComplaintGuardInput) error {
			if in.Complaint.Details.Decision == nil {
				return errors.New("the complaint has no decision yet")
			}
			return nil
		},
		GuardEndDateSet: func(_ context.Context, in ComplaintGuardInput) error {
			end := in.Complaint.Details.EndDate
			switch {
			case end.IsZero():
				return errors.New("an end date is required")
			case !in.Now.IsZero() && end.After(in.Now):
				return fmt.Errorf("the end date %s is in the future", end.UTC().Format(time.DateOnly))
			}
			return nil
		},
		GuardReasonCodeSet: func(_ context.Context, in ComplaintGuardInput) error {
			if strings.TrimSpace(in.Complaint.Reason) == "" {
				return errors.New("a complaint reason code is required: set it with ComplaintUpdate")
			}
			return nil
		},
		GuardSupervisorReview: func(_ context.Context, in ComplaintGuardInput) error {
			r, ok := in.Complaint.LatestReview(ticket.RoleSupervisor)
			switch {
			case !ok:
				return errors.New("a supervisor's follow-up review is required")
			case r.Outcome != ticket.ReviewApproved:
				if r.Notes != "" {
					return fmt.Errorf("the latest supervisor review asks for changes: %s", r.Notes)
				}
				return errors.New("the latest supervisor review asks for changes")
			}
			return nil
		},
	}
}

// HostGuards returns a copy of the guards the host registered in
// [ComplaintConfig.Guards], by name, without the built-in and complaint
// guards: a complaint workflow built from data for the same host (a
// tenant's) may use them by name.
func (cm *ComplaintMachine) HostGuards() map[string]Guard {
	out := cm.m.HostGuards()
	for name := range cm.guards {
		delete(out, name)
	}
	return out
}

// HostComplaintGuards returns a copy of the complaint guards the host
// registered in [ComplaintConfig.ComplaintGuards], by name, without the
// built-in ones (see [ComplaintGuardNames]).
func (cm *ComplaintMachine) HostComplaintGuards() map[string]ComplaintGuard {
	builtin := complaintGuards()
	out := make(map[string]ComplaintGuard)
	for name, g := range cm.guards {
		if _, ok := builtin[name]; !ok {
			out[name] = g
		}
	}
	return out
}
