package bunstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/internal/dbtest"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/storage/bunstore"
	"github.com/ticketkit/ticketkit/storage/storagetest"
)

// newStore returns a migrated store over db.
func newStore(t testing.TB, db bun.IDB, cfg bunstore.Config) *bunstore.Store {
	t.Helper()
	st, err := bunstore.New(db, cfg)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

// features are the optional capabilities the Bun store declares: all of
// them, on both dialects.
var features = storagetest.Features{
	Complaints: true, ComplaintLocker: true, ComplaintReverser: true, ComplaintOverdue: true, Inbound: true,
	AttachmentRefs: true, SLAUpdater: true, BatchUpdater: true, Idempotency: true, OutboxStats: true,
	TicketLocker: true, MessageMover: true, Links: true, Config: true,
	Presence: true, SortKeyUpdater: true, ChangeWriter: true, ChangeUpdater: true, Watchers: true, WatchedTicketGetter: true, FullText: true, Ratings: true, TimeEntries: true, Pruner: true, CustomerEraser: true, AssigneeCounter: true, TicketPurger: true, CustomerTraceEraser: true, SLAChangeWriter: true,
}

// TestConformance runs the conformance suite on each backend. The
// backends run in parallel with each other and with the other tests of
// the package (as does TestConformanceSQLiteMemory): each group of the
// suite ends with its longest subtest (such as TicketList/LimitIsClamped)
// running alone, and the PostgreSQL and MySQL subtests mostly wait for
// their server. Run one backend after the other, before every parallel
// test of the package, the two tests took 403 s and 261 s of a 2-core
// run under -race (load average 10-15) with one or two subtests at a time.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, b := range migratedBackends() { // a copied, or recycled, migrated database: see dbtest
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			storagetest.Run(t, func(t *testing.T) storage.Store {
				return newStore(t, b.Open(t), bunstore.Config{})
			}, features)
		})
	}
}

func TestConformanceSQLiteMemory(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return newStore(t, dbtest.SQLiteMemoryMigrated(t), bunstore.Config{})
	}, features)
}

func TestNewValidatesConfig(t *testing.T) {
	db := dbtest.SQLiteMemory(t)
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"", true},
		{"ticketkit_", true},
		{"_", true},
		{"tk2_", true},
		{"a234567890123456789012345678901", true}, // 31 characters
		{"a2345678901234567890123456789012", false},
		{"Tk_", false},
		{"1tk_", false},
		{"tk-", false},
		{"tk_; DROP TABLE x; --", false},
		{`tk"`, false},
	}
	for _, tc := range tests {
		st, err := bunstore.New(db, bunstore.Config{TablePrefix: tc.prefix})
		if !tc.ok {
			require.Error(t, err, "prefix %q", tc.prefix)
			require.ErrorContains(t, err, "table prefix", "prefix %q", tc.prefix)
			continue
		}
		require.NoError(t, err, "prefix %q", tc.prefix)
		want := tc.prefix
		if want == "" {
			want = bunstore.DefaultTablePrefix
		}
		require.Equal(t, want, st.TablePrefix())
	}

	_, err := bunstore.New(nil, bunstore.Config{})
	require.Error(t, err)
}
