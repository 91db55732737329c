package bunstore

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.Store = (*Store)(nil)

// DefaultTablePrefix is the table prefix used when [Config.TablePrefix]
// is empty.
const DefaultTablePrefix = "ticketkit_"

// Dialect names accepted by [Migrations], as reported by
// bun's Dialect().Name().String().
const (
	DialectPostgres = "pg"     // DialectPostgres: PostgreSQL, with bun's pgdialect.
	DialectSQLite   = "sqlite" // DialectSQLite: SQLite, with bun's sqlitedialect.
	DialectMySQL    = "mysql"  // DialectMySQL: MySQL 8 or MariaDB 10.11+, with bun's mysqldialect.
)

// checkDialect reports an error unless dialect is one the store knows.
func checkDialect(dialect string) error {
	switch dialect {
	case DialectPostgres, DialectSQLite, DialectMySQL:
		return nil
	}
	return fmt.Errorf("bunstore: unsupported dialect %q: want %q, %q or %q", dialect, DialectPostgres, DialectSQLite, DialectMySQL)
}

// prefixRE is the shape of a valid table prefix: short enough that every
// table and index name stays under PostgreSQL's 63-byte limit, and plain
// enough to be used in SQL without quoting.
var prefixRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,30}$`)

// Config configures a [Store]. The zero value is valid.
type Config struct {
	// TablePrefix is prepended to the name of every table and index the
	// store uses, bun/migrate's own tables included. It must match
	// [a-z_][a-z0-9_]{0,30}. Empty means DefaultTablePrefix.
	TablePrefix string
	// Logger receives migration progress. Nil discards it.
	Logger *slog.Logger
	// ThroughBunOnly sends every statement through Bun, so that the
	// host's Bun query hooks see each one. By default, on PostgreSQL,
	// these send their statements with bind parameters through
	// database/sql, which the hooks do not see: Store.ChangeWrite and
	// Store.ChangeUpdate (the rows of a change in one statement),
	// Store.ChangeWriteSLA and Store.TicketSLAUpdate (SLA states of
	// tickets that have one), Store.TicketGetWatched (a ticket with its
	// watchers) and Store.TicketClaimDue (the escalation sweep's claim).
	ThroughBunOnly bool
}

// WithDefaults returns a copy of c with its zero fields set to their
// documented defaults: TablePrefix and Logger. [New] calls it.
func (c Config) WithDefaults() Config {
	c.TablePrefix = cmp.Or(c.TablePrefix, DefaultTablePrefix)
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	return c
}

// validate reports every problem of a Config that WithDefaults filled,
// each naming its field.
func (c Config) validate() error {
	if _, err := checkPrefix(c.TablePrefix); err != nil {
		return fmt.Errorf("Config.TablePrefix: %w", err)
	}
	return nil
}

// Store is a [storage.Store] on a Bun database: PostgreSQL, SQLite or
// MySQL/MariaDB.
// It is safe for concurrent use when the bun.IDB it was built over is (a
// *bun.DB is; a bun.Tx or bun.Conn is not).
type Store struct {
	// host is the database the host gave; db builds the store's
	// statements on it, checking the session first (see sessionDB).
	host    bun.IDB
	db      *sessionDB
	session *sessionCheck
	dialect string
	prefix  string
	tables  tables
	// columns is the select list of the tickets columns (ticketColumns).
	columns bun.Safe
	logger  *slog.Logger
	// throughBunOnly is Config.ThroughBunOnly.
	throughBunOnly bool
	// writeGate, on SQLite over a *bun.DB, lets one RunInTx transaction
	// of this store at a time ask SQLite for its write lock.
	writeGate chan struct{}
	// known, in the store RunInTx hands its function, holds the tickets
	// (tenant ID, ticket ID) the transaction has written or claimed:
	// their rows exist until it ends (the rows it wrote are locked, and
	// the only deletion of tickets, TicketPurge, claims them locked
	// first, skipping locked ones), so EventCreate and MessageCreate
	// need not ask again. nil elsewhere.
	known map[[2]string]bool
	// grams caches the PostgreSQL gram index's statistics for the Text
	// filter (see ticketTextPlan); shared by the store's copies.
	grams *gramStats
	// ranked remembers the (tenant, rank column) pairs found to hold no
	// ticket of the rank unranked (see ranksCurrent); shared by the
	// store's copies.
	ranked *sync.Map
	// texts caches statement texts with bind parameters, built once from
	// Bun's queries; shared by the store's copies.
	texts *statementTexts
}

// remember records that the transaction wrote or claimed the ticket.
func (s *Store) remember(tenantID, ticketID string) {
	if s.known != nil {
		s.known[[2]string{tenantID, ticketID}] = true
	}
}

// isKnown reports whether the transaction wrote or claimed the ticket.
func (s *Store) isKnown(tenantID, ticketID string) bool {
	return s.known[[2]string{tenantID, ticketID}]
}

// tables holds the prefixed names of the store's tables.
type tables struct {
	counters, tickets, sla, messages, events, outbox bun.Ident
}

func newTables(prefix string) tables {
	return tables{
		counters: bun.Ident(prefix + "counters"),
		tickets:  bun.Ident(prefix + "tickets"),
		sla:      bun.Ident(prefix + "ticket_sla"),
		messages: bun.Ident(prefix + "messages"),
		events:   bun.Ident(prefix + "events"),
		outbox:   bun.Ident(prefix + "outbox"),
	}
}

// New returns a store over db, which may be a *bun.DB, a bun.Conn or a
// host's bun.Tx (by value or pointer). Over a bun.Tx every method runs
// inside the host's transaction and commits or rolls back with it; see
// the package documentation. A host that runs the Desk in its own
// transactions builds one store over its *bun.DB and hands each
// transaction to the Desk's ...Tx methods with [Store.WithTx]. The dialect must be PostgreSQL, SQLite or MySQL (MySQL 8 or MariaDB 10.11+).
// New does not touch the database: call [Store.Migrate] or fold
// [Migrations] into the host's migrator to create the tables.
func New(db bun.IDB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("bunstore: db is nil")
	}
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("bunstore: invalid Config: %w", err)
	}
	prefix := cfg.TablePrefix
	dialect := db.Dialect().Name().String()
	if err := checkDialect(dialect); err != nil {
		return nil, err
	}
	s := &Store{host: db, dialect: dialect, prefix: prefix, tables: newTables(prefix), logger: cfg.Logger, throughBunOnly: cfg.ThroughBunOnly, session: &sessionCheck{dialect: dialect}, grams: &gramStats{}, ranked: &sync.Map{}, texts: &statementTexts{}}
	s.db = newSessionDB(db, dialect, s.session)
	s.columns = s.ticketColumns()
	if _, ok := db.(*bun.DB); ok && dialect == DialectSQLite {
		s.writeGate = make(chan struct{}, 1)
	}
	return s, nil
}

// checkPrefix applies the default and validates a table prefix.
func checkPrefix(prefix string) (string, error) {
	prefix = cmp.Or(prefix, DefaultTablePrefix)
	if !prefixRE.MatchString(prefix) {
		return "", fmt.Errorf("invalid table prefix %q: want [a-z_][a-z0-9_]{0,30}", prefix)
	}
	return prefix, nil
}

// TablePrefix returns the prefix of the store's table names.
func (s *Store) TablePrefix() string { return s.prefix }

// with returns a copy of s that runs its queries on db. The copy
// shares s's session check.
func (s *Store) with(db bun.IDB) *Store {
	c := *s
	c.host = db
	c.db = newSessionDB(db, c.dialect, c.session)
	c.writeGate = nil
	c.known = map[[2]string]bool{}
	return &c
}

// RunInTx runs fn in a transaction and commits it when fn returns nil;
// it rolls back when fn returns an error or panics, returns fn's error as
// is and lets a panic go on after the rollback. Errors of BEGIN and
// COMMIT are translated like those of the other methods (a serialization
// failure or a busy SQLite database wraps ErrConflict).
//
// Over a *bun.DB or bun.Conn, RunInTx begins a transaction. Over a
// bun.Tx it sets a SAVEPOINT in the host's transaction instead, releases
// it when fn succeeds (the work then commits or rolls back with the
// host's transaction) and rolls back to it when fn fails, leaving the
// host's transaction usable. fn receives the caller's ctx in both cases.
//
// On SQLite over a *bun.DB, the store's transactions queue in the
// process for their turn before BEGIN, as SQLite allows one writer at a
// time and its busy handler, which polls, lets a busy process starve
// some writers past the busy timeout. Writers in other processes, and
// other stores, still wait through the busy timeout. As with any store,
// fn must use the [storage.Tx] it is given, not the Store: on SQLite a
// write through the Store would wait for the lock fn's transaction holds.
//
// On PostgreSQL, RunInTx first checks the session (see the package
// documentation) and returns an error wrapping [ErrUnsafeSession],
// without calling fn, when standard_conforming_strings is not on.
func (s *Store) RunInTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := s.db.ensure(ctx); err != nil {
		return err // an unsafe session: begin nothing
	}
	switch tx := s.host.(type) {
	case bun.Tx:
		return s.runInSavepoint(ctx, tx, fn)
	case *bun.Tx:
		return s.runInSavepoint(ctx, *tx, fn)
	}
	if s.writeGate != nil {
		select {
		case s.writeGate <- struct{}{}:
			defer func() { <-s.writeGate }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	tx, err := s.host.BeginTx(ctx, nil)
	if err != nil {
		return translate("begin transaction", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
	}()
	if err := fn(ctx, s.with(tx)); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return translate("commit", err)
	}
	return nil
}

// runInSavepoint runs fn between SAVEPOINT and RELEASE in the host's
// transaction. bun.Tx.RunInTx also uses a savepoint but hands fn the
// context the host's transaction began with rather than ctx, so the
// savepoint is managed here.
func (s *Store) runInSavepoint(ctx context.Context, tx bun.Tx, fn func(ctx context.Context, tx storage.Tx) error) error {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	name := "tk_sp_" + hex.EncodeToString(b[:])
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return translate("begin savepoint", err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		// Undo fn's work even when ctx is what made it fail.
		bg := context.WithoutCancel(ctx)
		_, rbErr := tx.ExecContext(bg, "ROLLBACK TO SAVEPOINT "+name)
		if rbErr == nil {
			_, rbErr = tx.ExecContext(bg, "RELEASE SAVEPOINT "+name)
		}
		if rbErr != nil {
			s.logger.ErrorContext(ctx, "bunstore: roll back to savepoint", "savepoint", name, "error", rbErr)
		}
	}()
	if err := fn(ctx, s.with(tx)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return translate("release savepoint", err)
	}
	done = true
	return nil
}

// doNothingOnConflict makes q, an INSERT, skip the rows whose key is
// taken, so that the statement's row count tells how many it wrote:
// ON CONFLICT (target) DO NOTHING on PostgreSQL and SQLite (any conflict
// when target is empty), and on MySQL ON DUPLICATE KEY UPDATE of column
// to itself, which counts as no row changed (INSERT IGNORE would also
// turn other errors, such as a value too long, into warnings).
func (s *Store) doNothingOnConflict(q *bun.InsertQuery, target, column string) *bun.InsertQuery {
	if s.dialect == DialectMySQL {
		return q.On("DUPLICATE KEY UPDATE").Set("? = ?", bun.Ident(column), bun.Ident(column))
	}
	if target == "" {
		return q.On("CONFLICT DO NOTHING")
	}
	return q.On("CONFLICT (" + target + ") DO NOTHING")
}

// deleteAs returns a DELETE of table aliased alias. MariaDB (before 11.6)
// takes no alias in a single-table DELETE, so on MySQL it is the
// multi-table form DELETE FROM alias USING table AS alias.
func (s *Store) deleteAs(table bun.Ident, alias string) *bun.DeleteQuery {
	if s.dialect == DialectMySQL {
		return s.db.NewDelete().ModelTableExpr("? USING ? AS ?", bun.Safe(alias), table, bun.Safe(alias))
	}
	return s.db.NewDelete().ModelTableExpr("? AS ?", table, bun.Safe(alias))
}
