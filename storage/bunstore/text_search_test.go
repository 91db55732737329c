package bunstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// searchIDs returns the IDs of tenant's tickets whose subject holds text,
// through TicketList, sorted.
func searchIDs(t *testing.T, st *bunstore.Store, tenant, text string) []string {
	t.Helper()
	var ids []string
	p := storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: tenant, Text: text}, Limit: 200}
	for {
		res, err := st.TicketList(context.Background(), p)
		require.NoError(t, err, "text %q", text)
		for _, tk := range res.Tickets {
			ids = append(ids, tk.ID)
		}
		if res.Next == "" {
			break
		}
		p.After = res.Next
	}
	slices.Sort(ids)
	return ids
}

// wantIDs returns the IDs of the tickets of tenant whose subject holds
// text as TicketList defines it: a literal substring, both lower-cased by
// Go.
func wantIDs(tickets []*ticket.Ticket, tenant, text string) []string {
	var ids []string
	for _, tk := range tickets {
		if tk.TenantID == tenant && strings.Contains(strings.ToLower(tk.Subject), strings.ToLower(text)) {
			ids = append(ids, tk.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// ftsIntegrity runs FTS5's integrity check of the SQLite search table
// against the tickets table: it fails when the index misses a row or
// holds one that is gone or changed.
func ftsIntegrity(t *testing.T, db bun.IDB) {
	t.Helper()
	if dialectOf(db) != bunstore.DialectSQLite {
		return
	}
	_, err := db.ExecContext(context.Background(),
		"INSERT INTO ticketkit_tickets_fts (ticketkit_tickets_fts, rank) VALUES ('integrity-check', 1)")
	require.NoError(t, err, "the FTS5 table should match the tickets table")
}

// ftsRows returns the rowids the SQLite search table finds for a term.
func ftsRows(t *testing.T, db bun.IDB, term string) []int64 {
	t.Helper()
	var rows []int64
	require.NoError(t, db.NewRaw("SELECT rowid FROM ticketkit_tickets_fts WHERE ticketkit_tickets_fts MATCH ?",
		`"`+strings.ReplaceAll(term, `"`, `""`)+`"`).Scan(context.Background(), &rows))
	return rows
}

// TestTextSearchFollowsSubjectChanges checks that the trigram index
// follows the tickets table: a search finds a ticket by its new subject
// and no longer by its old one, and no longer finds a deleted ticket.
// On SQLite the FTS5 table itself must not keep the old terms (the exact
// instr() check would hide them from TicketList).
func TestTextSearchFollowsSubjectChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			kettle := sampleTicket("acme", "TK-1", "Broken kettle after two weeks")
			toaster := sampleTicket("acme", "TK-2", "Toaster burns everything")
			other := sampleTicket("globex", "TK-1", "Broken kettle too")
			for _, tk := range []*ticket.Ticket{kettle, toaster, other} {
				require.NoError(t, st.TicketCreate(ctx, tk))
			}
			require.Equal(t, []string{kettle.ID}, searchIDs(t, st, "acme", "KETTLE"))
			ftsIntegrity(t, db)

			kettle.Subject = "Cracked teapot lid"
			require.NoError(t, st.TicketUpdate(ctx, kettle))
			require.Empty(t, searchIDs(t, st, "acme", "kettle"), "the old subject is gone")
			require.Equal(t, []string{kettle.ID}, searchIDs(t, st, "acme", "teapot"), "the new subject is found")
			require.Equal(t, []string{other.ID}, searchIDs(t, st, "globex", "kettle"))

			// An update that keeps the subject leaves the index as it was.
			toaster.Status = ticket.StatusInProgress
			require.NoError(t, st.TicketUpdate(ctx, toaster))
			require.Equal(t, []string{toaster.ID}, searchIDs(t, st, "acme", "burns"))
			ftsIntegrity(t, db)

			_, err := db.NewDelete().TableExpr("ticketkit_tickets").Where("id = ?", kettle.ID).Exec(ctx)
			require.NoError(t, err)
			require.Empty(t, searchIDs(t, st, "acme", "teapot"), "a deleted ticket is not found")
			ftsIntegrity(t, db)
			if b.Name == "sqlite" {
				require.Empty(t, ftsRows(t, db, "teapot"), "the FTS5 table forgets a deleted ticket")
				require.Len(t, ftsRows(t, db, "kettle"), 1, "the FTS5 table forgets an old subject")
			}
		})
	}
}

