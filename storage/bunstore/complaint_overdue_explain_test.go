package bunstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestComplaintClaimOverdueExplain checks that the overdue sweep's claim
// (ComplaintClaimOverdue) reads the complaints through the partial index
// on next_action_due_at, not every complaint: among 3000 complaints
// without a due action and 300 with one, the plan of the exact SQL the
// store runs holds the index and, on PostgreSQL with enable_seqscan off
// as in TestTicketListExplain, no sequential scan; on SQLite the
// complaints are searched, never scanned, and not sorted.
func TestComplaintClaimOverdueExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range explainBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			explainComplaints(t, st, 3000)
			due := time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC)
			err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				for i := range 300 {
					tk := &ticket.Ticket{
						ID: ids.New(), TenantID: fmt.Sprintf("tenant-%d", i%4), Number: fmt.Sprintf("CD-%06d", i),
						Subject: "Due", Status: ticket.StatusPlanned, Priority: "normal", Category: "defect",
						Channel: ticket.ChannelEmail, CreatedAt: due, UpdatedAt: due,
						Actions: []ticket.Action{{ID: ids.New(), Title: "Block", DueAt: due.Add(time.Duration(i) * time.Hour)}},
					}
					if err := tx.TicketCreate(ctx, tk); err != nil {
						return err
					}
					c := &ticket.Complaint{Ticket: *tk, Details: ticket.ComplaintDetails{IssuedAt: due, RemedySought: ticket.RemedyCreditNote}}
					if err := tx.(storage.ComplaintStore).ComplaintCreate(ctx, c); err != nil {
						return err
					}
				}
				return nil
			})
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)

			var claimed []*storage.OverdueComplaint
			query := complaintSelect(t, rec, func() {
				require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					var err error
					claimed, err = tx.(storage.ComplaintOverdueStore).ComplaintClaimOverdue(ctx,
						storage.ComplaintClaimOverdueParams{Now: due.Add(150 * time.Hour), Limit: 100})
					return err
				}))
			})
			require.Len(t, claimed, 100, "the first batch of the 151 due")
			if b.Name == "postgres" {
				require.Contains(t, query, "FOR UPDATE OF c SKIP LOCKED")
				plan := explainPostgres(t, db, query)
				require.NotContains(t, plan, "Seq Scan", "query: %s", query)
				require.Contains(t, plan, "complaints_action_due_idx", "query: %s", query)
				t.Logf("%s\n%s", query, plan)
				return
			}
			plan := explainSQLite(t, db, query)
			require.Contains(t, plan, "USING INDEX ticketkit_complaints_action_due_idx", "query: %s\nplan:\n%s", query, plan)
			require.NotContains(t, plan, "TEMP B-TREE", "no sort; query: %s\nplan:\n%s", query, plan)
			for line := range strings.SplitSeq(plan, "\n") {
				if m := sqliteTable.FindStringSubmatch(line); m != nil && m[2] == "c" {
					require.Equal(t, "SEARCH", m[1], "the complaints may not be scanned; query: %s\nplan:\n%s", query, plan)
				}
			}
			t.Logf("%s\n%s", query, plan)
		})
	}
}
