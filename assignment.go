package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// ErrAssignmentUnsupported: the store cannot count the open tickets of
// agents (storage.TicketCounter), which the least-open strategy and
// per-agent capacities need; it wraps storage.ErrUnsupported.
var ErrAssignmentUnsupported = fmt.Errorf("ticketkit: the store cannot count agents' open tickets: %w", storage.ErrUnsupported)

// AgentAvailability says whether an agent takes new tickets now.
type AgentAvailability string

// Agent availabilities.
const (
	// AgentOnline: the agent takes new tickets (the zero value means
	// it too).
	AgentOnline AgentAvailability = "online"
	// AgentAway: the agent is signed in but takes no new tickets.
	AgentAway AgentAvailability = "away"
	// AgentOffline: the agent is not working.
	AgentOffline AgentAvailability = "offline"
)

// AgentAvailabilities returns every agent availability.
func AgentAvailabilities() []AgentAvailability {
	return []AgentAvailability{AgentOnline, AgentAway, AgentOffline}
}

// Agent is one agent of a team as the host's [AgentDirectory] describes
// it. ticketkit keeps no user table: the host says who its agents are,
// what they can do and whether they work now.
type Agent struct {
	// ID is the host's user ID, what Ticket.Assignee holds. Agents
	// with an empty ID, or one no ticket could hold (a NUL byte, over
	// 200 bytes), are ignored.
	ID string
	// Availability: only online agents (or those whose Availability is
	// empty) get tickets.
	Availability AgentAvailability
	// Capacity is the most open tickets the agent holds before the
	// strategies pass them over; 0 means the pool's
	// (AssignmentPool.Capacity).
	Capacity int
	// Skills lists the agent's values per skill, such as
	// {"language": {"fr", "en"}, "product_line": {"bikes"}}, which the
	// pool's SkillMatch rules compare with the ticket (ignoring case).
	Skills map[string][]string
	// Calendar names the agent's shift, a calendar of
	// AssignmentConfig.Calendars; outside its open hours the agent is
	// off shift and gets no tickets. Empty means the pool's Calendar. A
	// name the configuration does not know leaves the agent off shift.
	Calendar string
}

// AgentQuery asks an [AgentDirectory] for the agents of a team.
type AgentQuery struct {
	TenantID string
	// Team is AssignmentPool.Team, or the pool's department code.
	Team string
}

// AgentDirectory supplies the agents of a team or department, for the
// assignment strategies (see [AssignmentConfig]). The host implements
// it from its own users, presence and shifts; it is asked inside the
// assigning transaction, so it should answer from memory or a cache.
type AgentDirectory interface {
	// Agents returns the agents of q.Team of q.TenantID, in any order.
	Agents(ctx context.Context, q AgentQuery) ([]Agent, error)
}

// AgentDirectoryFunc adapts a function to an [AgentDirectory].
type AgentDirectoryFunc func(ctx context.Context, q AgentQuery) ([]Agent, error)

// Agents calls f.
func (f AgentDirectoryFunc) Agents(ctx context.Context, q AgentQuery) ([]Agent, error) {
	return f(ctx, q)
}

// AssignmentStrategy is how a pool picks the agent of a ticket.
type AssignmentStrategy string

// Assignment strategies.
const (
	// AssignManual: people assign; the Desk never picks an agent.
	AssignManual AssignmentStrategy = "manual"
	// AssignRoundRobin: the available agents take turns, in the order
	// of their IDs, through one turn counter per pool shared by every
	// process (a counter row locked in the assigning transaction): turn
	// n goes to the ((n-1) mod k)-th of the k agents who may take the
	// ticket, so that while they stay the same no agent gets more than
	// one ticket more than another.
	AssignRoundRobin AssignmentStrategy = "round_robin"
	// AssignLeastOpen: the available agent with the fewest open
	// tickets (statuses not of category resolved or closed) below
	// their capacity; ties take turns as in round robin.
	AssignLeastOpen AssignmentStrategy = "least_open"
)

// AssignmentStrategies returns every assignment strategy.
func AssignmentStrategies() []AssignmentStrategy {
	return []AssignmentStrategy{AssignManual, AssignRoundRobin, AssignLeastOpen}
}

