package bunstore_test

import (
	"context"
	"regexp"
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

// listByRef returns the numbers of the tenant's tickets holding any of refs.
func listByRef(t *testing.T, st storage.Store, tenant string, refs ...ticket.Reference) []string {
	t.Helper()
	return listBy(t, st, storage.TicketFilter{TenantID: tenant, References: refs})
}

// listBy returns the numbers of the tickets f selects.
func listBy(t *testing.T, st storage.Store, f storage.TicketFilter) []string {
	t.Helper()
	res, err := st.TicketList(context.Background(), storage.TicketListParams{TicketFilter: f, Limit: storage.MaxLimit})
	require.NoError(t, err)
	var out []string
	for _, tk := range res.Tickets {
		out = append(out, tk.Number)
	}
	return out
}

// planOf returns the SELECT of the tickets that TicketList runs for p and
// its plan on b (on PostgreSQL with sequential scans discouraged, which
// it must not hold then).
func planOf(t *testing.T, b dbtest.Backend, db *bun.DB, rec *queryRecorder, st *bunstore.Store, p storage.TicketListParams) (query, plan string) {
	t.Helper()
	query = rec.capture(t, func() {
		_, err := st.TicketList(context.Background(), p)
		require.NoError(t, err)
	})
	if b.Name != "postgres" {
		return query, explainSQLite(t, db, query)
	}
	plan = explainPostgres(t, db, query)
	require.NotContains(t, plan, "Seq Scan", "query: %s", query)
	return query, plan
}

// TestTicketRefsMigrationCopiesStoredReferences stores tickets with the
// migrations before ticket_refs and ticket_tags, then migrates: the
// references and tags of those tickets are found, once each and in their
// own tenant, and a ticket without any is not.
func TestTicketRefsMigrationCopiesStoredReferences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			m, _ := firstMigrations(t, db, "ticket_refs")
			_, err := m.Migrate(ctx)
			require.NoError(t, err)

			old, err := bunstore.New(db, bunstore.Config{})
			require.NoError(t, err)
			a := sampleTicket("acme", "TK-1", "Two orders")
			a.References = []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1"}, {Kind: ticket.RefOrder, ID: "SO-2"}, {Kind: ticket.RefOrder, ID: "SO-1"}}
			a.Tags = []string{"vip", "vip", "late"}
			none := sampleTicket("acme", "TK-2", "No reference")
			none.References, none.Tags = nil, nil
			other := sampleTicket("globex", "TK-1", "Other tenant")
			other.References, other.Tags = []ticket.Reference{{Kind: ticket.RefOrder, ID: "SO-1"}}, []string{"vip"}
			for _, tk := range []*ticket.Ticket{a, none, other} {
				require.NoError(t, old.TicketCreate(ctx, tk))
			}

			st := newStore(t, db, bunstore.Config{})
			require.Equal(t, []string{"TK-1"}, listByRef(t, st, "acme", ticket.Reference{Kind: ticket.RefOrder, ID: "SO-1"}))
			require.Equal(t, []string{"TK-1"}, listByRef(t, st, "acme", ticket.Reference{Kind: ticket.RefOrder, ID: "SO-2"}))
			require.Equal(t, []string{"TK-1"}, listByRef(t, st, "globex", ticket.Reference{Kind: ticket.RefOrder, ID: "SO-1"}))
			require.Equal(t, int64(3), count(t, db, "ticketkit_ticket_refs"))
			require.Equal(t, []string{"TK-1"}, listBy(t, st, storage.TicketFilter{TenantID: "acme", Tags: []string{"vip"}}))
			require.Equal(t, []string{"TK-1"}, listBy(t, st, storage.TicketFilter{TenantID: "acme", Tags: []string{"late"}}))
			require.Equal(t, []string{"TK-1"}, listBy(t, st, storage.TicketFilter{TenantID: "globex", Tags: []string{"vip"}}))
			require.Equal(t, int64(3), count(t, db, "ticketkit_ticket_tags"))
		})
	}
}

