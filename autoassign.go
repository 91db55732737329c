package ticketkit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// AutoAssignParams names the ticket [Desk.AutoAssign] assigns.
type AutoAssignParams struct {
	TicketID string `json:"ticket_id"`
	// Version, when set, must be the ticket's version (ErrConflict
	// otherwise).
	Version int64 `json:"version,omitempty"`
}

// AutoAssignResult is what an automatic assignment did.
type AutoAssignResult struct {
	// Ticket is the ticket after the assignment.
	Ticket *ticket.Ticket `json:"ticket"`
	// Assignee is the agent the ticket went to; empty when it stayed
	// unassigned.
	Assignee string `json:"assignee,omitempty"`
	// Strategy is the strategy of the department's pool; empty when no
	// pool serves it.
	Strategy AssignmentStrategy `json:"strategy,omitempty"`
	// Unassigned says why the ticket stayed unassigned; empty when it
	// was assigned.
	Unassigned UnassignedReason `json:"unassigned,omitempty"`
}

// assignScopePrefix starts the scope of a pool's turn counter
// (storage.SequenceNextParams.Scope), which no ticket numberer uses.
const assignScopePrefix = "ticketkit/assign/"

// maxOpenCount bounds the open tickets counted per agent when the pool
// sets no capacity: agents beyond it count as equally busy.
const maxOpenCount = 10000

// AutoAssign gives an unassigned ticket to an agent of its department's
// pool, by the pool's strategy (see [AssignmentConfig]), in one
// transaction: the assignee's history line and a line
// ticket.FieldAssignment whose New is the strategy. When no agent can
// take it (UnassignedNoAgent, UnassignedAtCapacity) it stays
// unassigned, with a FieldAssignment line "unassigned: <reason>". A
// ticket that has an assignee (UnassignedAlready), whose department no
// pool serves (UnassignedNoPool) or whose pool is manual
// (UnassignedManual) is returned unchanged, with no history line. Only
// staff may call it. [Desk.AutoAssignTx] runs it in the host's
// transaction.
func (d *Desk) AutoAssign(ctx context.Context, actor ticket.Actor, p AutoAssignParams) (_ *AutoAssignResult, err error) {
	ctx, end := d.begin(ctx, "AutoAssign", actor)
	defer func() { end(err) }()
	return d.autoAssign(ctx, nil, actor, p)
}

// AutoAssignTx is [Desk.AutoAssign] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) AutoAssignTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p AutoAssignParams) (_ *AutoAssignResult, err error) {
	ctx, end := d.begin(ctx, "AutoAssignTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.autoAssign(ctx, tx, actor, p)
}

