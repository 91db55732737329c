package dbtest

import (
	"context"
	"testing"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/memory"
)

// Store is a ticketkit store tests can run against.
type Store struct {
	// Name is "memory", "sqlite", "postgres" or "mysql", usable as a
	// subtest name.
	Name string
	// Open returns a fresh, migrated store, closed when the test ends.
	Open func(testing.TB) storage.Store
}

// Stores returns the memory store and the Bun store on each of
// [Backends], for tests of code above the storage layer that must hold
// on every store.
func Stores() []Store {
	out := []Store{{Name: "memory", Open: func(testing.TB) storage.Store { return memory.New() }}}
	for _, b := range Backends() {
		open := b.Open
		switch b.Name { // migrated already: Migrate finds nothing to do
		case "sqlite":
			open = SQLiteMigrated
		case "postgres":
			open = PostgresMigrated
		case "mysql":
			open = MySQLMigrated
		}
		out = append(out, Store{Name: b.Name, Open: func(t testing.TB) storage.Store {
			t.Helper()
			s, err := bunstore.New(open(t), bunstore.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			return s
		}})
	}
	return out
}

// PostgresMaxParallel is how many PostgreSQL databases the subtests of
// [EachStore], [RunStores] and [EachBackend] hold at once in one test
// binary. With [PostgresMaxOpenConns] connections each that is at most
// 32 connections, far below PostgreSQL's default max_connections of 100
// however large go test's -parallel is, and it leaves room for the test
// binaries of other packages that run at the same time.
const PostgresMaxParallel = 4

// postgresSlots are the [PostgresMaxParallel] slots.
var postgresSlots = make(chan struct{}, PostgresMaxParallel)

// EachStore runs body once per store of [Stores]; see [RunStores].
func EachStore(t *testing.T, body func(t *testing.T, s Store)) {
	t.Helper()
	RunStores(t, Stores(), body)
}

// RunStores runs body once per store of stores, each in a subtest
// named after the store ("memory", "sqlite", "postgres") that runs in
// parallel with the others (t.Parallel). Each body opens its own store
// with s.Open, so a PostgreSQL body works in a schema of its own. A
// PostgreSQL body first waits for one of [PostgresMaxParallel] slots and
// holds it until its cleanup has closed its pool.
//
// The body must not call RunStores, [EachStore] or [EachBackend] itself
// nor start parallel subtests: they would wait for slots their parent
// holds.
func RunStores(t *testing.T, stores []Store, body func(t *testing.T, s Store)) {
	t.Helper()
	for _, s := range stores {
		runParallel(t, s.Name, func(t *testing.T) { body(t, s) })
	}
}

// EachBackend runs body once per database of [Backends], for tests that
// build their store themselves, as [RunStores] does.
func EachBackend(t *testing.T, body func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends() {
		runParallel(t, b.Name, func(t *testing.T) { body(t, b) })
	}
}

// runParallel runs body in a parallel subtest called name, holding a
// PostgreSQL slot when name is "postgres" and a MySQL slot when it is
// "mysql".
func runParallel(t *testing.T, name string, body func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		switch name {
		case "postgres":
			postgresSlots <- struct{}{}
			t.Cleanup(func() { <-postgresSlots }) // runs after the cleanups body registers
		case "mysql":
			mysqlSlots <- struct{}{}
			t.Cleanup(func() { <-mysqlSlots })
		}
		body(t)
	})
}
