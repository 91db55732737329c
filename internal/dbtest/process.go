package dbtest

import (
	"context"
	"os"
	"testing"

	"github.com/uptrace/bun"
)

// Target returns where a helper process (a copy of the test binary run
// by a multi-process test) finds db, a database of the backend named
// backend: the SQLite file, or the PostgreSQL schema. Pass it to the
// helper in its environment and open it there with [OpenTarget].
func Target(t testing.TB, backend string, db *bun.DB) string {
	t.Helper()
	if backend == "sqlite" {
		return SQLiteFile(t, db)
	}
	var schema string
	if err := db.NewRaw("SELECT current_schema()").Scan(context.Background(), &schema); err != nil {
		t.Fatalf("dbtest: current schema: %v", err)
	}
	return schema
}

// OpenTarget opens, in a helper process, the database [Target] named:
// the SQLite file, or the schema of the PostgreSQL database in
// [PostgresEnv]. The caller closes it.
func OpenTarget(backend, target string) (*bun.DB, error) {
	if backend == "sqlite" {
		return OpenSQLite(target)
	}
	return OpenPostgres(os.Getenv(PostgresEnv), target)
}
