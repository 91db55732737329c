package bunstore_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// schemaOf returns the columns and the secondary indexes of each table
// of db's migrated schema, without the prefix, as "table.column" and
// "table index" (bun/migrate's own tables only by their columns). Primary keys and unique constraints are left out (each
// database names them its own way), and so are the subject search
// structures, which differ by design: GIN indexes on PostgreSQL, FTS5
// tables on SQLite, a gram table on MySQL; and the full-text indexes of
// TicketFilter.Query (*_fts_idx: GIN on PostgreSQL, FULLTEXT on MySQL,
// FTS5 tables on SQLite).
func schemaOf(t *testing.T, db bun.IDB) (columns, indexes []string) {
	t.Helper()
	ctx := context.Background()
	type row struct {
		Table string `bun:"tbl"`
		Name  string `bun:"name"`
	}
	var cols, idx []row
	switch dialectOf(db) {
	case "pg":
		require.NoError(t, db.NewRaw(`SELECT table_name AS tbl, column_name AS name FROM information_schema.columns
			WHERE table_schema = current_schema()`).Scan(ctx, &cols))
		require.NoError(t, db.NewRaw(`SELECT tablename AS tbl, indexname AS name FROM pg_indexes
			WHERE schemaname = current_schema() AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key'`).Scan(ctx, &idx))
	case "sqlite":
		require.NoError(t, db.NewRaw(`SELECT m.name AS tbl, c.name AS name FROM sqlite_master AS m, pragma_table_info(m.name) AS c
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND m.name NOT LIKE '%fts%'`).Scan(ctx, &cols))
		require.NoError(t, db.NewRaw(`SELECT tbl_name AS tbl, name FROM sqlite_master
			WHERE type = 'index' AND name NOT LIKE 'sqlite\_autoindex%' ESCAPE '\'`).Scan(ctx, &idx))
	case "mysql":
		require.NoError(t, db.NewRaw(`SELECT table_name AS tbl, column_name AS name FROM information_schema.columns
			WHERE table_schema = DATABASE()`).Scan(ctx, &cols))
		require.NoError(t, db.NewRaw(`SELECT DISTINCT table_name AS tbl, index_name AS name FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' AND index_name NOT LIKE '%\_key'`).Scan(ctx, &idx))
	}
	for _, c := range cols {
		if c.Table == "ticketkit_ticket_text_grams" {
			continue // MySQL's gram table, a search structure
		}
		columns = append(columns, strings.TrimPrefix(c.Table, "ticketkit_")+"."+c.Name)
	}
	for _, i := range idx {
		if strings.HasSuffix(i.Name, "_trgm_idx") || strings.HasSuffix(i.Name, "_text_grams_idx") || strings.HasSuffix(i.Name, "_fts_idx") || strings.HasPrefix(i.Table, "ticketkit_migration") {
			continue // search structures; bun/migrate's own tables
		}
		indexes = append(indexes, strings.TrimPrefix(i.Table, "ticketkit_")+" "+strings.TrimPrefix(i.Name, "ticketkit_"))
	}
	slices.Sort(columns)
	slices.Sort(indexes)
	return columns, indexes
}

// The three dialects' migrations build the same tables, columns and
// secondary indexes (by name), so that a query written for one finds
// what it needs on the others.
func TestSchemasMatchAcrossDialects(t *testing.T) {
	t.Parallel()
	columns := map[string][]string{}
	indexes := map[string][]string{}
	for _, b := range dbtest.Backends() {
		db := b.Open(t)
		newStore(t, db, bunstore.Config{})
		columns[b.Name], indexes[b.Name] = schemaOf(t, db)
		if b.Name == "sqlite" {
			// SQLite stores amounts as TEXT, which no index orders by
			// value (migration 20260603000001): the one index it lacks.
			require.NotContains(t, indexes[b.Name], "complaints complaints_amount_idx")
			indexes[b.Name] = slices.Sorted(slices.Values(append(indexes[b.Name], "complaints complaints_amount_idx")))
		}
		require.NotEmpty(t, columns[b.Name], b.Name)
		require.Contains(t, indexes[b.Name], "outbox outbox_claim_idx", b.Name)
	}
	names := slices.Sorted(maps.Keys(columns))
	require.Equal(t, []string{"mysql", "postgres", "sqlite"}, names)
	for _, name := range names[1:] {
		require.Equal(t, columns[names[0]], columns[name], "columns: %s against %s", names[0], name)
		require.Equal(t, indexes[names[0]], indexes[name], "indexes: %s against %s", names[0], name)
	}
}

