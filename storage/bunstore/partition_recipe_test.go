package bunstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

// TestPartitionRecipe applies the PostgreSQL partitioning recipe
// (recipes/pg_partitioning.sql) to each migrated schema, with rows in it,
// and runs the conformance groups of the outbox and the history on the
// partitioned tables.
func TestPartitionRecipe(t *testing.T) {
	t.Parallel()
	recipe, err := os.ReadFile("recipes/pg_partitioning.sql")
	require.NoError(t, err)
	storagetest.RunGroups(t, func(t *testing.T) storage.Store {
		db := dbtest.Postgres(t)
		st := newStore(t, db, bunstore.Config{})
		ctx := context.Background()
		// A row in each table before the recipe, to be copied over.
		_, err := db.ExecContext(ctx, `INSERT INTO ticketkit_outbox (id, tenant_id, kind, payload, created_at, next_attempt_at, delivered_at)
			VALUES ('00000000-0000-7000-8000-000000000001', 'old', 'ticket.opened', '\x7b7d', now(), now(), now())`)
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, strings.ReplaceAll(string(recipe), "{{.Prefix}}", st.TablePrefix()))
		require.NoError(t, err)
		var parts int
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM pg_inherits AS i JOIN pg_class AS p ON p.oid = i.inhparent
			WHERE p.relname IN ('ticketkit_outbox', 'ticketkit_events') AND p.relnamespace = current_schema()::regnamespace`).Scan(ctx, &parts))
		require.Equal(t, 10, parts, "four months and a default partition each")
		var copied int
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM ticketkit_outbox_default`).Scan(ctx, &copied))
		require.Equal(t, 1, copied, "the old row was copied into the default partition")
		_, err = db.ExecContext(ctx, `DELETE FROM ticketkit_outbox WHERE tenant_id = 'old'`)
		require.NoError(t, err)
		// An entry of now lands in this month's partition, not the default.
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{{ID: ids.New(), TenantID: "probe", Kind: "k", Payload: []byte("{}"), CreatedAt: time.Now()}}))
		var inDefault, inMonth int
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM ticketkit_outbox_default`).Scan(ctx, &inDefault))
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM ticketkit_outbox WHERE tenant_id = 'probe'`).Scan(ctx, &inMonth))
		require.Equal(t, []int{0, 1}, []int{inDefault, inMonth})
		_, err = db.ExecContext(ctx, `DELETE FROM ticketkit_outbox WHERE tenant_id = 'probe'`)
		require.NoError(t, err)
		return st
	}, features, "Event", "Outbox", "Tx", "Change", "OutboxStats", "Pruner", "CustomerEraser", "TicketPurger")
}
