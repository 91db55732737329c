package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/internal/seeddata"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

var testEnd = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)

func newStore(t *testing.T, db *bun.DB) *bunstore.Store {
	t.Helper()
	st, err := bunstore.New(db, bunstore.Config{})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

// tableRows returns every row of the tickets table, column by column.
func tableRows(t *testing.T, db *bun.DB) []map[string]any {
	t.Helper()
	var rows []map[string]any
	err := db.NewSelect().TableExpr("?", bun.Ident(bunstore.DefaultTablePrefix+"tickets")).OrderExpr("id").Scan(context.Background(), &rows)
	require.NoError(t, err)
	return rows
}

// TestRowsMatchTicketCreate checks that the seed's bulk import writes the
// very rows bunstore's TicketCreate writes for the same tickets.
func TestRowsMatchTicketCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			viaStore, viaSeed := b.Open(t), b.Open(t)
			st := newStore(t, viaStore)
			seed := &seeder{db: viaSeed, store: newStore(t, viaSeed), prefix: bunstore.DefaultTablePrefix}
			g := newGenerator(400, 3, 7, testEnd)
			var tickets []*ticket.Ticket
			require.NoError(t, st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				for tk := g.next(); tk != nil; tk = g.next() {
					tickets = append(tickets, tk.Clone())
					if err := tx.TicketCreate(ctx, tk); err != nil {
						return err
					}
				}
				return nil
			}))
			require.NoError(t, seed.store.TicketImport(ctx, tickets))
			want, got := tableRows(t, viaStore), tableRows(t, viaSeed)
			require.Len(t, got, 400)
			require.Equal(t, want, got)
		})
	}
}

// TestSeedNumbersContinue checks that a seeded database holds gap-free
// numbers per tenant and year, and counters from which the next ticket
// gets the following number.
func TestSeedNumbersContinue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range seedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db)
			s := &seeder{db: db, store: st, prefix: st.TablePrefix(), opts: options{n: 3000, tenants: 3, seed: 5, end: testEnd, batch: 200}}
			require.NoError(t, s.run(ctx))
			require.ErrorContains(t, s.run(ctx), "seed an empty database")

			counters := newGenerator(3000, 3, 5, testEnd)
			for counters.next() != nil {
			}
			require.Len(t, counters.counters, 3*4, "3 tenants, 4 years")
			numberer := ticket.DefaultNumberer()
			total := int64(0)
			for key, last := range counters.counters {
				tenant, scope := key[0], key[1]
				var year int
				_, err := fmt.Sscanf(scope, "TK-%d", &year)
				require.NoError(t, err)
				at := time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
				n, err := db.NewSelect().TableExpr("ticketkit_tickets").
					Where("tenant_id = ? AND number LIKE ?", tenant, scope+"-%").Count(ctx)
				require.NoError(t, err)
				require.Equal(t, last, int64(n), "%s %s", tenant, scope)
				for _, seq := range []int64{1, last} {
					_, err := st.TicketGetByNumber(ctx, storage.TicketGetByNumberParams{TenantID: tenant, Number: numberer.Format(at, seq)})
					require.NoError(t, err, "%s %s %d", tenant, scope, seq)
				}
				next, err := st.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenant, Scope: scope})
				require.NoError(t, err)
				require.Equal(t, last+1, next)
				total += last
			}
			require.EqualValues(t, 3000, total)
		})
	}
}

// schemaObjects returns the names of the indexes of the tickets table,
// and on SQLite its triggers, sorted.
func schemaObjects(t *testing.T, db *bun.DB) []string {
	t.Helper()
	// On PostgreSQL with each index column's statistics target (the gram
	// index's is set by its migration and read by TicketList's plan).
	q := "SELECT c.relname || ' ' || a.attnum || ' ' || a.attstattarget FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " +
		"JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = i.indexrelid " +
		"WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = 'ticketkit_tickets' ORDER BY 1"
	switch db.Dialect().Name().String() {
	case bunstore.DialectSQLite:
		q = "SELECT type || ' ' || name FROM sqlite_master WHERE tbl_name = 'ticketkit_tickets' AND type IN ('index', 'trigger') ORDER BY 1"
	case bunstore.DialectMySQL:
		q = "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'ticketkit_tickets' " +
			"UNION ALL SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND event_object_table = 'ticketkit_tickets' ORDER BY 1"
	}
	var names []string
	require.NoError(t, db.NewRaw(q).Scan(context.Background(), &names))
	return names
}

// TestSeedKeepsSubjectSearch checks that the seed leaves the indexes
// (the trigram index included) and, on SQLite, the triggers of the FTS5
// search table as the migrations made them, with every seeded ticket
// found by a subject search.
func TestSeedKeepsSubjectSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range seedBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := b.Open(t)
			st := newStore(t, db)
			before := schemaObjects(t, db)
			require.NotEmpty(t, before)
			if b.Name == "postgres" {
				require.Contains(t, before, "ticketkit_tickets_text_grams_idx 1 1000", "the gram index's statistics target, set by its migration")
			}
			s := &seeder{db: db, store: st, prefix: st.TablePrefix(), opts: options{n: 1200, tenants: 2, seed: 3, end: testEnd, batch: 100}}
			require.NoError(t, s.run(ctx))
			require.Equal(t, before, schemaObjects(t, db))
			if b.Name == "sqlite" {
				_, err := db.ExecContext(ctx, "INSERT INTO ticketkit_tickets_fts (ticketkit_tickets_fts, rank) VALUES ('integrity-check', 1)")
				require.NoError(t, err, "the FTS5 table should index every seeded ticket")
			}
			for _, term := range []string{"kettle", "Late delivery of the e-bike", "e-", "k"} {
				want, err := db.NewSelect().TableExpr("ticketkit_tickets").
					Where("tenant_id = ? AND subject_lower LIKE ?", seeddata.TenantID(0), "%"+strings.ToLower(term)+"%").Count(ctx)
				require.NoError(t, err)
				require.NotZero(t, want, term)
				res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: seeddata.TenantID(0), Text: term}, Limit: 1000})
				require.NoError(t, err)
				require.Len(t, res.Tickets, int(want), term)
			}
			// The seeded tickets' references and tags are found (ticket_refs,
			// ticket_tags).
			page, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: seeddata.TenantID(0)}, Limit: 100})
			require.NoError(t, err)
			found := 0
			for _, tk := range page.Tickets {
				if len(tk.References) == 0 {
					continue
				}
				res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: seeddata.TenantID(0), References: tk.References[:1]}})
				require.NoError(t, err)
				require.Contains(t, ticketIDsOf(res.Tickets), tk.ID, "reference %+v", tk.References[0])
				found++
				if len(tk.Tags) > 0 {
					res, err := st.TicketList(ctx, storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: seeddata.TenantID(0), Tags: tk.Tags[:1]}, Limit: storage.MaxLimit})
					require.NoError(t, err)
					require.Contains(t, ticketIDsOf(res.Tickets), tk.ID, "tag %q", tk.Tags[0])
				}
			}
			require.NotZero(t, found, "some seeded tickets have references")
		})
	}
}

// ticketIDsOf returns the IDs of tickets.
func ticketIDsOf(tickets []*ticket.Ticket) []string {
	ids := make([]string, len(tickets))
	for i, t := range tickets {
		ids[i] = t.ID
	}
	return ids
}

// seedBackends are the databases the seeder loads: PostgreSQL, SQLite
// and MySQL/MariaDB (where it keeps the indexes as they are).
func seedBackends() []dbtest.Backend { return dbtest.Backends() }