// autoAssign is AutoAssign in the host's transaction host, or in the
// Desk's own when host is nil.
func (d *Desk) autoAssign(ctx context.Context, host storage.Tx, actor ticket.Actor, p AutoAssignParams) (*AutoAssignResult, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "assign tickets"); err != nil {
		return nil, err
	}
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		return nil, err
	}
	if p.TicketID == "" {
		return nil, ticket.NewValidationError(ticket.FieldError{Field: "ticket_id", Rule: "required", Message: "is required"})
	}
	// The pool's turn is drawn first in the transaction, before the
	// ticket is read: on a database whose transactions read a snapshot
	// taken at their first read (MySQL's REPEATABLE READ), the open
	// tickets counted after the turn's lock then include those the
	// previous holder of the lock assigned.
	var turn turnDraw
	if pre, err := d.peekTicket(ctx, host, actor, p.TicketID); err == nil && pre.Assignee == "" && d.drawsTurn(pre.Department) {
		ctx = withBeforeLoad(ctx, func(ctx context.Context, tx storage.Tx) error {
			return turn.draw(ctx, tx, pre.TenantID, pre.Department)
		})
	}
	var res AutoAssignResult
	t, _, err := d.change(ctx, host, actor, p.TicketID, p.Version, func(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) error {
		res = AutoAssignResult{}
		if t.Assignee != "" {
			res.Unassigned = UnassignedAlready
			return nil
		}
		pick, err := d.pickAgentTurn(ctx, tx, t, turn.take(t.Department))
		if err != nil {
			return err
		}
		res.Strategy, res.Unassigned = pick.strategy, pick.reason
		if pick.reason == UnassignedNoPool || pick.reason == UnassignedManual {
			return nil
		}
		b.history(t, []ticket.Event{pick.line()})
		b.touched = true
		t.Assignee = pick.agent
		res.Assignee = pick.agent
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Ticket = t
	return &res, nil
}

// pick is the outcome of pickAgent.
type pick struct {
	agent    string
	strategy AssignmentStrategy
	reason   UnassignedReason
}

// line returns the FieldAssignment history line of a pick.
func (p pick) line() ticket.Event {
	if p.agent != "" {
		return ticket.Event{Field: ticket.FieldAssignment, New: string(p.strategy)}
	}
	return ticket.Event{Field: ticket.FieldAssignment, New: "unassigned: " + string(p.reason)}
}

// assignsOnOpen reports whether a new ticket t gets an agent as it
// opens: it has none, and its department's pool says OnOpen.
func (d *Desk) assignsOnOpen(t *ticket.Ticket) bool {
	if t.Assignee != "" || d.assignment == nil {
		return false
	}
	p := d.assignment.pools[t.Department]
	return p != nil && p.OnOpen && p.Strategy != AssignManual
}

// assignOpen assigns the new ticket t in tx, before it is stored, and
// returns the FieldAssignment history line to write with it.
func (d *Desk) assignOpen(ctx context.Context, tx storage.Tx, t *ticket.Ticket) (ticket.Event, error) {
	t.Assignee = "" // a retried transaction starts again
	p, err := d.pickAgent(ctx, tx, t)
	if err != nil {
		return ticket.Event{}, err
	}
	t.Assignee = p.agent
	return p.line(), nil
}

// pickAgent picks the agent of t by its department's pool, in tx: it
// first draws the pool's turn from its counter (storage.Tx.SequenceNext),
// which locks the counter row until tx ends, so that the assigning
// transactions of one pool run one at a time in every process and each
// counts the open tickets the previous ones committed.
func (d *Desk) pickAgent(ctx context.Context, tx storage.Tx, t *ticket.Ticket) (pick, error) {
	return d.pickAgentTurn(ctx, tx, t, 0)
}

// pickAgentTurn is pickAgent with the pool's turn drawn already in tx
// (0: not yet).
func (d *Desk) pickAgentTurn(ctx context.Context, tx storage.Tx, t *ticket.Ticket, turn int64) (pick, error) {
	var pool *AssignmentPool
	if d.assignment != nil {
		pool = d.assignment.pools[t.Department]
	}
	if pool == nil {
		return pick{reason: UnassignedNoPool}, nil
	}
	out := pick{strategy: pool.Strategy}
	if pool.Strategy == AssignManual || d.agents == nil {
		out.reason = UnassignedManual
		return out, nil
	}
	if turn == 0 {
		var err error
		if turn, err = drawTurn(ctx, tx, t.TenantID, t.Department); err != nil {
			return out, err
		}
	}
	team := cmp.Or(pool.Team, pool.Department)
	agents, err := d.agents.Agents(ctx, AgentQuery{TenantID: t.TenantID, Team: team})
	if err != nil {
		return out, fmt.Errorf("ticketkit: agents of team %q: %w", team, err)
	}
	cands := d.eligible(pool, agents, t, d.now())
	if len(cands) == 0 {
		out.reason = UnassignedNoAgent
		return out, nil
	}
	// The turn's agent first, then the next ones in ID order.
	start := int((turn - 1) % int64(len(cands)))
	order := append(slices.Clone(cands[start:]), cands[:start]...)
	capped := pool.Strategy == AssignLeastOpen || slices.ContainsFunc(order, func(a Agent) bool { return capacityOf(pool, a) > 0 })
	if !capped {
		out.agent = order[0].ID
		return out, nil
	}
	count, err := d.openCounter(ctx, tx, t, pool, order)
	if err != nil {
		return out, err
	}
	best, bestCount := "", 0
	for _, a := range order {
		limit := capacityOf(pool, a)
		n, err := count(a, cmp.Or(limit, maxOpenCount))
		if err != nil {
			return out, fmt.Errorf("ticketkit: count the open tickets of agent %q: %w", a.ID, err)
		}
		if limit > 0 && n >= limit {
			continue
		}
		if pool.Strategy == AssignRoundRobin {
			out.agent = a.ID
			return out, nil
		}
		if best == "" || n < bestCount {
			best, bestCount = a.ID, n
		}
	}
	if best == "" {
		out.reason = UnassignedAtCapacity
		return out, nil
	}
	out.agent = best
	return out, nil
}

// capacityOf returns the capacity of agent a in pool p; 0: no limit.
func capacityOf(p *AssignmentPool, a Agent) int {
	if a.Capacity > 0 {
		return a.Capacity
	}
	return p.Capacity
}

// eligible returns the agents of agents who may take t at now: with an
// ID a store can hold (no NUL, not over the key length), online, on
// shift and with the skills t asks for; once each (the first listed),
// by ID.
func (d *Desk) eligible(pool *AssignmentPool, agents []Agent, t *ticket.Ticket, now time.Time) []Agent {
	var out []Agent
	for _, a := range agents {
		if checkKey("assignee", a.ID) != nil || a.ID == "" || (a.Availability != "" && a.Availability != AgentOnline) {
			continue
		}
		if name := cmp.Or(a.Calendar, pool.Calendar); name != "" {
			cal := d.assignment.calendars[name]
			if cal == nil || !cal.IsOpen(now) {
				continue
			}
		}
		if !hasSkills(pool.Skills, a, t) {
			continue
		}
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(x, y Agent) int { return strings.Compare(x.ID, y.ID) })
	return slices.CompactFunc(out, func(x, y Agent) bool { return x.ID == y.ID })
}

// hasSkills reports whether agent a has every skill rules ask of t.
func hasSkills(rules []SkillMatch, a Agent, t *ticket.Ticket) bool {
	for _, r := range rules {
		want := ticketValue(t, r.Field)
		if want == "" {
			continue
		}
		if !slices.ContainsFunc(a.Skills[r.Skill], func(s string) bool { return strings.EqualFold(s, want) }) {
			return false
		}
	}
	return true
}

// openStatuses returns the codes of the catalog's statuses that are not
// of category resolved or closed: the tickets an agent still works on.
func (d *Desk) openStatuses() []string {
	var out []string
	for _, s := range d.catalog.Statuses() {
		if s.Category != ticket.CategoryResolved && s.Category != ticket.CategoryClosed {
			out = append(out, s.Code)
		}
	}
	return out
}

// drawTurn draws the next turn of a department's pool, locking its
// counter row until tx ends.
func drawTurn(ctx context.Context, tx storage.Tx, tenantID, department string) (int64, error) {
	turn, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantID, Scope: assignScopePrefix + department})
	if err != nil {
		return 0, fmt.Errorf("ticketkit: draw the assignment turn of department %q: %w", department, err)
	}
	return turn, nil
}

