package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// helperBusyTimeout is the busy timeout pragma of the SQLite files
// helper processes open (see [OpenTarget]): five minutes.
const helperBusyTimeout = "busy_timeout(300000)"

// openSQLiteDSN opens the SQLite database file path through dsn.
func openSQLiteDSN(path, dsn string) (*bun.DB, error) {
	if !strings.Contains(dsn, helperBusyTimeout) {
		return nil, fmt.Errorf("dbtest: %s: bunopen.SQLiteDSN no longer sets busy_timeout(10000)", path)
	}
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("dbtest: open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Target returns where a helper process (a copy of the test binary run
// by a multi-process test) finds db, a database of the backend named
// backend: the SQLite file, the PostgreSQL schema or the MySQL database. Pass it to the
// helper in its environment and open it there with [OpenTarget].
func Target(t testing.TB, backend string, db *bun.DB) string {
	t.Helper()
	if backend == "sqlite" {
		return SQLiteFile(t, db)
	}
	if backend == "mysql" {
		var name string
		if err := db.NewRaw("SELECT DATABASE()").Scan(context.Background(), &name); err != nil {
			t.Fatalf("dbtest: current database: %v", err)
		}
		return name
	}
	var schema string
	if err := db.NewRaw("SELECT current_schema()").Scan(context.Background(), &schema); err != nil {
		t.Fatalf("dbtest: current schema: %v", err)
	}
	return schema
}

// OpenTarget opens, in a helper process, the database [Target] named:
// the SQLite file, the schema of the PostgreSQL database in
// [PostgresEnv], or the database on the MySQL server of [MySQLEnv]. The caller closes it.
//
// A SQLite file is opened with a busy timeout of [helperBusyTimeout]
// instead of bunopen's 10 s: SQLite does not queue the writers waiting
// for its lock, so while the other helper process writes without pause
// (hundreds of transactions in a row, slowed down by the race detector
// and a loaded machine) this one may wait for the lock through the
// other's whole run. The multi-process tests check what the Desk does
// with the lock once it has it (numbers, turns, claims), not how long
// SQLite makes a writer wait.
func OpenTarget(backend, target string) (*bun.DB, error) {
	switch backend {
	case "sqlite":
		return openSQLiteDSN(target, strings.Replace(bunopen.SQLiteDSN(target), "busy_timeout(10000)", helperBusyTimeout, 1))
	case "mysql":
		return OpenMySQL(os.Getenv(MySQLEnv), target)
	}
	return OpenPostgres(os.Getenv(PostgresEnv), target)
}
