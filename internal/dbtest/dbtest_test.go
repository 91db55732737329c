package dbtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.SQLite(t)
	for pragma, want := range map[string]string{
		"foreign_keys": "1",
		"journal_mode": "wal",
		"busy_timeout": "10000",
	} {
		var got string
		require.NoError(t, db.NewRaw("PRAGMA "+pragma).Scan(ctx, &got), pragma)
		require.Equal(t, want, got, pragma)
	}
	file := dbtest.SQLiteFile(t, db)
	require.Equal(t, "test.db", filepath.Base(file))
	_, err := os.Stat(file)
	require.NoError(t, err)
}

func TestSQLiteImmediateTransactions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.SQLite(t)
	_, err := db.ExecContext(ctx, "CREATE TABLE x (n integer)")
	require.NoError(t, err)
	// With _txlock=immediate, BEGIN takes the write lock: a second
	// connection cannot write until the first transaction ends.
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer tx.Rollback()
	other, err := dbtest.OpenSQLite(dbtest.SQLiteFile(t, db))
	require.NoError(t, err)
	defer other.Close()
	conn, err := other.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "PRAGMA busy_timeout = 0")
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "INSERT INTO x VALUES (1)")
	require.ErrorContains(t, err, "locked")
}

func TestSQLiteMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.SQLiteMemory(t)
	// Every query sees the same database: there is one connection.
	_, err := db.ExecContext(ctx, "CREATE TABLE x (n integer)")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO x VALUES (1)")
	require.NoError(t, err)
	var n int
	require.NoError(t, db.NewRaw("SELECT count(*) FROM x").Scan(ctx, &n))
	require.Equal(t, 1, n)

	other := dbtest.SQLiteMemory(t)
	_, err = other.ExecContext(ctx, "SELECT count(*) FROM x")
	require.Error(t, err, "each call has a database of its own")
}

func TestPostgresSchemaPerTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var schemas []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			db := dbtest.Postgres(t)
			var schema string
			require.NoError(t, db.NewRaw("SELECT current_schema()").Scan(ctx, &schema))
			require.True(t, strings.HasPrefix(schema, "tk_"), schema)
			_, err := db.ExecContext(ctx, "CREATE TABLE x (n integer)")
			require.NoError(t, err)
			schemas = append(schemas, schema)
		})
	}
	if len(schemas) < 2 {
		return // failed or skipped above
	}
	require.NotEqual(t, schemas[0], schemas[1])

	admin, err := dbtest.OpenPostgres(os.Getenv(dbtest.PostgresEnv), "")
	require.NoError(t, err)
	defer admin.Close()
	n, err := admin.NewSelect().TableExpr("information_schema.schemata").
		Where("schema_name IN (?, ?)", schemas[0], schemas[1]).Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "schemas are dropped when their test ends")
}

func TestBackends(t *testing.T) {
	var names []string
	for _, b := range dbtest.Backends() {
		names = append(names, b.Name)
		require.NotNil(t, b.Open)
	}
	require.Equal(t, []string{"sqlite", "postgres", "mysql"}, names)
}

// fakeTB records how a helper gave up on a test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) {
	f.failed = fmt.Sprint(args...)
	runtime.Goexit()
}

// TestPostgresUnavailable checks that a missing or unreachable server
// skips the test locally and fails it under CI.
func TestPostgresUnavailable(t *testing.T) {
	tests := []struct {
		name, dsn, ci string
		skip          bool
		message       string
	}{
		{"UnsetLocally", "", "", true, "set " + dbtest.PostgresEnv},
		{"UnsetUnderCI", "", "true", false, "set " + dbtest.PostgresEnv},
		{"UnreachableLocally", "postgres://postgres:secret@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", "", true, "unreachable"},
		{"UnreachableUnderCI", "postgres://postgres:secret@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", "true", false, "unreachable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(dbtest.PostgresEnv, tc.dsn)
			t.Setenv("CI", tc.ci)
			f := &fakeTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				dbtest.Postgres(f)
				f.failed = "Postgres returned"
			}()
			<-done
			got := f.failed
			if tc.skip {
				got = f.skipped
				require.Empty(t, f.failed)
			} else {
				require.Empty(t, f.skipped)
			}
			require.Contains(t, got, tc.message)
			require.NotContains(t, got, "secret", "the password is not shown")
		})
	}
}

func TestMySQLDatabasePerTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var names []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			db := dbtest.MySQL(t)
			var name, charset string
			require.NoError(t, db.NewRaw("SELECT DATABASE(), @@character_set_database").Scan(ctx, &name, &charset))
			require.True(t, strings.HasPrefix(name, "tk_"), name)
			require.Equal(t, "latin1", charset, "created with dbtest.MySQLDatabaseDefaults")
			_, err := db.ExecContext(ctx, "CREATE TABLE x (n integer)")
			require.NoError(t, err)
			names = append(names, name)
		})
	}
	if len(names) < 2 {
		return // failed or skipped above
	}
	require.NotEqual(t, names[0], names[1])
	admin, err := dbtest.OpenMySQL(os.Getenv(dbtest.MySQLEnv), "")
	require.NoError(t, err)
	defer admin.Close()
	n, err := admin.NewSelect().TableExpr("information_schema.schemata").
		Where("schema_name IN (?, ?)", names[0], names[1]).Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "databases are dropped when their test ends")
}

// A recycled database comes back migrated and empty, and one whose
// tables a test changed is dropped instead of recycled.
func TestMySQLMigratedIsEmptyAndMigrated(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("Writes", func(t *testing.T) {
		db := dbtest.MySQLMigrated(t)
		require.NoError(t, db.NewRaw("SELECT DATABASE()").Scan(ctx, &first))
		_, err := db.ExecContext(ctx, "INSERT INTO ticketkit_counters (tenant_id, scope, value) VALUES ('acme', 'TK', 7)")
		require.NoError(t, err)
	})
	t.Run("FindsNothing", func(t *testing.T) {
		db := dbtest.MySQLMigrated(t)
		var name string
		var rows, migrations int
		require.NoError(t, db.NewRaw("SELECT DATABASE()").Scan(ctx, &name))
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_counters").Scan(ctx, &rows))
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_migrations").Scan(ctx, &migrations))
		require.Equal(t, first, name, "recycled")
		require.Zero(t, rows, "emptied")
		require.Positive(t, migrations, "still migrated")
		_, err := db.ExecContext(ctx, "CREATE TABLE extra (n integer)")
		require.NoError(t, err)
	})
	t.Run("NotTheChangedOne", func(t *testing.T) {
		db := dbtest.MySQLMigrated(t)
		var name string
		require.NoError(t, db.NewRaw("SELECT DATABASE()").Scan(ctx, &name))
		require.NotEqual(t, first, name)
	})
}

