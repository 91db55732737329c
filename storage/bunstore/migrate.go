package bunstore

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// migrationFiles holds the SQL of the migrations, one folder per
// dialect with the same file names in each.
//
//go:embed migrations/pg/*.sql migrations/sqlite/*.sql migrations/mysql/*.sql
var migrationFiles embed.FS

// migrationFileRE is the shape of a migration file name:
// <14-digit version>_<comment>.up.sql or .down.sql.
var migrationFileRE = regexp.MustCompile(`^(\d{14})_([a-z0-9_]+)\.(up|down)\.sql$`)

// splitMarker separates the statements of a migration file, as in
// bun/migrate's SQL files.
const splitMarker = "--bun:split"

// MigrationLockTimeout is how long [Store.Migrate] waits for another
// process's migration lock before it gives up, unless its context ends
// first.
const MigrationLockTimeout = 2 * time.Minute

// MigrationTables returns the names of the two tables bun/migrate keeps
// for [Store.Migrate]: the applied migrations and the migration lock.
// They carry the store's prefix, so that stores with different prefixes
// migrate independently in one database.
func MigrationTables(prefix string) (migrations, locks string, err error) {
	prefix, err = checkPrefix(prefix)
	if err != nil {
		return "", "", fmt.Errorf("bunstore: %w", err)
	}
	return prefix + "migrations", prefix + "migration_locks", nil
}

// Migrations returns ticketkit's migrations for a dialect ("pg", "sqlite"
// or "mysql", see [DialectPostgres], [DialectSQLite] and [DialectMySQL];
// the MySQL migrations serve MySQL 8 and MariaDB 10.11+) and a table
// prefix (empty means DefaultTablePrefix), for a host that runs them with
// its own bun/migrate Migrator. Each runs its statements in one
// transaction and can run again after an interruption.
//
// A migration's name is its version followed by the prefix, such as
// "20260601000001_ticketkit", so that stores with different prefixes can
// share a host's migrations table; its comment is the file's, such as
// "init".
func Migrations(dialect, prefix string) (*migrate.Migrations, error) {
	prefix, err := checkPrefix(prefix)
	if err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	if err := checkDialect(dialect); err != nil {
		return nil, err
	}
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("bunstore: read migrations: %w", err)
	}

	type pair struct{ comment, up, down string }
	byVersion := map[string]*pair{}
	var versions []string
	for _, e := range entries {
		m := migrationFileRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("bunstore: unexpected migration file %s", e.Name())
		}
		version, comment, direction := m[1], m[2], m[3]
		sql, err := renderMigration(path.Join(dir, e.Name()), prefix)
		if err != nil {
			return nil, err
		}
		p := byVersion[version]
		if p == nil {
			p = &pair{comment: comment}
			byVersion[version] = p
			versions = append(versions, version)
		} else if p.comment != comment {
			return nil, fmt.Errorf("bunstore: migration %s has two names: %s and %s", version, p.comment, comment)
		}
		if direction == "up" {
			p.up = sql
		} else {
			p.down = sql
		}
	}

	ms := migrate.NewMigrations()
	owner := strings.TrimSuffix(prefix, "_")
	for _, v := range versions {
		p := byVersion[v]
		if p.up == "" {
			return nil, fmt.Errorf("bunstore: migration %s_%s has no up file", v, p.comment)
		}
		name := v
		if owner != "" {
			name += "_" + owner
		}
		ms.Add(migrate.Migration{
			Name:    name,
			Comment: p.comment,
			Up:      sqlMigration(p.up),
			Down:    sqlMigration(p.down),
		})
	}
	return ms, nil
}

