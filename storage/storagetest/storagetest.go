// Package storagetest is the conformance suite of the [storage.Store]
// contract. Every adapter runs it: the memory store, the Bun store on
// SQLite and PostgreSQL, and any store a host writes itself.
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			return mystore.New(openTestDB(t))
//		}, storagetest.Features{Inbound: true, SLAUpdater: true})
//	}
//
// # Optional capabilities
//
// A store declares in [Features] the optional interfaces of package
// storage it implements. Run fails a declared one the store or its
// transactions lack, and runs its tests; it reports in the test log a
// capability the store implements without declaring it, and does not
// test it. No test is skipped.
//
// # What it expects of newStore
//
// Run calls newStore once per subtest and runs the subtests of a group in
// parallel, so every call must return an empty store of its own (its own
// database, schema or file) that is safe for concurrent use. Use t.Cleanup
// to release it.
//
// # Comparisons
//
// The suite writes times in UTC at microsecond precision, expects them
// back in UTC and treats nil and empty slices and maps alike. Outbox
// payloads are compared as JSON, so a store may keep them as jsonb.
package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/internal/ids"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// Run runs the conformance suite against the stores newStore returns,
// which implement the optional capabilities features declares. Its
// subtests are grouped by entity: TicketCreate, TicketGet, TicketUpdate,
// TicketList, TicketDue, TicketSLA, Message, Event, Sequence, Outbox, Tx
// and Tenant; then Features, which checks the declared capabilities, and
// one group per optional capability: SLAUpdater, BatchUpdater, Inbound,
// Complaint (with ComplaintLocker), ComplaintOverdue, AttachmentRef, Idempotency, OutboxStats and Config. The group of a
// capability that features does not declare logs that it did not run.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store, features Features) {
	t.Helper()
	s := suite{newStore: newStore, declared: features}
	t.Run("TicketCreate", s.ticketCreate)
	t.Run("TicketGet", s.ticketGet)
	t.Run("TicketUpdate", s.ticketUpdate)
	t.Run("TicketList", s.ticketList)
	t.Run("TicketListOrganisation", s.ticketListOrganisation)
	t.Run("TicketDue", s.ticketDue)
	t.Run("TicketSLA", s.ticketSLA)
	t.Run("Message", s.message)
	t.Run("Event", s.event)
	t.Run("Sequence", s.sequence)
	t.Run("Outbox", s.outbox)
	t.Run("Tx", s.tx)
	t.Run("Tenant", s.tenant)
	t.Run("Change", s.change)
	t.Run("ChangeUpdate", s.changeUpdate)
	t.Run("Features", s.features)
	optional(t, "SLAUpdater", features.SLAUpdater, "TicketSLAUpdater", s.slaUpdater)
	optional(t, "BatchUpdater", features.BatchUpdater, "TicketBatchUpdater", s.batchUpdater)
	optional(t, "Inbound", features.Inbound, "InboundStore", s.inbound)
	optional(t, "Complaint", features.Complaints, "ComplaintStore", s.complaint)
	optional(t, "ComplaintOverdue", features.Complaints && features.ComplaintOverdue, "ComplaintOverdueStore", s.complaintOverdue)
	optional(t, "AttachmentRef", features.AttachmentRefs, "AttachmentRefChecker", s.attachmentRef)
	optional(t, "Idempotency", features.Idempotency, "IdempotencyStore", s.idempotency)
	optional(t, "OutboxStats", features.OutboxStats, "OutboxStatsStore", s.outboxStats)
	optional(t, "TicketLocker", features.TicketLocker, "TicketLocker", s.ticketLocker)
	optional(t, "MessageMover", features.MessageMover, "MessageMover", s.messageMover)
	optional(t, "Links", features.Links, "LinkStore", s.links)
	optional(t, "Config", features.Config, "ConfigStore", s.config)
	optional(t, "Presence", features.Presence, "PresenceStore", s.presence)
	optional(t, "SortKeyUpdater", features.SortKeyUpdater, "TicketSortKeyUpdater", s.sortKeyUpdater)
	optional(t, "ChangeWriter", features.ChangeWriter, "ChangeWriter", s.changeWriter)
	optional(t, "ChangeUpdater", features.ChangeUpdater, "ChangeUpdater", s.changeUpdater)
	optional(t, "Watchers", features.Watchers, "WatcherStore", s.watchers)
	optional(t, "WatchedTicketGetter", features.Watchers && features.WatchedTicketGetter, "WatchedTicketGetter", s.watchedTicketGetter)
	optional(t, "FullText", features.FullText, "FullTextStore", s.fullText)
	optional(t, "Ratings", features.Ratings, "RatingStore", s.ratings)
	optional(t, "TimeEntries", features.TimeEntries, "TimeEntryStore", s.timeEntries)
	optional(t, "Pruner", features.Pruner, "Pruner", s.pruner)
	optional(t, "CustomerEraser", features.CustomerEraser, "CustomerEraser", s.customerEraser)
	optional(t, "AssigneeCounter", features.AssigneeCounter, "TicketAssigneeCounter", s.assigneeCounter)
	optional(t, "TicketPurger", features.TicketPurger, "TicketPurger", s.ticketPurger)
	optional(t, "CustomerTraceEraser", features.CustomerTraceEraser, "CustomerTraceEraser", s.customerTraceEraser)
	optional(t, "SLAChangeWriter", features.SLAChangeWriter, "SLAChangeWriter", s.slaChangeWriter)
}

