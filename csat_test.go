package ticketkit_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// errRollback is the error a host returns to roll back.
var errRollback = errors.New("host rolls back")

// surveyKey is the survey key of the tests: 32 bytes.
var surveyKey = "0123456789abcdef0123456789abcdef"

// withSurveys gives a Desk the survey key.
func withSurveys(c *ticketkit.Config) { c.SurveyKey = surveyKey }

// resolvedTicket opens a ticket of customer C-1 assigned to agent-1 in
// department "support" and resolves it.
func resolvedTicket(t *testing.T, desk *ticketkit.Desk) *ticket.Ticket {
	t.Helper()
	tk := mustOpen(t, desk, customer, ticketkit.OpenParams{Message: "broken", Category: "question"})
	assignee := agent.ID
	_, err := desk.Assign(t.Context(), agent, ticketkit.AssignParams{TicketID: tk.ID, Assignee: &assignee})
	require.NoError(t, err)
	tk, err = desk.Transition(t.Context(), agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
	require.NoError(t, err)
	return tk
}

// badFields returns the field names of err's *ValidationError.
func badFields(t *testing.T, err error) []string {
	t.Helper()
	var v *ticket.ValidationError
	require.ErrorAs(t, err, &v)
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestDesk_Rate(t *testing.T) {
	t.Parallel()

	t.Run("ASignedLinkRatesOnceAndTheRatingIsInHistory", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, withSurveys)
			ctx := t.Context()
			tk := resolvedTicket(t, desk)
			link, err := desk.SurveyLink(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, t0.Add(ticketkit.DefaultSurveyTTL), link.ExpiresAt)

			r, err := desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, TicketID: tk.ID, Score: 4, Comment: " quick, merci "})
			require.NoError(t, err)
			require.Equal(t, 4, r.Score)
			require.Equal(t, "quick, merci", r.Comment)
			require.Equal(t, agent.ID, r.AgentID)
			require.Equal(t, "C-1", r.CustomerID)
			require.Contains(t, historyLines(t, desk, tk.ID), "rating →4")

			_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: 1})
			require.ErrorIs(t, err, ticketkit.ErrAlreadyRated, "the link is single-use")
			require.ErrorIs(t, err, ticketkit.ErrConflict)
			_, err = desk.SurveyLink(ctx, agent, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrAlreadyRated)

			got, err := desk.Rating(ctx, customer, tk.ID)
			require.NoError(t, err)
			require.Equal(t, 4, got.Score)
			require.Empty(t, got.AgentID, "customers do not see staff IDs")
			_, err = desk.Rating(ctx, stranger, tk.ID)
			require.ErrorIs(t, err, ticketkit.ErrNotFound)
		})
	})

	t.Run("ConcurrentAnswersStoreOne", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, _ := setupDesk(t, b, withSurveys)
			tk := resolvedTicket(t, desk)
			link, err := desk.SurveyLink(t.Context(), agent, tk.ID)
			require.NoError(t, err)
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					if i%2 == 0 {
						_, errs[i] = desk.Rate(t.Context(), ticketkit.RateParams{Token: link.Token, Score: 1 + i%5})
					} else {
						_, errs[i] = desk.RateTicket(t.Context(), customer, ticketkit.RateTicketParams{TicketID: tk.ID, Score: 1 + i%5})
					}
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else {
					require.ErrorIs(t, err, ticketkit.ErrAlreadyRated)
				}
			}
			require.Equal(t, 1, ok)
			require.Len(t, linesOf(historyLines(t, desk, tk.ID), ticket.FieldRating), 1)
		})
	})

	t.Run("ForgedExpiredAndOtherTicketsTokensAreRefused", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupMemoryDesk(t, withSurveys)
		ctx := t.Context()
		tk := resolvedTicket(t, desk)
		other := resolvedTicket(t, desk)
		link, err := desk.SurveyLink(ctx, agent, tk.ID)
		require.NoError(t, err)

		forger, _ := setupMemoryDesk(t, func(c *ticketkit.Config) { c.SurveyKey = strings.Repeat("k", 32) })
		forged := resolvedTicket(t, forger)
		fl, err := forger.SurveyLink(ctx, agent, forged.ID)
		require.NoError(t, err)

		parts := strings.Split(link.Token, ".")
		otherLink, err := desk.SurveyLink(ctx, agent, other.ID)
		require.NoError(t, err)
		swapped := parts[0] + "." + strings.Split(otherLink.Token, ".")[1] + "." + parts[2]
		for name, tok := range map[string]string{
			"another key": fl.Token, "swapped payload": swapped, "garbage": "s1.x.y", "empty": "",
			"NUL": "s1.\x00.\x00", "huge": strings.Repeat("a", 1<<20),
		} {
			_, err := desk.Rate(ctx, ticketkit.RateParams{Token: tok, Score: 5})
			require.ErrorIs(t, err, ticketkit.ErrSurveyToken, name)
			require.Equal(t, []string{"token"}, badFields(t, err), name)
		}
		_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, TicketID: other.ID, Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrSurveyToken, "a token of another ticket")
		require.Equal(t, []string{"token"}, badFields(t, err))

		bundle.clock.Advance(ticketkit.DefaultSurveyTTL)
		_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrSurveyExpired)
		_, err = desk.Rating(ctx, agent, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "nothing was stored")
	})

	t.Run("RejectsBadInputNamingEveryField", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, withSurveys)
		ctx := t.Context()
		tk := resolvedTicket(t, desk)
		link, err := desk.SurveyLink(ctx, agent, tk.ID)
		require.NoError(t, err)
		for name, c := range map[string]struct {
			p    ticketkit.RateParams
			want []string
		}{
			"zero":         {ticketkit.RateParams{Token: link.Token, Score: 0}, []string{"score"}},
			"six":          {ticketkit.RateParams{Token: link.Token, Score: 6}, []string{"score"}},
			"negative":     {ticketkit.RateParams{Token: link.Token, Score: -1}, []string{"score"}},
			"1MB comment":  {ticketkit.RateParams{Token: link.Token, Score: 3, Comment: strings.Repeat("x", 1<<20)}, []string{"comment"}},
			"NUL comment":  {ticketkit.RateParams{Token: link.Token, Score: 3, Comment: "a\x00b"}, []string{"comment"}},
			"both and bad": {ticketkit.RateParams{Token: "nope", Score: 9, Comment: "\xff"}, []string{"token", "score", "comment"}},
		} {
			_, err := desk.Rate(ctx, c.p)
			got := badFields(t, err)
			require.ElementsMatch(t, c.want, got, name)
		}
		_, err = desk.RateTicket(ctx, customer, ticketkit.RateTicketParams{TicketID: "x\x00", Score: 0})
		require.ElementsMatch(t, []string{"ticket_id", "score"}, badFields(t, err))
		_, err = desk.Rating(ctx, agent, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "nothing was stored")
	})

	t.Run("OnlyResolvedTicketsOfTheirOwnCustomer", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t, withSurveys)
		ctx := t.Context()
		open := mustOpen(t, desk, customer, ticketkit.OpenParams{Message: "hi"})
		_, err := desk.SurveyLink(ctx, agent, open.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotResolved)
		_, err = desk.RateTicket(ctx, customer, ticketkit.RateTicketParams{TicketID: open.ID, Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrNotResolved)
		tk := resolvedTicket(t, desk)
		_, err = desk.RateTicket(ctx, stranger, ticketkit.RateTicketParams{TicketID: tk.ID, Score: 1})
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another customer's ticket")
		_, err = desk.RateTicket(ctx, agent, ticketkit.RateTicketParams{TicketID: tk.ID, Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrForbidden, "staff may not rate")
		_, err = desk.SurveyLink(ctx, customer, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.SurveyLink(ctx, otherOrg, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket")
		_, err = desk.RateTicket(ctx, ticketkit.Actor{ID: "u", Role: ticket.RoleCustomer, TenantID: "globex", CustomerID: "C-1"},
			ticketkit.RateTicketParams{TicketID: tk.ID, Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrNotFound, "another tenant's ticket")
		r, err := desk.RateTicket(ctx, customer, ticketkit.RateTicketParams{TicketID: tk.ID, Score: 5})
		require.NoError(t, err)
		require.Empty(t, r.AgentID)
	})

	t.Run("WithoutAKeySurveysAreOff", func(t *testing.T) {
		t.Parallel()
		desk, _ := setupMemoryDesk(t)
		tk := resolvedTicket(t, desk)
		_, err := desk.SurveyLink(t.Context(), agent, tk.ID)
		require.ErrorIs(t, err, ticketkit.ErrSurveysOff)
		_, err = desk.Rate(t.Context(), ticketkit.RateParams{Token: "s1.a.b", Score: 5})
		require.ErrorIs(t, err, ticketkit.ErrSurveysOff)
		_, err = ticketkit.New(ticketkit.Config{Store: memory.New(), SurveyKey: "short"})
		require.ErrorContains(t, err, "SurveyKey")
	})

	t.Run("RateTxRollsBackWithTheHost", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupMemoryDesk(t, withSurveys)
		ctx := t.Context()
		tk := resolvedTicket(t, desk)
		link, err := desk.SurveyLink(ctx, agent, tk.ID)
		require.NoError(t, err)
		err = bundle.store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := desk.RateTx(ctx, tx, ticketkit.RateParams{Token: link.Token, Score: 2})
			require.NoError(t, err)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: 3})
		require.NoError(t, err, "the link still works after the host's rollback")
	})
}

