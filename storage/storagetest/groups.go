package storagetest

import (
	"slices"
	"testing"

	"github.com/ticketkit/ticketkit/storage"
)

// RunGroups runs the groups of [Run] named in groups, such as "Outbox"
// and "Event" (every group this function knows when groups is empty):
// for a test of a variant of a store's schema that concerns a few
// tables only, such as storage/bunstore's partitioning recipe.
func RunGroups(t *testing.T, newStore func(t *testing.T) storage.Store, features Features, groups ...string) {
	t.Helper()
	s := suite{newStore: newStore, declared: features}
	want := func(name string) bool { return len(groups) == 0 || slices.Contains(groups, name) }
	for _, g := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"TicketCreate", s.ticketCreate},
		{"TicketGet", s.ticketGet},
		{"TicketUpdate", s.ticketUpdate},
		{"TicketList", s.ticketList},
		{"TicketListOrganisation", s.ticketListOrganisation},
		{"TicketDue", s.ticketDue},
		{"TicketSLA", s.ticketSLA},
		{"Message", s.message},
		{"Event", s.event},
		{"Sequence", s.sequence},
		{"Outbox", s.outbox},
		{"Tx", s.tx},
		{"Tenant", s.tenant},
		{"Change", s.change},
		{"ChangeUpdate", s.changeUpdate},
		{"Features", s.features},
	} {
		if want(g.name) {
			t.Run(g.name, g.run)
		}
	}
	for _, o := range []struct {
		name     string
		declared bool
		iface    string
		run      func(t *testing.T)
	}{
		{"SLAUpdater", features.SLAUpdater, "TicketSLAUpdater", s.slaUpdater},
		{"BatchUpdater", features.BatchUpdater, "TicketBatchUpdater", s.batchUpdater},
		{"Inbound", features.Inbound, "InboundStore", s.inbound},
		{"Complaint", features.Complaints, "ComplaintStore", s.complaint},
		{"ComplaintOverdue", features.Complaints && features.ComplaintOverdue, "ComplaintOverdueStore", s.complaintOverdue},
		{"AttachmentRef", features.AttachmentRefs, "AttachmentRefChecker", s.attachmentRef},
		{"Idempotency", features.Idempotency, "IdempotencyStore", s.idempotency},
		{"OutboxStats", features.OutboxStats, "OutboxStatsStore", s.outboxStats},
		{"TicketLocker", features.TicketLocker, "TicketLocker", s.ticketLocker},
		{"MessageMover", features.MessageMover, "MessageMover", s.messageMover},
		{"Links", features.Links, "LinkStore", s.links},
		{"Config", features.Config, "ConfigStore", s.config},
		{"Presence", features.Presence, "PresenceStore", s.presence},
		{"SortKeyUpdater", features.SortKeyUpdater, "TicketSortKeyUpdater", s.sortKeyUpdater},
		{"ChangeWriter", features.ChangeWriter, "ChangeWriter", s.changeWriter},
		{"ChangeUpdater", features.ChangeUpdater, "ChangeUpdater", s.changeUpdater},
		{"SLAChangeWriter", features.SLAChangeWriter, "SLAChangeWriter", s.slaChangeWriter},
		{"Watchers", features.Watchers, "WatcherStore", s.watchers},
		{"WatchedTicketGetter", features.Watchers && features.WatchedTicketGetter, "WatchedTicketGetter", s.watchedTicketGetter},
		{"Pruner", features.Pruner, "Pruner", s.pruner},
		{"CustomerEraser", features.CustomerEraser, "CustomerEraser", s.customerEraser},
		{"AssigneeCounter", features.AssigneeCounter, "TicketAssigneeCounter", s.assigneeCounter},
		{"FullText", features.FullText, "FullTextStore", s.fullText},
		{"Ratings", features.Ratings, "RatingStore", s.ratings},
		{"TimeEntries", features.TimeEntries, "TimeEntryStore", s.timeEntries},
		{"TicketPurger", features.TicketPurger, "TicketPurger", s.ticketPurger},
		{"CustomerTraceEraser", features.CustomerTraceEraser, "CustomerTraceEraser", s.customerTraceEraser},
	} {
		if want(o.name) {
			optional(t, o.name, o.declared, o.iface, o.run)
		}
	}
}
