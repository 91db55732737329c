package bunstore

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"github.com/ticketkit/ticketkit/storage"
)

// This file is the one place where database errors become the storage
// sentinels. It recognises driver errors by the methods they expose, so
// that the package imports no driver:
//
//   - github.com/jackc/pgx/v5's *pgconn.PgError has SQLState() string;
//   - modernc.org/sqlite's *sqlite.Error has Code() int (an extended
//     result code);
//   - github.com/go-sql-driver/mysql's *mysql.MySQLError has no method
//     for its error number, only a Number field of type uint16: it is
//     read by reflection (see mysqlNumber).

// sqlStateError is implemented by PostgreSQL driver errors.
type sqlStateError interface {
	error
	SQLState() string
}

// sqliteCodeError is implemented by SQLite driver errors.
type sqliteCodeError interface {
	error
	Code() int
}

// PostgreSQL SQLSTATE codes.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgDuplicateTable       = "42P07"
	pgDuplicateObject      = "42710"
)

// SQLite result codes.
const (
	sqliteBusy                 = 5
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
)

// MySQL and MariaDB error numbers.
const (
	mysqlDupEntry        = 1062 // ER_DUP_ENTRY
	mysqlDupEntryWithKey = 1586 // ER_DUP_ENTRY_WITH_KEY_NAME
	mysqlLockWaitTimeout = 1205 // ER_LOCK_WAIT_TIMEOUT
	mysqlLockDeadlock    = 1213 // ER_LOCK_DEADLOCK
	mysqlTableExists     = 1050 // ER_TABLE_EXISTS_ERROR
)

var errBusy = errors.New("database busy")

// mysqlNumber returns the error number of the first MySQL driver error
// in err's chain: a pointer to a struct named MySQLError with a Number
// field of type uint16, as github.com/go-sql-driver/mysql has.
func mysqlNumber(err error) (uint16, bool) {
	for e := range walkErrors(err) {
		v := reflect.ValueOf(e)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Elem().Type().Name() != "MySQLError" {
			continue
		}
		f := v.Elem().FieldByName("Number")
		if f.IsValid() && f.Kind() == reflect.Uint16 {
			return uint16(f.Uint()), true
		}
	}
	return 0, false
}

// walkErrors yields err and every error it wraps, depth first.
func walkErrors(err error) func(yield func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					if !walk(x) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}

// translate wraps err with op and, where it has one, the storage
// sentinel it stands for: sql.ErrNoRows gives ErrNotFound; a unique or
// primary key violation, a serialization failure, a deadlock or a busy
// SQLite database give ErrConflict. The driver error stays in the chain
// for errors.As. A nil err stays nil.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if s := sentinel(err); s != nil {
		if s == errBusy {
			return fmt.Errorf("bunstore: %s: %w: %w: %w", op, storage.ErrConflict, errBusy, err)
		}
		return fmt.Errorf("bunstore: %s: %w: %w", op, s, err)
	}
	return fmt.Errorf("bunstore: %s: %w", op, err)
}

// sentinel returns the storage sentinel err stands for (errBusy for a
// busy SQLite database), or nil.
func sentinel(err error) error {
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrConflict) {
		return nil // already translated
	}
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	if pe, ok := errors.AsType[sqlStateError](err); ok {
		switch pe.SQLState() {
		case pgUniqueViolation, pgSerializationFailure, pgDeadlockDetected:
			return storage.ErrConflict
		}
		return nil
	}
	if n, ok := mysqlNumber(err); ok {
		switch n {
		case mysqlDupEntry, mysqlDupEntryWithKey, mysqlLockDeadlock, mysqlLockWaitTimeout:
			return storage.ErrConflict
		}
		return nil
	}
	if se, ok := errors.AsType[sqliteCodeError](err); ok {
		switch code := se.Code(); {
		case code == sqliteConstraintUnique, code == sqliteConstraintPrimaryKey:
			return storage.ErrConflict
		case code&0xff == sqliteBusy: // SQLITE_BUSY and its extended codes
			return errBusy
		}
	}
	return nil
}

// isConflict reports whether err is a conflict or a busy database, which
// a retry may get past.
func isConflict(err error) bool {
	s := sentinel(err)
	return s == storage.ErrConflict || s == errBusy || errors.Is(err, storage.ErrConflict)
}

// isCatalogRace reports whether err is what PostgreSQL may return when
// two sessions run CREATE ... IF NOT EXISTS for the same object at once:
// a duplicate table, type or catalog key. Trying again succeeds.
func isCatalogRace(err error) bool {
	if pe, ok := errors.AsType[sqlStateError](err); ok {
		switch pe.SQLState() {
		case pgDuplicateTable, pgDuplicateObject, pgUniqueViolation:
			return true
		}
	}
	if n, ok := mysqlNumber(err); ok && n == mysqlTableExists {
		return true
	}
	return isConflict(err)
}