func TestDesk_SurveyNotification(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withSurveys, func(c *ticketkit.Config) { c.SurveyURL = "https://shop.example/survey?t={token}" })
		ctx := t.Context()
		tk := resolvedTicket(t, desk)
		es := bundle.rec.OfKind(notify.KindSurveyRequested)
		require.Len(t, es, 1)
		inv := es[0].Survey
		require.NotNil(t, inv)
		require.Equal(t, t0.Add(ticketkit.DefaultSurveyTTL), inv.ExpiresAt)
		u, err := url.Parse(inv.URL)
		require.NoError(t, err)
		require.Equal(t, "shop.example", u.Host)

		for _, locale := range []string{"en", "fr"} {
			got, err := notify.DefaultTemplates().Render(es[0], notify.Recipient{Audience: notify.AudienceCustomer, Address: "c@example.com", Locale: locale}, nil)
			require.NoError(t, err)
			require.Contains(t, got.Text, inv.URL, locale)
			require.Contains(t, got.HTML, "https://shop.example/survey?t=", locale)
		}
		rs, err := (&notify.Resolver{}).Recipients(ctx, es[0])
		require.NoError(t, err)
		for _, r := range rs {
			require.Equal(t, notify.AudienceCustomer, r.Audience, "only the customer is surveyed")
		}

		_, err = desk.Rate(ctx, ticketkit.RateParams{Token: u.Query().Get("t"), Score: 4})
		require.NoError(t, err, "the mailed link rates the ticket")

		// Reopened and resolved again: rated already, no second survey.
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusInProgress})
		require.NoError(t, err)
		_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved})
		require.NoError(t, err)
		require.Len(t, bundle.rec.OfKind(notify.KindSurveyRequested), 1)
	})
}

