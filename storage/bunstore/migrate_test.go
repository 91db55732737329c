package bunstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// baseTables are the tables of the migrations, without prefix.
var baseTables = []string{
	"attachment_refs", "complaints", "counters", "erasures", "events", "idempotency", "inbound", "links", "messages",
	"migration_locks", "migrations", "outbox", "presence", "tenant_configs", "ticket_refs", "ticket_sla", "ticket_tags", "tickets",
	"ratings", "time_entries", "watchers",
}

// sqliteSearchTables are the tables of SQLite's FTS5 subject and full-text search:
// the virtual table and its shadow tables, without prefix.
var sqliteSearchTables = []string{"tickets_fts", "tickets_fts_config", "tickets_fts_data", "tickets_fts_idx",
	"tickets_grams_fts", "tickets_grams_fts_config", "tickets_grams_fts_data", "tickets_grams_fts_docsize", "tickets_grams_fts_idx",
	// the full-text indexes of TicketFilter.Query (20261203000801)
	"tickets_words_fts", "tickets_words_fts_config", "tickets_words_fts_data", "tickets_words_fts_idx",
	"messages_words_fts", "messages_words_fts_config", "messages_words_fts_data", "messages_words_fts_idx"}

// mysqlSearchTables are the tables of MySQL's subject search, without
// prefix.
var mysqlSearchTables = []string{"ticket_text_grams"}

// prefixed returns the tables of the migrations on db's dialect with
// prefix, sorted.
func prefixed(db bun.IDB, prefix string) []string {
	names := slices.Clone(baseTables)
	switch dialectOf(db) {
	case bunstore.DialectSQLite:
		names = append(names, sqliteSearchTables...)
	case bunstore.DialectMySQL:
		names = append(names, mysqlSearchTables...)
	}
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = prefix + name
	}
	slices.Sort(out)
	return out
}

