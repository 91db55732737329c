package ticketkit_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/notify/notifytest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// long runs the contention tests at full size: go test -long.
var long = flag.Bool("long", false, "run the contention tests at full size")

// TestVersionlessWritesSurviveContention has 16 goroutines add messages
// to ONE ticket without a version (customer replies and agent notes),
// while a few agents change its subject without a version too. A write
// without a version must not fail because another write won the race:
// every one succeeds, every message is stored and announced once, every
// subject change is in the history, and the ticket's version counts
// every write. -long runs 10 times as many messages.
func TestVersionlessWritesSurviveContention(t *testing.T) {
	const workers, updates = 16, 4
	perWorker := 6
	if *long {
		perWorker = 60
	}
	for _, b := range backends() {
		t.Run(b.Name, func(t *testing.T) {
			rec := notifytest.NewRecorder()
			desk, err := ticketkit.New(ticketkit.Config{Store: b.Open(t), Notifier: rec})
			require.NoError(t, err)
			ctx := context.Background()
			tk, err := desk.Open(ctx, customer, ticketkit.OpenParams{Subject: "Contended"})
			require.NoError(t, err)
			rec.Reset()

			var refused atomic.Int64
			errs := make([]error, workers+updates)
			note := func(i int, err error) {
				if errors.Is(err, ticketkit.ErrConflict) {
					refused.Add(1)
				}
				errs[i] = errors.Join(errs[i], err)
			}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range perWorker {
						p := ticketkit.MessageParams{TicketID: tk.ID, Body: fmt.Sprintf("w%d-%d", w, i)}
						var err error
						if (w+i)%2 == 0 {
							_, err = desk.Reply(ctx, customer, p)
						} else {
							_, err = desk.AddNote(ctx, agent, p)
						}
						note(w, err)
					}
				})
			}
			for u := range updates {
				wg.Go(func() {
					subject := fmt.Sprintf("Contended %d", u)
					_, err := desk.Update(ctx, agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject})
					note(workers+u, err)
				})
			}
			wg.Wait()
			messages := workers * perWorker
			t.Logf("%d of %d version-less writes refused with ErrConflict", refused.Load(), messages+updates)
			require.NoError(t, errors.Join(errs...))

			var stored []*ticket.Message
			for after := ""; ; {
				page, err := desk.Messages(ctx, agent, ticketkit.MessageListParams{TicketID: tk.ID, Limit: 500, After: after})
				require.NoError(t, err)
				stored = append(stored, page.Messages...)
				if after = page.Next; after == "" {
					break
				}
			}
			bodies := map[string]bool{}
			for _, m := range stored {
				bodies[m.Body] = true
			}
			require.Len(t, bodies, messages, "every message stored once")
			require.Len(t, stored, messages)
			require.Len(t, rec.OfKind(notify.KindMessageAdded), messages, "every message announced once")

			history, err := desk.History(ctx, agent, tk.ID)
			require.NoError(t, err)
			subjects := 0
			for _, e := range history {
				if e.Field == ticket.FieldSubject {
					subjects++
				}
			}
			require.Equal(t, updates, subjects, "every subject change in the history")
			got, err := desk.Get(ctx, agent, tk.ID)
			require.NoError(t, err)
			require.Equal(t, tk.Version+int64(messages+updates), got.Version, "every write stored on the ticket")
		})
	}
}

// racingStore makes every ticket update in a transaction lose the race:
// it fails with ErrConflict, as when another writer stored the ticket
// first, and counts the attempts.
type racingStore struct {
	storage.Store
	attempts *atomic.Int64
}

type racingTx struct {
	storage.Tx
	attempts *atomic.Int64
}

func (s racingStore) RunInTx(ctx context.Context, fn func(context.Context, storage.Tx) error) error {
	return s.Store.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error { return fn(ctx, racingTx{tx, s.attempts}) })
}

func (x racingTx) TicketUpdate(context.Context, *ticket.Ticket) error {
	x.attempts.Add(1)
	return fmt.Errorf("another writer won: %w", storage.ErrConflict)
}

// TestVersionlessWriteRetriesUntilItsContextEnds: a write without a
// version that keeps losing the race keeps trying until its context
// ends, and then fails with the context's error, not ErrConflict (which
// is kept for a stale explicit version); a write with a stale explicit
// version fails with ErrConflict at once.
func TestVersionlessWriteRetriesUntilItsContextEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tk := f.open(t, customer, ticketkit.OpenParams{})
	var attempts atomic.Int64
	desk, err := ticketkit.New(ticketkit.Config{Store: racingStore{f.store, &attempts}, Clock: f.clock})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = desk.Reply(ctx, customer, ticketkit.MessageParams{TicketID: tk.ID, Body: "still there?"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, ticketkit.ErrConflict)
	require.Greater(t, attempts.Load(), int64(6), "more tries than the old bound of 5 retries")

	subject := "Stale"
	_, err = f.desk.Update(context.Background(), agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject, Version: tk.Version})
	require.NoError(t, err)
	attempts.Store(0)
	_, err = desk.Update(context.Background(), agent, ticketkit.UpdateParams{TicketID: tk.ID, Subject: &subject, Version: tk.Version})
	require.ErrorIs(t, err, ticketkit.ErrConflict)
	require.Zero(t, attempts.Load(), "a stale explicit version is refused before any write")
}
