package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/memory"
	"github.com/ticketkit/ticketkit/ticket"
)

// A storefront resolves a customer's ticket and sends a signed survey
// link; the customer's click rates it once, the second click is refused,
// and the supervisor reads the CSAT by agent.
func ExampleDesk_Rate() {
	ctx := context.Background()
	desk, err := ticketkit.New(ticketkit.Config{
		Store:     memory.New(),
		Clock:     clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)),
		SurveyKey: "a 32-byte secret from the vault!",
	})
	if err != nil {
		panic(err)
	}
	agent := ticketkit.Actor{ID: "agent-7", Role: ticket.RoleAgent, TenantID: "shop"}
	tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "Return of order SO-1", Assignee: "agent-7",
		Customer: ticket.Customer{ID: "L-4411", Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		panic(err)
	}
	if _, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusResolved}); err != nil {
		panic(err)
	}
	link, err := desk.SurveyLink(ctx, agent, tk.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println("link valid until", link.ExpiresAt.Format(time.DateOnly))

	// The portal's page, with no login, posts what the customer chose.
	r, err := desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: 5, Comment: "Refunded in a day"})
	if err != nil {
		panic(err)
	}
	fmt.Println("rated", r.Score, "for", r.AgentID)
	_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token, Score: 1})
	fmt.Println("second click already rated:", errors.Is(err, ticketkit.ErrAlreadyRated))
	_, err = desk.Rate(ctx, ticketkit.RateParams{Token: link.Token + "x", Score: 1})
	fmt.Println("tampered link refused:", errors.Is(err, ticketkit.ErrSurveyToken))

	rep, err := desk.SatisfactionReport(ctx, agent, ticketkit.ReportParams{GroupBy: storage.GroupByAgent})
	if err != nil {
		panic(err)
	}
	for _, g := range rep.Groups {
		fmt.Printf("%s: %d rating(s), average %.1f, CSAT %.0f%%\n", g.Key, g.Ratings, g.Average, g.CSAT)
	}
	// Output:
	// link valid until 2026-05-18
	// rated 5 for agent-7
	// second click already rated: true
	// tampered link refused: true
	// agent-7: 1 rating(s), average 5.0, CSAT 100%
}
