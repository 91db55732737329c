package ticketkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A shop's returns team of three agents takes new return tickets in
// turn. The host's directory says who is in the team and who is away:
// once Bea steps away, the turns go round the two others.
func ExampleAssignmentConfig_roundRobin() {
	ctx := context.Background()
	spec := ticket.DefaultCatalogSpec()
	spec.Departments = []ticket.Department{{Code: "returns", Label: ticket.Label{Text: "Returns"}}}
	catalog, err := ticket.NewCatalog(spec)
	if err != nil {
		panic(err)
	}
	away := map[string]bool{}
	team := ticketkit.AgentDirectoryFunc(func(_ context.Context, q ticketkit.AgentQuery) ([]ticketkit.Agent, error) {
		var out []ticketkit.Agent
		for _, id := range []string{"ann", "bea", "cid"} {
			a := ticketkit.Agent{ID: id}
			if away[id] {
				a.Availability = ticketkit.AgentAway
			}
			out = append(out, a)
		}
		return out, nil
	})
	desk, err := ticketkit.New(ticketkit.Config{
		Store:   memory.New(),
		Clock:   clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
		Catalog: catalog,
		Agents:  team,
		Assignment: &ticketkit.AssignmentConfig{Pools: []ticketkit.AssignmentPool{
			{Department: "returns", Strategy: ticketkit.AssignRoundRobin, OnOpen: true},
		}},
	})
	if err != nil {
		panic(err)
	}
	clerk := ticketkit.Actor{ID: "clerk", Role: ticket.RoleAgent, TenantID: "shop"}
	open := func(subject string) {
		tk, err := desk.Open(ctx, clerk, ticketkit.OpenParams{Subject: subject, Department: "returns"})
		if err != nil {
			panic(err)
		}
		fmt.Println(subject, "→", tk.Assignee)
	}
	for i := 1; i <= 6; i++ {
		open(fmt.Sprintf("Return SO-%d", i))
	}
	away["bea"] = true
	open("Return SO-7")
	open("Return SO-8")
	// Output:
	// Return SO-1 → ann
	// Return SO-2 → bea
	// Return SO-3 → cid
	// Return SO-4 → ann
	// Return SO-5 → bea
	// Return SO-6 → cid
	// Return SO-7 → ann
	// Return SO-8 → cid
}
