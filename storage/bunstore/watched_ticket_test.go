package bunstore_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// openWithTimeZone opens a second pool on base's schema whose sessions
// run with TimeZone set to zone, as a server's timezone setting (initdb
// takes the machine's zone), a role or a database setting makes them.
func openWithTimeZone(t *testing.T, base *bun.DB, zone string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var schema string
	require.NoError(t, base.NewRaw("SELECT current_schema()").Scan(ctx, &schema))
	u, err := url.Parse(os.Getenv(dbtest.PostgresEnv))
	require.NoError(t, err)
	q := u.Query()
	q.Set("options", "-c TimeZone="+zone)
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + literally
	db, err := dbtest.OpenPostgres(u.String(), schema)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	var setting string
	require.NoError(t, db.NewRaw("SELECT current_setting('TimeZone')").Scan(ctx, &setting))
	require.Equal(t, zone, setting, "the test needs sessions in the zone")
	return db
}

// TestTicketGetWatchedInAnySessionTimeZone: on PostgreSQL,
// TicketGetWatched returns the watchers WatcherList returns whatever the
// session's TimeZone, in both hook modes. Their created_at travels
// through JSON, which PostgreSQL writes in the session's zone; a zone
// whose offset at that time has seconds (local mean time before a zone's
// standard time, such as Europe/Amsterdam's +00:19:32, or any zone for
// the zero time a host may store) is not RFC 3339, and every optimistic
// change of the ticket (Reply, Transition, Assign) failed on it.
func TestTicketGetWatchedInAnySessionTimeZone(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"UTC", "Asia/Kathmandu", "Europe/Amsterdam", "America/Sao_Paulo"} {
		for _, throughBun := range []bool{false, true} {
			name := zone + map[bool]string{false: "/OneStatement", true: "/ThroughBunOnly"}[throughBun]
			t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				base := dbtest.Postgres(t)
				newStore(t, base, bunstore.Config{}) // migrated
				st, err := bunstore.New(openWithTimeZone(t, base, zone), bunstore.Config{ThroughBunOnly: throughBun})
				require.NoError(t, err)
				tk := sampleTicket("acme", "TK-1", "Watched")
				require.NoError(t, st.TicketCreate(ctx, tk))
				for i, at := range []time.Time{
					time.Date(2026, 12, 3, 23, 41, 29, 123456000, time.UTC),
					time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC), // imported from an older system
					{}, // a host's store call without a time
				} {
					require.NoError(t, st.WatcherAdd(ctx, &ticket.Watcher{TenantID: "acme", TicketID: tk.ID,
						Kind: ticket.WatcherAgent, Key: "agent-" + string(rune('1'+i)), CreatedBy: "agent-9", CreatedAt: at}))
				}
				want, err := st.WatcherList(ctx, storage.WatcherListParams{TenantID: "acme", TicketIDs: []string{tk.ID}, Limit: storage.MaxLimit})
				require.NoError(t, err)
				require.Len(t, want, 3)
				for range 2 { // the second read runs the prepared text again
					got, ws, err := st.TicketGetWatched(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
					require.NoError(t, err)
					require.Equal(t, tk.ID, got.ID)
					require.Equal(t, want, ws)
				}
			})
		}
	}
}

// TestTicketGetWatchedAcrossPrefixesSessionsAndSchemaChanges: on
// PostgreSQL two stores with different table prefixes on one schema each
// read their own tickets and watchers (their statement texts are their
// own); a session with a generic plan forced and another DateStyle reads
// the same; and a column added to the tickets and watchers tables, or a
// selected column's type changed, after the text was prepared on the
// connection, does not break the next read (a stale prepared plan is
// read again outside a transaction) nor more than one claim.
func TestTicketGetWatchedAcrossPrefixesSessionsAndSchemaChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := dbtest.Postgres(t)
	base.SetMaxOpenConns(1) // one connection: every read reuses what it prepared
	a := newStore(t, base, bunstore.Config{TablePrefix: "a_"})
	b := newStore(t, base, bunstore.Config{TablePrefix: "b_"})
	add := func(st *bunstore.Store, key string) *ticket.Ticket {
		tk := sampleTicket("acme", "TK-1", key)
		require.NoError(t, st.TicketCreate(ctx, tk))
		require.NoError(t, st.WatcherAdd(ctx, &ticket.Watcher{TenantID: "acme", TicketID: tk.ID, Kind: ticket.WatcherAgent, Key: key,
			CreatedAt: time.Date(2026, 12, 3, 23, 41, 29, 123456000, time.UTC)}))
		return tk
	}
	ta, tb := add(a, "agent-a"), add(b, "agent-b")
	read := func(t *testing.T, st *bunstore.Store, tk *ticket.Ticket, key string) {
		t.Helper()
		got, ws, err := st.TicketGetWatched(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
		require.NoError(t, err)
		require.Equal(t, key, got.Subject)
		require.Len(t, ws, 1)
		require.Equal(t, key, ws[0].Key)
		require.Equal(t, time.Date(2026, 12, 3, 23, 41, 29, 123456000, time.UTC), ws[0].CreatedAt)
	}
	for range 2 {
		read(t, a, ta, "agent-a")
		read(t, b, tb, "agent-b")
		_, _, err := a.TicketGetWatched(ctx, storage.TicketGetParams{TenantID: "acme", ID: tb.ID})
		require.ErrorIs(t, err, storage.ErrNotFound, "b's ticket is not a's")
	}
	for _, ddl := range []string{
		"ALTER TABLE a_tickets ADD COLUMN extra integer",
		"ALTER TABLE a_watchers ADD COLUMN extra integer",
		"ALTER TABLE a_tickets ALTER COLUMN subject TYPE varchar(1000)",
	} {
		_, err := base.ExecContext(ctx, ddl)
		require.NoError(t, err)
		read(t, a, ta, "agent-a")
		// The claim runs in the sweep's transaction, which the stale
		// plan aborts: that transaction fails (pgx then drops the
		// statement), and the next one claims.
		claim := func() error {
			return a.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: time.Now(), Limit: 10})
				return err
			})
		}
		if err := claim(); err != nil {
			require.ErrorContains(t, err, "cached plan must not change result type", "after %s", ddl)
			require.NoError(t, claim(), "after %s, the next claim", ddl)
		}
	}

	var schema string
	require.NoError(t, base.NewRaw("SELECT current_schema()").Scan(ctx, &schema))
	u, err := url.Parse(os.Getenv(dbtest.PostgresEnv))
	require.NoError(t, err)
	q := u.Query()
	q.Set("options", "-c plan_cache_mode=force_generic_plan -c DateStyle=SQL,DMY -c IntervalStyle=sql_standard -c TimeZone=Asia/Kathmandu")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	odd, err := dbtest.OpenPostgres(u.String(), schema)
	require.NoError(t, err)
	t.Cleanup(func() { _ = odd.Close() })
	ob, err := bunstore.New(odd, bunstore.Config{TablePrefix: "b_"})
	require.NoError(t, err)
	for range 2 {
		read(t, ob, tb, "agent-b")
	}
}