// renderMigration reads a migration file and replaces {{.Prefix}} with
// prefix. The prefix was validated, so it is safe as an SQL identifier
// part.
func renderMigration(name, prefix string) (string, error) {
	b, err := fs.ReadFile(migrationFiles, name)
	if err != nil {
		return "", fmt.Errorf("bunstore: read migration: %w", err)
	}
	tmpl, err := template.New(path.Base(name)).Option("missingkey=error").Parse(string(b))
	if err != nil {
		return "", fmt.Errorf("bunstore: parse migration %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, struct{ Prefix string }{prefix}); err != nil {
		return "", fmt.Errorf("bunstore: render migration %s: %w", name, err)
	}
	return buf.String(), nil
}

// ifColumnMarker starts a statement of a migration file that runs only
// while a column exists, for migrations that move or drop columns and
// must run again harmlessly (SQLite has no ALTER TABLE ... DROP COLUMN IF
// EXISTS):
//
//	--ticketkit:if-column {{.Prefix}}tickets sla
//	ALTER TABLE {{.Prefix}}tickets DROP COLUMN sla;
const ifColumnMarker = "--ticketkit:if-column "

// unlessColumnMarker starts a statement that runs only while a column
// does not exist, for migrations that add columns and must run again
// harmlessly (SQLite has no ALTER TABLE ... ADD COLUMN IF NOT EXISTS):
//
//	--ticketkit:unless-column {{.Prefix}}tickets kind
//	ALTER TABLE {{.Prefix}}tickets ADD COLUMN kind text NOT NULL DEFAULT '';
const unlessColumnMarker = "--ticketkit:unless-column "

// ifIndexMarker and unlessIndexMarker start a statement that runs only
// while an index of a table exists, or does not, for MySQL, whose CREATE
// INDEX and DROP INDEX have no IF [NOT] EXISTS (MariaDB's have; MySQL
// 8's do not):
//
//	--ticketkit:unless-index {{.Prefix}}tickets {{.Prefix}}tickets_channel_idx
//	CREATE INDEX {{.Prefix}}tickets_channel_idx ON {{.Prefix}}tickets (...);
const (
	ifIndexMarker     = "--ticketkit:if-index "
	unlessIndexMarker = "--ticketkit:unless-index "
)

// unlessTriggerMarker starts a statement that runs only while a trigger
// of a table does not exist, for MySQL (only there: MySQL 8 has no
// CREATE TRIGGER IF NOT EXISTS before 8.0.29).
const unlessTriggerMarker = "--ticketkit:unless-trigger "

// sqlMigration returns a migration function that runs the statements of
// sql, separated by splitMarker lines, in one transaction. An empty sql
// gives a nil function (nothing to run).
func sqlMigration(sql string) func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
	if sql == "" {
		return nil
	}
	var stmts []string
	for chunk := range strings.SplitSeq(sql, "\n"+splitMarker+"\n") {
		if strings.TrimSpace(chunk) != "" {
			stmts = append(stmts, chunk)
		}
	}
	return func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
		return m.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, stmt := range stmts {
				run, err := columnGuard(ctx, tx, stmt)
				if err != nil {
					return err
				}
				if !run {
					continue
				}
				stmt = stripGuard(stmt)
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// stripGuard removes the guard marker line a statement starts with, if
// any: MySQL reads "--" as a comment only when a space follows.
func stripGuard(stmt string) string {
	trimmed := strings.TrimLeft(stmt, "\n")
	for _, m := range []string{ifColumnMarker, unlessColumnMarker, ifIndexMarker, unlessIndexMarker, unlessTriggerMarker} {
		if strings.HasPrefix(trimmed, m) {
			_, rest, _ := strings.Cut(trimmed, "\n")
			return rest
		}
	}
	return stmt
}

// columnGuard reports whether stmt is to run: always, unless its first
// line is a guard marker (ifColumnMarker, unlessColumnMarker,
// ifIndexMarker, unlessIndexMarker, unlessTriggerMarker) naming a table
// and a column, index or trigger
// whose existence says otherwise.
func columnGuard(ctx context.Context, tx bun.Tx, stmt string) (bool, error) {
	line, _, _ := strings.Cut(strings.TrimLeft(stmt, "\n"), "\n")
	var rest string
	var want, index, trigger, ok bool
	for _, g := range []struct {
		marker               string
		want, index, trigger bool
	}{
		{ifColumnMarker, true, false, false},
		{unlessColumnMarker, false, false, false},
		{ifIndexMarker, true, true, false},
		{unlessIndexMarker, false, true, false},
		{unlessTriggerMarker, false, false, true},
	} {
		if rest, ok = strings.CutPrefix(line, g.marker); ok {
			want, index, trigger = g.want, g.index, g.trigger
			break
		}
	}
	if !ok {
		return true, nil
	}
	table, name, ok := strings.Cut(strings.TrimSpace(rest), " ")
	if !ok {
		return false, fmt.Errorf("bunstore: migration guard %q: want a table and a column or index", line)
	}
	var q *bun.SelectQuery
	switch d := tx.Dialect().Name(); {
	case trigger:
		q = tx.NewSelect().TableExpr("information_schema.triggers").
			Where("trigger_schema = DATABASE()").Where("event_object_table = ?", table).Where("trigger_name = ?", name)
	case index && d == dialect.MySQL:
		q = tx.NewSelect().TableExpr("information_schema.statistics").
			Where("table_schema = DATABASE()").Where("table_name = ?", table).Where("index_name = ?", name)
	case index && d == dialect.SQLite:
		q = tx.NewSelect().TableExpr("pragma_index_list(?)", table).Where("name = ?", name)
	case index:
		q = tx.NewSelect().TableExpr("pg_indexes").
			Where("schemaname = current_schema()").Where("tablename = ?", table).Where("indexname = ?", name)
	case d == dialect.SQLite:
		q = tx.NewSelect().TableExpr("pragma_table_info(?)", table).Where("name = ?", name)
	case d == dialect.MySQL:
		q = tx.NewSelect().TableExpr("information_schema.columns").
			Where("table_schema = DATABASE()").Where("table_name = ?", table).Where("column_name = ?", name)
	default:
		q = tx.NewSelect().TableExpr("information_schema.columns").
			Where("table_schema = current_schema()").Where("table_name = ?", table).Where("column_name = ?", name)
	}
	n, err := q.Count(ctx)
	if err != nil {
		return false, fmt.Errorf("bunstore: migration guard %q: %w", line, err)
	}
	return (n > 0) == want, nil
}

// Migrate creates or upgrades the store's tables with bun/migrate. Its
// own bookkeeping tables carry the store's prefix (see
// [MigrationTables]). It takes bun/migrate's lock for the duration, and
// when another process holds it, waits for it (up to
// MigrationLockTimeout or the end of ctx) and then finds the migrations
// applied. A lock left by a crashed process must be removed by deleting
// the row of the locks table.
//
// Migrate needs a store built over a *bun.DB; hosts working over a
// bun.Tx or bun.Conn run [Migrations] with their own migrator. On
// PostgreSQL it first checks the session and returns an error wrapping
// [ErrUnsafeSession] when standard_conforming_strings is not on.
func (s *Store) Migrate(ctx context.Context) error {
	db, ok := s.host.(*bun.DB)
	if !ok {
		return fmt.Errorf("bunstore: migrate: needs a store built over a *bun.DB, not %T; use Migrations with your migrator", s.host)
	}
	if err := s.db.ensure(ctx); err != nil {
		return err // ErrUnsafeSession, or why the check failed
	}
	ms, err := Migrations(s.dialect, s.prefix)
	if err != nil {
		return err
	}
	table, locks, err := MigrationTables(s.prefix)
	if err != nil {
		return err
	}
	m := migrate.NewMigrator(db, ms,
		migrate.WithTableName(table),
		migrate.WithLocksTableName(locks),
		migrate.WithMarkAppliedOnSuccess(true),
	)

	// Two processes creating the bookkeeping tables at once may collide
	// in PostgreSQL's catalog even with IF NOT EXISTS: try again.
	if err := retry(ctx, 5, isCatalogRace, func() error { return m.Init(ctx) }); err != nil {
		return fmt.Errorf("bunstore: migrate: init: %w", err)
	}
	if err := s.lock(ctx, m, locks); err != nil {
		return err
	}
	defer func() {
		if err := m.Unlock(context.WithoutCancel(ctx)); err != nil {
			s.logger.ErrorContext(ctx, "bunstore: release migration lock", "table", locks, "error", err)
		}
	}()

	group, err := m.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("bunstore: migrate: %w", err)
	}
	if group.IsZero() {
		s.logger.DebugContext(ctx, "bunstore: schema is up to date", "prefix", s.prefix)
	} else {
		s.logger.InfoContext(ctx, "bunstore: migrated", "prefix", s.prefix, "group", group.ID, "migrations", group.Migrations.String())
	}
	return nil
}

// lock takes bun/migrate's lock, waiting while another process holds
// it. bun/migrate's Lock inserts a row and fails at once when the row
// exists.
func (s *Store) lock(ctx context.Context, m *migrate.Migrator, locks string) error {
	ctx, cancel := context.WithTimeout(ctx, MigrationLockTimeout)
	defer cancel()
	wait := 20 * time.Millisecond
	for logged := false; ; {
		err := m.Lock(ctx)
		if err == nil {
			return nil
		}
		if !isConflict(err) {
			return fmt.Errorf("bunstore: migrate: lock: %w", err)
		}
		if !logged {
			s.logger.InfoContext(ctx, "bunstore: waiting for another process's migration lock", "table", locks)
			logged = true
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bunstore: migrate: waiting for the lock in %s: %w (last error: %w)", locks, ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// retry calls fn up to n times while it fails with an error again
// accepts.
func retry(ctx context.Context, n int, again func(error) bool, fn func() error) error {
	var err error
	for i := range n {
		if err = fn(); err == nil || !again(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(i+1) * 20 * time.Millisecond):
		}
	}
	return err
}