// migrationCount is the number of migration versions bunstore ships.
func migrationCount(t testing.TB, db bun.IDB) int {
	t.Helper()
	ms, err := bunstore.Migrations(dialectOf(db), "ticketkit_")
	require.NoError(t, err)
	return len(ms.Sorted())
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()

			t.Run("CreatesPrefixedTables", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				newStore(t, db, bunstore.Config{})
				require.Equal(t, prefixed(db, "ticketkit_"), tableNames(t, db))
			})

			t.Run("SecondRunIsANoOp", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				st := newStore(t, db, bunstore.Config{})
				before := appliedMigrations(t, db, "ticketkit_")
				require.NotEmpty(t, before)
				require.NoError(t, st.Migrate(ctx))
				require.Equal(t, before, appliedMigrations(t, db, "ticketkit_"))
				require.Equal(t, int64(0), count(t, db, "ticketkit_migration_locks"), "the lock is released")
			})

			t.Run("RerunsAMigrationThatWasNotRecorded", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				all, err := bunstore.Migrations(dialectOf(db), "")
				require.NoError(t, err)
				table, locks, err := bunstore.MigrationTables("")
				require.NoError(t, err)
				// Each migration in turn runs, loses its bookkeeping row (as
				// if the process died between the two) and runs again on
				// top of the migrations before it.
				upTo := migrate.NewMigrations()
				for i, mig := range all.Sorted() {
					upTo.Add(mig)
					m := migrate.NewMigrator(db, upTo, migrate.WithTableName(table), migrate.WithLocksTableName(locks), migrate.WithMarkAppliedOnSuccess(true))
					require.NoError(t, m.Init(ctx))
					_, err := m.Migrate(ctx)
					require.NoError(t, err, mig.Name)
					if i == 0 {
						st, err := bunstore.New(db, bunstore.Config{})
						require.NoError(t, err)
						require.NoError(t, st.TicketCreate(ctx, sampleTicket("acme", "TK-1", "Kept")))
					}
					res, err := db.NewDelete().TableExpr(table).Where("name = ?", mig.Name).Exec(ctx)
					require.NoError(t, err)
					n, err := res.RowsAffected()
					require.NoError(t, err)
					require.Equal(t, int64(1), n, "bookkeeping row of %s", mig.Name)
					_, err = m.Migrate(ctx)
					require.NoError(t, err, "%s run again", mig.Name)
				}
				st := newStore(t, db, bunstore.Config{})
				require.NoError(t, st.Migrate(ctx))
				require.Len(t, appliedMigrations(t, db, "ticketkit_"), migrationCount(t, db))
				_, err = st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-1"})
				require.NoError(t, err)
			})

			t.Run("ConcurrentRunsApplyOnce", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				const n = 4
				var wg sync.WaitGroup
				errs := make([]error, n)
				for i := range n {
					wg.Go(func() {
						st, err := bunstore.New(db, bunstore.Config{})
						if err == nil {
							err = st.Migrate(ctx)
						}
						errs[i] = err
					})
				}
				wg.Wait()
				for _, err := range errs {
					require.NoError(t, err)
				}
				require.Len(t, appliedMigrations(t, db, "ticketkit_"), migrationCount(t, db))
				require.Equal(t, prefixed(db, "ticketkit_"), tableNames(t, db))
			})

			t.Run("TwoPrefixesSideBySide", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				a := newStore(t, db, bunstore.Config{TablePrefix: "a_"})
				z := newStore(t, db, bunstore.Config{TablePrefix: "zz_"})
				require.Equal(t, append(prefixed(db, "a_"), prefixed(db, "zz_")...), tableNames(t, db))

				// The same ID and number live in both without conflict.
				ta := sampleTicket("acme", "TK-1", "In a")
				tz := sampleTicket("acme", "TK-1", "In zz")
				tz.ID = ta.ID
				require.NoError(t, a.TicketCreate(ctx, ta))
				require.NoError(t, z.TicketCreate(ctx, tz))
				for st, want := range map[*bunstore.Store]string{a: "In a", z: "In zz"} {
					got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: ta.ID})
					require.NoError(t, err)
					require.Equal(t, want, got.Subject)
					n, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: "acme", Scope: "TK"})
					require.NoError(t, err)
					require.Equal(t, int64(1), n, "each prefix has its own counters")
				}
			})

			t.Run("LongestPrefix", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				prefix := "p23456789012345678901234567890_" // 31 characters
				st := newStore(t, db, bunstore.Config{TablePrefix: prefix})
				require.Contains(t, tableNames(t, db), prefix+"migration_locks")
				require.NoError(t, st.TicketCreate(ctx, sampleTicket("acme", "TK-1", "Long")))
			})

			t.Run("FoldsIntoAHostMigrator", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				ms, err := bunstore.Migrations(dialectOf(db), "desk_")
				require.NoError(t, err)
				m := migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))
				require.NoError(t, m.Init(ctx))
				group, err := m.Migrate(ctx)
				require.NoError(t, err)
				require.Len(t, group.Migrations, migrationCount(t, db))
				require.Equal(t, "20260601000001_desk", group.Migrations[0].Name)
				require.Equal(t, "init", group.Migrations[0].Comment)
				require.Contains(t, tableNames(t, db), "desk_tickets")

				st, err := bunstore.New(db, bunstore.Config{TablePrefix: "desk_"})
				require.NoError(t, err)
				require.NoError(t, st.TicketCreate(ctx, sampleTicket("acme", "TK-1", "Host migrated")))

				_, err = m.Rollback(ctx)
				require.NoError(t, err)
				require.Equal(t, []string{"bun_migration_locks", "bun_migrations"}, tableNames(t, db))
			})

			t.Run("NeedsABunDB", func(t *testing.T) {
				t.Parallel()
				db := b.Open(t)
				tx, err := db.BeginTx(ctx, nil)
				require.NoError(t, err)
				defer tx.Rollback()
				st, err := bunstore.New(tx, bunstore.Config{})
				require.NoError(t, err)
				require.ErrorContains(t, st.Migrate(ctx), "Migrations")
			})
		})
	}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	pg, err := bunstore.Migrations(bunstore.DialectPostgres, "")
	require.NoError(t, err)
	lite, err := bunstore.Migrations(bunstore.DialectSQLite, "")
	require.NoError(t, err)
	names := func(ms *migrate.Migrations) (out []string) {
		for _, m := range ms.Sorted() {
			out = append(out, m.String())
			require.NotNil(t, m.Up, m.Name)
			require.NotNil(t, m.Down, m.Name)
		}
		return out
	}
	my, err := bunstore.Migrations(bunstore.DialectMySQL, "")
	require.NoError(t, err)
	require.NotEmpty(t, names(pg))
	require.Equal(t, names(pg), names(lite))
	require.Equal(t, names(pg), names(my))

	_, err = bunstore.Migrations("oracle", "")
	require.ErrorContains(t, err, "oracle")
	_, err = bunstore.Migrations(bunstore.DialectSQLite, "Bad")
	require.ErrorContains(t, err, "table prefix")
}

// appliedMigrations returns the names of the migrations recorded in the
// migrations table of prefix.
func appliedMigrations(t testing.TB, db *bun.DB, prefix string) []string {
	t.Helper()
	var names []string
	require.NoError(t, db.NewSelect().TableExpr("?", bun.Ident(prefix+"migrations")).
		Column("name").Order("id").Scan(context.Background(), &names))
	return names
}