// UnassignedReason says why an automatic assignment left a ticket
// unassigned.
type UnassignedReason string

// Reasons a ticket stays unassigned.
const (
	// UnassignedNoPool: no pool of the configuration serves the
	// ticket's department.
	UnassignedNoPool UnassignedReason = "no_pool"
	// UnassignedManual: the department's pool assigns manually.
	UnassignedManual UnassignedReason = "manual"
	// UnassignedNoAgent: no agent of the team is online, on shift and
	// has the skills the ticket needs.
	UnassignedNoAgent UnassignedReason = "no_agent"
	// UnassignedAtCapacity: every agent who could take the ticket holds
	// their capacity of open tickets.
	UnassignedAtCapacity UnassignedReason = "at_capacity"
	// UnassignedAlready: the ticket has an assignee; AutoAssign leaves
	// it.
	UnassignedAlready UnassignedReason = "already_assigned"
)

// AssignmentConfig is how tickets are given to agents, as data: one
// pool per department, each with its strategy, set on Config.Assignment
// and per tenant on TenantConfig.Assignment. The agents come from
// Config.Agents.
//
// A pool with OnOpen assigns the new tickets of its department in the
// transaction that opens them (Desk.Open, the mail intake); a ticket
// opened with an assignee keeps it. [Desk.AutoAssign] assigns an
// existing unassigned ticket. Automatic assignments do not pass the
// workflow's routing rules: the admin's configuration is the rule.
// When nobody can take a ticket (nobody online or on shift, no agent
// with the skills, everyone at capacity), it stays unassigned, with a
// history line ticket.FieldAssignment saying why; customers never see
// these lines.
type AssignmentConfig struct {
	// Calendars are the shifts pools and agents name, business-hours
	// calendars as in workflow.SLAConfig (problems under
	// "calendars[i]"); names are unique.
	Calendars []workflow.CalendarSpec `json:"calendars,omitempty"`
	// Pools assign the tickets of one department each.
	Pools []AssignmentPool `json:"pools,omitempty"`
}

// AssignmentPool assigns the tickets of one department.
type AssignmentPool struct {
	// Department is a department code of the catalog, at most once in
	// the configuration. Required.
	Department string `json:"department"`
	// Team is the team the AgentDirectory is asked for; default the
	// department code.
	Team string `json:"team,omitempty"`
	// Strategy picks the agent. Required.
	Strategy AssignmentStrategy `json:"strategy"`
	// OnOpen assigns new tickets of the department as they open; it
	// needs a strategy other than manual.
	OnOpen bool `json:"on_open,omitempty"`
	// Capacity is the most open tickets an agent of the pool holds
	// (an Agent's own Capacity wins); at least 1, or 0 for no limit.
	Capacity int `json:"capacity,omitempty"`
	// Calendar names the team's shift, a calendar of Calendars: an
	// agent without a Calendar of their own is off shift outside it.
	// Empty: always on shift.
	Calendar string `json:"calendar,omitempty"`
	// Skills the agent must have for the ticket: each rule compares a
	// field of the ticket with the agent's values of a skill.
	Skills []SkillMatch `json:"skills,omitempty"`
}

// SkillMatch asks the agent of a ticket for a skill: the agent's values
// of Skill (Agent.Skills) must hold the ticket's value of Field,
// ignoring case. A ticket with no value for Field asks nothing.
type SkillMatch struct {
	// Skill is the skill's name in Agent.Skills, such as "language".
	Skill string `json:"skill"`
	// Field is "category", "priority", "channel", "tier" or
	// "fields.<key>" with a custom field of the catalog, such as
	// "fields.language".
	Field string `json:"field"`
}

// assignment is a checked AssignmentConfig.
type assignment struct {
	pools     map[string]*AssignmentPool // by department
	calendars map[string]*workflow.Calendar
}

// skillFields are the ticket fields a SkillMatch may name, besides
// custom fields.
var skillFields = []string{"category", "priority", "channel", "tier"}

// maxTeamLen bounds AssignmentPool.Team and names in the configuration.
const maxTeamLen = 200

