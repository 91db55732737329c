package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// copyMismatches returns the IDs of the complaints whose copies of their
// ticket's status, priority, customer, subject and reason differ from
// the ticket row.
func copyMismatches(t testing.TB, db bun.IDB) []string {
	t.Helper()
	not, distinct := "", "IS DISTINCT FROM"
	switch dialectOf(db) {
	case bunstore.DialectSQLite:
		distinct = "IS NOT"
	case bunstore.DialectMySQL:
		not, distinct = "NOT ", "<=>"
	}
	var ids []string
	require.NoError(t, db.NewRaw(`SELECT c.ticket_id FROM ticketkit_complaints AS c
		JOIN ticketkit_tickets AS t ON t.id = c.ticket_id AND t.tenant_id = c.tenant_id
		WHERE `+not+`(c.status, c.priority, c.customer_id, c.subject_lower, c.reason) `+distinct+`
			(t.status, t.priority, t.customer_id, t.subject_lower, t.reason)
		ORDER BY c.ticket_id`).Scan(context.Background(), &ids))
	return ids
}

// copyComplaint returns a complaint of tenant acme for the copy tests.
func copyComplaint(number, subject, customer string) *ticket.Complaint {
	tk := sampleTicket("acme", number, subject)
	tk.Customer.ID, tk.Reason = customer, "CR01"
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	return &ticket.Complaint{Ticket: *tk, Details: ticket.ComplaintDetails{IssuedAt: at, RemedySought: ticket.RemedyCreditNote}}
}

