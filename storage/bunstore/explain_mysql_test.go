package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

// claimQueries records the SELECT ... FOR UPDATE SKIP LOCKED statements
// a store sends.
type claimQueries struct {
	mu sync.Mutex
	qs []string
}

func (h *claimQueries) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *claimQueries) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.HasPrefix(e.Query, "SELECT") && strings.HasSuffix(e.Query, "FOR UPDATE SKIP LOCKED") {
		h.mu.Lock()
		h.qs = append(h.qs, e.Query)
		h.mu.Unlock()
	}
}

// explainMySQL returns the key of each table of the plan of query and
// the rows it reads: on MariaDB the rows ANALYZE counted running it
// (r_rows), elsewhere EXPLAIN's estimate.
func explainMySQL(t *testing.T, db bun.IDB, query string) (keys []string, rows int64) {
	t.Helper()
	var version string
	require.NoError(t, db.NewRaw("SELECT version()").Scan(context.Background(), &version))
	verb, rowsCol := "EXPLAIN ", "rows"
	if strings.Contains(version, "MariaDB") {
		verb, rowsCol = "ANALYZE ", "r_rows"
	}
	var plan []map[string]any
	require.NoError(t, db.NewRaw(verb+query).Scan(context.Background(), &plan))
	for _, p := range plan {
		k := sqlText(p["key"])
		if k == "" {
			k = "(none)"
		}
		keys = append(keys, sqlText(p["table"])+":"+k)
		if v := sqlText(p[rowsCol]); v != "" { // none for a table not read
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, "%v", p)
			rows += int64(n)
		}
	}
	return keys, rows
}

// MySQL has no partial indexes: the outbox claim reads pending entries
// through an index that leads with delivered_at and dead_at (NULL for
// pending ones), so that a claim reads the backlog, not the history of
// delivered entries; the SLA sweep reads the wake-time index. Both
// claims lock with FOR UPDATE SKIP LOCKED.
func TestMySQLClaimsReadTheirIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.MySQL(t)
	newStore(t, db, bunstore.Config{})
	h := &claimQueries{}
	st, err := bunstore.New(db.WithQueryHook(h), bunstore.Config{})
	require.NoError(t, err)

	// 3,000 delivered entries, all due long ago, and 20 pending ones.
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	var entries []*storage.OutboxEntry
	for i := range 3020 {
		entries = append(entries, &storage.OutboxEntry{ID: ids.New(), TenantID: "acme", Kind: "ticket.opened",
			Payload: []byte(`{}`), CreatedAt: now.Add(-time.Duration(3020-i) * time.Minute)})
	}
	for chunk := range slices.Chunk(entries, 500) {
		require.NoError(t, st.OutboxCreate(ctx, chunk))
	}
	delivered := make([]string, 3000)
	for i := range delivered {
		delivered[i] = entries[i].ID
	}
	for chunk := range slices.Chunk(delivered, 500) {
		require.NoError(t, st.OutboxMarkDelivered(ctx, storage.OutboxMarkDeliveredParams{IDs: chunk, At: now}))
	}
	_, err = db.ExecContext(ctx, "ANALYZE TABLE ticketkit_outbox")
	require.NoError(t, err)

	claimed, err := st.OutboxClaim(ctx, storage.OutboxClaimParams{Now: now, LockFor: time.Minute, Limit: 10})
	require.NoError(t, err)
	require.Len(t, claimed, 10)
	require.Equal(t, entries[3000].ID, claimed[0].ID, "the oldest pending entry first")
	require.NotEmpty(t, h.qs)
	keys, rows := explainMySQL(t, db, h.qs[0])
	t.Logf("outbox claim: %v, %d rows", keys, rows)
	require.Equal(t, []string{"ticketkit_outbox:ticketkit_outbox_claim_idx"}, keys, h.qs[0])
	require.LessOrEqual(t, rows, int64(20), "reads the pending entries, not the 3,000 delivered ones")

	// The SLA sweep, over 600 tickets with an SLA wake time, 10 of them
	// due.
	var tickets []string
	for i := range 600 {
		tk := sampleTicket("acme", fmt.Sprintf("TK-%d", i), "SLA")
		require.NoError(t, st.TicketCreate(ctx, tk))
		tickets = append(tickets, tk.ID)
	}
	for i, id := range tickets {
		wake := now.Add(time.Duration(i+1) * time.Hour)
		if i < 10 {
			wake = now.Add(-time.Duration(i+1) * time.Minute)
		}
		_, err := db.NewRaw("INSERT INTO ticketkit_ticket_sla (ticket_id, tenant_id, state, next_check_at, revision) VALUES (?, 'acme', '{}', ?, 1)",
			id, wake).Exec(ctx)
		require.NoError(t, err)
	}
	_, err = db.ExecContext(ctx, "ANALYZE TABLE ticketkit_ticket_sla, ticketkit_tickets")
	require.NoError(t, err)
	h.qs = nil
	require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.TicketClaimDue(ctx, storage.TicketClaimDueParams{Now: now, Limit: 10})
		return err
	}))
	require.NotEmpty(t, h.qs)
	keys, rows = explainMySQL(t, db, h.qs[0])
	t.Logf("SLA sweep: %v, %d rows", keys, rows)
	require.Contains(t, keys, "s:ticketkit_ticket_sla_due_idx", h.qs[0])
	require.LessOrEqual(t, rows, int64(40), "reads the due tickets, not the 600")
}

// explainMySQLPlan returns EXPLAIN's rows of query, one line per table:
// "<table> key=<index> type=<access> extra=<Extra>".
func explainMySQLPlan(t *testing.T, db bun.IDB, query string) string {
	t.Helper()
	var plan []map[string]any
	require.NoError(t, db.NewRaw("EXPLAIN "+query).Scan(context.Background(), &plan))
	var lines []string
	for _, p := range plan {
		lines = append(lines, fmt.Sprintf("%s key=%s type=%s extra=%s",
			sqlText(p["table"]), sqlText(p["key"]), sqlText(p["type"]), sqlText(p["Extra"])))
	}
	return strings.Join(lines, "\n")
}

// sqlText returns a value of a map scan as text.
func sqlText(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	case nil:
		return ""
	case sql.NullString:
		return v.String
	case sql.NullInt64:
		if !v.Valid {
			return ""
		}
		return strconv.FormatInt(v.Int64, 10)
	case sql.NullFloat64:
		if !v.Valid {
			return ""
		}
		return strconv.FormatFloat(v.Float64, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
