package dbtest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunStoresHoldsAPostgresSlot runs more PostgreSQL bodies than there
// are slots: each holds a slot while it runs and until its own cleanups
// have run, no more than PostgresMaxParallel are held at once, the other
// stores take none, and every slot is given back.
func TestRunStoresHoldsAPostgresSlot(t *testing.T) {
	stores := []Store{{Name: "memory"}, {Name: "sqlite"}}
	for range 2 * PostgresMaxParallel {
		stores = append(stores, Store{Name: "postgres"})
	}
	var mu sync.Mutex
	held := map[string][]int{}
	record := func(what string) {
		mu.Lock()
		defer mu.Unlock()
		held[what] = append(held[what], len(postgresSlots))
	}
	t.Run("Bodies", func(t *testing.T) {
		RunStores(t, stores, func(t *testing.T, s Store) {
			record(s.Name)
			if s.Name == "postgres" {
				t.Cleanup(func() { record("postgres cleanup") })
			}
		})
	})
	require.Empty(t, postgresSlots, "every slot is given back")
	require.Len(t, held["memory"], 1)
	require.Len(t, held["sqlite"], 1)
	require.Len(t, held["postgres"], 2*PostgresMaxParallel, "every body ran")
	for _, what := range []string{"postgres", "postgres cleanup"} {
		for _, n := range held[what] {
			require.GreaterOrEqual(t, n, 1, "%s holds a slot", what)
			require.LessOrEqual(t, n, PostgresMaxParallel, "%s", what)
		}
	}
}

// TestEachBackendNamesEveryBackend runs a body per backend, in a subtest
// named after it.
func TestEachBackendNamesEveryBackend(t *testing.T) {
	var mu sync.Mutex
	var names []string
	t.Run("Bodies", func(t *testing.T) {
		EachBackend(t, func(t *testing.T, b Backend) {
			mu.Lock()
			defer mu.Unlock()
			names = append(names, b.Name+"="+t.Name())
		})
	})
	require.ElementsMatch(t, []string{
		"sqlite=TestEachBackendNamesEveryBackend/Bodies/sqlite",
		"postgres=TestEachBackendNamesEveryBackend/Bodies/postgres",
		"mysql=TestEachBackendNamesEveryBackend/Bodies/mysql",
	}, names)
	require.Empty(t, postgresSlots)
}

// TestRunStoresHoldsAMySQLSlot: at most MySQLMaxParallel MySQL bodies
// run at once, and every slot is given back.
func TestRunStoresHoldsAMySQLSlot(t *testing.T) {
	var stores []Store
	for range 2 * MySQLMaxParallel {
		stores = append(stores, Store{Name: "mysql"})
	}
	var mu sync.Mutex
	var held []int
	t.Run("Bodies", func(t *testing.T) {
		RunStores(t, stores, func(t *testing.T, s Store) {
			mu.Lock()
			defer mu.Unlock()
			held = append(held, len(mysqlSlots))
		})
	})
	require.Empty(t, mysqlSlots, "every slot is given back")
	require.Len(t, held, 2*MySQLMaxParallel, "every body ran")
	for _, n := range held {
		require.GreaterOrEqual(t, n, 1)
		require.LessOrEqual(t, n, MySQLMaxParallel)
	}
}
