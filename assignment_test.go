package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// assignCatalog is the default catalog with departments "returns" and
// "billing" and a custom field "language".
func assignCatalog() *ticket.Catalog {
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{
		{Code: "returns", Label: ticket.Label{Text: "Returns"}},
		{Code: "billing", Label: ticket.Label{Text: "Billing"}},
	}
	spec.Fields = append(spec.Fields, ticket.FieldDef{Key: "language", Label: ticket.Label{Text: "Language"}, Type: ticket.FieldText})
	c, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	return c
}

// agentTable is an AgentDirectory whose agents tests change.
type agentTable struct {
	mu     sync.Mutex
	agents map[string][]ticketkit.Agent // by team
	err    error
}

func (a *agentTable) Agents(_ context.Context, q ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ticketkit.Agent(nil), a.agents[q.Team]...), a.err
}

func (a *agentTable) set(team string, agents ...ticketkit.Agent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.agents[team] = agents
}

// agentsNamed returns online agents with the given IDs.
func agentsNamed(ids ...string) []ticketkit.Agent {
	out := make([]ticketkit.Agent, len(ids))
	for i, id := range ids {
		out[i] = ticketkit.Agent{ID: id}
	}
	return out
}

// setupAssign returns a desk whose "returns" department assigns new
// tickets by pool, with the agents of dir.
func setupAssign(t *testing.T, b backend, pool ticketkit.AssignmentPool, dir *agentTable, calendars ...workflow.CalendarSpec) (*ticketkit.Desk, *deskBundle) {
	t.Helper()
	pool.Department = "returns"
	return setupDesk(t, b, func(c *ticketkit.Config) {
		c.Catalog = assignCatalog()
		c.Agents = dir
		c.Assignment = &ticketkit.AssignmentConfig{Calendars: calendars, Pools: []ticketkit.AssignmentPool{pool}}
	})
}

// openReturns opens n tickets in "returns" and returns their assignees.
func openReturns(t *testing.T, desk *ticketkit.Desk, n int, p ticketkit.OpenParams) []string {
	t.Helper()
	var out []string
	for i := range n {
		p.Subject = fmt.Sprintf("Return %d", i)
		p.Department = "returns"
		out = append(out, mustOpen(t, desk, agent, p).Assignee)
	}
	return out
}

// spread returns the most and fewest tickets per agent of ids.
func spread(counts map[string]int, ids ...string) (lo, hi int) {
	lo = counts[ids[0]]
	for _, id := range ids {
		lo, hi = min(lo, counts[id]), max(hi, counts[id])
	}
	return lo, hi
}

