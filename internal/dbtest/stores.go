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
	// Name is "memory", "sqlite" or "postgres", usable as a subtest name.
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
		out = append(out, Store{Name: b.Name, Open: func(t testing.TB) storage.Store {
			t.Helper()
			s, err := bunstore.New(b.Open(t), bunstore.Config{})
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