// checkAssignment validates cfg on catalog c, adding every problem to v
// under prefix ("assignment" or "Config.Assignment"), and returns the
// checked configuration (nil when cfg is nil or has problems).
func checkAssignment(v *ticket.ValidationError, prefix string, cfg *AssignmentConfig, c *ticket.Catalog, agents AgentDirectory) *assignment {
	if cfg == nil {
		return nil
	}
	before := len(v.Fields)
	a := &assignment{pools: map[string]*AssignmentPool{}, calendars: map[string]*workflow.Calendar{}}
	for i, spec := range cfg.Calendars {
		field := fmt.Sprintf("%s.calendars[%d]", prefix, i)
		cal, err := workflow.NewCalendar(spec)
		switch {
		case err != nil:
			v.Add(field, "invalid", err.Error())
		case strings.TrimSpace(spec.Name) == "":
			v.Add(field+".name", "required", "is required")
		case a.calendars[spec.Name] != nil:
			v.Add(field+".name", "unique", fmt.Sprintf("calendar %q is defined twice", spec.Name))
		default:
			a.calendars[spec.Name] = cal
		}
	}
	for i := range cfg.Pools {
		p := cfg.Pools[i]
		field := fmt.Sprintf("%s.pools[%d]", prefix, i)
		switch {
		case p.Department == "":
			v.Add(field+".department", "required", "is required")
		case a.pools[p.Department] != nil:
			v.Add(field+".department", "unique", fmt.Sprintf("department %q has a pool already", p.Department))
		default:
			if len(c.CheckRefs(ticket.Refs{Department: p.Department})) > 0 {
				v.Add(field+".department", "unknown", fmt.Sprintf("%q is not a department of the catalog", p.Department))
			}
		}
		if !slices.Contains(AssignmentStrategies(), p.Strategy) {
			v.Add(field+".strategy", "oneof", fmt.Sprintf("%q is not one of %v", p.Strategy, AssignmentStrategies()))
		}
		if p.OnOpen && p.Strategy == AssignManual {
			v.Add(field+".on_open", "manual", "a manual pool never assigns new tickets")
		}
		if p.Strategy != AssignManual && p.Strategy != "" && agents == nil {
			v.Add(field+".strategy", "no_directory", "needs Config.Agents, the directory of the agents")
		}
		if p.Capacity < 0 {
			v.Add(field+".capacity", "min", "must be at least 1, or 0 for no limit")
		}
		if err := ticket.CheckText(field+".team", p.Team); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		} else if len(p.Team) > maxTeamLen {
			v.Add(field+".team", "max", fmt.Sprintf("must be at most %d bytes", maxTeamLen))
		}
		if p.Calendar != "" && a.calendars[p.Calendar] == nil {
			v.Add(field+".calendar", "unknown", fmt.Sprintf("%q is not a calendar of the configuration", p.Calendar))
		}
		for j, s := range p.Skills {
			sf := fmt.Sprintf("%s.skills[%d]", field, j)
			if strings.TrimSpace(s.Skill) == "" {
				v.Add(sf+".skill", "required", "is required")
			}
			if key, ok := strings.CutPrefix(s.Field, "fields."); ok {
				if _, known := c.Field(key); !known {
					v.Add(sf+".field", "unknown", fmt.Sprintf("%q is not a custom field of the catalog", key))
				}
			} else if !slices.Contains(skillFields, s.Field) {
				v.Add(sf+".field", "unknown", fmt.Sprintf("%q is not one of %v or fields.<key>", s.Field, skillFields))
			}
		}
		if p.Department != "" && a.pools[p.Department] == nil {
			p.Skills = slices.Clone(p.Skills)
			a.pools[p.Department] = &p
		}
	}
	if len(v.Fields) > before {
		return nil
	}
	return a
}

// validateAssignment reports the problems of Config.Assignment.
func (c Config) validateAssignment() error {
	v := &ticket.ValidationError{}
	checkAssignment(v, "Config.Assignment", c.Assignment, c.Catalog, c.Agents)
	return failed(v)
}

// ticketValue returns the value of a SkillMatch field of t.
func ticketValue(t *ticket.Ticket, field string) string {
	switch field {
	case "category":
		return t.Category
	case "priority":
		return t.Priority
	case "channel":
		return string(t.Channel)
	case "tier":
		return t.SLA.Tier
	}
	key, _ := strings.CutPrefix(field, "fields.")
	return t.Fields[key]
}
