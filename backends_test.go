package ticketkit_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// backend is a store the Desk's tests run on.
type backend = dbtest.Store

// backends returns the memory store and the Bun stores on SQLite and
// PostgreSQL.
func backends() []backend { return dbtest.Stores() }

// memoryBackend is the memory store, for behaviours that do not depend
// on the database.
func memoryBackend() backend { return backends()[0] }

// onEveryBackend runs body on every backend, each in a parallel subtest
// named after it; see dbtest.EachStore for what body may not do.
func onEveryBackend(t *testing.T, body func(t *testing.T, b backend)) {
	t.Helper()
	dbtest.EachStore(t, body)
}

// TestDesk_Concurrency races the Desk's use cases against themselves on
// every backend.
func TestDesk_Concurrency(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T, b backend) *ticketkit.Desk {
		t.Helper()
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t)})
		require.NoError(t, err)
		return desk
	}

	// OpensNumberGapFree opens tickets from 16 goroutines at once
	// through the Desk and checks that the numbers are exactly 1..N.
	// The full-size run (16 × 2000, and two OS processes) lives in
	// storage/bunstore: go test ./storage/bunstore -long.
	t.Run("OpensNumberGapFree", func(t *testing.T) {
		t.Parallel()
		const workers = 16
		perWorker := 100
		if testing.Short() {
			perWorker = 20
		}
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk := setup(t, b)
			ctx := t.Context()
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
	})

	// TransitionsOfOneVersionExactlyOneWins races agents who all read
	// the same version of a ticket.
	t.Run("TransitionsOfOneVersionExactlyOneWins", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk := setup(t, b)
			ctx := t.Context()
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
	})
}

// TestDesk_Scenario plays open, reply, note, transition and search on
// each store, so that the Desk's behaviour does not depend on the
// database.
func TestDesk_Scenario(t *testing.T) {
	t.Parallel()
	onEveryBackend(t, func(t *testing.T, b backend) {
		desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Customers: customerDirectory})
		require.NoError(t, err)
		ctx := t.Context()
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

func fieldsOf(events []*ticket.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Field
	}
	return out
}

// helperStore opens, in the child process of a cross-process test, the
// store of its parent's database: backend's target (dbtest.OpenTarget),
// closed when t ends.
func helperStore(t *testing.T, backend, target string) *bunstore.Store {
	t.Helper()
	db, err := dbtest.OpenTarget(backend, target)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	store, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	return store
}
