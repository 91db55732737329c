package bunstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

// TestPartitionRecipe applies the PostgreSQL partitioning recipe
// (recipes/pg_partitioning.sql) to a migrated schema, with rows in it,
// and runs the conformance groups of the outbox and the history on the
// partitioned tables. Migrating and partitioning a schema takes seconds:
// a schema is prepared once (the recipe applied over a row it must copy)
// and recycled, emptied, for the next subtest (dbtest.PostgresMigratedVariant);
// each subtest checks the partitions and where a new entry lands.
func TestPartitionRecipe(t *testing.T) {
	t.Parallel()
	recipe, err := os.ReadFile("recipes/pg_partitioning.sql")
	require.NoError(t, err)
	partition := func(ctx context.Context, db *bun.DB) error {
		// A row in each table before the recipe, to be copied over.
		if _, err := db.ExecContext(ctx, `INSERT INTO ticketkit_outbox (id, tenant_id, kind, payload, created_at, next_attempt_at, delivered_at)
			VALUES ('00000000-0000-7000-8000-000000000001', 'old', 'ticket.opened', '\x7b7d', now(), now(), now())`); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, strings.ReplaceAll(string(recipe), "{{.Prefix}}", "ticketkit_")); err != nil {
			return err
		}
		var copied int
		if err := db.NewRaw(`SELECT count(*) FROM ticketkit_outbox_default WHERE tenant_id = 'old'`).Scan(ctx, &copied); err != nil {
			return err
		}
		if copied != 1 {
			return fmt.Errorf("the old row was not copied into the default partition: %d rows", copied)
		}
		_, err := db.ExecContext(ctx, `DELETE FROM ticketkit_outbox WHERE tenant_id = 'old'`)
		return err
	}
	storagetest.RunGroups(t, func(t *testing.T) storage.Store {
		db := dbtest.PostgresMigratedVariant(t, "pg_partitioning", partition)
		st := newStore(t, db, bunstore.Config{}) // migrated already: Migrate finds nothing to do
		ctx := context.Background()
		var parts int
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM pg_inherits AS i JOIN pg_class AS p ON p.oid = i.inhparent
			WHERE p.relname IN ('ticketkit_outbox', 'ticketkit_events') AND p.relnamespace = current_schema()::regnamespace`).Scan(ctx, &parts))
		require.Equal(t, 10, parts, "four months and a default partition each")
		// An entry of now lands in this month's partition, not the default.
		require.NoError(t, st.OutboxCreate(ctx, []*storage.OutboxEntry{{ID: ids.New(), TenantID: "probe", Kind: "k", Payload: []byte("{}"), CreatedAt: time.Now()}}))
		var inDefault, inMonth int
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM ticketkit_outbox_default`).Scan(ctx, &inDefault))
		require.NoError(t, db.NewRaw(`SELECT count(*) FROM ticketkit_outbox WHERE tenant_id = 'probe'`).Scan(ctx, &inMonth))
		require.Equal(t, []int{0, 1}, []int{inDefault, inMonth})
		_, err := db.ExecContext(ctx, `DELETE FROM ticketkit_outbox WHERE tenant_id = 'probe'`)
		require.NoError(t, err)
		return st
	}, features, "Event", "Outbox", "Tx", "Change", "OutboxStats", "Pruner", "CustomerEraser", "TicketPurger")
}
