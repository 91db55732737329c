package ticketkit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/ticket"
)

// backend is a store the Desk's tests run on.
type backend = dbtest.Store

// backends returns the memory store and the Bun stores on SQLite and
// PostgreSQL.
func backends() []backend { return dbtest.Stores() }

// TestConcurrentOpensNumberGapFree opens tickets from 16 goroutines at
// once through the Desk and checks that the numbers are exactly 1..N.
// The full-size run (16 × 2000, and two OS processes) lives in
// storage/bunstore: go test ./storage/bunstore -long.
func TestConcurrentOpensNumberGapFree(t *testing.T) {
	const workers = 16
	perWorker := 100
	if testing.Short() {
		perWorker = 20
	}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
			require.NoError(t, err)
			ctx := context.Background()
			seen := make([]atomic.Int32, workers*perWorker+1)
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for w := range workers {
				wg.Go(func() {
					for i := range perWorker {
						tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: fmt.Sprintf("w%d-%d", w, i)})
						if err != nil {
							errs <- err
							return
						}
						var seq int
						if _, err := fmt.Sscanf(tk.Number[len(tk.Number)-6:], "%d", &seq); err != nil || seq < 1 || seq >= len(seen) {
							errs <- fmt.Errorf("unexpected number %q", tk.Number)
							return
						}
						seen[seq].Add(1)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			for seq := 1; seq < len(seen); seq++ {
				require.Equal(t, int32(1), seen[seq].Load(), "number %d", seq)
			}
		})
	}
}

// TestConcurrentTransitionsOfOneVersionExactlyOneWins races agents who
// all read the same version of a ticket.
func TestConcurrentTransitionsOfOneVersionExactlyOneWins(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
			require.NoError(t, err)
			ctx := context.Background()
			tk, err := desk.Open(ctx, agent, ticketkit.OpenParams{Subject: "race"})
			require.NoError(t, err)

			targets := []string{ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusEscalated, ticket.StatusResolved}
			var wins, conflicts atomic.Int32
			var winner atomic.Value
			var wg sync.WaitGroup
			for i := range 8 {
				to := targets[i%len(targets)]
				wg.Go(func() {
					_, err := desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: to, Version: tk.Version})
					switch {
					case err == nil:
						wins.Add(1)
						winner.Store(to)
					case errors.Is(err, ticketkit.ErrConflict):
						conflicts.Add(1)
					default:
						t.Errorf("unexpected error: %v", err)
					}
				})
			}
			wg.Wait()
			require.Equal(t, int32(1), wins.Load())
			require.Equal(t, int32(7), conflicts.Load())
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, winner.Load(), got.Status)
			require.Equal(t, tk.Version+1, got.Version)
			history, err := desk.History(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Len(t, history, 2, "created + the one winning status change")
		})
	}
}

// TestDeskScenarioOnEveryBackend plays open, reply, note, transition and
// search on each store, so that the Desk's behaviour does not depend on
// the database.
func TestDeskScenarioOnEveryBackend(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Customers: customerDirectory})
			require.NoError(t, err)
			ctx := context.Background()
			tk, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Kettle 100% dead"})
			require.NoError(t, err)
			_, err = desk.Reply(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "On it"})
			require.NoError(t, err)
			_, err = desk.AddNote(ctx, agent, ticketkit.MessageParams{TicketID: tk.ID, Body: "secret"})
			require.NoError(t, err)
			_, err = desk.Transition(ctx, customer, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "x"})
			require.ErrorIs(t, err, ticketkit.ErrForbidden)
			_, err = desk.Transition(ctx, agent, ticketkit.TransitionParams{TicketID: tk.ID, To: ticket.StatusClosed, Reason: "fixed"})
			require.NoError(t, err)

			mine, err := desk.Messages(ctx, customer, ticketkit.MessageListParams{TicketID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, []ticket.MessageKind{ticket.MessageReply}, kinds(mine.Messages))
			for _, p := range []ticketkit.SearchParams{
				{CustomerEmail: "jane@EXAMPLE.com"},
				{CustomerMobile: "+33612345678"},
				{Text: "100%"},
				{StatusCategories: []ticket.StatusCategory{ticket.CategoryClosed}},
			} {
				res, err := desk.Search(ctx, agent, p)
				require.NoError(t, err)
				require.Equal(t, []string{tk.Number}, numbers(res.Tickets), "%+v", p)
			}
			res, err := desk.Search(ctx, stranger, ticketkit.SearchParams{})
			require.NoError(t, err)
			require.Empty(t, res.Tickets)
			history, err := desk.History(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []string{ticket.FieldCreated, ticket.FieldStatus, ticket.FieldClosureReason}, fieldsOf(history))
		})
	}
}

func fieldsOf(events []*ticket.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Field
	}
	return out
}
