package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// Migrating a fresh PostgreSQL schema runs every migration, each in a
// transaction of its own with its DDL, functions and triggers: about 3 s
// on the CI machine, and the conformance suite alone opens a store for
// each of its hundreds of subtests. [PostgresMigrated] therefore
// recycles migrated schemas within a test binary, as [MySQLMigrated]
// does databases: each test still has a schema of its own while it runs,
// and gets it empty.
//
// A recycled schema is named tk_p_<owner>_<random>, where owner is the
// hexadecimal key of a session-level advisory lock the test binary holds
// on a connection of its own for as long as it runs; the server releases
// the lock when the process exits, however it exits. The first test of
// a binary that needs a recycled schema drops those whose owner's lock
// is free: the leftovers of binaries that have ended.
//
// A schema goes back to the pool only when its catalog (tables, columns,
// indexes, constraints, functions, triggers, sequences, types) is the
// one migrating left; otherwise it is dropped. Emptying it truncates
// every table but the applied migrations and restarts the identity
// sequences, so the next test sees what a fresh migrated schema holds.
// Planner statistics of the previous test may remain: tests that assert
// query plans ANALYZE their own rows and use [Postgres].
//
// [PostgresMigratedVariant] recycles schemas a test prepares further
// after migrating (such as storage/bunstore's partitioning recipe) the
// same way, in a pool of their own per variant: a schema is prepared once
// and lent only to tests that ask for the same variant.

// postgresPoolPrefix starts the name of every recycled schema.
const postgresPoolPrefix = "tk_p_"

// postgresPool is the test binary's lock and its recycled schemas that no
// test holds.
var postgresPool struct {
	mu    sync.Mutex
	admin *sql.DB   // opened with the first recycled schema, never closed
	owner *sql.Conn // holds the advisory lock of key
	key   int64
	err   error                        // why the pool could not start, if it could not
	free  map[string][]*pooledPostgres // by variant; "" is the migrated schema
}

// pooledPostgres is a recycled schema.
type pooledPostgres struct {
	name    string
	variant string // see PostgresMigratedVariant; "" for PostgresMigrated
	catalog string // the fingerprint of its catalog right after migrating
	empty   string // the statements that empty it: see emptySQL
}

// PostgresMigrated returns a connection pool to a PostgreSQL schema of
// the test's own, migrated by [bunstore.Store.Migrate] with the default
// table prefix and holding no rows, that is the pool's search_path (as
// with [Postgres]); the pool is closed when the test ends and the schema
// emptied for another test of the binary (or dropped when the test
// changed its catalog). It skips or fails like [Postgres]. Tests of
// migrations, table prefixes or query plans use [Postgres].
func PostgresMigrated(t testing.TB) *bun.DB {
	t.Helper()
	return borrow(t, PostgresEnv, "PostgreSQL", redact, PostgresMaxOpenConns, OpenPostgres,
		func(dsn string) (pooled, error) { return takePostgres(dsn, "", nil) })
}

// PostgresMigratedVariant is [PostgresMigrated] for a variant of the
// migrated schema, named by variant (not empty): prepare runs once on
// each new schema of the variant, after migrating, with a connection
// pool whose search_path is the schema, and may change its catalog (such
// as storage/bunstore's partitioning recipe, which partitions tables).
// The test gets a schema of its own, prepared and holding no rows: new,
// or recycled from another test of the binary that asked for the same
// variant (emptied, its sequences restarted, and dropped instead when
// that test changed its catalog). A failing prepare fails the test.
func PostgresMigratedVariant(t testing.TB, variant string, prepare func(ctx context.Context, db *bun.DB) error) *bun.DB {
	t.Helper()
	if variant == "" || prepare == nil {
		t.Fatal("dbtest: PostgresMigratedVariant needs a variant and a prepare function")
	}
	return borrow(t, PostgresEnv, "PostgreSQL", redact, PostgresMaxOpenConns, OpenPostgres,
		func(dsn string) (pooled, error) { return takePostgres(dsn, variant, prepare) })
}

// prepareError is the error of a variant's prepare function: the test
// fails on it rather than skipping, as on an unreachable server.
type prepareError struct{ err error }

func (e prepareError) Error() string { return e.err.Error() }
func (e prepareError) Unwrap() error { return e.err }

// startPostgresPool opens the pool's admin connections, takes the
// binary's advisory lock and drops the schemas of binaries that have
// ended. It runs once; postgresPool.mu is held.
func startPostgresPool(ctx context.Context, dsn string) error {
	admin, err := openPostgres(dsn, "")
	if err != nil {
		return err
	}
	admin.SetMaxOpenConns(4)
	owner, err := admin.Conn(ctx)
	if err != nil {
		_ = admin.Close()
		return err
	}
	for {
		key := int64(randomUint64())
		var got bool
		if err := owner.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
			_ = owner.Close()
			_ = admin.Close()
			return fmt.Errorf("dbtest: advisory lock: %w", err)
		}
		if got {
			postgresPool.admin, postgresPool.owner, postgresPool.key = admin, owner, key
			break
		}
	}
	sweepPostgres(ctx, admin)
	return nil
}

