package bunstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
	"github.com/ticketkit/ticketkit/ticket"
)

// queryRecorder is a bun.QueryHook that keeps the SELECT statements run
// while it is on, as bun sent them (values inlined).
type queryRecorder struct {
	mu      sync.Mutex
	on      bool
	queries []string
}

func (r *queryRecorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (r *queryRecorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on && strings.HasPrefix(e.Query, "SELECT") {
		r.queries = append(r.queries, e.Query)
	}
}

// textProbes start the queries with which TicketList asks how common a
// Text term is in the tenant, before its SELECT: a capped count of the
// FTS5 gram table's matches on SQLite; on PostgreSQL the gram index's
// statistics and the table's size, when the store's copy of them is
// missing or old; on MySQL a capped count of the gram table's rows for
// each gram; and, once per tenant and rank column, whether a
// tenant still has tickets not ranked yet (ranksCurrent), before a
// search by a range of ranks.
var textProbes = regexp.MustCompile(`^SELECT (\(SELECT count\(\*\) FROM \(SELECT 1 FROM ` + "`ticketkit_ticket_text_grams`" + ` AS g WHERE|count\(\*\) FROM \(SELECT 1 FROM "ticketkit_tickets_grams_fts" WHERE|m\.elem, m\.freq FROM pg_stats|greatest\(coalesce\(\(SELECT c\.reltuples|EXISTS \(SELECT \* FROM "ticketkit_tickets" AS t WHERE \(t\.tenant_id = '[^']*'\) AND \(t\.\w+_rank = -1000\)\))`)

// capture returns the SELECT of the tickets fn runs: the one SELECT, or
// the last one after the probe of a Text filter (see textProbes).
func (r *queryRecorder) capture(t *testing.T, fn func()) string {
	t.Helper()
	r.mu.Lock()
	r.on, r.queries = true, nil
	r.mu.Unlock()
	fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	require.NotEmpty(t, r.queries, "TicketList should run a SELECT")
	for _, q := range r.queries[:len(r.queries)-1] {
		require.Regexp(t, textProbes, q, "TicketList should run one SELECT after the text probe: %q", r.queries)
	}
	require.LessOrEqual(t, len(r.queries), 4, "TicketList should run one SELECT after the text probe: %q", r.queries)
	return r.queries[len(r.queries)-1]
}

// explainTickets stores n tickets spread over four tenants, three years,
// and the usual mixes of statuses, priorities, categories and
// departments, in one transaction.
func explainTickets(t *testing.T, st *bunstore.Store, n int) {
	t.Helper()
	require.NoError(t, st.TicketImport(context.Background(), explainTicketList(n)))
}

// explainTicketList returns explainTickets' n tickets. They are stored
// with TicketImport (a multi-row INSERT per 500 tickets): the same rows
// as a TicketCreate each, as they have no SLA state, history or outbox
// entry.
func explainTicketList(n int) []*ticket.Ticket {
	statuses := []string{"closed", "closed", "closed", "closed", "closed", "closed", "resolved", "open", "in_progress", "waiting"}
	priorities := []string{"low", "normal", "normal", "normal", "high", "urgent"}
	categories := []string{"question", "question", "problem", "problem", "complaint"}
	departments := []string{"support", "support", "billing", "logistics", "returns", "sales"}
	channels := []ticket.Channel{ticket.ChannelEmail, ticket.ChannelEmail, ticket.ChannelWeb, ticket.ChannelPhone, ticket.ChannelPortal, ticket.ChannelManual}
	start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	step := 3 * 365 * 24 * time.Hour / time.Duration(n)
	tickets := make([]*ticket.Ticket, 0, n)
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		c := (i * 7919) % (n / 3)
		tickets = append(tickets, &ticket.Ticket{
			ID:         ids.New(),
			TenantID:   fmt.Sprintf("tenant-%d", i%4),
			Number:     fmt.Sprintf("TK-%06d", i),
			Subject:    fmt.Sprintf("Order %d: broken kettle number %d", i, i%97),
			Status:     statuses[(i*3)%len(statuses)],
			Priority:   priorities[(i*5)%len(priorities)],
			Category:   categories[(i*11)%len(categories)],
			Department: departments[(i*13)%len(departments)],
			Assignee:   fmt.Sprintf("agent-%02d", (i*17)%25),
			Channel:    channels[(i*19)%len(channels)],
			Customer: ticket.Customer{ID: fmt.Sprintf("cus-%d", c), Email: fmt.Sprintf("Cust%d@Example.com", c), Mobile: fmt.Sprintf("+3361%07d", c),
				OrganisationID: fmt.Sprintf("org-%d", c%200)},
			CreatedAt:   at,
			UpdatedAt:   at,
			Description: "",
		})
	}
	return tickets
}

