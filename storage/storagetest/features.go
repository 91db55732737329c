package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
)

// Features declares the optional capabilities of the store under test
// (see "Optional capabilities" in package storage). [Run] checks each
// declared one on the store and on the Tx its RunInTx hands out, and
// runs its conformance tests: a declared capability that either lacks
// fails the Features group. A capability the store implements but does
// not declare is reported in the test log, and its tests do not run; nor
// do those of one it neither implements nor declares, which the log
// says too. Nothing is skipped.
type Features struct {
	// Complaints: [storage.ComplaintStore].
	Complaints bool
	// ComplaintLocker: [storage.ComplaintLocker]; needs Complaints.
	ComplaintLocker bool
	// ComplaintReverser: [storage.ComplaintReverser]; needs Complaints.
	ComplaintReverser bool
	// ComplaintOverdue: [storage.ComplaintOverdueStore]; needs
	// Complaints.
	ComplaintOverdue bool
	// Inbound: [storage.InboundStore].
	Inbound bool
	// AttachmentRefs: [storage.AttachmentRefChecker]. With Complaints,
	// the attachments of complaint documents must count as references.
	AttachmentRefs bool
	// SLAUpdater: [storage.TicketSLAUpdater].
	SLAUpdater bool
	// BatchUpdater: [storage.TicketBatchUpdater].
	BatchUpdater bool
	// Idempotency: [storage.IdempotencyStore].
	Idempotency bool
	// OutboxStats: [storage.OutboxStatsStore].
	OutboxStats bool
	// TicketLocker: [storage.TicketLocker].
	TicketLocker bool
	// MessageMover: [storage.MessageMover]; its tests also check that
	// the store keeps Ticket.MergedInto.
	MessageMover bool
	// Links: [storage.LinkStore].
	Links bool
	// Config: [storage.ConfigStore].
	Config bool
	// Presence: [storage.PresenceStore].
	Presence bool
	// SortKeyUpdater: [storage.TicketSortKeyUpdater].
	SortKeyUpdater bool
	// ChangeWriter: [storage.ChangeWriter].
	ChangeWriter bool
	// ChangeUpdater: [storage.ChangeUpdater].
	ChangeUpdater bool
	// SLAChangeWriter: [storage.SLAChangeWriter].
	SLAChangeWriter bool
	// Watchers: [storage.WatcherStore].
	Watchers bool
	// WatchedTicketGetter: [storage.WatchedTicketGetter]; needs
	// Watchers.
	WatchedTicketGetter bool
	// FullText: [storage.FullTextStore] (TicketFilter.Query).
	FullText bool
	// Ratings: [storage.RatingStore].
	Ratings bool
	// TimeEntries: [storage.TimeEntryStore].
	TimeEntries bool
	// Pruner: [storage.Pruner]; needs Inbound.
	Pruner bool
	// CustomerEraser: [storage.CustomerEraser]; needs Inbound.
	CustomerEraser bool
	// AssigneeCounter: [storage.TicketAssigneeCounter].
	AssigneeCounter bool
	// TicketPurger: [storage.TicketPurger].
	TicketPurger bool
	// CustomerTraceEraser: [storage.CustomerTraceEraser]; needs
	// Watchers, Ratings, TimeEntries, Idempotency and Complaints.
	CustomerTraceEraser bool
}

// capability is one optional interface of a store: its name, whether the
// adapter declared it and a test for it.
type capability struct {
	name     string
	declared bool
	has      func(x any) bool
}

// implements reports whether x implements C.
func implements[C any](x any) bool {
	_, ok := x.(C)
	return ok
}

