package bunstore_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit"
	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// Values that break out of Bun's string literals when a PostgreSQL
// session has standard_conforming_strings=off: Bun doubles the quote,
// the server then reads the backslash as escaping the first of the two,
// and the second one ends the literal. byNumber fits the WHERE clause of
// TicketGetByNumber; inList also rebuilds the end of TicketList's outer
// query, which the comment removes.
const (
	byNumber = `x\') OR (1=1) --`
	inList   = `x\') OR (1=1)) AS t LEFT JOIN ticketkit_ticket_sla AS s ON s.ticket_id = t.id --`
)

// openUnsafe opens a second pool on safe's schema whose sessions run with
// standard_conforming_strings=off, as a role or database setting would
// make them.
func openUnsafe(t *testing.T, safe *bun.DB) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var schema string
	require.NoError(t, safe.NewRaw("SELECT current_schema()").Scan(ctx, &schema))
	u, err := url.Parse(os.Getenv(dbtest.PostgresEnv))
	require.NoError(t, err)
	q := u.Query()
	q.Set("options", "-c standard_conforming_strings=off")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + literally
	db, err := dbtest.OpenPostgres(u.String(), schema)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	var setting string
	require.NoError(t, db.NewRaw("SELECT current_setting('standard_conforming_strings')").Scan(ctx, &setting))
	require.Equal(t, "off", setting, "the test needs sessions with the setting off")
	return db
}

// TestUnsafeSessionIsRefused: on sessions with
// standard_conforming_strings=off, a filter value could rewrite the
// store's SQL and read another tenant's tickets. The store refuses to
// run there (Migrate, reads, transactions, a Desk above it), so the
// hostile values return nothing; on a normal session they match nothing.
func TestUnsafeSessionIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	safe := dbtest.Postgres(t)
	st := newStore(t, safe, bunstore.Config{})
	mine := sampleTicket("acme", "TK-1", "Mine")
	theirs := sampleTicket("globex", "GX-1", "Another tenant's")
	theirs.Assignee = "agent-g"
	require.NoError(t, st.TicketCreate(ctx, mine))
	require.NoError(t, st.TicketCreate(ctx, theirs))

	// A normal session: the values are plain strings that match nothing.
	_, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: byNumber})
	require.ErrorIs(t, err, storage.ErrNotFound)
	for _, v := range []string{byNumber, inList} {
		res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "acme", Assignees: []string{v}}})
		require.NoError(t, err)
		require.Empty(t, res.Tickets)
	}

	unsafe := openUnsafe(t, safe)
	us, err := bunstore.New(unsafe, bunstore.Config{})
	require.NoError(t, err)
	require.ErrorIs(t, us.Migrate(ctx), bunstore.ErrUnsafeSession)

	tk, err := us.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: byNumber})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	require.Nil(t, tk, "no ticket, of another tenant least of all")
	res, err := us.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: "acme", Assignees: []string{inList}}})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	require.Nil(t, res)
	err = us.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: byNumber})
		return err
	})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)

	// A store over a host's transaction on such a session refuses too.
	err = unsafe.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ts, err := bunstore.New(tx, bunstore.Config{})
		require.NoError(t, err)
		_, err = ts.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: byNumber})
		return err
	})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)

	// And so does a Desk over the store.
	desk, err := ticketkit.New(ticketkit.Config{Store: us})
	require.NoError(t, err)
	agent := ticket.Actor{ID: "agent-1", Role: ticket.RoleAgent, TenantID: "acme"}
	got, err := desk.GetByNumber(ctx, agent, byNumber)
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	require.Nil(t, got)
	found, err := desk.Search(ctx, agent, ticketkit.SearchParams{Assignees: []string{inList}})
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	require.Nil(t, found)
}

// TestSessionCheckIsRetriedUntilItSucceeds: a failed check is not
// remembered. A store over one connection whose session turns the
// setting off refuses to run; once the session turns it on again, the
// same store runs.
func TestSessionCheckIsRetriedUntilItSucceeds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.Postgres(t)
	newStore(t, db, bunstore.Config{})
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	st, err := bunstore.New(conn, bunstore.Config{})
	require.NoError(t, err)
	tk := sampleTicket("acme", "TK-1", "Hello")

	_, err = conn.ExecContext(ctx, "SET standard_conforming_strings = off")
	require.NoError(t, err)
	require.ErrorIs(t, st.TicketCreate(ctx, tk), bunstore.ErrUnsafeSession)
	require.Zero(t, count(t, db, "ticketkit_tickets"), "nothing was written")

	_, err = conn.ExecContext(ctx, "SET standard_conforming_strings = on")
	require.NoError(t, err)
	require.NoError(t, st.TicketCreate(ctx, tk))
	got, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: "acme", Number: "TK-1"})
	require.NoError(t, err)
	require.Equal(t, tk.ID, got.ID)
}

// TestSessionCheckedQueryRowSendsNothingOnAnUnsafeSession: a checked
// QueryRowContext on an unsafe session does not send its statement, and
// the row's Scan returns ErrUnsafeSession.
func TestSessionCheckedQueryRowSendsNothingOnAnUnsafeSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := dbtest.Postgres(t).Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "SET standard_conforming_strings = off")
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "CREATE TEMP TABLE sent (n int)")
	require.NoError(t, err)

	c := bunstore.UncheckedConn(conn)
	var n int
	err = c.QueryRowContext(ctx, "INSERT INTO sent VALUES (1) RETURNING n").Scan(&n)
	require.ErrorIs(t, err, bunstore.ErrUnsafeSession)
	var rows int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT count(*) FROM sent").Scan(&rows))
	require.Zero(t, rows, "the statement was not sent")
}
