package bunstore_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// TestMySQLSessionCheck: a store refuses a MySQL session on which Bun's
// string literals or the row counts would mislead it, before it runs a
// statement, and works on the session bunopen.MySQL opens.
func TestMySQLSessionCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	safe := dbtest.MySQL(t)
	st := newStore(t, safe, bunstore.Config{})
	require.NoError(t, st.TicketCreate(ctx, sampleTicket("acme", "TK-1", `back\slash`)))
	var database string
	require.NoError(t, safe.NewRaw("SELECT DATABASE()").Scan(ctx, &database))

	// open opens the test's database with the driver settings of
	// bunopen.MySQL, then changes them with edit.
	open := func(t *testing.T, edit func(*mysql.Config)) *bun.DB {
		cfg, err := mysql.ParseDSN(strings.TrimPrefix(os.Getenv(dbtest.MySQLEnv), "mysql://"))
		require.NoError(t, err)
		cfg.DBName, cfg.ParseTime, cfg.ClientFoundRows = database, true, true
		cfg.Collation = "utf8mb4_unicode_ci"
		edit(cfg)
		connector, err := mysql.NewConnector(cfg)
		require.NoError(t, err)
		db := bun.NewDB(sql.OpenDB(connector), mysqldialect.New())
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	for name, tt := range map[string]struct {
		edit func(*mysql.Config)
		want string
	}{
		"NoBackslashEscapes": {func(c *mysql.Config) {
			c.Params = map[string]string{"sql_mode": "'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES'"}
		}, "NO_BACKSLASH_ESCAPES"},
		"NotStrict": {func(c *mysql.Config) {
			c.Params = map[string]string{"sql_mode": "'NO_ENGINE_SUBSTITUTION'"}
		}, "strict"},
		"GBK":         {func(c *mysql.Config) { c.Collation = "gbk_chinese_ci" }, "character_set_client"},
		"ChangedRows": {func(c *mysql.Config) { c.ClientFoundRows = false }, "clientFoundRows"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t, tt.edit)
			us, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			_, err = us.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-1"})
			require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
			require.ErrorContains(t, err, tt.want)
			err = us.RunInTx(ctx, func(context.Context, storage.Tx) error { return nil })
			require.ErrorIs(t, err, bunstore.ErrUnsafeSession)

			// The same settings inside a host's transaction.
			err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				_, err := us.WithTx(tx).TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-1"})
				return err
			})
			require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
		})
	}
	t.Run("AsBunopenOpensIt", func(t *testing.T) {
		t.Parallel()
		db := open(t, func(*mysql.Config) {})
		us, err := bunstore.New(db, bunstore.Config{})
		require.NoError(t, err)
		got, err := us.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-1"})
		require.NoError(t, err)
		require.Equal(t, `back\slash`, got.Subject)
	})
}
