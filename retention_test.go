package ticketkit_test

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
)

func TestDesk_RunRetention(t *testing.T) {
	t.Parallel()
	retain := func(r ticketkit.RetentionConfig) func(*ticketkit.Config) {
		return func(c *ticketkit.Config) { c.Retention = r }
	}
	// pendingIDs returns the IDs of the outbox entries still pending.
	pendingIDs := func(t *testing.T, st storage.Store) []string {
		t.Helper()
		es, err := st.OutboxClaim(t.Context(), storage.OutboxClaimParams{Now: t0.Add(1000 * time.Hour), LockFor: time.Minute, Limit: storage.MaxLimit})
		require.NoError(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}

	// DeletesDeliveredEntriesPastTheirAgeOnly: entries delivered at t0
	// are kept until OutboxAfter has passed; an entry whose delivery
	// failed stays pending, however old.
	t.Run("DeletesDeliveredEntriesPastTheirAgeOnly", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{OutboxAfter: 24 * time.Hour, BatchSize: 2}),
				func(c *ticketkit.Config) {
					rec := c.Notifier
					c.Notifier = notify.NotifierFunc(func(ctx context.Context, e notify.Event) error {
						if e.Ticket != nil && strings.Contains(e.Ticket.Subject, "fail") {
							return errors.New("endpoint down")
						}
						return rec.Notify(ctx, e)
					})
				})
			ctx := t.Context()
			for range 3 {
				mustOpen(t, desk, agent, ticketkit.OpenParams{})
			}
			mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "fail me"})
			delivered := bundle.rec.Len()
			require.Positive(t, delivered)

			bundle.clock.Advance(24*time.Hour - time.Second)
			res, err := desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.RetentionResult{}, res, "nothing is a day old yet")

			bundle.clock.Advance(2 * time.Second)
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.RetentionResult{Outbox: delivered}, res)
			res, err = desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Zero(t, res.Outbox, "a second pass finds nothing")
			require.Len(t, pendingIDs(t, bundle.store), 1, "the undelivered entry stays")
		})
	})

	// MaxBatchesBoundsAPass: a pass stops after MaxBatches batches and
	// says there is more; the next pass goes on.
	t.Run("MaxBatchesBoundsAPass", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{OutboxAfter: time.Hour, BatchSize: 1, MaxBatches: 2}))
			for range 3 {
				mustOpen(t, desk, agent, ticketkit.OpenParams{})
			}
			delivered := bundle.rec.Len()
			require.Greater(t, delivered, 2)
			bundle.clock.Advance(2 * time.Hour)
			total := 0
			for pass := 0; ; pass++ {
				res, err := desk.RunRetention(t.Context())
				require.NoError(t, err)
				require.LessOrEqual(t, res.Outbox, 2)
				total += res.Outbox
				if !res.More {
					break
				}
				require.Less(t, pass, delivered, "passes end")
			}
			require.Equal(t, delivered, total)
		})
	})

	// DeletesInboundRecordsPastTheirAge: mail dedupe records older than
	// InboundAfter go, newer ones stay.
	t.Run("DeletesInboundRecordsPastTheirAge", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{InboundAfter: 7 * 24 * time.Hour}))
			in := bundle.store.(storage.InboundStore)
			ctx := t.Context()
			for i, age := range []time.Duration{8 * 24 * time.Hour, 6 * 24 * time.Hour} {
				require.NoError(t, in.InboundRecord(ctx, storage.InboundRecordParams{
					TenantID: agent.TenantID, Key: []string{"old@mail", "new@mail"}[i], At: t0.Add(-age),
				}))
			}
			res, err := desk.RunRetention(ctx)
			require.NoError(t, err)
			require.Equal(t, ticketkit.RetentionResult{Inbound: 1}, res)
			_, err = in.InboundGet(ctx, storage.InboundGetParams{TenantID: agent.TenantID, Key: "old@mail"})
			require.ErrorIs(t, err, storage.ErrNotFound)
			_, err = in.InboundGet(ctx, storage.InboundGetParams{TenantID: agent.TenantID, Key: "new@mail"})
			require.NoError(t, err)
		})
	})

	// ConcurrentPassesDeleteEachEntryOnce: passes racing from several
	// goroutines (several processes do alike) delete every old entry,
	// none twice, and none fails.
	t.Run("ConcurrentPassesDeleteEachEntryOnce", func(t *testing.T) {
		t.Parallel()
		onEveryBackend(t, func(t *testing.T, b backend) {
			desk, bundle := setupDesk(t, b, retain(ticketkit.RetentionConfig{OutboxAfter: time.Hour, BatchSize: 3}))
			for range 20 {
				mustOpen(t, desk, agent, ticketkit.OpenParams{})
			}
			delivered := bundle.rec.Len()
			bundle.clock.Advance(2 * time.Hour)
			var mu sync.Mutex
			total := 0
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					res, err := desk.RunRetention(t.Context())
					if !assertNoError(t, err) {
						return
					}
					mu.Lock()
					total += res.Outbox
					mu.Unlock()
				})
			}
			wg.Wait()
			require.Equal(t, delivered, total)
		})
	})

	t.Run("DisabledDoesNothing", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupDesk(t, memoryBackend())
		mustOpen(t, desk, agent, ticketkit.OpenParams{})
		bundle.clock.Advance(10000 * time.Hour)
		res, err := desk.RunRetention(t.Context())
		require.NoError(t, err)
		require.Equal(t, ticketkit.RetentionResult{}, res)
	})

	t.Run("AStoreWithoutPrunerIsUnsupported", func(t *testing.T) {
		t.Parallel()
		desk, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memoryBackend().Open(t)},
			Retention: ticketkit.RetentionConfig{OutboxAfter: time.Hour}})
		require.NoError(t, err)
		_, err = desk.RunRetention(t.Context())
		require.ErrorIs(t, err, ticketkit.ErrRetentionUnsupported)
		require.ErrorIs(t, err, storage.ErrUnsupported)
	})

	t.Run("RejectsBadConfigNamingEveryField", func(t *testing.T) {
		t.Parallel()
		_, err := ticketkit.New(ticketkit.Config{Store: memoryBackend().Open(t), Retention: ticketkit.RetentionConfig{
			OutboxAfter: -1, InboundAfter: -1, BatchSize: storage.MaxPruneLimit + 1, MaxBatches: -1,
		}})
		require.Error(t, err)
		for _, f := range []string{"Retention.OutboxAfter", "Retention.InboundAfter", "Retention.BatchSize", "Retention.MaxBatches"} {
			require.ErrorContains(t, err, f)
		}
	})

	// TheEscalationWorkerRunsRetention: a worker with a
	// RetentionInterval prunes, on a desk with no SLA at all.
	t.Run("TheEscalationWorkerRunsRetention", func(t *testing.T) {
		t.Parallel()
		desk, bundle := setupDesk(t, memoryBackend(), retain(ticketkit.RetentionConfig{OutboxAfter: time.Hour}))
		mustOpen(t, desk, agent, ticketkit.OpenParams{Subject: "x"})
		_, err := ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: desk})
		require.Error(t, err, "no SLA and no retention interval: nothing to do")
		// A Desk without Config.Retention on a store where tenants set
		// no period of their own has nothing to retain; on one where they
		// may (TenantConfig.Retention), the worker runs their passes.
		plain, err := ticketkit.New(ticketkit.Config{Store: struct{ storage.Store }{memoryBackend().Open(t)}})
		require.NoError(t, err)
		_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: plain, RetentionInterval: time.Hour})
		require.ErrorContains(t, err, "RetentionInterval needs")
		tenanted, _ := setupDesk(t, memoryBackend())
		_, err = ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: tenanted, RetentionInterval: time.Hour})
		require.NoError(t, err, "tenants may set their own closed-ticket period")

		w, err := ticketkit.NewEscalationWorker(ticketkit.EscalationWorkerConfig{Desk: desk, Interval: time.Millisecond, RetentionInterval: time.Minute})
		require.NoError(t, err)
		bundle.clock.Advance(2 * time.Hour)
		// left counts the delivered entries in a transaction rolled back,
		// so that the probe itself deletes nothing.
		left := func() int {
			n, errProbe := 0, errors.New("probe")
			err := bundle.store.RunInTx(t.Context(), func(ctx context.Context, tx storage.Tx) (err error) {
				n, err = tx.(storage.Pruner).OutboxPrune(ctx, storage.PruneParams{Before: t0.Add(1000 * time.Hour), Limit: storage.MaxPruneLimit})
				return cmp.Or(err, errProbe)
			})
			require.ErrorIs(t, err, errProbe)
			return n
		}
		require.Positive(t, left())
		require.NoError(t, w.Start(t.Context()))
		defer func() { require.NoError(t, w.Stop(context.Background())) }()
		require.Eventually(t, func() bool { return left() == 0 }, 5*time.Second, 5*time.Millisecond)
	})
}

// assertNoError reports err to t without stopping a goroutine that is
// not the test's.
func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}