// A recycled PostgreSQL schema comes back migrated and empty, with its
// identity sequences restarted, and one whose catalog a test changed (a
// table, or a function's body) is dropped instead of recycled.
func TestPostgresMigratedIsEmptyAndMigrated(t *testing.T) {
	ctx := context.Background()
	insertEvent := func(t *testing.T, db *bun.DB, id string) (seq int64) {
		t.Helper()
		require.NoError(t, db.NewRaw(`INSERT INTO ticketkit_events (id, tenant_id, ticket_id, at, field)
			VALUES (?, 'acme', 't1', now(), 'status') RETURNING seq`, id).Scan(ctx, &seq))
		return seq
	}
	schemaOf := func(t *testing.T, db *bun.DB) string {
		t.Helper()
		var name string
		require.NoError(t, db.NewRaw("SELECT current_schema()").Scan(ctx, &name))
		return name
	}
	var first string
	t.Run("Writes", func(t *testing.T) {
		db := dbtest.PostgresMigrated(t)
		first = schemaOf(t, db)
		require.True(t, strings.HasPrefix(first, "tk_p_"), first)
		_, err := db.ExecContext(ctx, "INSERT INTO ticketkit_counters (tenant_id, scope, value) VALUES ('acme', 'TK', 7)")
		require.NoError(t, err)
		require.Equal(t, int64(1), insertEvent(t, db, "e1"))
		require.Equal(t, int64(2), insertEvent(t, db, "e2"))
		// A ticket: deleting it fires triggers that name their tables
		// unqualified (the search path).
		st, err := bunstore.New(db, bunstore.Config{})
		require.NoError(t, err)
		now := time.Now().UTC()
		require.NoError(t, st.TicketCreate(ctx, &ticket.Ticket{
			ID: "t1", Number: "TK-1", TenantID: "acme", Subject: "Printer", Status: ticket.StatusOpen,
			Priority: ticket.PriorityNormal, Channel: ticket.ChannelWeb, Tags: []string{"printer"},
			Customer: ticket.Customer{ID: "c1", Email: "ann@example.com"}, CreatedAt: now, UpdatedAt: now,
		}))
	})
	t.Run("FindsNothing", func(t *testing.T) {
		db := dbtest.PostgresMigrated(t)
		var counters, events, migrations int
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_counters").Scan(ctx, &counters))
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_events").Scan(ctx, &events))
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_migrations").Scan(ctx, &migrations))
		require.Equal(t, first, schemaOf(t, db), "recycled")
		require.Zero(t, counters, "emptied")
		require.Zero(t, events, "emptied")
		var tickets int
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_tickets").Scan(ctx, &tickets))
		require.Zero(t, tickets, "emptied")
		require.Positive(t, migrations, "still migrated")
		require.Equal(t, int64(1), insertEvent(t, db, "e1"), "identity restarted")
		_, err := db.ExecContext(ctx, "CREATE TABLE extra (n integer)")
		require.NoError(t, err)
	})
	var second string
	t.Run("NotTheChangedOne", func(t *testing.T) {
		db := dbtest.PostgresMigrated(t)
		second = schemaOf(t, db)
		require.NotEqual(t, first, second)
		// A function of the schema, redefined: same name, other body.
		var fn string
		require.NoError(t, db.NewRaw(`SELECT p.oid::regprocedure::text FROM pg_proc p
			WHERE p.pronamespace = current_schema()::regnamespace AND p.prorettype = 'trigger'::regtype LIMIT 1`).Scan(ctx, &fn))
		var src string
		require.NoError(t, db.NewRaw("SELECT prosrc FROM pg_proc WHERE oid = ?::regprocedure", fn).Scan(ctx, &src))
		_, err := db.ExecContext(ctx, "CREATE OR REPLACE FUNCTION "+fn+" RETURNS trigger LANGUAGE plpgsql AS $f$"+src+" $f$")
		require.NoError(t, err)
	})
	t.Run("NeitherChangedOne", func(t *testing.T) {
		db := dbtest.PostgresMigrated(t)
		name := schemaOf(t, db)
		require.NotEqual(t, first, name)
		require.NotEqual(t, second, name)
		var gone int
		require.NoError(t, db.NewRaw("SELECT count(*) FROM pg_namespace WHERE nspname IN (?, ?)", first, second).Scan(ctx, &gone))
		require.Zero(t, gone, "the changed schemas are dropped")
	})
}

