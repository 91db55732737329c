package bunstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// translate reads the number of the MySQL driver's own error type, found
// anywhere in the chain, and leaves other numbers and look-alikes alone.
func TestTranslateMySQLErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want error
	}{
		{"DupEntry", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}, storage.ErrConflict},
		{"DupEntryWithKeyName", &mysql.MySQLError{Number: 1586}, storage.ErrConflict},
		{"Deadlock", &mysql.MySQLError{Number: 1213}, storage.ErrConflict},
		{"LockWaitTimeout", &mysql.MySQLError{Number: 1205}, storage.ErrConflict},
		{"Wrapped", fmt.Errorf("exec: %w", &mysql.MySQLError{Number: 1062}), storage.ErrConflict},
		{"Joined", errors.Join(errors.New("other"), &mysql.MySQLError{Number: 1213}), storage.ErrConflict},
		{"SyntaxError", &mysql.MySQLError{Number: 1064}, nil},
		{"LookAlike", &lookAlike{Number: 1062}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := translate("op", tt.err)
			if tt.want == nil {
				require.NotErrorIs(t, got, storage.ErrConflict)
				require.NotErrorIs(t, got, storage.ErrNotFound)
			} else {
				require.ErrorIs(t, got, tt.want)
			}
			var me *mysql.MySQLError
			if errors.As(tt.err, &me) {
				require.ErrorAs(t, got, &me, "the driver's error stays in the chain")
			}
		})
	}
	n, ok := mysqlNumber(fmt.Errorf("x: %w", &mysql.MySQLError{Number: 1050}))
	require.True(t, ok)
	require.Equal(t, uint16(1050), n)
	require.True(t, isCatalogRace(&mysql.MySQLError{Number: 1050}))
}

// lookAlike has a Number field but is not the driver's MySQLError.
type lookAlike struct{ Number uint16 }

func (e *lookAlike) Error() string { return "look-alike" }
