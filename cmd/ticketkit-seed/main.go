// Command ticketkit-seed fills a ticketkit database with realistic
// tickets, for measuring search at scale (see BenchmarkSearch in
// storage/bunstore).
//
// # Use
//
//	go run ./cmd/ticketkit-seed -db sqlite:/tmp/tk.db -n 1000000
//	go run ./cmd/ticketkit-seed -db 'postgres:postgres://postgres@127.0.0.1:5432/tkbench?sslmode=disable' -n 1000000 -tenants 5 -seed 1
//	go run ./cmd/ticketkit-seed -db 'mysql:root@tcp(127.0.0.1:3306)/tkbench' -n 1000000 -tenants 5 -seed 1
//
// It migrates the database with bunstore (default table prefix), then
// writes n tickets spread over the tenants "tenant-01", "tenant-02", ...
// (of unequal sizes) and over the three years before -end, in creation
// order, and finally the ticket number counters and fresh planner
// statistics (ANALYZE). It prints the rate and the total time.
//
// # Data
//
// The data is pseudo-random and deterministic for a given -seed, -n,
// -tenants and -end: most tickets are closed, recent ones are more often
// open; priorities, categories, departments, channels and assignees
// follow a help desk's usual skew; each customer has a few tickets, with
// an email address in mixed case and an E.164 mobile number, so that
// searches by email or mobile hit a few rows; subjects are built from a
// word list. Numbers are the default numberer's ("TK-2025-000042"),
// gap-free per tenant and year, and the counters table holds the last
// value of each, so a Desk opened on the database goes on numbering
// where the seed stopped. Departments are codes of their own ("support",
// "billing", ...): the default catalog has none.
//
// # How rows are written
//
// Tickets are written in one transaction, so that a failed seed leaves
// nothing behind: the secondary indexes of the tickets table are dropped,
// the rows written with multi-row INSERTs of -batch rows through Bun, and
// the indexes created again from their own definitions (pg_indexes,
// sqlite_master), which is several times faster than growing them row by
// row (on MySQL, where any DDL commits the transaction, the indexes
// stay and grow as the rows arrive). On SQLite the triggers that feed the subject search table (FTS5)
// are dropped and created again the same way, and the search table is
// rebuilt once at the end. The rows are written with a row struct that has the column
// list of bunstore's ticket rows and a mapping that mirrors bunstore's
// (JSON columns, UTC microsecond times, lower-cased subject and email
// columns). Store.TicketCreate writes one row per statement, too slowly
// for a million rows. The command refuses to run when a table column is
// missing from its row struct, and reads a sample of tickets back with
// Store.TicketGet and compares them with what it generated; its test
// compares its rows column by column with rows written by TicketCreate.
//
// The database must hold no tickets and counters of the seeded tenants.
// On SQLite the command turns synchronous writes off for its own
// connection while it runs: a crash during the seed can lose the seed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbspec"
	"github.com/ticketkit/ticketkit/storage/bunstore"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ticketkit-seed:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	db      string
	n       int
	tenants int
	seed    uint64
	end     time.Time
	batch   int
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ticketkit-seed", flag.ContinueOnError)
	var o options
	var end string
	fs.StringVar(&o.db, "db", "", "database: sqlite:PATH, postgres:DSN or mysql:DSN (required)")
	fs.IntVar(&o.n, "n", 1_000_000, "number of tickets")
	fs.IntVar(&o.tenants, "tenants", 5, "number of tenants")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the pseudo-random data")
	fs.StringVar(&end, "end", "", "the newest creation time, RFC 3339 or YYYY-MM-DD (default: start of today, UTC)")
	fs.IntVar(&o.batch, "batch", 500, "rows per INSERT statement")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch {
	case o.db == "":
		return errors.New("-db is required (sqlite:PATH, postgres:DSN or mysql:DSN)")
	case o.n < 0 || o.tenants < 1 || o.tenants > 99:
		return errors.New("-n must be at least 0 and -tenants between 1 and 99")
	case o.batch < 1:
		return errors.New("-batch must be at least 1")
	}
	var err error
	if o.end, err = parseEnd(end); err != nil {
		return err
	}

	db, err := openDB(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := bunstore.New(db, bunstore.Config{})
	if err != nil {
		return err
	}
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	s := &seeder{db: db, store: st, opts: o, prefix: st.TablePrefix()}
	return s.run(ctx)
}

// parseEnd parses the -end flag; empty means the start of today in UTC.
func parseEnd(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(24 * time.Hour), nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("-end %q: want RFC 3339 or YYYY-MM-DD", s)
}

// openDB opens the database of the -db flag (see dbspec.Open). A SQLite
// database gets one connection, so that the pragmas set on it apply to
// every statement.
func openDB(ctx context.Context, spec string) (*bun.DB, error) {
	if strings.HasPrefix(spec, "sqlite:") {
		db, err := dbspec.Open(ctx, spec)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY"} {
			if _, err := db.ExecContext(ctx, p); err != nil {
				_ = db.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
		}
		return db, nil
	}
	return dbspec.Open(ctx, spec)
}