func TestDesk_SatisfactionReport(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withSurveys)
		ctx := t.Context()
		for _, score := range []int{5, 4, 1} {
			tk := resolvedTicket(t, desk)
			_, err := desk.RateTicket(ctx, customer, ticketkit.RateTicketParams{TicketID: tk.ID, Score: score})
			require.NoError(t, err)
		}
		bundle.clock.Advance(31 * 24 * time.Hour)
		tk := resolvedTicket(t, desk)
		_, err := desk.RateTicket(ctx, customer, ticketkit.RateTicketParams{TicketID: tk.ID, Score: 2})
		require.NoError(t, err)

		rep, err := desk.SatisfactionReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByAgent, From: t0, To: t0.Add(24 * time.Hour)})
		require.NoError(t, err)
		require.Equal(t, []ticketkit.SatisfactionGroup{{Key: agent.ID, Ratings: 3, Average: 10.0 / 3, Satisfied: 2, CSAT: 200.0 / 3}}, rep.Groups)
		rep, err = desk.SatisfactionReport(ctx, super, ticketkit.ReportParams{GroupBy: storage.GroupByMonth})
		require.NoError(t, err)
		require.Len(t, rep.Groups, 2)
		require.Equal(t, int64(1), rep.Groups[1].Ratings)

		_, err = desk.SatisfactionReport(ctx, customer, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
		require.ErrorIs(t, err, ticketkit.ErrForbidden)
		_, err = desk.SatisfactionReport(ctx, agent, ticketkit.ReportParams{GroupBy: "score", From: t0, To: t0})
		require.ElementsMatch(t, []string{"group_by", "to"}, badFields(t, err))
		rep, err = desk.SatisfactionReport(ctx, otherOrg, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
		require.NoError(t, err)
		require.Empty(t, rep.Groups, "another tenant sees none")
	})
}

// A ticket the escalation sweep resolves (here a time rule closing it
// after 7 days of waiting) sends its survey as one resolved by an agent.
func TestDesk_SurveyAfterTheSweepResolves(t *testing.T) {
	t.Parallel()
	rules := ticketkit.AutomationConfig{TimeRules: []ticketkit.TimeRule{
		{ID: "close", State: ticketkit.TimeInStatus, Statuses: []string{ticket.StatusWaiting}, After: ticketkitDays(7),
			Do: []ticketkit.RuleAction{{Type: ticketkit.ActionSet, Field: "status", Value: ticket.StatusResolved}}},
	}}
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, bundle := setupDesk(t, b, withSurveys, withRules(rules, nil),
			func(c *ticketkit.Config) { c.SurveyURL = "https://shop.example/survey?t={token}" })
		ctx := t.Context()
		tk := mustOpen(t, desk, agent, ticketkit.OpenParams{Assignee: agent.ID})
		_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusWaiting})
		require.NoError(t, err)
		require.Empty(t, bundle.rec.OfKind(notify.KindSurveyRequested))
		bundle.clock.Advance(7*24*time.Hour + time.Minute)
		res, err := desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, res.TimeRules)
		es := bundle.rec.OfKind(notify.KindSurveyRequested)
		require.Len(t, es, 1, "the sweep's resolve sends the survey")
		require.Equal(t, tk.ID, es[0].Ticket.ID)
		u, err := url.Parse(es[0].Survey.URL)
		require.NoError(t, err)
		_, err = desk.Rate(ctx, ticketkit.RateParams{Token: u.Query().Get("t"), Score: 5})
		require.NoError(t, err, "its link rates the ticket")
		_, err = desk.RunEscalations(ctx)
		require.NoError(t, err)
		require.Len(t, bundle.rec.OfKind(notify.KindSurveyRequested), 1, "once")
	})
}
