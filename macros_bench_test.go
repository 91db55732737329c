package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkApplyMacro measures Desk.ApplyMacro (a reply, a tag, an
// assignee and a status change in one transaction, each step in a
// savepoint of it) against the same four changes made by the four Desk
// calls a host would otherwise make (Reply, Update, Assign, Transition:
// four transactions), round-robin in one loop on two tickets, each timed
// on its own and reported as p50/p95 in ms with the ratio of the p50s.
// Each round moves the tickets between two states, so every call writes.
//
//	CI=true TICKETKIT_TEST_POSTGRES=... TICKETKIT_TEST_MYSQL=... go test -run '^$' -bench BenchmarkApplyMacro -benchtime 200x .
func BenchmarkApplyMacro(b *testing.B) {
	ctx := context.Background()
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	there := ticketkit.Macro{ID: "there", Name: ticket.Label{Text: "There"}, Text: "Hello {{.Customer.Name}}, about {{.Ticket.Number}}: we are on it.",
		AddTags: []string{"seen"}, Assignee: new("agent-2"), Status: ticket.StatusInProgress}
	back := ticketkit.Macro{ID: "back", Name: ticket.Label{Text: "Back"}, Text: "Hello {{.Customer.Name}}, about {{.Ticket.Number}}: your turn.",
		RemoveTags: []string{"seen"}, Assignee: new("agent-3"), Status: ticket.StatusWaiting}
	for _, be := range dbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			st, err := bunstore.New(be.Open(b), bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			desk, err := ticketkit.New(ticketkit.Config{Store: st, Macros: &ticketkit.MacroConfig{Macros: []ticketkit.Macro{there, back}}})
			if err != nil {
				b.Fatal(err)
			}
			open := func() *ticket.Ticket {
				tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{ID: "C-1", Name: "Ada"}})
				if err != nil {
					b.Fatal(err)
				}
				return tk
			}
			viaMacro, viaCalls := open(), open()
			must := func(_ any, err error) {
				if err != nil {
					b.Fatal(err)
				}
			}
			apply := func(m ticketkit.Macro) time.Duration {
				start := time.Now()
				must(desk.ApplyMacro(ctx, agent, ticketkit.MacroParams{TicketID: viaMacro.ID, MacroID: m.ID}))
				return time.Since(start)
			}
			calls := func(m ticketkit.Macro) time.Duration {
				start := time.Now()
				must(desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: viaCalls.ID, Body: "Hello Ada: " + m.ID}))
				tags := []string{}
				if len(m.AddTags) > 0 {
					tags = m.AddTags
				}
				must(desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: viaCalls.ID, Tags: tags, SetTags: true}))
				must(desk.Assign(ctx, agent, ticketkit.AssignParams{TicketID: viaCalls.ID, Assignee: m.Assignee}))
				must(desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: viaCalls.ID, To: m.Status}))
				return time.Since(start)
			}
			var macroT, callsT []time.Duration
			i := 0
			for b.Loop() {
				m := there
				if i%2 == 1 {
					m = back
				}
				i++
				callsT = append(callsT, calls(m))
				macroT = append(macroT, apply(m))
			}
			q := quantileMS
			b.ReportMetric(q(callsT, 0.5), "four-calls-p50-ms")
			b.ReportMetric(q(callsT, 0.95), "four-calls-p95-ms")
			b.ReportMetric(q(macroT, 0.5), "macro-p50-ms")
			b.ReportMetric(q(macroT, 0.95), "macro-p95-ms")
			b.ReportMetric(q(macroT, 0.5)/q(callsT, 0.5), "macro/four-calls-p50")
		})
	}
}