// A variant's schema is prepared once, after migrating, and recycled
// emptied for tests that ask for the same variant only; a failing
// prepare fails the test, even where an unreachable server would skip it.
func TestPostgresMigratedVariant(t *testing.T) {
	ctx := context.Background()
	prepared := 0
	prepare := func(ctx context.Context, db *bun.DB) error {
		prepared++
		_, err := db.ExecContext(ctx, "CREATE TABLE variant_rows (n integer)")
		return err
	}
	schemaOf := func(t *testing.T, db *bun.DB) string {
		t.Helper()
		var name string
		require.NoError(t, db.NewRaw("SELECT current_schema()").Scan(ctx, &name))
		return name
	}
	var first string
	t.Run("Writes", func(t *testing.T) {
		db := dbtest.PostgresMigratedVariant(t, "variant-test", prepare)
		first = schemaOf(t, db)
		require.Equal(t, 1, prepared)
		var migrations int
		require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_migrations").Scan(ctx, &migrations))
		require.Positive(t, migrations, "migrated before prepare")
		_, err := db.ExecContext(ctx, "INSERT INTO variant_rows (n) VALUES (1)")
		require.NoError(t, err)
	})
	t.Run("NotLentToPostgresMigrated", func(t *testing.T) {
		db := dbtest.PostgresMigrated(t)
		require.NotEqual(t, first, schemaOf(t, db))
	})
	t.Run("RecycledEmptyAndNotPreparedAgain", func(t *testing.T) {
		db := dbtest.PostgresMigratedVariant(t, "variant-test", prepare)
		require.Equal(t, first, schemaOf(t, db), "recycled")
		require.Equal(t, 1, prepared, "prepared once")
		var rows int
		require.NoError(t, db.NewRaw("SELECT count(*) FROM variant_rows").Scan(ctx, &rows))
		require.Zero(t, rows, "emptied")
	})
	t.Run("NotLentToAnotherVariant", func(t *testing.T) {
		db := dbtest.PostgresMigratedVariant(t, "variant-test-2", prepare)
		require.NotEqual(t, first, schemaOf(t, db))
		require.Equal(t, 2, prepared)
	})
	t.Run("FailingPrepareFails", func(t *testing.T) {
		if os.Getenv(dbtest.PostgresEnv) == "" {
			testenv.Unavailable(t, "set "+dbtest.PostgresEnv+" to run PostgreSQL tests")
		}
		t.Setenv("CI", "")
		f := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			dbtest.PostgresMigratedVariant(f, "variant-test-broken", func(ctx context.Context, db *bun.DB) error {
				return fmt.Errorf("the recipe is broken")
			})
			f.failed = "PostgresMigratedVariant returned"
		}()
		<-done
		require.Empty(t, f.skipped)
		require.Contains(t, f.failed, "the recipe is broken")
	})
}

// The migrated SQLite databases are migrated, private to their test and,
// for files, in WAL mode like any other.
func TestSQLiteMigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, open := range map[string]func(testing.TB) *bun.DB{
		"file":   dbtest.SQLiteMigrated,
		"memory": dbtest.SQLiteMemoryMigrated,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, b := open(t), open(t)
			var migrations int
			require.NoError(t, a.NewRaw("SELECT count(*) FROM ticketkit_migrations").Scan(ctx, &migrations))
			require.Positive(t, migrations)
			_, err := a.ExecContext(ctx, "INSERT INTO ticketkit_counters (tenant_id, scope, value) VALUES ('acme', 'TK', 7)")
			require.NoError(t, err)
			for db, want := range map[*bun.DB]int{a: 1, b: 0} {
				var n int
				require.NoError(t, db.NewRaw("SELECT count(*) FROM ticketkit_counters").Scan(ctx, &n))
				require.Equal(t, want, n, "each test's database is its own")
			}
			st, err := bunstore.New(b, bunstore.Config{})
			require.NoError(t, err)
			require.NoError(t, st.Migrate(ctx), "nothing left to migrate")
			var foreignKeys int
			require.NoError(t, b.NewRaw("PRAGMA foreign_keys").Scan(ctx, &foreignKeys))
			require.Equal(t, 1, foreignKeys)
			if name == "file" {
				var mode string
				require.NoError(t, b.NewRaw("PRAGMA journal_mode").Scan(ctx, &mode))
				require.Equal(t, "wal", mode)
			}
		})
	}
}
