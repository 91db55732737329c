package bunstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// ErrUnsafeSession is returned, wrapped, by [Store.Migrate],
// [Store.RunInTx] and every other method that runs a statement, by a
// store on PostgreSQL whose session has standard_conforming_strings set
// to anything but on, and by a store on MySQL or MariaDB whose session
// has NO_BACKSLASH_ESCAPES in its sql_mode or a sql_mode that is not
// strict, a character_set_client
// other than utf8mb4, or UPDATE row counts of changed rather than matched
// rows (see runMySQL; [bunopen.MySQL] connects as the store needs).
//
// Bun writes string values into the SQL text as '...' literals with
// their quotes doubled, which is safe only when the server reads a
// backslash in a literal as a plain character: with the setting off, a
// backslash escapes the quote after it, and a value such as x\') OR
// (1=1) -- ends the literal and rewrites the query (reading another
// tenant's tickets, say); bytea literals are read wrongly too. The store
// cannot change how Bun formats values, as the host owns the *bun.DB, so
// it refuses to run on such a session instead. See the package
// documentation for what is checked when.
var ErrUnsafeSession = errors.New("bunstore: unsafe database session")

// sessionQuery reads the setting ErrUnsafeSession is about.
const sessionQuery = "SELECT current_setting('standard_conforming_strings')"

// mysqlSessionQuery reads what the MySQL session check is about: the
// SQL mode and the character set the server reads statements in.
const mysqlSessionQuery = "SELECT @@SESSION.sql_mode, @@SESSION.character_set_client"

// sessionCheck remembers that a store's session check succeeded. A Store
// and the copies RunInTx hands its functions share one.
type sessionCheck struct {
	ok atomic.Bool
	// dialect is the store's: the check differs on MySQL.
	dialect string
}

// run checks the session conn runs on, unless a check already
// succeeded. A failed check is not remembered: the next statement checks
// again.
func (c *sessionCheck) run(ctx context.Context, conn bun.IConn) error {
	if c.ok.Load() {
		return nil
	}
	if c.dialect == DialectMySQL {
		return c.runMySQL(ctx, conn)
	}
	var setting string
	if err := conn.QueryRowContext(ctx, sessionQuery).Scan(&setting); err != nil {
		return translate("check standard_conforming_strings", err)
	}
	if setting != "on" {
		return fmt.Errorf("%w: on PostgreSQL, standard_conforming_strings is %q, not on: Bun's string literals would let values rewrite queries", ErrUnsafeSession, setting)
	}
	c.ok.Store(true)
	return nil
}

// sessionDB is the database a Store builds its statements on: the bun.IDB
// the host gave, whose statements first check the session (see
// sessionCheck) until a check has succeeded. From then on, and always on
// SQLite, they are the host's plain statements. It offers only the
// statements the store uses, so that none can skip the check.
type sessionDB struct {
	host bun.IDB
	// checked is host's connection with the check in front, or nil when
	// the dialect needs no check.
	checked *checkedConn
}

// newSessionDB returns the sessionDB of host, checked with check on
// PostgreSQL and MySQL.
func newSessionDB(host bun.IDB, dialect string, check *sessionCheck) *sessionDB {
	db := &sessionDB{host: host}
	if dialect == DialectPostgres || dialect == DialectMySQL {
		db.checked = &checkedConn{conn: rawConn(host), check: check}
	}
	return db
}

// rawConn returns the database/sql connection under a Bun database, the
// one Bun's own statements run on (so that query hooks run once), or the
// IDB itself when it is none of Bun's.
func rawConn(db bun.IDB) bun.IConn {
	switch db := db.(type) {
	case *bun.DB:
		return db.DB
	case bun.Tx:
		return db.Tx
	case *bun.Tx:
		return db.Tx
	case bun.Conn:
		return db.Conn
	case *bun.Conn:
		return db.Conn
	}
	return db
}

// conn returns the connection a new statement must run on to be
// checked first, or nil when it can run as it is.
func (db *sessionDB) conn() bun.IConn {
	if db.checked == nil || db.checked.check.ok.Load() {
		return nil
	}
	return db.checked
}

// ensure checks the session of the host's database.
func (db *sessionDB) ensure(ctx context.Context) error {
	if db.checked == nil {
		return nil
	}
	return db.checked.check.run(ctx, db.checked.conn)
}

// Dialect returns the host's dialect.
func (db *sessionDB) Dialect() schema.Dialect { return db.host.Dialect() }

// NewSelect returns a SELECT on the host's database.
func (db *sessionDB) NewSelect() *bun.SelectQuery {
	if c := db.conn(); c != nil {
		return db.host.NewSelect().Conn(c)
	}
	return db.host.NewSelect()
}

// NewInsert returns an INSERT on the host's database.
func (db *sessionDB) NewInsert() *bun.InsertQuery {
	if c := db.conn(); c != nil {
		return db.host.NewInsert().Conn(c)
	}
	return db.host.NewInsert()
}

// NewUpdate returns an UPDATE on the host's database.
func (db *sessionDB) NewUpdate() *bun.UpdateQuery {
	if c := db.conn(); c != nil {
		return db.host.NewUpdate().Conn(c)
	}
	return db.host.NewUpdate()
}

// NewDelete returns a DELETE on the host's database.
func (db *sessionDB) NewDelete() *bun.DeleteQuery {
	if c := db.conn(); c != nil {
		return db.host.NewDelete().Conn(c)
	}
	return db.host.NewDelete()
}

// NewRaw returns a raw statement on the host's database.
func (db *sessionDB) NewRaw(query string, args ...any) *bun.RawQuery {
	if c := db.conn(); c != nil {
		return db.host.NewRaw(query, args...).Conn(c)
	}
	return db.host.NewRaw(query, args...)
}

