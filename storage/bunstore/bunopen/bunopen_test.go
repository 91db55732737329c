package bunopen_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/dialect"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/clock"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/bunstore/bunopen"
	"github.com/ticketkit/ticketkit/ticket"
)

var clerk = ticketkit.Actor{ID: "clerk-1", Role: ticket.RoleAgent, TenantID: "shop"}

// SQLiteStore gives a migrated store on a file that keeps its tickets
// across openings, as the quickstart promises.
func TestSQLiteStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "desk.db")

	numbers := make([]string, 0, 2)
	for range 2 {
		store, closeDB, err := bunopen.SQLiteStore(ctx, path, bunstore.Config{TablePrefix: "hd_"})
		require.NoError(t, err)
		desk, err := ticketkit.New(ticketkit.Config{Store: store, Clock: clock.NewFake(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))})
		require.NoError(t, err)
		tk, err := desk.Open(ctx, clerk, ticketkit.OpenParams{Subject: "Kettle", Customer: ticket.Customer{Email: "ada@example.com"}})
		require.NoError(t, err)
		numbers = append(numbers, tk.Number)
		require.NoError(t, closeDB())
	}
	require.Equal(t, []string{"TK-2026-000001", "TK-2026-000002"}, numbers)
}

func TestSQLiteStoreMemory(t *testing.T) {
	t.Parallel()
	store, closeDB, err := bunopen.SQLiteStore(t.Context(), bunopen.Memory, bunstore.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = closeDB() })
	require.NotNil(t, store)
}

func TestSQLiteBadPath(t *testing.T) {
	t.Parallel()
	_, err := bunopen.SQLite(filepath.Join(t.TempDir(), "missing-dir", "desk.db"))
	require.ErrorContains(t, err, "open sqlite")
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	dbtest.Postgres(t) // skips locally, fails in CI, without a server
	ctx := t.Context()
	db, err := bunopen.Postgres(ctx, os.Getenv(dbtest.PostgresEnv))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.Equal(t, dialect.PG, db.Dialect().Name())
	var one int
	require.NoError(t, db.NewSelect().ColumnExpr("1").Scan(ctx, &one))
	require.Equal(t, 1, one)

	_, err = bunopen.Postgres(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.ErrorContains(t, err, "open postgres")
}

// MySQL opens the connection bunstore needs whatever the DSN says:
// times in UTC as time.Time, utf8mb4, UTC session time zone, matched-row
// counts; with or without the mysql:// prefix.
func TestMySQL(t *testing.T) {
	t.Parallel()
	dbtest.MySQL(t) // skips locally, fails in CI, without a server
	ctx := t.Context()
	dsn := os.Getenv(dbtest.MySQLEnv)
	for _, form := range []string{dsn, "mysql://" + dsn, dsn + "?parseTime=false&loc=Local&clientFoundRows=false"} {
		if strings.Contains(dsn, "?") && strings.HasSuffix(form, "=false") {
			continue // the DSN has parameters of its own
		}
		db, err := bunopen.MySQL(ctx, form)
		require.NoError(t, err, form)
		require.Equal(t, dialect.MySQL, db.Dialect().Name())
		var charset, zone string
		var now time.Time
		require.NoError(t, db.NewRaw("SELECT @@character_set_client, @@time_zone, TIMESTAMP('2026-05-04 10:00:00.123456')").
			Scan(ctx, &charset, &zone, &now))
		require.Equal(t, "utf8mb4", charset)
		require.Equal(t, "+00:00", zone)
		require.Equal(t, time.Date(2026, 5, 4, 10, 0, 0, 123456000, time.UTC), now)
		require.Equal(t, time.UTC, now.Location())

		// An UPDATE that changes nothing still counts the row it matched.
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, "CREATE TEMPORARY TABLE probe (x INT)")
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, "INSERT INTO probe VALUES (1)")
		require.NoError(t, err)
		res, err := conn.ExecContext(ctx, "UPDATE probe SET x = 1")
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		require.NoError(t, conn.Close())
		require.NoError(t, db.Close())
	}

	_, err := bunopen.MySQL(ctx, "nobody@tcp(127.0.0.1:1)/none?timeout=2s")
	require.ErrorContains(t, err, "open mysql")
	_, err = bunopen.MySQL(ctx, "not a dsn")
	require.ErrorContains(t, err, "open mysql")
}
