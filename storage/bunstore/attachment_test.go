package bunstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/uptrace/bun/migrate"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// TestAttachmentRefMigrationCopiesExistingMessages: the keys of messages
// stored before the attachment_refs table existed are references once it
// does, or a reconciler would delete their content.
func TestAttachmentRefMigrationCopiesExistingMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			all, err := bunstore.Migrations(dialectOf(db), "")
			require.NoError(t, err)
			table, locks, err := bunstore.MigrationTables("")
			require.NoError(t, err)
			before := migrate.NewMigrations()
			for _, m := range all.Sorted() {
				if m.Comment != "attachment_refs" {
					before.Add(m)
				}
			}
			m := migrate.NewMigrator(db, before, migrate.WithTableName(table), migrate.WithLocksTableName(locks), migrate.WithMarkAppliedOnSuccess(true))
			require.NoError(t, m.Init(ctx))
			_, err = m.Migrate(ctx)
			require.NoError(t, err)

			st, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			tk := sampleTicket("acme", "TK-1", "Old attachments")
			require.NoError(t, st.TicketCreate(ctx, tk))
			old := &ticket.Message{ID: ids.New(), TenantID: "acme", TicketID: tk.ID, Kind: ticket.MessageCustomer, Body: "photos", CreatedAt: time.Now()}
			bare := &ticket.Message{ID: ids.New(), TenantID: "acme", TicketID: tk.ID, Kind: ticket.MessageCustomer, Body: "none", CreatedAt: time.Now()}
			require.NoError(t, st.MessageCreate(ctx, old)) // no attachments: nothing to write to attachment_refs yet
			require.NoError(t, st.MessageCreate(ctx, bare))
			atts, err := json.Marshal([]ticket.Attachment{{ID: "a1", Name: "a.jpg", Key: "old-key-1"}, {ID: "a2", Name: "b.jpg", Key: "old-key-2"}, {ID: "a3", Name: "c.jpg", Key: "old-key-1"}})
			require.NoError(t, err)
			_, err = db.NewUpdate().Table("ticketkit_messages").Set("attachments = ?", string(atts)).Where("id = ?", old.ID).Exec(ctx)
			require.NoError(t, err)

			require.NoError(t, st.Migrate(ctx))
			got, err := st.AttachmentRefCheck(ctx, storage.AttachmentRefCheckParams{Keys: []string{"old-key-1", "old-key-2", "orphan"}})
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"old-key-1", "old-key-2"}, got)
			require.Equal(t, int64(2), count(t, db, "ticketkit_attachment_refs"))
		})
	}
}

// TestAttachmentRefCheckRefusesTooManyKeys: the keys go into one IN list,
// which SQLite and PostgreSQL bound.
func TestAttachmentRefCheckRefusesTooManyKeys(t *testing.T) {
	t.Parallel()
	st := newStore(t, dbtest.SQLiteMemory(t), bunstore.Config{})
	_, err := st.AttachmentRefCheck(context.Background(), storage.AttachmentRefCheckParams{Keys: make([]string, storage.MaxLimit+1)})
	require.ErrorContains(t, err, "more than 500")
}