// Text round-trips whole, emoji included, and the email and subject
// filters compare exactly what the store compares on every database:
// the email ignoring case only (not accents), the subject's characters
// as they are. On MySQL the test database's defaults are latin1
// (dbtest.MySQLDatabaseDefaults), so a column that leaned on them would
// lose the emoji.
func TestUnicodeRoundTripsAndFiltersIgnoreOnlyCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db, bunstore.Config{})
			if b.Name == "mysql" {
				var charset string
				require.NoError(t, db.NewRaw("SELECT @@character_set_database").Scan(ctx, &charset))
				require.Equal(t, "latin1", charset, "the test database's default differs from the store's utf8mb4")
			}
			subject := "Kaputt 🔥 Wasserkocher — naïve café 日本語 \\ ' \" %_!"
			body := "Grüße 👋🏽 aus Köln; emoji ZWJ 👩‍👩‍👧 and a lone backslash \\"
			tk := sampleTicket("acme", "TK-1", subject)
			tk.Customer.Email = "Ädä@Example.COM"
			longRef := strings.Repeat("ü", 200) // ticketkit's longest reference ID: 400 bytes
			tk.Tags = []string{"🔥", "café", strings.Repeat("🔥", 50)}
			tk.References = []ticket.Reference{{Kind: ticket.RefOrder, ID: longRef}}
			require.NoError(t, st.TicketCreate(ctx, tk))
			other := sampleTicket("acme", "TK-2", "Naive cafe plain")
			other.Customer.Email = "ada@example.com"
			require.NoError(t, st.TicketCreate(ctx, other))
			msg := &ticket.Message{ID: ids.New(), TenantID: "acme", TicketID: tk.ID, Kind: ticket.MessageCustomer,
				Body: body, AuthorID: "🤖", CreatedAt: tk.CreatedAt}
			require.NoError(t, st.MessageCreate(ctx, msg))

			got, err := st.TicketGet(ctx, storage.TicketGetParams{TenantID: "acme", ID: tk.ID})
			require.NoError(t, err)
			require.Equal(t, subject, got.Subject)
			require.Equal(t, "Ädä@Example.COM", got.Customer.Email)
			require.Equal(t, tk.Tags, got.Tags)
			require.Equal(t, tk.References, got.References)
			msgs, err := st.MessageList(ctx, storage.MessageListParams{TenantID: "acme", TicketID: tk.ID})
			require.NoError(t, err)
			require.Len(t, msgs.Messages, 1)
			require.Equal(t, body, msgs.Messages[0].Body)
			require.Equal(t, "🤖", msgs.Messages[0].AuthorID)

			numbers := func(f storage.TicketFilter) []string {
				t.Helper()
				f.TenantID = "acme"
				res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: f})
				require.NoError(t, err)
				var out []string
				for _, x := range res.Tickets {
					out = append(out, x.Number)
				}
				return out
			}
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{CustomerEmail: "ädä@example.com"}))
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{CustomerEmail: "ÄDÄ@EXAMPLE.COM"}))
			require.Equal(t, []string{"TK-2"}, numbers(storage.TicketFilter{CustomerEmail: "ADA@example.com"}), "accents count")
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{Text: "🔥"}))
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{Text: "NAÏVE CAFÉ"}))
			require.Equal(t, []string{"TK-2"}, numbers(storage.TicketFilter{Text: "naive cafe"}), "accents count")
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{Text: `\ ' " %_!`}), "wildcards and quotes are literal")
			require.Empty(t, numbers(storage.TicketFilter{Text: "%" + "_" + "x"}))
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{Tags: []string{"🔥"}}))
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{Tags: []string{strings.Repeat("🔥", 50)}}))
			require.Equal(t, []string{"TK-1"}, numbers(storage.TicketFilter{References: []ticket.Reference{{Kind: ticket.RefOrder, ID: longRef}}}))
		})
	}
}
