// Package bunopen opens a SQLite, PostgreSQL or MySQL/MariaDB database as
// a *bun.DB with
// the driver settings [bunstore] needs, for hosts that do not have one
// yet; ticketkit's examples, tests and cmd/ticketkit-seed open theirs
// with it.
//
// It is the only package of ticketkit that imports SQL drivers: the
// pure-Go modernc.org/sqlite (no cgo), pgx's database/sql driver and
// github.com/go-sql-driver/mysql. No
// library package imports it, so a host that builds its own *bun.DB (or
// bun.Tx) and hands it to [bunstore.New] compiles no driver it did not
// choose. A host with other needs (a connection pool size, TLS files,
// another driver) copies the few lines it wants from here.
//
//	store, closeDB, err := bunopen.SQLiteStore(ctx, "desk.db", bunstore.Config{})
//	if err != nil {
//		return err
//	}
//	defer closeDB()
//	desk, err := ticketkit.New(ticketkit.Config{Store: store})
package bunopen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver

	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// Memory is the path that opens a private in-memory SQLite database.
const Memory = ":memory:"

// SQLiteDSN returns the modernc.org/sqlite DSN for the database file at
// path: foreign keys on, WAL journaling, a 10 s busy timeout, and
// _txlock=immediate so that write transactions take SQLite's write lock
// at BEGIN and wait for it through the busy timeout instead of failing
// when they upgrade a read lock.
//
// SQLite does not queue the writers waiting for its lock: while another
// process writes without pause, a writer may wait out the whole busy
// timeout and fail with [github.com/ticketkit/ticketkit/storage.ErrConflict] ("database busy"). Hosts
// that write to one file from several processes at once set a busy
// timeout that covers their longest burst of writes, or write from one
// process.
func SQLiteDSN(path string) string {
	return "file:" + path +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"
}

// SQLite opens the SQLite database file at path, creating it if needed,
// or a private in-memory database for [Memory]. The caller closes it.
func SQLite(path string) (*bun.DB, error) {
	dsn := SQLiteDSN(path)
	if path == Memory {
		dsn = "file::memory:?_pragma=foreign_keys(1)"
	}
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if path == Memory {
		// Every connection to :memory: would open a database of its own.
		sqldb.SetMaxOpenConns(1)
		sqldb.SetConnMaxIdleTime(0)
		sqldb.SetConnMaxLifetime(0)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Postgres opens a connection pool to the PostgreSQL database at dsn
// through pgx's database/sql driver and checks that it answers. The
// caller closes it.
func Postgres(ctx context.Context, dsn string) (*bun.DB, error) {
	sqldb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(ctx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// MySQL opens a connection pool to the MySQL 8 or MariaDB 10.11+
// database at dsn through github.com/go-sql-driver/mysql and checks that
// it answers. The caller closes it.
//
// dsn is the driver's form, such as
// "user:password@tcp(127.0.0.1:3306)/desk", or the same behind
// "mysql://" (as in "mysql://user:password@tcp(127.0.0.1:3306)/desk").
// MySQL overrides what [bunstore] needs whatever dsn says: times are
// read as time.Time in UTC (parseTime, loc=UTC; bunstore writes them in
// UTC), the connection speaks utf8mb4 (emoji and all of Unicode), an
// UPDATE reports the rows it matched rather than those it changed
// (clientFoundRows, which bunstore needs on MySQL), and the session's
// time_zone is UTC. Other parameters, such as TLS or
// timeouts, pass through. The server's sql_mode must be strict and
// must not contain NO_BACKSLASH_ESCAPES, as by default (see
// [bunstore.ErrUnsafeSession]).
func MySQL(ctx context.Context, dsn string) (*bun.DB, error) {
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true           // an UPDATE counts the rows it matched, as on PostgreSQL
	cfg.Collation = "utf8mb4_unicode_ci" // the connection's character set: utf8mb4
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	sqldb := sql.OpenDB(connector)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(ctx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	return bun.NewDB(sqldb, mysqldialect.New(mysqldialect.WithTimeLocation("UTC"))), nil
}

// SQLiteStore opens the SQLite database at path (see [SQLite]), builds a
// bunstore.Store over it with cfg and migrates it: the setup every
// example starts with. The returned function closes the database.
func SQLiteStore(ctx context.Context, path string, cfg bunstore.Config) (*bunstore.Store, func() error, error) {
	db, err := SQLite(path)
	if err != nil {
		return nil, nil, err
	}
	store, err := bunstore.New(db, cfg)
	if err == nil {
		err = store.Migrate(ctx)
	}
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return store, db.Close, nil
}