// ExecContext checks the session, then runs query on the host's
// database.
func (db *sessionDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := db.ensure(ctx); err != nil {
		return nil, err
	}
	return db.host.ExecContext(ctx, query, args...)
}

// checkedConn is a connection whose statements check the session first.
type checkedConn struct {
	conn  bun.IConn
	check *sessionCheck
}

var _ bun.IConn = (*checkedConn)(nil)

// QueryContext checks the session, then runs query.
func (c *checkedConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := c.check.run(ctx, c.conn); err != nil {
		return nil, err
	}
	return c.conn.QueryContext(ctx, query, args...)
}

// ExecContext checks the session, then runs query.
func (c *checkedConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := c.check.run(ctx, c.conn); err != nil {
		return nil, err
	}
	return c.conn.ExecContext(ctx, query, args...)
}

// QueryRowContext checks the session, then runs query. When the check
// fails, the query is not sent and the row's Scan returns the check's
// error. (Bun uses it for Count and Exists, which the store does not.)
func (c *checkedConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := c.check.run(ctx, c.conn); err != nil {
		return failedRow(ctx, err)
	}
	return c.conn.QueryRowContext(ctx, query, args...)
}

// failedRow returns a *sql.Row whose Scan returns err, which a *sql.Row
// cannot be given otherwise: the row of a database whose connector
// fails with err, closed before it returns.
func failedRow(ctx context.Context, err error) *sql.Row {
	db := sql.OpenDB(failingConnector{err})
	defer db.Close()
	return db.QueryRowContext(ctx, "")
}

// failingConnector is a database/sql connector whose connections fail
// to open with err.
type failingConnector struct{ err error }

func (c failingConnector) Connect(context.Context) (driver.Conn, error) { return nil, c.err }
func (c failingConnector) Driver() driver.Driver                        { return c }
func (c failingConnector) Open(string) (driver.Conn, error)             { return nil, c.err }

// runMySQL is the session check on MySQL and MariaDB. Bun's mysqldialect
// writes string values into the SQL text with quotes doubled and each
// backslash doubled, which the server reads back as the value only
// when backslashes escape (sql_mode without NO_BACKSLASH_ESCAPES:
// otherwise every backslash would be stored twice), and only when the
// statement is read as UTF-8: in a multi-byte character set such as
// GBK, Big5 or SJIS, a byte of a UTF-8 character followed by a doubled
// backslash can read as one character and a backslash, which then
// escapes a quote and ends the literal early. So the session must
// read statements as utf8mb4 (which also keeps emoji), and the
// backslash must escape. The SQL mode must also be strict (MySQL's and
// MariaDB's default), so that a value too long for its column fails the
// statement rather than being stored cut.
func (c *sessionCheck) runMySQL(ctx context.Context, conn bun.IConn) error {
	var mode, charset string
	if err := conn.QueryRowContext(ctx, mysqlSessionQuery).Scan(&mode, &charset); err != nil {
		return translate("check sql_mode and character_set_client", err)
	}
	modes := strings.Split(strings.ToUpper(mode), ",")
	if slices.Contains(modes, "NO_BACKSLASH_ESCAPES") {
		return fmt.Errorf("%w: on MySQL, sql_mode holds NO_BACKSLASH_ESCAPES: Bun's string literals would store every backslash twice", ErrUnsafeSession)
	}
	if !slices.Contains(modes, "STRICT_TRANS_TABLES") && !slices.Contains(modes, "STRICT_ALL_TABLES") {
		return fmt.Errorf("%w: on MySQL, sql_mode is not strict (STRICT_TRANS_TABLES): a value too long for its column would be cut instead of refused", ErrUnsafeSession)
	}
	if charset != "utf8mb4" {
		return fmt.Errorf("%w: on MySQL, character_set_client is %q, not utf8mb4: Bun's string literals are UTF-8, and in some character sets a value could end its literal early", ErrUnsafeSession, charset)
	}
	matched, err := reportsMatchedRows(ctx, conn)
	if err != nil {
		return translate("check clientFoundRows", err)
	}
	if !matched {
		return fmt.Errorf("%w: on MySQL, the connection counts the rows an UPDATE changed, not those it matched: set clientFoundRows=true in the DSN (bunopen.MySQL does), or updates that change nothing read as not found", ErrUnsafeSession)
	}
	c.ok.Store(true)
	return nil
}

// reportsMatchedRows reports whether conn's UPDATE statements count the
// rows they matched (the client flag CLIENT_FOUND_ROWS, the driver's
// clientFoundRows), as PostgreSQL and SQLite do, rather than those they
// changed: the store reads an UPDATE that sets a row to what it holds as
// having found it. No SQL reads the flag, so it updates a row of a
// temporary table to its own value and counts. A temporary table
// belongs to one connection (the probe takes one of a pool for itself)
// and does not end the host's transaction.
func reportsMatchedRows(ctx context.Context, conn bun.IConn) (bool, error) {
	if db, ok := conn.(*sql.DB); ok {
		c, err := db.Conn(ctx)
		if err != nil {
			return false, err
		}
		defer c.Close()
		conn = c
	}
	const table = "tk_found_rows_probe"
	if _, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE IF NOT EXISTS "+table+" (x INT NOT NULL)"); err != nil {
		return false, err
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "DROP TEMPORARY TABLE IF EXISTS "+table) }()
	if _, err := conn.ExecContext(ctx, "INSERT INTO "+table+" VALUES (1)"); err != nil {
		return false, err
	}
	res, err := conn.ExecContext(ctx, "UPDATE "+table+" SET x = 1")
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