// drawsTurn reports whether the pool of department draws turns.
func (d *Desk) drawsTurn(department string) bool {
	if d.assignment == nil || d.agents == nil {
		return false
	}
	p := d.assignment.pools[department]
	return p != nil && p.Strategy != AssignManual
}

// peekTicket reads a ticket the actor may see outside the change's
// transaction (in host's when set), to know its department before the
// change begins.
func (d *Desk) peekTicket(ctx context.Context, host storage.Tx, actor ticket.Actor, id string) (*ticket.Ticket, error) {
	q := host
	if q == nil {
		q = d.store
	}
	return load(ctx, q, actor, id)
}

// turnDraw is a pool's turn drawn before a change reads its ticket.
type turnDraw struct {
	department string
	turn       int64
}

// draw draws the turn of department in tx.
func (w *turnDraw) draw(ctx context.Context, tx storage.Tx, tenantID, department string) error {
	turn, err := drawTurn(ctx, tx, tenantID, department)
	if err != nil {
		return err
	}
	w.department, w.turn = department, turn
	return nil
}

// take returns the turn drawn for department, once; 0 when none was
// (the ticket moved to another department meanwhile).
func (w *turnDraw) take(department string) int64 {
	turn := w.turn
	w.turn = 0
	if w.department != department {
		return 0
	}
	return turn
}

// beforeLoadKey is the context key of withBeforeLoad.
type beforeLoadKey struct{}

// withBeforeLoad returns ctx carrying f, which a change (changeDoc)
// runs first in its transaction, before it reads its ticket.
func withBeforeLoad(ctx context.Context, f func(ctx context.Context, tx storage.Tx) error) context.Context {
	return context.WithValue(ctx, beforeLoadKey{}, f)
}

// runBeforeLoad runs the function of withBeforeLoad in tx, if ctx
// carries one.
func runBeforeLoad(ctx context.Context, tx storage.Tx) error {
	if f, ok := ctx.Value(beforeLoadKey{}).(func(ctx context.Context, tx storage.Tx) error); ok {
		return f(ctx, tx)
	}
	return nil
}

// openCounter returns how the open tickets of the candidate agents of
// t's pool are counted in tx: with a store that counts by assignee
// (storage.TicketAssigneeCounter), all of them in one grouped statement,
// then read from its result; otherwise one capped count per agent
// (storage.TicketCounter), asked as the loop reaches the agent. count(a,
// limit) reports a's open tickets, or more than limit.
func (d *Desk) openCounter(ctx context.Context, tx storage.Tx, t *ticket.Ticket, pool *AssignmentPool, agents []Agent) (count func(a Agent, limit int) (int, error), err error) {
	open := d.openStatuses()
	if grouped, ok := tx.(storage.TicketAssigneeCounter); ok && len(agents) <= storage.MaxLimit {
		ids, most := make([]string, len(agents)), maxOpenCount
		for i, a := range agents {
			ids[i] = a.ID
			most = max(most, capacityOf(pool, a))
		}
		counts, err := grouped.TicketCountByAssignee(ctx, storage.TicketCountByAssigneeParams{
			TenantID: t.TenantID, Assignees: ids, Statuses: open, Max: most,
		})
		if err != nil {
			return nil, fmt.Errorf("ticketkit: count the open tickets of the agents of department %q: %w", t.Department, err)
		}
		return func(a Agent, limit int) (int, error) { return min(counts[a.ID], limit+1), nil }, nil
	}
	counter, ok := tx.(storage.TicketCounter)
	if !ok {
		return nil, fmt.Errorf("ticketkit: assign in department %q: %T does not implement storage.TicketCounter: %w", t.Department, tx, ErrAssignmentUnsupported)
	}
	return func(a Agent, limit int) (int, error) {
		return counter.TicketCount(ctx, storage.TicketCountParams{
			TicketFilter: storage.TicketFilter{TenantID: t.TenantID, Assignees: []string{a.ID}, Statuses: open},
			Max:          limit,
		})
	}, nil
}