// explainSQLiteImage is the file of an SQLite database migrated and
// holding explainTickets' 3000 tickets, made once per test binary: on
// SQLite under -race storing them takes a minute of CPU (the FTS5 gram
// table's triggers), and eight tests start from them.
var explainSQLiteImage struct {
	once  sync.Once
	image []byte
	err   error
}

// explainSQLiteDB returns an SQLite database of the test's own (a file
// under t.TempDir()), a copy of explainSQLiteImage.
func explainSQLiteDB(t *testing.T) *bun.DB {
	t.Helper()
	explainSQLiteImage.once.Do(func() {
		explainSQLiteImage.image, explainSQLiteImage.err = seedExplainSQLite()
	})
	require.NoError(t, explainSQLiteImage.err)
	path := filepath.Join(t.TempDir(), "test.db")
	require.NoError(t, os.WriteFile(path, explainSQLiteImage.image, 0o600))
	db, err := dbtest.OpenSQLite(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// seedExplainSQLite migrates a new SQLite file, stores explainTickets'
// 3000 tickets in it and returns the file, checkpointed and closed.
func seedExplainSQLite() (image []byte, err error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ticketkit-explain-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "explain.db")
	db, err := dbtest.OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err == nil {
			image, err = os.ReadFile(path)
		}
	}()
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := st.TicketImport(ctx, explainTicketList(3000)); err != nil {
		return nil, err
	}
	// Every page in the main file, none left in the WAL.
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return nil, err
}

// explainStore returns a store on b holding explainTickets' 3000
// tickets, its database and the recorder of its SELECT statements. On
// SQLite the database is a copy of explainSQLiteImage.
func explainStore(t *testing.T, b dbtest.Backend) (*bun.DB, *queryRecorder, *bunstore.Store) {
	t.Helper()
	rec := &queryRecorder{}
	if b.Name == "sqlite" {
		db := explainSQLiteDB(t).WithQueryHook(rec)
		return db, rec, newStore(t, db, bunstore.Config{})
	}
	db := b.Open(t).WithQueryHook(rec)
	st := newStore(t, db, bunstore.Config{})
	explainTickets(t, st, 3000)
	return db, rec, st
}

// analyzeTickets refreshes the planner's statistics of the tickets
// table on the backend named backend.
func analyzeTickets(t *testing.T, db *bun.DB, backend string) {
	t.Helper()
	analyze := "ANALYZE"
	if backend == "mysql" {
		analyze = "ANALYZE TABLE ticketkit_tickets"
	}
	_, err := db.ExecContext(t.Context(), analyze)
	require.NoError(t, err)
}