// TestTextSearchMatchesLiterally compares TicketList's Text filter with
// its definition (a substring of the subject, both lower-cased by Go) for
// terms around the trigram index's edges: two and three characters,
// multi-byte characters, case folding outside ASCII, LIKE wildcards and
// FTS5 query syntax, which must all match themselves.
func TestTextSearchMatchesLiterally(t *testing.T) {
	t.Parallel()
	subjects := []string{
		"Broken kettle after two weeks",
		"ÉCLAIR machine crème brûlée ☕",
		"Invoice 100% wrong_total",
		`Path C:\Users\ann "quoted" name`,
		"kettle AND toaster OR NEAR(blender mixer) NOT fridge*",
		"İstanbul ŞUBE straße ΣΊΣΥΦΟΣ",
		"abc",
		"ab",
		"Ǆemal ǅ ǆ", // title-case and upper-case digraphs
	}
	terms := []string{
		"kettle", "KETTLE", "ke", "k", "ett", "two weeks", "after  two",
		"éclair", "ÉCLAIR", "crème", "CRÈME BRÛLÉE", "é", "éc", "ée ", "☕", "e ☕",
		"100%", "0% ", "%", "_", "g_t", "wrong_", "%_", `\`, `C:\U`, `\ann`,
		`"quoted"`, `"`, `""`, `" name`, "AND", "and toaster", "OR NEAR(", "near(blender", "fridge*", "*", "NOT",
		"i̇stanbul", "istanbul", "şube", "STRASSE", "straße", "σίσυφος", "ΣΊΣΥΦΟΣ",
		"abc", "ABC", "bc", "abcd", "ǆemal", "Ǆ", "ǅ ǆ",
		"no such word",
	}
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			var tickets []*ticket.Ticket
			for i, subject := range subjects {
				for _, tenant := range []string{"acme", "globex"} {
					tk := sampleTicket(tenant, fmt.Sprintf("TK-%d", i), subject)
					require.NoError(t, st.TicketCreate(context.Background(), tk))
					tickets = append(tickets, tk)
				}
			}
			for _, term := range terms {
				require.Equal(t, wantIDs(tickets, "acme", term), searchIDs(t, st, "acme", term), "text %q", term)
			}
			ftsIntegrity(t, db)
		})
	}
}

// TestTextSearchCommonTermReadsTenantInOrder checks that a term
// thousands of the tenant's tickets hold is searched by reading the
// tenant's tickets in page order, not through the gram index, while a
// term rare in the tenant goes through the gram index even when other
// tenants hold it thousands of times, and that both ways return the
// same rows (SQLite counts the tenant's matches; PostgreSQL reads the
// gram index's statistics, hence the ANALYZE).
func TestTextSearchCommonTermReadsTenantInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			rec := &queryRecorder{}
			db := b.Open(t).WithQueryHook(rec)
			st := newStore(t, db, bunstore.Config{})
			var tickets []*ticket.Ticket
			for i := range 9000 {
				tenant := []string{"acme", "globex"}[i%2]
				subject := fmt.Sprintf("Broken kettle %d", i)
				if tenant == "globex" && i%10 != 1 || i%1000 == 0 {
					subject = fmt.Sprintf("Toaster %d smokes", i)
				}
				tickets = append(tickets, sampleTicket(tenant, fmt.Sprintf("TK-%d", i), subject))
			}
			require.NoError(t, st.TicketImport(ctx, tickets))
			analyze := "ANALYZE"
			if b.Name == "mysql" {
				analyze = "ANALYZE TABLE ticketkit_tickets, ticketkit_ticket_text_grams"
			}
			_, err := db.ExecContext(ctx, analyze)
			require.NoError(t, err)

			for _, c := range []struct {
				tenant, term string
				index        bool
			}{
				{"acme", "kettle", false}, {"acme", "toaster", true}, {"acme", "ToAsTeR 1", true}, {"acme", "ke", false},
				{"acme", "q", true}, {"globex", "toaster", false}, {"globex", "kettle", true},
			} {
				query := rec.capture(t, func() {
					_, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: c.tenant, Text: c.term}, Desc: true})
					require.NoError(t, err)
				})
				if b.Name == "mysql" {
					// The rows MariaDB reads, counted by ANALYZE: through
					// the gram table's primary key, a few per match; in
					// page order, a page's worth of matches.
					keys, rows := explainMySQL(t, db, query)
					if c.index {
						require.Contains(t, keys, "g:PRIMARY", "%s %q: %s", c.tenant, c.term, query)
						matches := len(wantIDs(tickets, c.tenant, c.term))
						require.Less(t, rows, int64(4*matches+100), "%s %q: %v", c.tenant, c.term, keys)
					} else {
						require.NotContains(t, query, "grams", "%s %q", c.tenant, c.term)
						require.Contains(t, keys, "t:ticketkit_tickets_created_idx", "%s %q", c.tenant, c.term)
					}
					require.Equal(t, wantIDs(tickets, c.tenant, c.term), searchIDs(t, st, c.tenant, c.term), "%s %q", c.tenant, c.term)
					continue
				}
				var plan string
				if b.Name == "sqlite" {
					plan = explainSQLite(t, db, query)
				} else {
					plan = explainPostgres(t, db, query)
				}
				if c.index {
					require.Regexp(t, trigramIndex, plan, "%s %q", c.tenant, c.term)
				} else {
					require.NotContains(t, query, "grams", "%s %q", c.tenant, c.term)
					require.Contains(t, plan, "ticketkit_tickets_created_idx", "%s %q", c.tenant, c.term)
					require.NotContains(t, plan, "TEMP B-TREE", "%s %q", c.tenant, c.term)
				}
				require.Equal(t, wantIDs(tickets, c.tenant, c.term), searchIDs(t, st, c.tenant, c.term), "%s %q", c.tenant, c.term)
			}
		})
	}
}

// TestTextSearchMigrationIndexesExistingTickets checks that the trigram
// migration indexes the tickets a database already holds, and that it
// can run again (as after a crash before its bookkeeping row) without
// indexing them twice.
func TestTextSearchMigrationIndexesExistingTickets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			m, list := firstMigrations(t, db, "subject_trigram")
			require.Len(t, list, 1, "only init before the trigram migration")
			_, err := m.Migrate(ctx)
			require.NoError(t, err)
			table, _, err := bunstore.MigrationTables("")
			require.NoError(t, err)

			st, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			var tickets []*ticket.Ticket
			for i := range 30 {
				tk := sampleTicket("acme", fmt.Sprintf("TK-%d", i), fmt.Sprintf("Order %d: broken kettle", i))
				require.NoError(t, st.TicketCreate(ctx, tk))
				tickets = append(tickets, tk)
			}

			require.NoError(t, st.Migrate(ctx))
			for _, term := range []string{"kettle", "order 2", "order 29:"} {
				require.Equal(t, wantIDs(tickets, "acme", term), searchIDs(t, st, "acme", term), "term %q", term)
			}
			ftsIntegrity(t, db)

			// Run the trigram migration again.
			_, err = db.NewDelete().TableExpr(table).Where("name = ?", "20260601000002_ticketkit").Exec(ctx)
			require.NoError(t, err)
			require.NoError(t, st.Migrate(ctx))
			require.Equal(t, wantIDs(tickets, "acme", "order 29:"), searchIDs(t, st, "acme", "order 29:"))
			ftsIntegrity(t, db)
			if b.Name == "sqlite" {
				require.Len(t, ftsRows(t, db, "order 29:"), 1)
			}
		})
	}
}

// TestTextSearchSurvivesVacuum checks that SQLite's VACUUM, which may
// renumber the rowids of a table without an INTEGER PRIMARY KEY, leaves
// the FTS5 table (keyed by the tickets' rowids) in step.
func TestTextSearchSurvivesVacuum(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.SQLite(t)
	st := newStore(t, db, bunstore.Config{})
	var tickets []*ticket.Ticket
	for i := range 40 {
		tk := sampleTicket("acme", fmt.Sprintf("TK-%d", i), fmt.Sprintf("Parcel %d lost", i))
		require.NoError(t, st.TicketCreate(ctx, tk))
		tickets = append(tickets, tk)
	}
	_, err := db.NewDelete().TableExpr("ticketkit_tickets").Where("number IN (?)", bun.List([]string{"TK-1", "TK-5", "TK-17"})).Exec(ctx)
	require.NoError(t, err)
	tickets = slices.DeleteFunc(tickets, func(tk *ticket.Ticket) bool {
		return tk.Number == "TK-1" || tk.Number == "TK-5" || tk.Number == "TK-17"
	})
	_, err = db.ExecContext(ctx, "VACUUM")
	require.NoError(t, err)
	ftsIntegrity(t, db)
	for _, term := range []string{"parcel 1", "parcel 2", "cel 3"} {
		require.Equal(t, wantIDs(tickets, "acme", term), searchIDs(t, st, "acme", term), "term %q", term)
	}
}