// TestTicketListReferenceExplain checks that the References and Tags
// filters read the primary key of ticket_refs (from the tenant, kind and
// ID) or ticket_tags (from the tenant and tag), and then the tickets by
// their primary key, on both dialects: no scan of either table; the
// matching tickets are then sorted, which is cheap for the few tickets
// of one order or serial. The references and tags are set by a host's
// own UPDATE of the tickets table, which the triggers follow as they
// follow the store's writes.
func TestTicketListReferenceExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range explainBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			// Ticket TK-00000i refers to order SO-(i%1000) and product
			// P-(i%50), and is tagged tag-(i%100); 1000, 50 and 100 are
			// multiples of the four tenants, so an order's three tickets
			// are all of one tenant.
			set := `UPDATE ticketkit_tickets SET refs = jsonb_build_array(
				jsonb_build_object('kind', 'order', 'id', 'SO-' || (substr(number, 4)::int % 1000)),
				jsonb_build_object('kind', 'product', 'id', 'P-' || (substr(number, 4)::int % 50))),
				tags = jsonb_build_array('tag-' || (substr(number, 4)::int % 100))`
			if b.Name != "postgres" {
				set = `UPDATE ticketkit_tickets SET refs = json_array(
					json_object('kind', 'order', 'id', 'SO-' || (CAST(substr(number, 4) AS INTEGER) % 1000)),
					json_object('kind', 'product', 'id', 'P-' || (CAST(substr(number, 4) AS INTEGER) % 50))),
					tags = json_array('tag-' || (CAST(substr(number, 4) AS INTEGER) % 100))`
			}
			_, err := db.ExecContext(ctx, set)
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)

			order := func(id string) ticket.Reference { return ticket.Reference{Kind: ticket.RefOrder, ID: id} }
			require.ElementsMatch(t, []string{"TK-000041", "TK-001041", "TK-002041"}, listByRef(t, st, "tenant-1", order("SO-41")))
			require.ElementsMatch(t, []string{"TK-000041", "TK-001041", "TK-002041", "TK-000005", "TK-001005", "TK-002005"},
				listByRef(t, st, "tenant-1", order("SO-41"), order("SO-5")))
			require.Empty(t, listByRef(t, st, "tenant-2", order("SO-41")), "another tenant's order")
			require.Len(t, listBy(t, st, storage.TicketFilter{TenantID: "tenant-1", Tags: []string{"tag-41", "tag-5"}}), 60)
			require.Empty(t, listBy(t, st, storage.TicketFilter{TenantID: "tenant-2", Tags: []string{"tag-41"}}), "another tenant's tag")

			tests := []struct {
				name string
				f    storage.TicketFilter
				// table, alias and key: the table the filter reads, its
				// alias in the query and the columns of its key SQLite
				// searches.
				table, alias, key string
			}{
				{"OneReference", storage.TicketFilter{References: []ticket.Reference{order("SO-41")}}, "ticket_refs", "r", "tenant_id=? AND kind=? AND ref_id=?"},
				{"ThreeReferences", storage.TicketFilter{References: []ticket.Reference{order("SO-41"), order("SO-5"), {Kind: ticket.RefProduct, ID: "P-9"}}},
					"ticket_refs", "r", "tenant_id=? AND kind=? AND ref_id=?"},
				{"OneTag", storage.TicketFilter{Tags: []string{"tag-41"}}, "ticket_tags", "g", "tenant_id=? AND tag=?"},
				{"TwoTags", storage.TicketFilter{Tags: []string{"tag-41", "tag-5"}}, "ticket_tags", "g", "tenant_id=? AND tag=?"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p := storage.TicketListParams{TicketFilter: tt.f, Desc: true, Limit: 50}
					p.TenantID = "tenant-1"
					query, plan := planOf(t, b, db, rec, st, p)
					if b.Name == "postgres" {
						require.Regexp(t, `(Index (Only )?Scan( Backward)? using|Bitmap Index Scan on) ticketkit_`+tt.table+`_pkey`, plan, "query: %s", query)
						require.Regexp(t, `Index Cond: \(\(tenant_id = 'tenant-1'`, plan, "query: %s", query)
						require.Contains(t, plan, "ticketkit_tickets_pkey", "query: %s", query)
						t.Logf("%s\n%s", query, plan)
						return
					}
					for line := range strings.SplitSeq(plan, "\n") {
						require.NotRegexp(t, `^SCAN (t|`+tt.alias+`)\b`, line, "query: %s\nplan:\n%s", query, plan)
					}
					require.Regexp(t, `SEARCH `+tt.alias+` USING (COVERING INDEX|PRIMARY KEY) \S* ?\(`+regexp.QuoteMeta(tt.key)+`\)`, plan, "query: %s", query)
					require.Regexp(t, `SEARCH t USING INDEX sqlite_autoindex_ticketkit_tickets_1 \(id=\?\)`, plan, "query: %s", query)
					t.Logf("%s\n%s", query, plan)
				})
			}
		})
	}
}

// TestTicketListUpdatedSinceExplain checks that an incremental sync's
// pages (UpdatedSince, sorted by updated_at ascending, with the cursor)
// read the tenant's tickets through tickets_updated_idx, in page order:
// no scan and, on SQLite, no sort.
func TestTicketListUpdatedSinceExplain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range explainBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db, rec, st := explainStore(t, b)
			_, err := db.ExecContext(ctx, "ANALYZE")
			require.NoError(t, err)
			p := storage.TicketListParams{
				TicketFilter: storage.TicketFilter{TenantID: "tenant-1", UpdatedSince: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
				Sort:         storage.SortUpdatedAt, Limit: 50,
			}
			first, err := st.TicketList(ctx, p)
			require.NoError(t, err)
			require.NotEmpty(t, first.Next)
			for _, after := range []string{"", first.Next} {
				p.After = after
				query, plan := planOf(t, b, db, rec, st, p)
				if b.Name == "postgres" {
					require.Regexp(t, `Index Scan using ticketkit_tickets_updated_idx`, plan, "query: %s", query)
					require.NotContains(t, plan, "Sort Key: t.updated_at", "the index gives the page's order; query: %s", query)
					t.Logf("%s\n%s", query, plan)
					continue
				}
				require.Regexp(t, `SEARCH t USING INDEX ticketkit_tickets_updated_idx \(tenant_id=\? AND updated_at>\?\)`, plan, "query: %s", query)
				require.NotContains(t, plan, "TEMP B-TREE", "the index gives the page's order; query: %s", query)
				t.Logf("%s\n%s", query, plan)
			}
		})
	}
}
