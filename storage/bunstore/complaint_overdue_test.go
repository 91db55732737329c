package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestComplaintOverdueMigrationFindsExistingActions: the complaints
// stored before the overdue columns existed are claimed once their
// earliest open action is due; done actions, posted complaints and
// complaints without due actions are not. A due date with a fraction of
// a second is found on time too (SQLite's backfill rounds it down; the
// sweep's empty mark corrects it).
func TestComplaintOverdueMigrationFindsExistingActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			due := time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC)
			fraction := due.Add(time.Hour + 500*time.Millisecond)
			complaint := func(number string, posted bool, actions ...ticket.Action) *ticket.Complaint {
				c := &ticket.Complaint{Ticket: *sampleTicket("acme", number, number), Details: ticket.ComplaintDetails{IssuedAt: due, Posted: posted}}
				c.Actions = actions
				require.NoError(t, st.TicketCreate(ctx, &c.Ticket))
				require.NoError(t, st.ComplaintCreate(ctx, c))
				return c
			}
			open := complaint("CC-1", false,
				ticket.Action{ID: ids.New(), Title: "done", DueAt: due.Add(-time.Hour), Done: true},
				ticket.Action{ID: ids.New(), Title: "open", DueAt: due},
				ticket.Action{ID: ids.New(), Title: "later", DueAt: due.Add(48 * time.Hour)})
			frac := complaint("CC-2", false, ticket.Action{ID: ids.New(), Title: "fraction", DueAt: fraction})
			complaint("CC-3", true, ticket.Action{ID: ids.New(), Title: "posted", DueAt: due})
			complaint("CC-4", false, ticket.Action{ID: ids.New(), Title: "no date"})
			complaint("CC-5", false)

			// Back to the schema before the migration.
			for _, q := range []string{
				"DROP INDEX ticketkit_complaints_action_due_idx" + onComplaints(db),
				"ALTER TABLE ticketkit_complaints DROP COLUMN next_action_due_at",
				"ALTER TABLE ticketkit_complaints DROP COLUMN action_marks",
			} {
				_, err := db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			table, _, err := bunstore.MigrationTables("")
			require.NoError(t, err)
			res, err := db.NewDelete().TableExpr(table).Where("name LIKE ?", "20260603000010%").Exec(ctx)
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.Equal(t, int64(1), n, "the migration was recorded as applied")
			require.NoError(t, st.Migrate(ctx))

			// claim claims at now, marks what is overdue (nothing, for a
			// complaint claimed early) and returns the overdue actions'
			// titles by complaint number.
			claim := func(now time.Time) map[string][]string {
				out := map[string][]string{}
				require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					ov := tx.(storage.ComplaintOverdueStore)
					got, err := ov.ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{Now: now})
					require.NoError(t, err)
					for _, oc := range got {
						actions := oc.Marks.Overdue(oc.Complaint, now)
						for _, a := range actions {
							out[oc.Complaint.Number] = append(out[oc.Complaint.Number], a.Title)
						}
						err := ov.ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{TenantID: "acme", ComplaintID: oc.Complaint.ID, Actions: actions})
						require.NoError(t, err)
					}
					return nil
				}))
				return out
			}
			require.Empty(t, claim(due.Add(-time.Second)))
			require.Equal(t, map[string][]string{open.Number: {"open"}}, claim(due))
			require.Empty(t, claim(fraction.Add(-time.Millisecond)), "claimed early at most, and not announced")
			require.Equal(t, map[string][]string{frac.Number: {"fraction"}}, claim(fraction))
			require.Equal(t, map[string][]string{open.Number: {"later"}}, claim(due.Add(100*time.Hour)))
			require.Empty(t, claim(due.Add(1000*time.Hour)))
		})
	}
}

// onComplaints is what MySQL's DROP INDEX needs after the index name.
func onComplaints(db bun.IDB) string {
	if dialectOf(db) == bunstore.DialectMySQL {
		return " ON ticketkit_complaints"
	}
	return ""
}
