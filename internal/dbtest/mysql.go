package dbtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/testenv"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
)

// MySQLEnv is the environment variable holding the DSN of the MySQL or
// MariaDB server the tests use, in the form [bunopen.MySQL] takes, such
// as root@tcp(127.0.0.1:3306)/test. Its database is only used to connect:
// each test creates a database of its own.
const MySQLEnv = "TICKETKIT_TEST_MYSQL"

// MySQLMaxOpenConns is the size of the connection pool [MySQL] gives
// each test, so that parallel tests stay well below the server's
// max_connections (151 by default).
const MySQLMaxOpenConns = 8

// MySQLMaxParallel is how many MySQL databases the subtests of
// [EachStore], [RunStores] and [EachBackend] hold at once in one test
// binary: at most 32 connections, like [PostgresMaxParallel].
const MySQLMaxParallel = 4

// mysqlSlots are the [MySQLMaxParallel] slots.
var mysqlSlots = make(chan struct{}, MySQLMaxParallel)

// MySQLDatabaseDefaults are the character set and collation each test
// database of [MySQL] is created with: latin1, unlike anything the store
// asks for, so that a table, column or statement that leaned on the
// database's defaults instead of naming utf8mb4 and its collation fails
// (emoji do not fit latin1) rather than pass by the server's luck.
const MySQLDatabaseDefaults = "CHARACTER SET latin1 COLLATE latin1_swedish_ci"

// MySQL returns a connection pool to a new, empty MySQL or MariaDB
// database, opened with [bunopen.MySQL]; the database is dropped and the
// pool closed when the test ends. It skips or fails like [Postgres]:
// without TICKETKIT_TEST_MYSQL, or when the server cannot be reached, the
// test is skipped, except when CI=true: then it fails.
func MySQL(t testing.TB) *bun.DB {
	t.Helper()
	dsn := os.Getenv(MySQLEnv)
	if dsn == "" {
		testenv.Unavailable(t, "set "+MySQLEnv+" to run MySQL tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := bunopen.MySQL(ctx, dsn)
	if err != nil {
		testenv.Unavailable(t, fmt.Sprintf("MySQL at %s is unreachable: %v", redactMySQL(dsn), err))
	}
	defer admin.Close()

	name := "tk_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" "+MySQLDatabaseDefaults); err != nil {
		t.Fatalf("dbtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := bunopen.MySQL(ctx, dsn)
		if err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		// MariaDB sometimes finds the directory of a database that just
		// ran DDL not empty yet: try again.
		var err2 error
		for range 5 {
			if _, err2 = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err2 == nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Errorf("dbtest: drop database %s: %v", name, err2)
	})

	db, err := OpenMySQL(dsn, name)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(MySQLMaxOpenConns)
	t.Cleanup(func() { _ = db.Close() }) // runs before the database is dropped
	return db
}

// OpenMySQL opens a connection pool to the database called database on
// the server of dsn, with [bunopen.MySQL]. The caller closes it. Tests
// use [MySQL]; this is for helper processes that share a test's
// database.
func OpenMySQL(dsn, database string) (*bun.DB, error) {
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		return nil, fmt.Errorf("dbtest: parse MySQL DSN: %w", err)
	}
	cfg.DBName = database
	return bunopen.MySQL(context.Background(), cfg.FormatDSN())
}

// redactMySQL hides the password of a MySQL DSN.
func redactMySQL(dsn string) string {
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		return "(the " + MySQLEnv + " DSN)"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "xxxxx"
	}
	return cfg.FormatDSN()
}