// sweepPostgres drops the recycled schemas of test binaries that have
// ended: those whose owner's advisory lock no session holds.
func sweepPostgres(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
		strings.ReplaceAll(postgresPoolPrefix, "_", `\_`)+"%")
	if err != nil {
		return
	}
	byOwner := map[string][]string{}
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			owner, _, ok := strings.Cut(strings.TrimPrefix(name, postgresPoolPrefix), "_")
			if ok {
				byOwner[owner] = append(byOwner[owner], name)
			}
		}
	}
	_ = rows.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	for owner, names := range byOwner {
		key, err := strconv.ParseUint(owner, 16, 64)
		if err != nil || int64(key) == postgresPool.key {
			continue
		}
		var free bool
		if conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", int64(key)).Scan(&free) != nil || !free {
			continue
		}
		for _, name := range names {
			_, _ = conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
		}
		_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", int64(key))
	}
}

// takePostgres returns a free recycled schema of the variant, or a new
// one, migrated and, for a variant, prepared by prepare.
func takePostgres(dsn, variant string, prepare func(ctx context.Context, db *bun.DB) error) (*pooledPostgres, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	postgresPool.mu.Lock()
	if postgresPool.admin == nil && postgresPool.err == nil {
		postgresPool.err = startPostgresPool(ctx, dsn)
	}
	if err := postgresPool.err; err != nil {
		postgresPool.mu.Unlock()
		return nil, err
	}
	if free := postgresPool.free[variant]; len(free) > 0 {
		p := free[len(free)-1]
		postgresPool.free[variant] = free[:len(free)-1]
		postgresPool.mu.Unlock()
		return p, nil
	}
	postgresPool.mu.Unlock()

	p := &pooledPostgres{name: fmt.Sprintf("%s%016x_%s", postgresPoolPrefix, uint64(postgresPool.key), randomHex(4)), variant: variant}
	if _, err := postgresPool.admin.ExecContext(ctx, "CREATE SCHEMA "+p.name); err != nil {
		return nil, fmt.Errorf("dbtest: create schema %s: %w", p.name, err)
	}
	err := migrateNew(ctx, func() (*bun.DB, error) { return OpenPostgres(dsn, p.name) })
	if err == nil && prepare != nil {
		err = prepareNew(ctx, dsn, p.name, prepare)
		if err != nil {
			p.drop()
			return nil, prepareError{fmt.Errorf("dbtest: prepare %s (variant %s): %w", p.name, variant, err)}
		}
	}
	if err == nil {
		p.catalog, err = p.fingerprint(ctx)
	}
	if err == nil {
		p.empty, err = p.emptySQL(ctx)
	}
	if err != nil {
		p.drop()
		return nil, fmt.Errorf("dbtest: migrate %s: %w", p.name, err)
	}
	return p, nil
}

// postgresCatalogQuery is the fingerprint of a schema's catalog: its
// relations (tables, indexes, sequences, views), columns, constraints,
// functions, triggers and types. It reads the catalog tables rather than
// the pg_get_*def functions: a third of the time under load.
const postgresCatalogQuery = `
SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
	SELECT 'r ' || relname || ' ' || relkind::text || ' ' || relnatts || ' ' || relhastriggers::text || ' ' || relchecks FROM pg_class WHERE relnamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'c ' || attrelid::regclass::text || '.' || attname || ' ' || atttypid || ' ' || atttypmod || ' ' || attnotnull::text || ' ' || atthasdef::text || ' ' || attcollation
	FROM pg_attribute WHERE attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::text::regnamespace) AND attnum > 0 AND NOT attisdropped
	UNION ALL
	SELECT 'k ' || conname || ' ' || contype::text || ' ' || conkey::text || ' ' || coalesce(confkey::text, '') FROM pg_constraint WHERE connamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'f ' || proname || ' ' || md5(prosrc) FROM pg_proc WHERE pronamespace = $1::text::regnamespace
	UNION ALL
	SELECT 't ' || tgname || ' ' || tgrelid || ' ' || tgfoid || ' ' || tgtype || ' ' || tgenabled::text FROM pg_trigger
	WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::text::regnamespace) AND NOT tgisinternal
	UNION ALL
	SELECT 'y ' || typname || ' ' || typtype::text FROM pg_type WHERE typnamespace = $1::text::regnamespace
) s(x)`

