package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestTicketKindMigrationMarksExistingComplaints: the tickets that had a
// complaint section before the kind column existed are complaints once
// it does, and the others plain tickets; the Desk reads only the column
// to tell them apart.
func TestTicketKindMigrationMarksExistingComplaints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			plain := sampleTicket("acme", "TK-1", "plain")
			require.NoError(t, st.TicketCreate(ctx, plain))
			c := &ticket.Complaint{Ticket: *sampleTicket("acme", "TK-2", "complaint"), Details: ticket.ComplaintDetails{IssuedAt: time.Now()}}
			require.NoError(t, st.TicketCreate(ctx, &c.Ticket))
			require.NoError(t, st.ComplaintCreate(ctx, c))

			// Back to the schema before the migration: no kind column, and
			// not the later trigger that reads it (complaint_ticket_copy).
			table, _, err := bunstore.MigrationTables("")
			require.NoError(t, err)
			drop := "DROP TRIGGER ticketkit_tickets_complaint_copy"
			if dialectOf(db) == bunstore.DialectPostgres {
				drop += " ON ticketkit_tickets"
			}
			_, err = db.ExecContext(ctx, drop)
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, "ALTER TABLE ticketkit_tickets DROP COLUMN kind")
			require.NoError(t, err)
			res, err := db.NewDelete().TableExpr(table).Where("name LIKE ? OR name LIKE ?", "20260601000011%", "20260604000001%").Exec(ctx)
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.Equal(t, int64(2), n, "the migrations were recorded as applied")

			require.NoError(t, st.Migrate(ctx))
			for tk, want := range map[*ticket.Ticket]ticket.Kind{plain: ticket.KindTicket, &c.Ticket: ticket.KindComplaint} {
				got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
				require.NoError(t, err)
				require.Equal(t, want, got.Kind, tk.Subject)
			}
		})
	}
}
