package ticketkit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// BenchmarkEventRules measures what event rules cost a change: Desk.Update
// of a ticket's priority through a Desk with 200 active event rules (each
// looks at the change's kind, a field, the channel and the tags; one
// fires and tags the ticket) against the same Update through a Desk
// without rules on the same store, round-robin in one loop (the memory store shows the rules' CPU cost without a database's noise), each timed on
// its own and reported as p50/p95 in ms with the ratio of the p50s
// (target ≤ 1.2).
//
//	CI=true TICKETKIT_TEST_POSTGRES=... go test -run '^$' -bench BenchmarkEventRules -benchtime 300x .
func BenchmarkEventRules(b *testing.B) {
	ctx := context.Background()
	agent := ticketkit.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "bench"}
	rules := ticketkit.AutomationConfig{}
	for i := range 199 {
		rules.EventRules = append(rules.EventRules, ticketkit.EventRule{
			ID: fmt.Sprintf("r%03d", i),
			When: ticketkit.RuleConditions{
				Events:   []notify.Kind{ticketkit.KindTicketUpdated},
				Channels: []ticket.Channel{ticket.ChannelEmail},
				Tags:     []string{fmt.Sprintf("t%03d", i)},
				Fields:   []ticketkit.FieldCondition{{Field: "priority", Is: []string{ticket.PriorityUrgent}, Changed: true}},
			},
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionAssign, Value: "nobody"}},
		})
	}
	rules.EventRules = append(rules.EventRules, ticketkit.EventRule{
		ID:   "tag-priority",
		When: ticketkit.RuleConditions{Fields: []ticketkit.FieldCondition{{Field: "priority", Changed: true}}},
		Do:   []ticketkit.RuleAction{{Type: ticketkit.ActionAddTag, Value: "repriced"}},
	})
	stores := []struct {
		name string
		open func(b *testing.B) storage.Store
	}{{"memory", func(*testing.B) storage.Store { return memory.New() }}}
	for _, be := range dbtest.Backends() {
		stores = append(stores, struct {
			name string
			open func(b *testing.B) storage.Store
		}{be.Name, func(b *testing.B) storage.Store {
			st, err := bunstore.New(be.Open(b), bunstore.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			return st
		}})
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			st := s.open(b)
			with, err := ticketkit.New(ticketkit.Config{Store: st, Automation: &rules})
			if err != nil {
				b.Fatal(err)
			}
			without, err := ticketkit.New(ticketkit.Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			open := func(d *ticketkit.Desk) string {
				tk, err := d.Open(ctx, agent, ticketkit.OpenParams{Subject: "Repriced", Channel: ticket.ChannelWeb})
				if err != nil {
					b.Fatal(err)
				}
				return tk.ID
			}
			withID, withoutID := open(with), open(without)
			prios := []string{ticket.PriorityLow, ticket.PriorityHigh}
			n := 0
			update := func(d *ticketkit.Desk, id string) time.Duration {
				p := prios[n%2]
				start := time.Now()
				if _, err := d.Update(ctx, agent, ticketkit.UpdateParams{TicketID: id, Priority: &p}); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			var withT, withoutT []time.Duration
			for b.Loop() {
				n++
				withoutT = append(withoutT, update(without, withoutID))
				withT = append(withT, update(with, withID))
			}
			q := quantileMS
			b.ReportMetric(q(withoutT, 0.5), "no-rules-p50-ms")
			b.ReportMetric(q(withoutT, 0.95), "no-rules-p95-ms")
			b.ReportMetric(q(withT, 0.5), "200-rules-p50-ms")
			b.ReportMetric(q(withT, 0.95), "200-rules-p95-ms")
			b.ReportMetric(q(withT, 0.5)/q(withoutT, 0.5), "rules/no-rules-p50")
		})
	}
}
