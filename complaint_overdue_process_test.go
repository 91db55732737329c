package ticketkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestComplaintOverdueSweepsInTwoProcesses runs escalation sweeps from
// two copies of this test binary at once on one database, over
// complaints with two overdue actions each, and checks that every action
// was announced exactly once: once in the history, once in the outbox,
// and once in the processes' counts.
func TestComplaintOverdueSweepsInTwoProcesses(t *testing.T) {
	n := 150 // several batches of 100, so that the processes interleave
	if testing.Short() {
		n = 60
	}
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := b.Open(t)
			store, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, store.Migrate(ctx))
			od := newOverdueDesk(t, store, func(c *ticketkit.Config) { c.Notifier = nil }) // the outbox keeps every notice
			complaints := make([]*ticket.Complaint, n)
			for i := range complaints {
				complaints[i] = od.plan(t, od.open(t, ""), ticketkit.ComplaintPlanParams{Add: []ticketkit.ActionInput{
					{Title: "Block", Owner: "qa-1", Type: ticket.ActionContainment},
					{Title: "Call", Owner: "qa-2", DueAt: friday16.Add(time.Duration(i) * time.Minute)},
				}})
			}
			overdueNotices(t, store) // drain the plans' notifications

			announced := sweepInTwoProcesses(t, b.Name, db, "overdue")
			require.Equal(t, 2*n, announced, "each overdue action announced by one process, once")
			for _, c := range complaints {
				require.Len(t, od.overdueLines(t, c), 2, "complaint %s", c.Number)
			}
			require.Equal(t, 2*n, overdueNotices(t, store)[string(notify.KindComplaintActionOverdue)])
			od.clock.Set(friday16.Add(30 * 24 * time.Hour))
			require.Zero(t, od.sweep(t), "nothing left to announce")
		})
	}
}

// overdueNotices claims the outbox's entries up to a year after
// friday16 and counts them by kind.
func overdueNotices(t testing.TB, st storage.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for {
		es, err := st.OutboxClaim(context.Background(), storage.OutboxClaimParams{Now: friday16.AddDate(1, 0, 0), LockFor: time.Hour, Limit: storage.MaxLimit})
		require.NoError(t, err)
		if len(es) == 0 {
			return out
		}
		for _, e := range es {
			out[e.Kind]++
		}
	}
}