// TestTicketListExplain checks that every filter of TicketList, and
// their usual combination, reads the tickets table through an index
// that starts with the tenant: the query plan of the exact SQL TicketList
// runs may not scan the table. On PostgreSQL the plan is taken with
// enable_seqscan off (on a few thousand rows a sequential scan is cheap,
// so the planner would pick it), which still falls back to a sequential
// scan when no index can serve the query. On SQLite, single-value
// filters must also read rows in the page's order, with no sort.
//
// The Text filter is a substring match, which no b-tree index can
// serve. A term that fewer than a few thousand of the tenant's tickets
// hold, of any length and with other filters or not, reads the gram
// index of the tenant (migration 20261203000201): on PostgreSQL a bitmap
// scan of the GIN index of text_grams, whose rows are then checked and
// sorted; on SQLite the FTS5 gram table, whose rowids are looked up and
// sorted. (A common term reads the tenant's tickets in page order: see
// TestTextSearchCommonTermReadsTenantInOrder.) On MySQL the gram table
// of migration 20261203000901: a range of its primary key for the rarest
// gram, the tickets by their primary key, the other grams by the gram
// table's, then a sort of those candidates.
func TestTicketListExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			analyzeTickets(t, db, b.Name)

			from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			to := from.AddDate(0, 3, 0)
			first, err := st.TicketList(ctx, storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: "tenant-1", Statuses: []string{"closed"}}, Desc: true, Limit: 50,
			})
			require.NoError(t, err)
			require.NotEmpty(t, first.Next)

			tests := []struct {
				name  string
				f     storage.TicketFilter
				after string
				// index matches the index the plan must use, when the
				// filter leaves the planner no sensible choice.
				index string
				// trigram: the plan starts from the trigram index, not
				// from an index of the tenant, and sorts what it finds.
				trigram bool
			}{
				{name: "Tenant", f: storage.TicketFilter{}, index: "tickets_created_idx"},
				{name: "Status", f: storage.TicketFilter{Statuses: []string{"open"}}},
				{name: "Priority", f: storage.TicketFilter{Priorities: []string{"urgent"}}},
				{name: "Category", f: storage.TicketFilter{Categories: []string{"complaint"}}},
				{name: "Department", f: storage.TicketFilter{Departments: []string{"returns"}}},
				{name: "Assignee", f: storage.TicketFilter{Assignees: []string{"agent-07"}}},
				{name: "Channel", f: storage.TicketFilter{Channels: []string{"manual"}}, index: "tickets_channel_idx"},
				{name: "CreatedRange", f: storage.TicketFilter{CreatedFrom: from, CreatedTo: to}, index: "tickets_created_idx"},
				{name: "CustomerID", f: storage.TicketFilter{CustomerID: "cus-42"}, index: "tickets_customer_idx"},
				{name: "Organisation", f: storage.TicketFilter{OrganisationID: "org-42"}, index: "tickets_customer_org_idx"},
				{name: "CustomerMobile", f: storage.TicketFilter{CustomerMobile: "+33610000042"}, index: "tickets_mobile_idx"},
				{name: "CustomerEmail", f: storage.TicketFilter{CustomerEmail: "CUST42@example.com"}, index: "tickets_email_idx"},
				{name: "Number", f: storage.TicketFilter{Number: "TK-000042"}, index: `tickets_number_key|tickets_number_created_idx|sqlite_autoindex_ticketkit_tickets_\d+ \(tenant_id=\? AND number=\?\)`},
				{name: "Text", f: storage.TicketFilter{Text: "ORDER 1233:"}, trigram: true, index: trigramIndex},
				{name: "TextNoMatch", f: storage.TicketFilter{Text: "no such word"}, trigram: true, index: trigramIndex},
				{name: "TextOfThreeCharacters", f: storage.TicketFilter{Text: "zqx"}, trigram: true, index: trigramIndex},
				{name: "TextOfTwoCharacters", f: storage.TicketFilter{Text: "42"}, trigram: true, index: trigramIndex},
				{name: "TextOfOneCharacter", f: storage.TicketFilter{Text: "z"}, trigram: true, index: trigramIndex},
				{name: "TextStatusCreatedRange", f: storage.TicketFilter{Text: "order 12", Statuses: []string{"closed"}, CreatedFrom: from, CreatedTo: to}, trigram: true, index: textOrTenantIndex},
				{name: "TextDepartmentPriority", f: storage.TicketFilter{Text: "kettle number 4", Departments: []string{"support"}, Priorities: []string{"normal"}}, trigram: true, index: textOrTenantIndex},
				{name: "StatusDepartmentCreatedPriority", f: storage.TicketFilter{
					Statuses: []string{"closed"}, Departments: []string{"support"}, CreatedFrom: from, CreatedTo: to, Priorities: []string{"high"},
				}},
				{name: "StatusSecondPage", f: storage.TicketFilter{Statuses: []string{"closed"}}, after: first.Next, index: "tickets_status_idx"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p := storage.TicketListParams{TicketFilter: tt.f, Desc: true, Limit: 50, After: tt.after}
					p.TenantID = "tenant-1"
					query := rec.capture(t, func() {
						_, err := st.TicketList(ctx, p)
						require.NoError(t, err)
					})
					var plan string
					if b.Name == "mysql" && tt.trigram && strings.Contains(query, "ticket_text_grams") {
						plan = explainMySQLPlan(t, db, query)
						// (A short term's grams are made distinct first: a
						// <derived> and a <subquery> table, both bounded.)
						if strings.HasPrefix(plan, "t key=ticketkit_tickets_dept_priority_idx type=ref ") {
							// A department's tickets of one priority are few
							// here: MariaDB reads them in page order from
							// their index (migration 20261205000402) and
							// checks each one's grams by the gram table's key.
							require.NotRegexp(t, `(?m)^g key=\S* type=(?:[^e]|e[^q])`, plan, "each gram checked by its key; query: %s", query)
						} else {
							require.Regexp(t, `(?m)^g key=PRIMARY type=(ref|range) `, plan, "the gram table should give the candidates; query: %s", query)
							require.Regexp(t, `(?m)^t key=PRIMARY type=eq_ref `, plan, "the tickets should be read by their key; query: %s", query)
						}
						require.NotRegexp(t, `(?m)^\w+ key=\S* type=(ALL|index) `, plan, "no table should be scanned whole; query: %s", query)
						tt.index = ""
					} else if b.Name == "mysql" {
						plan = explainMySQLPlan(t, db, query)
						// Every secondary index of the tickets table starts
						// with the tenant; a subject search with a common
						// term walks the tenant's tickets in page order.
						// MariaDB answers a number no ticket of the tenant has
						// from the unique key while planning ("Impossible
						// WHERE noticed after reading const tables").
						constRead := strings.Contains(plan, "noticed after reading const tables")
						if !constRead {
							require.Regexp(t, `(?m)^t key=ticketkit_tickets_\w+ `, plan, "the tenant should bound the index scan; query: %s", query)
						}
						if tt.name == "Number" {
							tt.index = `key=ticketkit_tickets_number_key|noticed after reading const tables`
						}
						require.NotContains(t, plan, "filesort", "the index should give the page's order; query: %s", query)
						if tt.trigram {
							// The other filters' index, or created_at's.
							tt.index = "tickets_created_idx"
							if len(tt.f.Statuses)+len(tt.f.Departments) > 0 {
								tt.index = ""
							}
						}
					} else if b.Name == "postgres" {
						plan = explainPostgres(t, db, query)
						require.NotContains(t, plan, "Seq Scan", "query: %s", query)
						if !tt.trigram {
							require.Regexp(t, `(Index|Recheck) Cond: \(+\(?tenant_id = 'tenant-1'`, plan, "the tenant should bound the index scan; query: %s", query)
						}
					} else {
						plan = explainSQLite(t, db, query)
						want := `^SEARCH t USING (COVERING )?INDEX \w+ \(tenant_id=\?`
						if tt.trigram {
							// By the rowids the gram table finds, or through
							// another filter's index with those rowids as a
							// filter (the plan lists the gram table's scan
							// either way).
							want = `^SEARCH t USING (INTEGER PRIMARY KEY \(rowid=\?\)|(COVERING )?INDEX \w+ \(tenant_id=\?)`
						}
						for line := range strings.SplitSeq(plan, "\n") {
							if m := sqliteTable.FindStringSubmatch(line); m != nil && m[2] == "t" {
								require.Regexp(t, want, line,
									"the tickets table should be searched through an index starting with the tenant; query: %s\nplan:\n%s", query, plan)
							}
						}
						if !tt.trigram {
							require.NotContains(t, plan, "TEMP B-TREE", "the index should give the page's order; query: %s", query)
						}
					}
					if tt.index != "" {
						require.Regexp(t, tt.index, plan, "query: %s", query)
					}
					t.Logf("%s\n%s", query, plan)
				})
			}
		})
	}
}

