package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/seeddata"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/ticket"
)

// seeder writes the tickets of one run, in one transaction.
type seeder struct {
	db     *bun.DB
	store  *bunstore.Store
	opts   options
	prefix string
}

func (s *seeder) table(name string) bun.Ident { return bun.Ident(s.prefix + name) }

func (s *seeder) run(ctx context.Context) error {
	o := s.opts
	if err := s.checkEmpty(ctx); err != nil {
		return err
	}
	fmt.Printf("seeding %d tickets of %d tenants (seed %d, created from %s to %s) into %s\n",
		o.n, o.tenants, o.seed, o.end.Add(-span).Format(time.DateOnly), o.end.Format(time.DateOnly), s.db.Dialect().Name())

	g := newGenerator(o.n, o.tenants, o.seed, o.end)
	every := max(o.n/100, 1)
	var samples []*ticket.Ticket
	batch := make([]*ticket.Ticket, 0, o.batch)
	began := time.Now()
	var indexed time.Duration
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		indexes, err := s.dropIndexes(ctx, tx)
		if err != nil {
			return err
		}
		st, err := bunstore.New(tx, bunstore.Config{TablePrefix: s.prefix})
		if err != nil {
			return err
		}
		for done := 0; done < o.n; {
			batch = batch[:0]
			for len(batch) < o.batch && done+len(batch) < o.n {
				t := g.next()
				if (done+len(batch))%every == 0 {
					samples = append(samples, t)
				}
				batch = append(batch, t)
			}
			if err := st.TicketImport(ctx, batch); err != nil {
				return err
			}
			if done/100_000 != (done+len(batch))/100_000 {
				fmt.Printf("%9d tickets  %6.0f rows/s\n", done+len(batch), float64(done+len(batch))/time.Since(began).Seconds())
			}
			done += len(batch)
		}
		indexBegan := time.Now()
		for _, stmt := range indexes {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		indexed = time.Since(indexBegan)
		return writeCounters(ctx, st, g.counters)
	})
	if err != nil {
		return err
	}
	fmt.Printf("secondary indexes rebuilt in %s\n", indexed.Round(time.Millisecond))
	inserted := time.Since(began)

	analyzeBegan := time.Now()
	if err := s.analyze(ctx); err != nil {
		return err
	}
	fmt.Printf("analyze: %s\n", time.Since(analyzeBegan).Round(time.Millisecond))
	if err := s.verify(ctx, samples); err != nil {
		return err
	}
	total := time.Since(began)
	fmt.Printf("seeded %d tickets in %s, indexes included (%.0f rows/s); %s with ANALYZE; %d samples read back through bunstore match\n",
		o.n, inserted.Round(time.Millisecond), float64(o.n)/inserted.Seconds(), total.Round(time.Millisecond), len(samples))
	return nil
}

// writeCounters stores the last number drawn per tenant and scope, as
// SequenceNext would have left them.
func writeCounters(ctx context.Context, st *bunstore.Store, counters map[[2]string]int64) error {
	keys := make([][2]string, 0, len(counters))
	for k := range counters {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		err := st.SequenceAdvance(ctx, storage.SequenceNextParams{TenantID: k[0], Scope: k[1]}, counters[k])
		if err != nil {
			return fmt.Errorf("insert counter %s/%s: %w", k[0], k[1], err)
		}
	}
	return nil
}

