package ticketkit_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Environment of the helper processes of
// TestDesk_AutoAssignAcrossProcesses.
const (
	assignHelperEnv      = "TICKETKIT_ASSIGN_HELPER"          // the backend's name
	assignHelperTarget   = "TICKETKIT_ASSIGN_HELPER_TARGET"   // SQLite file, PostgreSQL schema or MySQL database
	assignHelperStrategy = "TICKETKIT_ASSIGN_HELPER_STRATEGY" // the pool's strategy
	assignHelperCount    = "TICKETKIT_ASSIGN_HELPER_COUNT"    // how many tickets the helper opens
	assignHelperTickets  = "TICKETKIT_ASSIGN_HELPER_TICKETS"  // or the tickets it assigns, comma-separated
)

// autoAssignLeastOpen is the variant of TestDesk_AutoAssignAcrossProcesses
// in which the helpers assign open tickets with Desk.AutoAssign.
const autoAssignLeastOpen ticketkit.AssignmentStrategy = "auto_assign_least_open"

// Agents and capacity of the pools of TestDesk_AutoAssignAcrossProcesses.
var processAgents = []string{"ag-1", "ag-2", "ag-3", "ag-4", "ag-5", "ag-6", "ag-7"}

const processCapacity = 20

// processAssignConfig is the Desk configuration of the processes of
// TestDesk_AutoAssignAcrossProcesses.
func processAssignConfig(store storage.Store, strategy ticketkit.AssignmentStrategy) ticketkit.Config {
	dir := ticketkit.AgentDirectoryFunc(func(context.Context, ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
		return agentsNamed(processAgents...), nil
	})
	capacity, onOpen := 0, true
	if strategy == autoAssignLeastOpen {
		strategy, onOpen = ticketkit.AssignLeastOpen, false
	}
	if strategy == ticketkit.AssignLeastOpen {
		capacity = processCapacity
	}
	return ticketkit.Config{Store: store, Catalog: assignCatalog(), Agents: dir, Assignment: &ticketkit.AssignmentConfig{
		Pools: []ticketkit.AssignmentPool{{Department: "returns", Strategy: strategy, OnOpen: onOpen, Capacity: capacity}},
	}}
}

// TestDesk_AutoAssignAcrossProcesses: two copies of the test binary open
// tickets into one pool at once, each through a Desk of its own on the
// same database. Round robin: 1,000 tickets in all, spread over the
// agents with at most one ticket between the busiest and the idlest,
// every ticket assigned once, and exactly 1,000 turns drawn. Least open
// with a capacity: every agent ends exactly at capacity, none over, and
// the other tickets unassigned.
func TestDesk_AutoAssignAcrossProcesses(t *testing.T) {
	t.Parallel()
	perProcess := map[ticketkit.AssignmentStrategy]int{ticketkit.AssignRoundRobin: 500, ticketkit.AssignLeastOpen: 100, autoAssignLeastOpen: 100}
	if testing.Short() {
		perProcess[ticketkit.AssignRoundRobin] = 50
	}
	for _, b := range dbtest.Backends() {
		for _, strategy := range []ticketkit.AssignmentStrategy{ticketkit.AssignRoundRobin, ticketkit.AssignLeastOpen, autoAssignLeastOpen} {
			t.Run(b.Name+"/"+string(strategy), func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				db := b.Open(t)
				store, err := bunstore.New(db, bunstore.Config{})
				require.NoError(t, err)
				require.NoError(t, store.Migrate(ctx))
				n := perProcess[strategy]
				var tickets [2][]string // for autoAssignLeastOpen, opened unassigned here
				if strategy == autoAssignLeastOpen {
					desk, err := ticketkit.New(processAssignConfig(store, strategy))
					require.NoError(t, err)
					for i := range 2 * n {
						tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Return %d", i), Department: "returns"})
						require.NoError(t, err)
						require.Empty(t, tk.Assignee)
						tickets[i%2] = append(tickets[i%2], tk.ID)
					}
				}

				var wg sync.WaitGroup
				outs := make([]string, 2)
				errs := make([]error, 2)
				for i := range 2 {
					wg.Go(func() {
						cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperAssignProcess$", "-test.count=1", "-test.v")
						cmd.Env = append(os.Environ(), assignHelperEnv+"="+b.Name, assignHelperTarget+"="+dbtest.Target(t, b.Name, db),
							assignHelperStrategy+"="+string(strategy), assignHelperCount+"="+strconv.Itoa(n),
							assignHelperTickets+"="+strings.Join(tickets[i], ","))
						out, err := cmd.CombinedOutput()
						outs[i], errs[i] = string(out), err
					})
				}
				wg.Wait()
				for i := range 2 {
					require.NoError(t, errs[i], outs[i])
				}

				counts := map[string]int{}
				total := 0
				for _, id := range append([]string{""}, processAgents...) {
					c, err := store.TicketCount(ctx, storage.TicketCountParams{
						TicketFilter: storage.TicketFilter{TenantID: agent.TenantID, Departments: []string{"returns"}, Assignees: []string{id}},
						Max:          10 * n,
					})
					require.NoError(t, err)
					counts[id] = c
					total += c
				}
				require.Equal(t, 2*n, total, "every ticket has one assignee or none: %v", counts)
				lo, hi := spread(counts, processAgents...)
				t.Logf("%s %s: %d tickets from 2 processes over %d agents: per agent %v, spread (max-min) %d", b.Name, strategy, 2*n, len(processAgents), counts, hi-lo)
				switch strategy {
				case ticketkit.AssignRoundRobin:
					require.Zero(t, counts[""], "nobody is unassigned")
					require.LessOrEqual(t, hi-lo, 1, "round robin spreads evenly: %v", counts)
					turn, err := store.SequenceNext(ctx, storage.SequenceNextParams{TenantID: agent.TenantID, Scope: "ticketkit/assign/returns"})
					require.NoError(t, err)
					require.Equal(t, int64(2*n+1), turn, "one turn per ticket, none drawn twice")
				case ticketkit.AssignLeastOpen, autoAssignLeastOpen:
					require.Equal(t, processCapacity, lo, "every agent was filled")
					require.Equal(t, processCapacity, hi, "no agent over capacity")
					require.Equal(t, 2*n-processCapacity*len(processAgents), counts[""])
				}
			})
		}
	}
}

// TestHelperAssignProcess is the helper of
// TestDesk_AutoAssignAcrossProcesses; it does nothing unless run by it.
func TestHelperAssignProcess(t *testing.T) {
	backend := os.Getenv(assignHelperEnv)
	if backend == "" {
		return
	}
	ctx := context.Background()
	store := helperStore(t, backend, os.Getenv(assignHelperTarget))
	desk, err := ticketkit.New(processAssignConfig(store, ticketkit.AssignmentStrategy(os.Getenv(assignHelperStrategy))))
	require.NoError(t, err)
	if ids := os.Getenv(assignHelperTickets); ids != "" {
		for id := range strings.SplitSeq(ids, ",") {
			_, err := desk.AutoAssign(ctx, agent, ticketkit.AutoAssignParams{TicketID: id})
			require.NoError(t, err)
		}
		return
	}
	n, err := strconv.Atoi(os.Getenv(assignHelperCount))
	require.NoError(t, err)
	for i := range n {
		_, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("Return %d of %d", i, os.Getpid()), Department: "returns"})
		require.NoError(t, err)
	}
}