// trigramIndex matches the gram index in a plan: the GIN index of
// text_grams on PostgreSQL, the FTS5 gram table on SQLite.
const trigramIndex = `Bitmap Index Scan on ticketkit_tickets_text_grams_idx|SCAN ticketkit_tickets_grams_fts VIRTUAL TABLE INDEX \d+:M`

// textOrTenantIndex matches, for a text filter combined with others, the
// gram index or an index scan bounded by the tenant (the other filter's
// index, the subject checked on its rows): PostgreSQL weighs the GIN
// index's pending list (fastupdate) and picks either.
const textOrTenantIndex = trigramIndex + `|(Index|Recheck) Cond: \(+\(?tenant_id = 'tenant-1'`

// explainPostgres returns the plan of query with sequential scans
// discouraged.
func explainPostgres(t *testing.T, db *bun.DB, query string) string {
	t.Helper()
	var lines []string
	err := db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		return tx.NewRaw("EXPLAIN "+query).Scan(ctx, &lines)
	})
	require.NoError(t, err)
	return strings.Join(lines, "\n")
}

// sqliteTable matches the table name in a SQLite plan line.
var sqliteTable = regexp.MustCompile(`^(SCAN|SEARCH) (\S+)`)

// explainSQLite returns the EXPLAIN QUERY PLAN lines of query.
func explainSQLite(t *testing.T, db *bun.DB, query string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query)
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}
