package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// MySQL runs each DDL statement on its own, with a commit and a file
// sync: migrating a fresh database takes about a second, however small.
// [MySQLMigrated] therefore recycles migrated databases within a test
// binary: each test still has a database of its own while it runs, and
// gets it empty.
//
// A recycled database is named tk_p_<random>. The process that owns it
// holds a named lock (GET_LOCK) of that name on a connection of its own
// for as long as it runs; the server releases the lock when the process
// exits, however it exits. The first test of a binary that needs a
// recycled database drops those whose lock is free: the leftovers of
// binaries that have ended.

// mysqlPoolPrefix starts the name of every recycled database.
const mysqlPoolPrefix = "tk_p_"

// mysqlPool is the test binary's recycled databases that no test holds.
var mysqlPool struct {
	mu    sync.Mutex
	swept bool
	free  []*pooledMySQL
}

// pooledMySQL is a recycled database and the connection that holds its
// lock.
type pooledMySQL struct {
	name   string
	lock   *sql.Conn
	admin  *bun.DB
	tables []string // the tables right after migrating
}

// MySQLMigrated returns a connection pool to a MySQL database of the
// test's own, migrated by [bunstore.Store.Migrate] with the default
// table prefix and holding no rows; the pool is closed when the test
// ends and the database emptied for another test of the binary (or
// dropped when the test changed its tables). It skips or fails like
// [MySQL].
func MySQLMigrated(t testing.TB) *bun.DB {
	t.Helper()
	return borrow(t, MySQLEnv, "MySQL", redactMySQL, MySQLMaxOpenConns, OpenMySQL,
		func(dsn string) (pooled, error) { return takeMySQL(dsn) })
}

// migrateNew opens a new, empty database with open, migrates it with
// the default table prefix and closes it.
func migrateNew(ctx context.Context, open func() (*bun.DB, error)) error {
	db, err := open()
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return err
	}
	return st.Migrate(ctx)
}

// pooled is a migrated database (or schema) that a pool lends to one
// test at a time.
type pooled interface {
	// dbName is the database or schema to open.
	dbName() string
	// recycle empties it for the next test; an error means it cannot be
	// lent again.
	recycle() error
	// drop removes it.
	drop()
}

// borrow returns a connection pool of at most maxConns connections to
// a database that take lends from the server named by the environment
// variable env (a backend's DSN, redacted in messages by redact), opened
// with open; when the test ends the pool is closed and the database
// recycled, or dropped when it cannot be. Without env, or with a server
// take cannot reach, it skips or fails as [testenv.Unavailable] says.
func borrow(t testing.TB, env, backend string, redact func(string) string, maxConns int, open func(dsn, name string) (*bun.DB, error), take func(dsn string) (pooled, error)) *bun.DB {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		testenv.Unavailable(t, "set "+env+" to run "+backend+" tests")
	}
	p, err := take(dsn)
	if perr := (prepareError{}); errors.As(err, &perr) {
		t.Fatal(perr)
	}
	if err != nil {
		testenv.Unavailable(t, fmt.Sprintf("%s at %s: %v", backend, redact(dsn), err))
	}
	db, err := open(dsn, p.dbName())
	if err != nil {
		p.drop()
		t.Fatal(err)
	}
	db.SetMaxOpenConns(maxConns)
	t.Cleanup(func() {
		_ = db.Close()
		if err := p.recycle(); err != nil {
			p.drop()
		}
	})
	return db
}

// takeMySQL returns a free recycled database, or a new one.
func takeMySQL(dsn string) (*pooledMySQL, error) {
	mysqlPool.mu.Lock()
	if n := len(mysqlPool.free); n > 0 {
		p := mysqlPool.free[n-1]
		mysqlPool.free = mysqlPool.free[:n-1]
		mysqlPool.mu.Unlock()
		return p, nil
	}
	sweep := !mysqlPool.swept
	mysqlPool.swept = true
	mysqlPool.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := bunopen.MySQL(ctx, dsn)
	if err != nil {
		return nil, err
	}
	admin.SetMaxOpenConns(2)
	if sweep {
		sweepMySQL(ctx, admin)
	}
	p := &pooledMySQL{name: mysqlPoolPrefix + randomHex(8), admin: admin}
	if p.lock, err = admin.DB.Conn(ctx); err != nil {
		_ = admin.Close()
		return nil, err
	}
	var got int
	if err := p.lock.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", p.name).Scan(&got); err != nil || got != 1 {
		p.close()
		return nil, fmt.Errorf("dbtest: lock %s: %v (got %d)", p.name, err, got)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+p.name+" "+MySQLDatabaseDefaults); err != nil {
		p.close()
		return nil, fmt.Errorf("dbtest: create database %s: %w", p.name, err)
	}
	err = migrateNew(ctx, func() (*bun.DB, error) { return OpenMySQL(dsn, p.name) })
	if err == nil {
		p.tables, err = p.tableNames(ctx)
	}
	if err != nil {
		p.drop()
		return nil, fmt.Errorf("dbtest: migrate %s: %w", p.name, err)
	}
	return p, nil
}

// sweepMySQL drops the recycled databases of test binaries that have
// ended: those whose lock no connection holds.
func sweepMySQL(ctx context.Context, admin *bun.DB) {
	var names []string
	if err := admin.NewRaw("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE ?",
		strings.ReplaceAll(mysqlPoolPrefix, "_", `\_`)+"%").Scan(ctx, &names); err != nil {
		return
	}
	for _, name := range names {
		var free int
		if err := admin.NewRaw("SELECT IS_FREE_LOCK(?)", name).Scan(ctx, &free); err == nil && free == 1 {
			_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
		}
	}
}

// dbName returns the database's name.
func (p *pooledMySQL) dbName() string { return p.name }

// tableNames returns the sorted tables of the database.
func (p *pooledMySQL) tableNames(ctx context.Context) ([]string, error) {
	var names []string
	err := p.admin.NewRaw("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", p.name).Scan(ctx, &names)
	slices.Sort(names)
	return names, err
}

// recycle empties the database, in one transaction, and returns it to
// the pool; it fails when the test changed the database's tables.
func (p *pooledMySQL) recycle() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	names, err := p.tableNames(ctx)
	if err != nil {
		return err
	}
	if !slices.Equal(names, p.tables) {
		return fmt.Errorf("dbtest: the tables of %s changed", p.name)
	}
	err = p.admin.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, name := range names {
			if strings.HasSuffix(name, "migrations") {
				continue // the applied migrations stay
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+p.name+"."+name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	mysqlPool.mu.Lock()
	mysqlPool.free = append(mysqlPool.free, p)
	mysqlPool.mu.Unlock()
	return nil
}

// drop drops the database and releases its lock.
func (p *pooledMySQL) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = p.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+p.name)
	p.close()
}

// close releases the lock and closes the admin pool.
func (p *pooledMySQL) close() {
	if p.lock != nil {
		_ = p.lock.Close()
	}
	_ = p.admin.Close()
}
