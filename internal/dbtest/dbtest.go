// Package dbtest opens the databases ticketkit's tests run against: a
// SQLite file or in-memory database, a PostgreSQL schema of its own per
// test, and a MySQL/MariaDB database of its own per test.
//
// # SQLite
//
// [SQLite] opens a file in t.TempDir() and [SQLiteMemory] a private
// in-memory database, both with the settings of [bunopen.SQLite].
//
// # PostgreSQL
//
// [Postgres] reads a DSN from the TICKETKIT_TEST_POSTGRES environment
// variable. Without it, or when the server cannot be reached, the test is
// skipped with a one-line reason, except when CI=true: then it fails, so
// that no CI run passes by skipping. Each test gets a fresh schema named
// tk_<random>, used through the connection's search_path and dropped with
// CASCADE when the test ends. Test connections run with
// synchronous_commit=off: a test database needs no durability across a
// server crash, and commits no longer wait for the disk. Locking and
// isolation are unchanged.
//
// # MySQL and MariaDB
//
// [MySQL] reads a DSN from TICKETKIT_TEST_MYSQL (the form of
// [bunopen.MySQL], such as root@tcp(127.0.0.1:3306)/test) and skips or
// fails like PostgreSQL. Each test gets a fresh database named
// tk_<random>, created with latin1 defaults ([MySQLDatabaseDefaults]) so
// that nothing passes by leaning on them, and dropped when the test ends.
//
// # Migrated databases
//
// Migrating costs far more than most tests: seconds per store on
// PostgreSQL and MySQL, and on SQLite under the race detector. Tests that
// need a migrated store with the default table prefix, such as the
// conformance suite and [Stores], use [SQLiteMigrated],
// [SQLiteMemoryMigrated], [PostgresMigrated] and [MySQLMigrated]: each
// still gives the test a database of its own, empty, but copies a
// database migrated once per test binary (SQLite) or recycles one
// another test of the binary emptied (PostgreSQL, MySQL). Tests of
// migrations, table prefixes or query plans open a fresh one.
//
// # Backends
//
// [Backends] lists them all, for tests that run on every database:
//
//	for _, b := range dbtest.Backends() {
//		t.Run(b.Name, func(t *testing.T) {
//			db := b.Open(t)
//			...
//		})
//	}
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// PostgresEnv is the environment variable holding the PostgreSQL DSN the
// tests use, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "TICKETKIT_TEST_POSTGRES"

// PostgresMaxOpenConns is the size of the connection pool [Postgres]
// gives each test, so that parallel tests stay well below the server's
// max_connections.
const PostgresMaxOpenConns = 8

// Backend is a database tests can run against.
type Backend struct {
	// Name is "sqlite", "postgres" or "mysql", usable as a subtest name.
	Name string
	// Open returns a fresh, empty database closed when the test ends.
	Open func(testing.TB) *bun.DB
}

// Backends returns the SQLite (file), PostgreSQL and MySQL/MariaDB
// backends.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Open: SQLite},
		{Name: "postgres", Open: Postgres},
		{Name: "mysql", Open: MySQL},
	}
}

// OpenSQLite opens the SQLite database file at path with
// [bunopen.SQLite], creating it if needed. The caller closes it. Tests use
// [SQLite]; this is for helper processes that share a test's file.
func OpenSQLite(path string) (*bun.DB, error) { return bunopen.SQLite(path) }

// SQLite returns a new SQLite database in a file under t.TempDir(),
// closed when the test ends.
func SQLite(t testing.TB) *bun.DB {
	t.Helper()
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// SQLiteMemory returns a new private in-memory SQLite database, closed
// when the test ends. It holds one connection, since every connection to
// ":memory:" would open a database of its own.
func SQLiteMemory(t testing.TB) *bun.DB {
	t.Helper()
	db, err := bunopen.SQLite(bunopen.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Postgres returns a connection pool to a new, empty PostgreSQL schema
// that is the pool's search_path; the schema is dropped and the pool
// closed when the test ends. See the package documentation for when it
// skips or fails.
func Postgres(t testing.TB) *bun.DB {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		testenv.Unavailable(t, "set "+PostgresEnv+" to run PostgreSQL tests")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := openPostgres(dsn, "")
	if err != nil {
		testenv.Unavailable(t, fmt.Sprintf("%s: %v", PostgresEnv, err))
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		testenv.Unavailable(t, fmt.Sprintf("PostgreSQL at %s is unreachable: %v", redact(dsn), err))
	}

	schema := "tk_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("dbtest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := openPostgres(dsn, "")
		if err != nil {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
		}
	})

	db, err := OpenPostgres(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(PostgresMaxOpenConns)
	t.Cleanup(func() { _ = db.Close() }) // runs before the schema is dropped
	return db
}

// OpenPostgres opens a connection pool to the PostgreSQL database at dsn
// with search_path set to schema (when not empty) and
// synchronous_commit=off. The caller closes it.
// Tests use [Postgres]; this is for helper processes that share a test's
// schema.
func OpenPostgres(dsn, schema string) (*bun.DB, error) {
	sqldb, err := openPostgres(dsn, schema)
	if err != nil {
		return nil, err
	}
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

func openPostgres(dsn, schema string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("dbtest: parse postgres DSN: %w", err)
	}
	if schema != "" {
		cfg.RuntimeParams["search_path"] = schema
		cfg.RuntimeParams["synchronous_commit"] = "off"
	}
	return stdlib.OpenDB(*cfg), nil
}

// redact hides the password of a DSN.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "(the " + PostgresEnv + " DSN)" // keyword/value form: may hold a password
	}
	if u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// SQLiteFile returns the file of the main database of db, a SQLite
// database, such as one [SQLite] opened, for helper processes that open
// it too.
func SQLiteFile(t testing.TB, db *bun.DB) string {
	t.Helper()
	var file string
	err := db.NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(context.Background(), &file)
	if err != nil {
		t.Fatal(err)
	}
	return file
}
