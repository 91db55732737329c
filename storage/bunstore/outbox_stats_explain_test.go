package bunstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// TestOutboxStatsExplain checks that OutboxStats reads the partial
// indexes of pending entries and of dead letters, never the delivered
// entries that make up nearly all of an outbox: among 20000 delivered
// entries, 60 pending and 6 dead, the plan of the exact SQL the store
// runs (PostgreSQL's own choice, no planner setting changed) reads the
// outbox through outbox_claim_idx and outbox_dead_idx only, and its
// answer is right.
func TestOutboxStatsExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			const delivered, pending, dead = 20000, 60, 6
			entry := func(i int) *storage.OutboxEntry {
				at := start.Add(time.Duration(i) * time.Second)
				return &storage.OutboxEntry{
					ID: ids.New(), TenantID: fmt.Sprintf("tenant-%d", i%4), TicketID: ids.New(),
					Kind: "ticket.opened", Payload: []byte(`{}`), CreatedAt: at, NextAttemptAt: at,
				}
			}
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				var batch []*storage.OutboxEntry
				for i := range delivered + pending + dead {
					e := entry(i)
					switch {
					case i < delivered:
						e.DeliveredAt = e.CreatedAt.Add(time.Second)
					case i < delivered+dead:
						e.DeadAt = e.CreatedAt.Add(time.Minute)
					}
					batch = append(batch, e)
					if len(batch) == 500 {
						if err := tx.OutboxCreate(ctx, batch); err != nil {
							return err
						}
						batch = nil
					}
				}
				return tx.OutboxCreate(ctx, batch)
			})
			require.NoError(t, err)
			analyze := "ANALYZE"
			if b.Name == "mysql" {
				analyze = "ANALYZE TABLE ticketkit_outbox"
			}
			_, err = db.ExecContext(ctx, analyze)
			require.NoError(t, err)

			rec.mu.Lock()
			rec.on, rec.queries = true, nil
			rec.mu.Unlock()
			stats, err := st.OutboxStats(ctx, storage.OutboxStatsParams{})
			rec.mu.Lock()
			rec.on = false
			queries := rec.queries
			rec.mu.Unlock()
			require.NoError(t, err)
			require.Equal(t, storage.OutboxStats{
				Pending: pending, OldestPending: start.Add((delivered + dead) * time.Second), Dead: dead,
			}, stats)
			require.Len(t, queries, 1, "one statement: %q", queries)
			query := queries[0]

			if b.Name == "postgres" {
				var lines []string
				require.NoError(t, db.NewRaw("EXPLAIN "+query).Scan(ctx, &lines))
				plan := strings.Join(lines, "\n")
				require.NotContains(t, plan, "Seq Scan", "query: %s\nplan:\n%s", query, plan)
				require.Contains(t, plan, "outbox_claim_idx", "query: %s\nplan:\n%s", query, plan)
				require.Contains(t, plan, "outbox_dead_idx", "query: %s\nplan:\n%s", query, plan)
				t.Logf("%s\n%s", query, plan)
				return
			}
			if b.Name == "mysql" {
				// MySQL has no partial indexes: the pending entries are
				// read through outbox_claim_idx, which leads with
				// delivered_at and dead_at; the dead letters through an
				// index, never the table's rows.
				keys, rows := explainMySQL(t, db, query)
				require.Contains(t, keys, "ticketkit_outbox:ticketkit_outbox_claim_idx", "query: %s\nplan: %v", query, keys)
				for _, k := range keys {
					if strings.HasPrefix(k, "ticketkit_outbox:") {
						require.NotEqual(t, "ticketkit_outbox:(none)", k, "query: %s\nplan: %v", query, keys)
					}
				}
				t.Logf("%s\n%v, %d rows", query, keys, rows)
				return
			}
			plan := explainSQLite(t, db, query)
			n := 0
			for line := range strings.SplitSeq(plan, "\n") {
				if m := sqliteTable.FindStringSubmatch(line); m != nil && strings.HasSuffix(m[2], "outbox") {
					n++
					require.Regexp(t, `USING (COVERING )?INDEX ticketkit_outbox_(claim|dead)_idx`, line,
						"the outbox may be read through its partial indexes only; query: %s\nplan:\n%s", query, plan)
				}
			}
			require.Equal(t, 3, n, "three reads of the outbox; plan:\n%s", plan)
			t.Logf("%s\n%s", query, plan)
		})
	}
}
