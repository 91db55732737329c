package notify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/notify"
)

// withRule makes e the notify action of the time rule "remind".
func withRule(audience ...string) func(*notify.Event) {
	return func(e *notify.Event) {
		e.Rule = &notify.RuleNotice{ID: "remind", Name: "Nudge after 3 days", Time: true,
			Text: "We still wait for your answer <b>now</b>", Audience: audience}
	}
}

func TestRuleNotifiedReachesWhomTheRuleNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := roleDirectory{"supervisor": {{Address: "boss@acme.example", UserID: "boss"}}}
	r := &notify.Resolver{Directory: dir}

	e := event(notify.KindRuleNotified, system, withRule("customer", "supervisor", "user:ann", "nobody-role"))
	rs, err := r.Recipients(ctx, e)
	require.NoError(t, err)
	require.Equal(t, []string{"customer:marie@example.com", "rule:boss@acme.example", "rule:ann@acme.example"}, addresses(rs),
		"the customer reads it as the customer")

	e = event(notify.KindRuleNotified, system, withRule("supervisor"))
	rs, err = r.Recipients(ctx, e)
	require.NoError(t, err)
	require.Equal(t, []string{"rule:boss@acme.example"}, addresses(rs), "no customer unless the rule names them")

	e.Rule = nil
	rs, err = r.Recipients(ctx, e)
	require.NoError(t, err)
	require.Empty(t, rs, "no rule, no one")

	rs, err = (&notify.Resolver{}).Recipients(ctx, event(notify.KindRuleNotified, system, withRule("supervisor", "user:ann")))
	require.NoError(t, err)
	require.Empty(t, rs, "without a directory, users and roles reach no one")
}

func TestRuleNotifiedTemplates(t *testing.T) {
	t.Parallel()
	e := event(notify.KindRuleNotified, system, withRule("customer"))
	for locale, want := range map[string]struct{ staff, rule string }{
		"en": {"Automation “Nudge after 3 days”", "time rule “remind”"},
		"fr": {"Automatisation « Nudge after 3 days »", "règle temporelle « remind »"},
	} {
		staff, err := notify.DefaultTemplates().Render(e, inLocale(toAlice, locale), nil)
		require.NoError(t, err)
		require.Contains(t, staff.Subject, want.staff)
		require.Contains(t, staff.Text, "We still wait for your answer <b>now</b>")
		require.Contains(t, staff.Text, want.rule)
		require.Contains(t, staff.HTML, "We still wait for your answer &lt;b&gt;now&lt;/b&gt;", "the text is escaped in HTML")

		cust, err := notify.DefaultTemplates().Render(e, inLocale(toMarie, locale), nil)
		require.NoError(t, err)
		require.Contains(t, cust.Text, "We still wait for your answer")
		for _, part := range []string{cust.Subject, cust.Text, cust.HTML} {
			require.NotContains(t, part, "remind", "the customer is not told the rule")
			require.NotContains(t, part, "Nudge", "nor its name")
		}
	}
}