// suite holds the store factory and the declared features the groups
// share.
type suite struct {
	newStore func(t *testing.T) storage.Store
	declared Features
}

// store returns a fresh store for one subtest.
func (s suite) store(t *testing.T) storage.Store {
	t.Helper()
	st := s.newStore(t)
	require.NotNil(t, st, "newStore returned nil")
	return st
}

// Tenants of the fixtures. Every subtest has a store of its own, so fixed
// names do not collide.
const (
	tenantA = "acme"
	tenantB = "globex"
)

// base is the reference time of the fixtures: UTC, microsecond precision.
var base = time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

// newTicket returns a ticket of tenant with every field set, changed by
// mods. Its ID is new and its number derives from the ID, so tickets are
// unique unless mods say otherwise.
func newTicket(tenant string, mods ...func(*ticket.Ticket)) *ticket.Ticket {
	id := ids.New()
	t := &ticket.Ticket{
		ID:          id,
		Number:      "TK-" + id[len(id)-12:],
		TenantID:    tenant,
		Subject:     "Espresso machine leaks",
		Description: "Water under the machine after each coffee.",
		Status:      "open",
		Priority:    "normal",
		Category:    "technical",
		Department:  "support",
		Channel:     ticket.ChannelEmail,
		Customer: ticket.Customer{
			ID:     "cust-1",
			Name:   "Ann Lee",
			Email:  "ann@example.com",
			Mobile: "+33612345678",
		},
		Contacts: []ticket.Contact{
			{Name: "Bo Chan", Email: "bo@example.com", Phone: "+33700000001", Role: "buyer"},
			{Name: "Cy Diaz", Role: "technician"},
		},
		References: []ticket.Reference{
			{Kind: ticket.RefOrder, ID: "SO-1001", Label: "Web order"},
			{Kind: ticket.RefSerial, ID: "SN-77-A"},
			{Kind: ticket.RefInvoice, ID: "INV-2026-9", Label: "March invoice"},
			{Kind: ticket.RefContract, ID: "CT-5"},
		},
		Assignee: "agent-7",
		Tags:     []string{"vip", "coffee"},
		Fields:   map[string]string{"store": "Lyon", "amount": "129.90", "warranty": "true"},
		Actions: []ticket.Action{
			{ID: ids.New(), Title: "Call customer", Owner: "agent-7", DueAt: at(24 * time.Hour),
				Done: true, DoneAt: at(2 * time.Hour), Result: "Reached"},
			{ID: ids.New(), Title: "Ship a spare seal", Owner: "agent-9", DueAt: at(48 * time.Hour)},
		},
		Reason:        "defect",
		ClosureReason: "",
		FollowUpOf:    ids.New(),
		CreatedBy:     "agent-7",
		CreatedAt:     base,
		UpdatedAt:     at(time.Minute),
		ConfigVersion: 3,
	}
	for _, m := range mods {
		m(t)
	}
	return t
}

// created returns a mod setting CreatedAt to base plus d.
func created(d time.Duration) func(*ticket.Ticket) {
	return func(t *ticket.Ticket) { t.CreatedAt = at(d) }
}

// mustCreate stores tickets and fails the test on error.
func mustCreate(t *testing.T, st storage.Tx, tickets ...*ticket.Ticket) {
	t.Helper()
	for _, tk := range tickets {
		require.NoError(t, st.TicketCreate(context.Background(), tk), "create ticket %s", tk.Number)
	}
}

// ticketImporter is a store that stores many tickets at once, such as
// storage/bunstore's Store.TicketImport (multi-row INSERTs).
type ticketImporter interface {
	TicketImport(ctx context.Context, tickets []*ticket.Ticket) error
}

// seedTickets stores hundreds of tickets for a test of what reads them
// (a page's limit, say): at once when the store can import (a ticket at a
// time took a minute for 501 tickets on SQLite under -race), otherwise
// with createInTx. Tests of TicketCreate itself use createInTx.
func seedTickets(t *testing.T, st storage.Store, tickets []*ticket.Ticket) {
	t.Helper()
	if im, ok := st.(ticketImporter); ok {
		require.NoError(t, im.TicketImport(context.Background(), tickets))
		return
	}
	createInTx(t, st, tickets)
}

// createInTx stores many tickets in one transaction.
func createInTx(t *testing.T, st storage.Store, tickets []*ticket.Ticket) {
	t.Helper()
	require.NoError(t, st.RunInTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for _, tk := range tickets {
			if err := tx.TicketCreate(ctx, tk); err != nil {
				return err
			}
		}
		return nil
	}))
}

