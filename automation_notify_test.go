package ticketkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// A rule's notify action sends its own kind, naming the rule, with the
// text its template rendered; never an escalation.
func TestDesk_RuleNotifyAction(t *testing.T) {
	t.Parallel()
	rules := ticketkit.AutomationConfig{
		EventRules: []ticketkit.EventRule{{
			ID: "tell-lead", Name: "Tell the lead about orders",
			When: ticketkit.RuleConditions{Events: []notify.Kind{notify.KindOpened}},
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"supervisor", "user:lead-1"},
				Template: "New order ticket {{.Ticket.Number}}"}},
		}},
		TimeRules: []ticketkit.TimeRule{{
			ID: "remind", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting},
			After: workflow.Duration(72 * time.Hour),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionNotify, Audience: []string{"customer"},
				Template: "We wait for your answer on {{.Ticket.Number}}"}},
		}},
	}
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withRules(rules, nil))
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "Order 7"})
		got := bundle.rec.OfKind(notify.KindRuleNotified)
		require.Len(t, got, 1)
		require.Equal(t, &notify.RuleNotice{ID: "tell-lead", Name: "Tell the lead about orders",
			Text: "New order ticket " + tk.Number, Audience: []string{"supervisor", "user:lead-1"}}, got[0].Rule)
		require.Len(t, got[0].Changes, 1)
		require.Equal(t, ticketkit.FieldAutomationNotify, got[0].Changes[0].Field)
		require.Equal(t, ticketkit.RuleActorID("tell-lead"), got[0].Changes[0].ActorID)
		require.Empty(t, bundle.rec.OfKind(notify.KindEscalated), "a rule is no escalation")

		bundle.rec.Reset()
		mustMove(t, desk, agent, tk.ID, ticket.StatusWaiting, "")
		bundle.clock.Advance(73 * time.Hour)
		res, err := desk.RunEscalations(t.Context())
		require.NoError(t, err)
		require.Equal(t, 1, res.TimeRules)
		got = bundle.rec.OfKind(notify.KindRuleNotified)
		require.Len(t, got, 1)
		require.Equal(t, &notify.RuleNotice{ID: "remind", Time: true, Text: "We wait for your answer on " + tk.Number,
			Audience: []string{"customer"}}, got[0].Rule)
		require.Empty(t, bundle.rec.OfKind(notify.KindEscalated))
	})
}
