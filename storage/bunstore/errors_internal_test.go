package bunstore

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/ticketkit/ticketkit/storage"
)

// The drivers' error types have the methods translate looks for.
var (
	_ sqlStateError   = (*pgconn.PgError)(nil)
	_ sqliteCodeError = (*sqlite.Error)(nil)
)

// pgError has the method of pgx's *pgconn.PgError that translate uses.
type pgError struct{ code string }

func (e *pgError) Error() string    { return "pg error " + e.code }
func (e *pgError) SQLState() string { return e.code }

// sqliteError has the method of modernc's *sqlite.Error that translate
// uses.
type sqliteError struct{ code int }

func (e *sqliteError) Error() string { return fmt.Sprintf("sqlite error %d", e.code) }
func (e *sqliteError) Code() int     { return e.code }

func TestTranslate(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error // nil: no sentinel
		busy bool
	}{
		{"NoRows", sql.ErrNoRows, storage.ErrNotFound, false},
		{"WrappedNoRows", fmt.Errorf("scan: %w", sql.ErrNoRows), storage.ErrNotFound, false},
		{"PGUnique", &pgError{"23505"}, storage.ErrConflict, false},
		{"PGSerialization", &pgError{"40001"}, storage.ErrConflict, false},
		{"PGDeadlock", &pgError{"40P01"}, storage.ErrConflict, false},
		{"PGForeignKey", &pgError{"23503"}, nil, false},
		{"PGSyntax", &pgError{"42601"}, nil, false},
		{"SQLiteUnique", &sqliteError{2067}, storage.ErrConflict, false},
		{"SQLitePrimaryKey", &sqliteError{1555}, storage.ErrConflict, false},
		{"SQLiteBusy", &sqliteError{5}, storage.ErrConflict, true},
		{"SQLiteBusySnapshot", &sqliteError{517}, storage.ErrConflict, true},
		{"SQLiteNotNull", &sqliteError{1299}, nil, false},
		{"Other", errors.New("boom"), nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := translate("do things", tc.err)
			require.ErrorIs(t, err, tc.err, "the driver error stays in the chain")
			require.ErrorContains(t, err, "bunstore: do things")
			for _, s := range []error{storage.ErrNotFound, storage.ErrConflict} {
				require.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%v)", s)
			}
			require.Equal(t, tc.busy, errors.Is(err, errBusy))
			if tc.busy {
				require.ErrorContains(t, err, "database busy")
			}
		})
	}
	require.NoError(t, translate("nothing", nil))
}

func TestIsCatalogRace(t *testing.T) {
	for _, code := range []string{"42P07", "42710", "23505", "40001"} {
		require.True(t, isCatalogRace(&pgError{code}), code)
	}
	require.False(t, isCatalogRace(&pgError{"42601"}))
	require.True(t, isCatalogRace(&sqliteError{5}))
	require.False(t, isCatalogRace(errors.New("boom")))
}