// ticketIDs returns the IDs of tickets in order.
func ticketIDs(tickets []*ticket.Ticket) []string {
	out := make([]string, len(tickets))
	for i, t := range tickets {
		out[i] = t.ID
	}
	return out
}

// idsOf returns the IDs of the given fixture tickets.
func idsOf(all []*ticket.Ticket, idx ...int) []string {
	out := make([]string, len(idx))
	for i, n := range idx {
		out[i] = all[n].ID
	}
	return out
}

// normTime strips what a round trip may change without changing the
// instant: monotonic reading and location.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Round(0).UTC()
}

// requireUTC fails unless a non-zero time is in UTC.
func requireUTC(t *testing.T, what string, ts time.Time) {
	t.Helper()
	if !ts.IsZero() {
		require.Equal(t, time.UTC, ts.Location(), "%s must be returned in UTC", what)
	}
}

// normTicket returns a copy of tk comparable with require.Equal.
func normTicket(tk *ticket.Ticket) *ticket.Ticket {
	if tk == nil {
		return nil
	}
	c := tk.Clone()
	c.CreatedAt, c.UpdatedAt, c.ClosedAt = normTime(c.CreatedAt), normTime(c.UpdatedAt), normTime(c.ClosedAt)
	for i := range c.Actions {
		c.Actions[i].DueAt = normTime(c.Actions[i].DueAt)
		c.Actions[i].DoneAt = normTime(c.Actions[i].DoneAt)
	}
	if len(c.Contacts) == 0 {
		c.Contacts = nil
	}
	if len(c.References) == 0 {
		c.References = nil
	}
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if len(c.Fields) == 0 {
		c.Fields = nil
	}
	if len(c.Actions) == 0 {
		c.Actions = nil
	}
	c.SLA = normSLA(c.SLA)
	return c
}

// normSLA returns a copy of s comparable with require.Equal.
func normSLA(s ticket.SLAState) ticket.SLAState {
	s = s.Clone()
	for _, p := range []*time.Time{
		&s.Since, &s.PausedSince, &s.FirstResponseDue, &s.NextResponseDue, &s.ResolutionDue,
		&s.NextCheckAt, &s.FirstResponseAt, &s.ResolvedAt, &s.AwaitingReplySince,
		&s.PendingUntil, &s.AutoCloseAt,
	} {
		*p = normTime(*p)
	}
	if len(s.Fired) == 0 {
		s.Fired = nil
	}
	if len(s.Breached) == 0 {
		s.Breached = nil
	}
	return s
}

// requireTicket fails unless got equals want in every field.
func requireTicket(t *testing.T, want, got *ticket.Ticket) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, normTicket(want), normTicket(got))
}

// newMessage returns a message of tk created at base plus d.
func newMessage(tk *ticket.Ticket, kind ticket.MessageKind, d time.Duration) *ticket.Message {
	return &ticket.Message{
		ID:         ids.New(),
		TenantID:   tk.TenantID,
		TicketID:   tk.ID,
		Kind:       kind,
		Type:       "question",
		AuthorID:   "user-" + string(kind),
		AuthorRole: ticket.RoleAgent,
		Body:       fmt.Sprintf("%s message at +%s", kind, d),
		CreatedAt:  at(d),
	}
}

// normMessage returns a copy of m comparable with require.Equal.
func normMessage(m *ticket.Message) *ticket.Message {
	c := m.Clone()
	c.CreatedAt = normTime(c.CreatedAt)
	if len(c.Attachments) == 0 {
		c.Attachments = nil
	}
	return c
}

// messageIDs returns the IDs of messages in order.
func messageIDs(ms []*ticket.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// newEvent returns a history line of tk.
func newEvent(tk *ticket.Ticket, field, old, new string, when time.Time) *ticket.Event {
	return &ticket.Event{
		ID:        ids.New(),
		TenantID:  tk.TenantID,
		TicketID:  tk.ID,
		ActorID:   "agent-7",
		ActorRole: ticket.RoleAgent,
		At:        when,
		Field:     field,
		Old:       old,
		New:       new,
	}
}

// eventIDs returns the IDs of events in order.
func eventIDs(es []*ticket.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// newEntry returns an undelivered outbox entry of tk created at base plus
// d.
func newEntry(tk *ticket.Ticket, kind string, d time.Duration) *storage.OutboxEntry {
	payload, _ := json.Marshal(map[string]any{"ticket": tk.Number, "kind": kind, "offset": d.String()})
	return &storage.OutboxEntry{
		ID:        ids.New(),
		TenantID:  tk.TenantID,
		TicketID:  tk.ID,
		Kind:      kind,
		Payload:   payload,
		CreatedAt: at(d),
		Attempts:  2,
	}
}

// entryIDs returns the IDs of outbox entries in order.
func entryIDs(es []*storage.OutboxEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