// dropIndexes drops the tickets table's indexes, except the unique ones
// that enforce its keys, and returns the statements that create them
// again as the migrations did. Building an index once is much faster
// than growing it a row at a time. It runs in the seed's transaction, so
// that a failed seed leaves the indexes as they were.
//
// On SQLite the subject search table (FTS5, tickets_fts) is kept up to
// date by triggers on the tickets table: they are dropped too, and the
// statements returned create them again and then rebuild the search
// table from the tickets table, all rows at once; so are those of the
// gram table (tickets_grams_fts), refilled from its view.
// (PostgreSQL's gram index is an ordinary index of the table.) The triggers that keep the
// ticket_refs and ticket_tags tables (SearchParams.References and Tags)
// stay: the seeded tickets' references and tags are written with them.
func (s *seeder) dropIndexes(ctx context.Context, tx bun.Tx) ([]string, error) {
	if s.db.Dialect().Name().String() == bunstore.DialectMySQL {
		// MySQL commits the transaction before any DDL: the rows go into
		// the indexes as they are written.
		return nil, nil
	}
	// The indexes are chosen before pg_get_indexdef runs: through the
	// pg_indexes view PostgreSQL may describe the indexes of every
	// schema first, and fail on one another session is dropping
	// ("could not open relation with OID").
	q := "WITH idx AS MATERIALIZED (SELECT i.indexrelid, c.relname FROM pg_index i " +
		"JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid " +
		"WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ? AND NOT i.indisunique) " +
		"SELECT 'INDEX' AS kind, relname AS name, pg_get_indexdef(indexrelid) AS sql FROM idx ORDER BY relname"
	sqlite := s.db.Dialect().Name().String() == bunstore.DialectSQLite
	if sqlite {
		q = "SELECT upper(type) AS kind, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL " +
			"AND sql NOT LIKE 'CREATE UNIQUE INDEX %' AND NOT (type = 'trigger' AND (name GLOB '*tickets_refs_*' OR name GLOB '*tickets_tags_*')) ORDER BY type, name"
	}
	var objects []struct {
		Kind string `bun:"kind"`
		Name string `bun:"name"`
		SQL  string `bun:"sql"`
	}
	if err := tx.NewRaw(q, s.prefix+"tickets").Scan(ctx, &objects); err != nil {
		return nil, fmt.Errorf("list the indexes of the tickets table: %w", err)
	}
	// A statistics target set on an index column (ALTER INDEX ... SET
	// STATISTICS, as the gram index's migration does: TicketList reads
	// that index's most common keys to plan a Text search) is not part of
	// pg_get_indexdef's text: read them before the drop, set them again
	// after the CREATE INDEX, else the seeded database is planned from
	// statistics a migrated one does not have.
	var targets []string
	if !sqlite {
		err := tx.NewRaw("SELECT format('ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s', c.relname, a.attnum, a.attstattarget) "+
			"FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "+
			"JOIN pg_attribute a ON a.attrelid = i.indexrelid "+
			"WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ? AND NOT i.indisunique AND a.attstattarget >= 0 "+
			"ORDER BY c.relname, a.attnum", s.prefix+"tickets").Scan(ctx, &targets)
		if err != nil {
			return nil, fmt.Errorf("list the statistics targets of the tickets table's indexes: %w", err)
		}
	}
	stmts := make([]string, 0, len(objects)+len(targets)+1)
	for _, o := range objects {
		if _, err := tx.NewRaw("DROP "+o.Kind+" ?", bun.Ident(o.Name)).Exec(ctx); err != nil {
			return nil, fmt.Errorf("drop %s %s: %w", strings.ToLower(o.Kind), o.Name, err)
		}
		stmts = append(stmts, o.SQL)
	}
	stmts = append(stmts, targets...)
	if sqlite {
		// The subject trigram table rebuilds from the tickets table; the
		// gram table (contentless) is refilled from the view of the
		// tickets' grams, as its migration fills it.
		for _, fill := range []struct{ table, sql string }{
			{"tickets_fts", "INSERT INTO %[1]s (%[1]s) VALUES ('rebuild')"},
			{"tickets_grams_fts", "INSERT INTO %[1]s (%[1]s) VALUES ('delete-all')"},
			{"tickets_grams_fts", "INSERT INTO %[1]s (rowid, grams) SELECT rid, grams FROM %[2]s"},
		} {
			fts := s.prefix + fill.table
			var n int
			err := tx.NewRaw("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", fts).Scan(ctx, &n)
			if err != nil {
				return nil, fmt.Errorf("look for %s: %w", fts, err)
			}
			if n > 0 {
				stmts = append(stmts, fmt.Sprintf(fill.sql, fts, s.prefix+"tickets_text_grams"))
			}
		}
	}
	return stmts, nil
}

// checkEmpty fails when a seeded tenant already has tickets or counters.
func (s *seeder) checkEmpty(ctx context.Context) error {
	tenants := make([]string, s.opts.tenants)
	for i := range tenants {
		tenants[i] = seeddata.TenantID(i)
	}
	for _, table := range []string{"tickets", "counters"} {
		n, err := s.db.NewSelect().TableExpr("?", s.table(table)).Where("tenant_id IN (?)", bun.List(tenants)).Limit(1).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the %s table already holds rows of tenants %s..%s: seed an empty database", s.prefix+table, tenants[0], tenants[len(tenants)-1])
		}
	}
	return nil
}

// analyze refreshes the planner's statistics, as autovacuum would on
// PostgreSQL and PRAGMA optimize on SQLite.
func (s *seeder) analyze(ctx context.Context) error {
	stmts := []string{"VACUUM (ANALYZE) " + s.prefix + "tickets", "ANALYZE " + s.prefix + "counters"}
	switch s.db.Dialect().Name().String() {
	case bunstore.DialectSQLite:
		stmts = []string{"ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"}
	case bunstore.DialectMySQL:
		stmts = []string{"ANALYZE TABLE " + s.prefix + "tickets, " + s.prefix + "counters"}
	}
	for _, q := range stmts {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// verify reads the samples back through bunstore and compares them with
// the generated tickets.
func (s *seeder) verify(ctx context.Context, samples []*ticket.Ticket) error {
	for _, want := range samples {
		got, err := s.store.TicketGet(ctx, storage.TicketGetParams{TenantID: want.TenantID, ID: want.ID})
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if !bytes.Equal(a, b) {
			return fmt.Errorf("verify: ticket %s reads back as\n%s\nwant\n%s", want.ID, b, a)
		}
	}
	return nil
}