func TestDesk_AutoAssign(t *testing.T) {
	t.Parallel()

	t.Run("RoundRobinTakesTurnsAsTicketsOpen", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": agentsNamed("c", "a", "b")}}
			desk, _ := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignRoundRobin, OnOpen: true}, dir)
			require.Equal(t, []string{"a", "b", "c", "a", "b", "c", "a"}, openReturns(t, desk, 7, ticketkit.OpenParams{}))

			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "returns", Assignee: "zoe"})
			require.Equal(t, "zoe", tk.Assignee, "a ticket opened with an assignee keeps it")
			require.Empty(t, linesOf(historyLines(t, desk, tk.ID), ticket.FieldAssignment))
			other := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "billing"})
			require.Empty(t, other.Assignee, "no pool serves billing")

			tk = mustOpen(t, desk, customer, ticketkit.OpenParams{Department: "", Message: "x"})
			require.Empty(t, tk.Assignee)
			first := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "returns"})
			require.Equal(t, "b", first.Assignee)
			require.Equal(t, []string{"assignment →round_robin"}, linesOf(historyLines(t, desk, first.ID), ticket.FieldAssignment))
		})
	})

	t.Run("LeastOpenFillsTheEmptiestAgentAndRespectsCapacity", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": {{ID: "a"}, {ID: "b", Capacity: 1}}}}
			desk, _ := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignLeastOpen, OnOpen: true, Capacity: 2}, dir)
			// a holds one open ticket already, b none.
			mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "billing", Assignee: "a"})
			got := openReturns(t, desk, 3, ticketkit.OpenParams{})
			require.Equal(t, []string{"b", "a", ""}, got, "b (capacity 1) first, then a up to 2, then nobody")

			events, err := desk.History(t.Context(), agent, lastTicket(t, desk, "Return 2").ID)
			require.NoError(t, err)
			require.Equal(t, []string{"assignment →unassigned: at_capacity"}, linesOf(linesFrom(events), ticket.FieldAssignment))

			// Resolving a's first ticket frees a place.
			resolved := mustMove(t, desk, agent, lastTicket(t, desk, "Return 1").ID, ticket.StatusResolved, "")
			require.Equal(t, "a", resolved.Assignee)
			res, err := desk.AutoAssign(t.Context(), agent, ticketkit.AutoAssignParams{TicketID: lastTicket(t, desk, "Return 2").ID})
			require.NoError(t, err)
			require.Equal(t, "a", res.Assignee)
			require.Equal(t, "a", res.Ticket.Assignee)
			require.Empty(t, res.Unassigned)
		})
	})

	t.Run("SkipsAgentsAwayOffShiftOrWithoutTheSkills", func(t *testing.T) {
		t.Parallel()
		b := memoryBackend()
		night := workflow.CalendarSpec{Name: "night", Week: map[string][]workflow.Window{
			"mon": {{Start: "20:00", End: "24:00"}}, "tue": {{Start: "20:00", End: "24:00"}},
		}}
		day := workflow.CalendarSpec{Name: "day", Week: map[string][]workflow.Window{"mon": {{Start: "08:00", End: "18:00"}}}}
		dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns-team": {
			{ID: "away", Availability: ticketkit.AgentAway, Skills: map[string][]string{"lang": {"fr"}}},
			{ID: "off", Availability: ticketkit.AgentOffline, Skills: map[string][]string{"lang": {"fr"}}},
			{ID: "sleeper", Calendar: "night", Skills: map[string][]string{"lang": {"fr"}}},
			{ID: "ghost", Calendar: "no-such-calendar", Skills: map[string][]string{"lang": {"fr"}}},
			{ID: "en-only", Skills: map[string][]string{"lang": {"en"}}},
			{ID: "fr", Skills: map[string][]string{"lang": {"EN", "FR"}}},
			{ID: "nul\x00", Skills: map[string][]string{"lang": {"fr"}}},
			{ID: strings.Repeat("x", 10000), Skills: map[string][]string{"lang": {"fr"}}},
			{ID: "fr", Skills: map[string][]string{"lang": {"fr"}}}, // twice: the first counts
		}}}
		pool := ticketkit.AssignmentPool{Team: "returns-team", Strategy: ticketkit.AssignRoundRobin, OnOpen: true, Calendar: "day",
			Skills: []ticketkit.SkillMatch{{Skill: "lang", Field: "fields.language"}}}
		desk, bundle := setupAssign(t, b, pool, dir, night, day)
		for range 3 {
			require.Equal(t, []string{"fr"}, openReturns(t, desk, 1, ticketkit.OpenParams{Fields: map[string]string{"language": "fr"}}))
		}
		require.Equal(t, []string{"fr", "en-only"}, openReturns(t, desk, 2, ticketkit.OpenParams{Fields: map[string]string{"language": "EN"}}),
			"turn 4 of 2 eligible agents starts with the second")

		bundle.clock.Advance(12 * time.Hour) // Monday 21:00: the team's day is over
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "returns", Fields: map[string]string{"language": "en"}})
		require.Empty(t, tk.Assignee, "only the night agent is on shift (their own calendar wins), and speaks no English")
		require.Equal(t, []string{"assignment →unassigned: no_agent"}, linesOf(historyLines(t, desk, tk.ID), ticket.FieldAssignment))

		dir.set("returns-team", ticketkit.Agent{ID: "sleeper", Calendar: "night", Skills: map[string][]string{"lang": {"fr", "en"}}})
		res, err := desk.AutoAssign(t.Context(), agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, "sleeper", res.Assignee)

		dir.mu.Lock()
		dir.err = errors.New("directory down")
		dir.mu.Unlock()
		_, err = desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: "x", Department: "returns"})
		require.ErrorContains(t, err, "directory down", "a failing directory fails the open, which stores nothing")
	})

	t.Run("AssignsExistingTicketsOnceAndOnlyForStaff", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": agentsNamed("a", "b")}}
			desk, _ := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignRoundRobin}, dir)
			ctx := t.Context()
			tk := mustOpen(t, desk, customer, ticketkit.OpenParams{Message: "hi"})
			_, err := desk.AutoAssign(ctx, customer, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)

			res, err := desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, ticketkit.UnassignedNoPool, res.Unassigned, "the ticket has no department")
			require.Equal(t, tk.Version, res.Ticket.Version, "nothing was written")

			_, err = desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: tk.ID, Department: new("returns")})
			require.NoError(t, err)
			res, err = desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, "a", res.Assignee)
			require.Equal(t, ticketkit.AssignRoundRobin, res.Strategy)
			again, err := desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, ticketkit.UnassignedAlready, again.Unassigned)
			require.Equal(t, "a", again.Ticket.Assignee)
			require.Equal(t, res.Ticket.Version, again.Ticket.Version)

			lines := historyLines(t, desk, tk.ID)
			require.Equal(t, []string{"assignee →a"}, linesOf(lines, ticket.FieldAssignee))
			require.Equal(t, []string{"assignment →round_robin"}, linesOf(lines, ticket.FieldAssignment))
			seen, err := desk.History(ctx, customer, tk.ID)
			require.NoError(t, err)
			require.Empty(t, linesOf(linesFrom(seen), ticket.FieldAssignment), "customers never see assignment lines")

			_, err = desk.AutoAssign(ctx, otherOrg, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket")
			_, err = desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: "bad\x00id"})
			require.Equal(t, []string{"ticket_id"}, invalidFields(t, err))
			_, err = desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: tk.ID, Version: 1})
			require.ErrorIs(t, err, ticketkit.ErrConflict)
		})
	})

	t.Run("MailOpensAreAssignedWithTheirClaim", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": agentsNamed("a", "b")}}
			desk, bundle := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignLeastOpen, OnOpen: true}, dir)
			ctx := t.Context()
			ib := bundle.store.(storage.InboundStore)
			claim := func(key string) *ticketkit.InboundClaim {
				require.NoError(t, ib.InboundRecord(ctx, storage.InboundRecordParams{TenantID: customer.TenantID, Key: key, At: t0}))
				return &ticketkit.InboundClaim{Key: key, At: t0}
			}
			// The mail intake opens as the sender, vouching for the route's department.
			mail := ticketkit.OpenParams{Subject: "Return SO-9", Department: "returns", Vouched: true, Message: "It broke", Inbound: claim("<m1@example.com>")}
			tk := mustOpen(t, desk, customer, mail)
			staff, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, "a", staff.Assignee)
			require.Empty(t, tk.Assignee, "the customer does not see the assignee")
			got, err := ib.InboundGet(ctx, storage.InboundGetParams{TenantID: customer.TenantID, Key: "<m1@example.com>"})
			require.NoError(t, err)
			require.Equal(t, tk.ID, got.TicketID)

			dir.mu.Lock()
			dir.err = errors.New("directory down")
			dir.mu.Unlock()
			mail.Inbound = claim("<m2@example.com>")
			_, err = desk.Open(ctx, customer, mail)
			require.ErrorContains(t, err, "directory down")
			got, err = ib.InboundGet(ctx, storage.InboundGetParams{TenantID: customer.TenantID, Key: "<m2@example.com>"})
			require.NoError(t, err)
			require.Empty(t, got.TicketID, "the claim rolled back with the open: the mail is taken again")
		})
	})

	t.Run("RollsBackWithTheHostsTransaction", func(t *testing.T) {
		t.Parallel()
		b := memoryBackend()
		dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": agentsNamed("a", "b")}}
		desk, bundle := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignRoundRobin}, dir)
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "returns"})
		boom := errors.New("host rollback")
		err := bundle.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			res, err := desk.AutoAssignTx(ctx, tx, agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, "a", res.Assignee)
			return boom
		})
		require.ErrorIs(t, err, boom)
		res, err := desk.AutoAssign(t.Context(), agent, ticketkit.AutoAssignParams{TicketID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, "a", res.Assignee, "the rolled-back turn is drawn again")
	})

	t.Run("RoundRobinIsFairAcrossGoroutines", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			ids := []string{"a", "b", "c", "d"}
			dir := &agentTable{agents: map[string][]ticketkit.Agent{"returns": agentsNamed(ids...)}}
			desk, _ := setupAssign(t, b, ticketkit.AssignmentPool{Strategy: ticketkit.AssignRoundRobin, OnOpen: true}, dir)
			const workers, each = 6, 15
			var mu sync.Mutex
			counts := map[string]int{}
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						tk, err := desk.Open(t.Context(), agent, ticketkit.OpenParams{Subject: fmt.Sprintf("w%d-%d", w, i), Department: "returns"})
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						counts[tk.Assignee]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			lo, hi := spread(counts, ids...)
			require.LessOrEqual(t, hi-lo, 1, "counts %v", counts)
			require.Equal(t, workers*each, counts["a"]+counts["b"]+counts["c"]+counts["d"])
		})
	})
}

