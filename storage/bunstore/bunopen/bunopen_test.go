package bunopen_test

import (
	"context"
	"os"
	"path/filepath"
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