// createComplaints stores cs, ticket and section, in one transaction.
func createComplaints(t testing.TB, st *bunstore.Store, cs ...*ticket.Complaint) {
	t.Helper()
	require.NoError(t, st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for _, c := range cs {
			if err := tx.TicketCreate(ctx, &c.Ticket); err != nil {
				return err
			}
			if err := tx.(storage.ComplaintStore).ComplaintCreate(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestComplaintCopiesFollowTheTicket checks what the conformance suite
// cannot see of the copies of ticket values on the complaints table
// (migration complaint_ticket_copy): the migration fills them for the
// complaints stored before it, and its triggers keep them equal to the
// ticket row when a host writes the ticket in its own transaction or
// with its own SQL, or writes the copy itself.
func TestComplaintCopiesFollowTheTicket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()

			t.Run("MigrationFillsExistingComplaints", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				m, _ := firstMigrations(t, db, "complaint_ticket_copy")
				_, err := m.Migrate(ctx)
				require.NoError(t, err)
				old, err := bunstore.New(db, bunstore.Config{})
				require.NoError(t, err)
				a, c := copyComplaint("CC-1", "Kettle LEAKS", "cust-a"), copyComplaint("CC-2", "Toaster", "cust-b")
				createComplaints(t, old, a, c)
				_, err = db.NewRaw("UPDATE ticketkit_tickets SET status = 'closed', reason = 'CR03' WHERE id = ?", c.ID).Exec(ctx)
				require.NoError(t, err)

				st := newStore(t, db, bunstore.Config{})
				require.Empty(t, copyMismatches(t, db))
				for id, f := range map[string]storage.ComplaintFilter{
					a.ID: {CustomerID: "cust-a", Text: "kettle leaks", Statuses: []string{"open"}},
					c.ID: {Statuses: []string{"closed"}, Reasons: []string{"CR03"}, Priorities: []string{"normal"}},
				} {
					f.TenantID = "acme"
					res, err := st.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
					require.NoError(t, err)
					require.Len(t, res.Complaints, 1, "%+v", f)
					require.Equal(t, id, res.Complaints[0].ID)
				}
			})

			t.Run("HostTransactionAndHostSQL", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				st := newStore(t, db, bunstore.Config{})
				c := copyComplaint("CC-1", "Kettle", "cust-a")
				createComplaints(t, st, c)
				list := func(idb bun.IDB, f storage.ComplaintFilter) []string {
					t.Helper()
					s, err := bunstore.New(idb, bunstore.Config{})
					require.NoError(t, err)
					f.TenantID = "acme"
					res, err := s.ComplaintList(ctx, storage.ComplaintListParams{ComplaintFilter: f})
					require.NoError(t, err)
					out := []string{}
					for _, c := range res.Complaints {
						out = append(out, c.ID)
					}
					return out
				}

				// The store over the host's transaction.
				require.NoError(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					hs, err := bunstore.New(tx, bunstore.Config{})
					require.NoError(t, err)
					tk, err := hs.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: c.ID})
					require.NoError(t, err)
					tk.Status, tk.Customer.ID = "pending", "cust-host"
					require.NoError(t, hs.TicketUpdate(ctx, tk))
					require.Equal(t, []string{c.ID}, list(tx, storage.ComplaintFilter{Statuses: []string{"pending"}, CustomerID: "cust-host"}))
					return nil
				}))
				require.Equal(t, []string{c.ID}, list(db, storage.ComplaintFilter{Statuses: []string{"pending"}, CustomerID: "cust-host"}))
				require.Empty(t, list(db, storage.ComplaintFilter{CustomerID: "cust-a"}))

				// The host's own SQL, committed and rolled back.
				_, err := db.NewRaw("UPDATE ticketkit_tickets SET subject_lower = 'kettle by sql', priority = 'high' WHERE id = ?", c.ID).Exec(ctx)
				require.NoError(t, err)
				require.Equal(t, []string{c.ID}, list(db, storage.ComplaintFilter{Text: "BY SQL", Priorities: []string{"high"}}))
				tx, err := db.BeginTx(ctx, nil)
				require.NoError(t, err)
				_, err = tx.NewRaw("UPDATE ticketkit_tickets SET status = 'rolled-back' WHERE id = ?", c.ID).Exec(ctx)
				require.NoError(t, err)
				require.NoError(t, tx.Rollback())
				require.Equal(t, []string{c.ID}, list(db, storage.ComplaintFilter{Statuses: []string{"pending"}}))

				if dialectOf(db) == bunstore.DialectPostgres {
					// A session whose search path does not hold the store's
					// schema: the trigger still finds its tables.
					var schema string
					require.NoError(t, db.NewRaw("SELECT current_schema()").Scan(ctx, &schema))
					require.NoError(t, db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
						if _, err := tx.ExecContext(ctx, "SET LOCAL search_path = pg_catalog"); err != nil {
							return err
						}
						_, err := tx.NewRaw("UPDATE ?.ticketkit_tickets SET customer_id = 'cust-elsewhere' WHERE id = ?", bun.Ident(schema), c.ID).Exec(ctx)
						return err
					}))
					require.Equal(t, []string{c.ID}, list(db, storage.ComplaintFilter{CustomerID: "cust-elsewhere"}))
				}

				// A complaint row whose ticket is not there (a host's
				// load in another order) is stored as given.
				_, err = db.NewRaw(`INSERT INTO ticketkit_complaints (ticket_id, tenant_id, issued_at, details, status)
					VALUES ('orphan', 'acme', ?, '{}', 'given')`, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)).Exec(ctx)
				require.NoError(t, err)
				var status string
				require.NoError(t, db.NewRaw("SELECT status FROM ticketkit_complaints WHERE ticket_id = 'orphan'").Scan(ctx, &status))
				require.Equal(t, "given", status)

				// A write of the copy itself keeps the ticket's value.
				_, err = db.NewRaw("UPDATE ticketkit_complaints SET status = 'forged', customer_id = 'cust-forged' WHERE ticket_id = ?", c.ID).Exec(ctx)
				require.NoError(t, err)
				require.Empty(t, list(db, storage.ComplaintFilter{Statuses: []string{"forged"}}))
				require.Empty(t, list(db, storage.ComplaintFilter{CustomerID: "cust-forged"}))
				require.Empty(t, copyMismatches(t, db))
			})
		})
	}
}