// linesFrom renders events as historyLines does.
func linesFrom(events []*ticket.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Field+" "+e.Old+"→"+e.New)
	}
	return out
}

// lastTicket returns the newest ticket with the given subject.
func lastTicket(t *testing.T, desk *ticketkit.Desk, subject string) *ticket.Ticket {
	t.Helper()
	res, err := desk.Search(t.Context(), agent, ticketkit.SearchParams{Text: subject, Desc: true})
	require.NoError(t, err)
	for _, tk := range res.Tickets {
		if tk.Subject == subject {
			return tk
		}
	}
	t.Fatalf("no ticket %q", subject)
	return nil
}

func TestAssignmentConfig_Validation(t *testing.T) {
	t.Parallel()
	dir := &agentTable{agents: map[string][]ticketkit.Agent{}}
	bad := &ticketkit.AssignmentConfig{
		Calendars: []workflow.CalendarSpec{{Name: "x", Week: map[string][]workflow.Window{"mon": {{Start: "18:00", End: "09:00"}}}}},
		Pools: []ticketkit.AssignmentPool{
			{Department: "nowhere", Strategy: ticketkit.AssignRoundRobin},
			{Department: "returns", Strategy: "random", Capacity: -1, Calendar: "nope"},
			{Department: "returns", Strategy: ticketkit.AssignManual},
			{Department: "billing", Strategy: ticketkit.AssignManual, OnOpen: true, Team: "a\x00b",
				Skills: []ticketkit.SkillMatch{{Skill: "", Field: "fields.nope"}, {Skill: "x", Field: "subject"}}},
		},
	}
	want := []string{
		"calendars[0]", "pools[0].department", "pools[1].strategy", "pools[1].capacity", "pools[1].calendar",
		"pools[2].department", "pools[3].on_open", "pools[3].team", "pools[3].skills[0].skill",
		"pools[3].skills[0].field", "pools[3].skills[1].field",
	}

	t.Run("ConfigNamesEveryField", func(t *testing.T) {
		t.Parallel()
		_, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Catalog: assignCatalog(), Agents: dir, Assignment: bad})
		require.Error(t, err)
		for _, f := range want {
			require.ErrorContains(t, err, "Config.Assignment."+f)
		}
		_, err = ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Catalog: assignCatalog(),
			Assignment: &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{{Department: "returns", Strategy: ticketkit.AssignLeastOpen}}}})
		require.ErrorContains(t, err, "Config.Assignment.pools[0].strategy", "a strategy without Config.Agents")
	})

	t.Run("TenantConfigNamesEveryField", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, func(c *ticketkit.Config) { c.Agents = dir })
			spec := assignCatalog().Spec()
			_, err := desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec, Assignment: bad}})
			fields := make([]string, len(want))
			for i, f := range want {
				fields[i] = "assignment." + f
			}
			require.ElementsMatch(t, fields, invalidFields(t, err))

			good := &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{{Department: "billing", Strategy: ticketkit.AssignRoundRobin, OnOpen: true}}}
			dir.set("billing", agentsNamed("x")...)
			_, err = desk.ConfigureTenant(t.Context(), tenantAdmin, ticketkit.ConfigureTenantParams{Config: ticketkit.TenantConfig{Catalog: spec, Assignment: good}})
			require.NoError(t, err)
			tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Department: "billing"})
			require.Equal(t, "x", tk.Assignee, "the tenant's pool assigns")
		})
	})
}
