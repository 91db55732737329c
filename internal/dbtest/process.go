package dbtest

import (
	"context"
	"os"
	"testing"

	"github.com/uptrace/bun"
)

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
func OpenTarget(backend, target string) (*bun.DB, error) {
	switch backend {
	case "sqlite":
		return OpenSQLite(target)
	case "mysql":
		return OpenMySQL(os.Getenv(MySQLEnv), target)
	}
	return OpenPostgres(os.Getenv(PostgresEnv), target)
}