// fingerprint returns the fingerprint of the schema's catalog.
func (p *pooledPostgres) fingerprint(ctx context.Context) (string, error) {
	var sum string
	err := postgresPool.admin.QueryRowContext(ctx, postgresCatalogQuery, p.name).Scan(&sum)
	return sum, err
}

// recycle empties the schema and returns it to the pool; it fails when
// the test changed the schema's catalog.
func (p *pooledPostgres) recycle() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := p.fingerprint(ctx)
	if err != nil {
		return err
	}
	if sum != p.catalog {
		return fmt.Errorf("dbtest: the catalog of %s changed", p.name)
	}
	// One round trip, one implicit transaction (the simple protocol):
	// DELETE is much cheaper than TRUNCATE on small tables, which
	// creates new files for each table and index.
	if _, err := postgresPool.admin.ExecContext(ctx, p.empty); err != nil {
		return err
	}
	postgresPool.mu.Lock()
	if postgresPool.free == nil {
		postgresPool.free = map[string][]*pooledPostgres{}
	}
	postgresPool.free[p.variant] = append(postgresPool.free[p.variant], p)
	postgresPool.mu.Unlock()
	return nil
}

// prepareNew runs prepare on the schema with a connection pool of its
// own, closed after.
func prepareNew(ctx context.Context, dsn, schema string, prepare func(ctx context.Context, db *bun.DB) error) error {
	db, err := OpenPostgres(dsn, schema)
	if err != nil {
		return err
	}
	defer db.Close()
	return prepare(ctx, db)
}

// emptySQL returns the statements that empty the schema: DELETE from
// each table but the applied migrations, those that reference others
// first; restart each sequence; then fail unless every table is empty.
func (p *pooledPostgres) emptySQL(ctx context.Context) (string, error) {
	rows, err := postgresPool.admin.QueryContext(ctx, `
SELECT c.relname, coalesce(r.relname, '')
FROM pg_class c
LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
LEFT JOIN pg_class r ON r.oid = k.confrelid AND r.oid <> c.oid
WHERE c.relnamespace = $1::text::regnamespace AND c.relkind IN ('r', 'p')`, p.name)
	if err != nil {
		return "", err
	}
	refs := map[string][]string{} // table -> the tables it references
	for rows.Next() {
		var table, ref string
		if err := rows.Scan(&table, &ref); err != nil {
			_ = rows.Close()
			return "", err
		}
		if strings.HasSuffix(table, "migrations") {
			continue // the applied migrations stay
		}
		if _, ok := refs[table]; !ok {
			refs[table] = nil
		}
		if ref != "" {
			refs[table] = append(refs[table], ref)
		}
	}
	if err := rows.Close(); err != nil {
		return "", err
	}
	// Referencing tables first: a table goes after every table that
	// references it.
	var order []string
	done := map[string]bool{}
	var visit func(string, int) error
	visit = func(table string, depth int) error {
		if done[table] {
			return nil
		}
		if depth > len(refs) {
			return fmt.Errorf("dbtest: foreign keys of %s form a cycle", p.name)
		}
		for other, to := range refs {
			if other != table && slices.Contains(to, table) {
				if err := visit(other, depth+1); err != nil {
					return err
				}
			}
		}
		done[table] = true
		order = append(order, table)
		return nil
	}
	tables := slices.Sorted(maps.Keys(refs))
	for _, table := range tables {
		if err := visit(table, 0); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	// The triggers that DELETE fires name their tables unqualified.
	fmt.Fprintf(&b, "SET LOCAL search_path = %s;\nSET LOCAL synchronous_commit = off;\n", pgIdent(p.name))
	var exists []string
	for _, table := range order {
		q := pgIdent(p.name) + "." + pgIdent(table)
		fmt.Fprintf(&b, "DELETE FROM %s;\n", q)
		exists = append(exists, "EXISTS (SELECT FROM "+q+")")
	}
	fmt.Fprintf(&b, "SELECT setval(s.oid, q.seqstart, false) FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid WHERE s.relnamespace = '%s'::regnamespace;\n", p.name)
	if len(exists) > 0 {
		fmt.Fprintf(&b, "DO $$ BEGIN IF %s THEN RAISE EXCEPTION 'dbtest: %s is not empty'; END IF; END $$;\n",
			strings.Join(exists, " OR "), p.name)
	}
	return b.String(), nil
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// drop drops the schema.
func (p *pooledPostgres) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = postgresPool.admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+p.name+" CASCADE")
}

// randomUint64 returns a random number.
func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return binary.LittleEndian.Uint64(b[:])
}

// dbName returns the schema's name.
func (p *pooledPostgres) dbName() string { return p.name }
