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
