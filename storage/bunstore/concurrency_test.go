package bunstore_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// long runs the concurrency tests at full size: go test -long.
var long = flag.Bool("long", false, "run the concurrency tests at full size (16 goroutines × 2000 tickets)")

// TestConcurrentOpenTicketNumbersAreGapFree is not parallel with the
// other tests: it is CPU-bound under -race and would starve them.
//
// 16 workers open 50 tickets each (-long: 2000). They contend for the
// counter row from their first ticket on, whatever the count: SQLite runs
// one write transaction at a time (BEGIN IMMEDIATE takes the database's
// write lock), PostgreSQL and MySQL queue them on the row lock, so more
// tickets repeat the same interleavings rather than add new ones. At 16 ×
// 200 on PostgreSQL and MySQL (SQLite had gone to 16 × 50 before: 9
// minutes of CI under -race) the test took 100 s of the package's serial
// phase, every other test waiting. A SequenceNext that reads the counter
// and then writes it back plus one fails it at 16 × 50 on PostgreSQL and
// MySQL, from the first numbers on (on SQLite the write lock taken at
// BEGIN serializes the two statements anyway).
func TestConcurrentOpenTicketNumbersAreGapFree(t *testing.T) {
	workers, perWorker := 16, 50
	if *long {
		perWorker = 2000
	}
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			db.SetMaxOpenConns(workers)
			st := newStore(t, db, bunstore.Config{})

			numbers := make([][]int64, workers)
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for range perWorker {
						n, err := openTicket(ctx, st, "acme", "TK-2026")
						if err != nil {
							errs[w] = fmt.Errorf("worker %d: %w", w, err)
							return
						}
						numbers[w] = append(numbers[w], n)
					}
				})
			}
			wg.Wait()
			require.NoError(t, errors.Join(errs...))

			var all []int64
			for _, ns := range numbers {
				all = append(all, ns...)
			}
			total := workers * perWorker
			requireGapFree(t, all, total)
			require.Equal(t, int64(total), count(t, db, "ticketkit_tickets"))
			require.Equal(t, int64(total), count(t, db, "ticketkit_events"))
			require.Equal(t, int64(total), count(t, db, "ticketkit_outbox"))
		})
	}
}

func TestConcurrentUpdatesOfOneVersionOneWins(t *testing.T) {
	t.Parallel()
	const workers = 8
	for _, b := range migratedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.Open(t)
			db.SetMaxOpenConns(workers)
			st := newStore(t, db, bunstore.Config{})
			tk := sampleTicket("acme", "TK-1", "Contended")
			require.NoError(t, st.TicketCreate(ctx, tk))

			errs := make([]error, workers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for w := range workers {
				c := tk.Clone() // every worker read version 1
				c.Subject = fmt.Sprintf("Written by %d", w)
				wg.Go(func() {
					<-start
					errs[w] = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
						return tx.TicketUpdate(ctx, c)
					})
				})
			}
			close(start)
			wg.Wait()

			winner := -1
			for w, err := range errs {
				if err == nil {
					require.Equal(t, -1, winner, "two updates of version 1 won")
					winner = w
					continue
				}
				require.ErrorIs(t, err, storage.ErrConflict, "worker %d", w)
			}
			require.NotEqual(t, -1, winner, "no update won")
			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, int64(2), got.Version)
			require.Equal(t, fmt.Sprintf("Written by %d", winner), got.Subject)
		})
	}
}
