package bunstore

import "github.com/uptrace/bun"

// UncheckedConn returns the connection a new PostgreSQL store over db
// runs its statements on until its session check succeeds, for tests of
// the check itself.
func UncheckedConn(db bun.IDB) bun.IConn {
	return newSessionDB(db, DialectPostgres, new(sessionCheck)).conn()
}