// capabilities lists the optional interfaces with what f declares.
func (f Features) capabilities() []capability {
	return []capability{
		{"ComplaintStore", f.Complaints, implements[storage.ComplaintStore]},
		{"ComplaintLocker", f.ComplaintLocker, implements[storage.ComplaintLocker]},
		{"ComplaintReverser", f.ComplaintReverser, implements[storage.ComplaintReverser]},
		{"ComplaintOverdueStore", f.ComplaintOverdue, implements[storage.ComplaintOverdueStore]},
		{"InboundStore", f.Inbound, implements[storage.InboundStore]},
		{"AttachmentRefChecker", f.AttachmentRefs, implements[storage.AttachmentRefChecker]},
		{"TicketSLAUpdater", f.SLAUpdater, implements[storage.TicketSLAUpdater]},
		{"TicketBatchUpdater", f.BatchUpdater, implements[storage.TicketBatchUpdater]},
		{"IdempotencyStore", f.Idempotency, implements[storage.IdempotencyStore]},
		{"OutboxStatsStore", f.OutboxStats, implements[storage.OutboxStatsStore]},
		{"TicketLocker", f.TicketLocker, implements[storage.TicketLocker]},
		{"MessageMover", f.MessageMover, implements[storage.MessageMover]},
		{"LinkStore", f.Links, implements[storage.LinkStore]},
		{"ConfigStore", f.Config, implements[storage.ConfigStore]},
		{"PresenceStore", f.Presence, implements[storage.PresenceStore]},
		{"TicketSortKeyUpdater", f.SortKeyUpdater, implements[storage.TicketSortKeyUpdater]},
		{"ChangeWriter", f.ChangeWriter, implements[storage.ChangeWriter]},
		{"ChangeUpdater", f.ChangeUpdater, implements[storage.ChangeUpdater]},
		{"WatcherStore", f.Watchers, implements[storage.WatcherStore]},
		{"FullTextStore", f.FullText, implements[storage.FullTextStore]},
		{"RatingStore", f.Ratings, implements[storage.RatingStore]},
		{"TimeEntryStore", f.TimeEntries, implements[storage.TimeEntryStore]},
		{"Pruner", f.Pruner, implements[storage.Pruner]},
		{"CustomerEraser", f.CustomerEraser, implements[storage.CustomerEraser]},
		{"TicketAssigneeCounter", f.AssigneeCounter, implements[storage.TicketAssigneeCounter]},
		{"TicketPurger", f.TicketPurger, implements[storage.TicketPurger]},
		{"CustomerTraceEraser", f.CustomerTraceEraser, implements[storage.CustomerTraceEraser]},
		{"SLAChangeWriter", f.SLAChangeWriter, implements[storage.SLAChangeWriter]},
		{"WatchedTicketGetter", f.WatchedTicketGetter, implements[storage.WatchedTicketGetter]},
	}
}

// features checks the declared features against what the store and its
// transactions implement: one subtest per capability.
func (s suite) features(t *testing.T) {
	for _, c := range s.declared.capabilities() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st := s.store(t)
			var inTx bool
			require.NoError(t, st.RunInTx(context.Background(), func(_ context.Context, tx storage.Tx) error {
				inTx = c.has(tx)
				return nil
			}))
			onStore := c.has(st)
			switch {
			case c.declared && !(onStore && inTx):
				t.Errorf("Features declares storage.%s, but the store %T implements it: %t, the Tx of its RunInTx: %t "+
					"(a decorator must forward it on both)", c.name, st, onStore, inTx)
			case !c.declared && (onStore || inTx):
				t.Logf("%T implements storage.%s, which Features does not declare: its conformance is not checked", st, c.name)
			case !c.declared:
				t.Logf("%T does not implement the optional storage.%s", st, c.name)
			}
		})
	}
}

// optional runs the group of an optional capability as t.Run does when
// declared is set; otherwise the group logs that it did not run.
func optional(t *testing.T, group string, declared bool, capability string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(group, func(t *testing.T) {
		if !declared {
			t.Logf("not run: Features does not declare storage.%s", capability)
			return
		}
		fn(t)
	})
}

// as returns x as the optional interface C, failing the test (rather
// than panicking) when it is not one.
func as[C any](t *testing.T, x any) C {
	t.Helper()
	c, ok := x.(C)
	if !ok {
		var zero *C
		require.FailNowf(t, "missing capability", "%T does not implement %T", x, zero)
	}
	return c
}
