package bunstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
)

// This file is the one place where database errors become the storage
// sentinels. It recognises driver errors by the methods they expose, so
// that the package imports no driver:
//
//   - github.com/jackc/pgx/v5's *pgconn.PgError has SQLState() string;
//   - modernc.org/sqlite's *sqlite.Error has Code() int (an extended
//     result code).

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

var errBusy = errors.New("database busy")

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
	return isConflict(err)
}
