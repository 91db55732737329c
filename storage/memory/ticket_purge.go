package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.TicketPurger = (*Store)(nil)

// TicketClaimClosed returns the closed tickets past their tenant's
// cutoff, those closed first (see storage.TicketPurger). Transactions of
// the memory store run one at a time, so two claims never overlap.
func (s *Store) TicketClaimClosed(ctx context.Context, p storage.ClosedTicketClaimParams) ([]*ticket.Ticket, error) {
	return read(s, func(x *tx) ([]*ticket.Ticket, error) { return x.TicketClaimClosed(ctx, p) })
}

// TicketPurge deletes tickets and every row kept about them.
func (s *Store) TicketPurge(ctx context.Context, p storage.TicketPurgeParams) (res *storage.TicketPurgeResult, err error) {
	err = s.write(ctx, func(x *tx) error {
		res, err = x.TicketPurge(ctx, p)
		return err
	})
	return res, err
}

// ConfigTenantList returns the tenants with a stored configuration.
func (s *Store) ConfigTenantList(ctx context.Context) ([]string, error) {
	return read(s, func(x *tx) ([]string, error) { return x.ConfigTenantList(ctx) })
}

// TicketClaimClosed returns the closed tickets past their tenant's
// cutoff, those closed first.
func (x *tx) TicketClaimClosed(ctx context.Context, p storage.ClosedTicketClaimParams) ([]*ticket.Ticket, error) {
	if err := x.live(ctx); err != nil {
		return nil, fmt.Errorf("memory: claim closed tickets: %w", err)
	}
	if err := storage.CheckClosedClaim(p); err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	var due []*ticket.Ticket
	for _, t := range x.db.tickets {
		cut := utc(p.CutoffOf(t.TenantID))
		if t.ClosedAt.IsZero() || cut.IsZero() || !t.ClosedAt.Before(cut) || t.Kind == ticket.KindComplaint || slices.Contains(p.Exclude, t.ID) {
			continue
		}
		due = append(due, t)
	}
	slices.SortFunc(due, func(a, b *ticket.Ticket) int {
		return cmp.Or(a.ClosedAt.Compare(b.ClosedAt), strings.Compare(a.ID, b.ID))
	})
	due = due[:min(len(due), storage.ClampClosedClaimLimit(p.Limit))]
	out := make([]*ticket.Ticket, len(due))
	for i, t := range due {
		out[i] = t.Clone()
	}
	return out, nil
}

// TicketPurge deletes tickets and every row kept about them, recording
// the undo.
func (x *tx) TicketPurge(ctx context.Context, p storage.TicketPurgeParams) (*storage.TicketPurgeResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: purge tickets: %w", err)
	}
	res := &storage.TicketPurgeResult{}
	gone := map[string]bool{}
	for _, id := range p.TicketIDs {
		if t, ok := x.db.tickets[id]; ok && t.TenantID == p.TenantID {
			gone[id] = true
		}
	}
	if len(gone) == 0 {
		return res, nil
	}
	// Every collection is swapped for a filtered copy; the undo swaps
	// the old one back.
	prevTickets, prevNumbers := maps.Clone(x.db.tickets), maps.Clone(x.db.numbers)
	prevMsgs, prevMsgIDs := x.db.messages, maps.Clone(x.db.msgIDs)
	prevEvents, prevEventIDs := maps.Clone(x.db.events), maps.Clone(x.db.eventIDs)
	prevOutbox, prevOutIdx := x.db.outbox, x.db.outIdx
	prevInbound, prevPresence := maps.Clone(x.db.inbound), maps.Clone(x.db.presence)
	prevLinks, prevWatchers, prevRatings, prevTime := x.db.links, x.db.watchers, x.db.ratings, x.db.timeEntries
	x.onUndo(func() {
		x.db.tickets, x.db.numbers = prevTickets, prevNumbers
		x.db.messages, x.db.msgIDs = prevMsgs, prevMsgIDs
		x.db.events, x.db.eventIDs = prevEvents, prevEventIDs
		x.db.outbox, x.db.outIdx = prevOutbox, prevOutIdx
		x.db.inbound, x.db.presence = prevInbound, prevPresence
		x.db.links, x.db.watchers, x.db.ratings, x.db.timeEntries = prevLinks, prevWatchers, prevRatings, prevTime
	})
	for id := range gone {
		t := x.db.tickets[id]
		delete(x.db.tickets, id)
		delete(x.db.numbers, key{t.TenantID, t.Number})
		for _, e := range x.db.events[key{p.TenantID, id}] {
			delete(x.db.eventIDs, e.ID)
		}
		res.Events += len(x.db.events[key{p.TenantID, id}])
		delete(x.db.events, key{p.TenantID, id})
		res.Tickets++
	}
	keys := map[string]bool{}
	x.db.messages = slices.DeleteFunc(slices.Clone(x.db.messages), func(m *ticket.Message) bool {
		if m.TenantID != p.TenantID || !gone[m.TicketID] {
			return false
		}
		delete(x.db.msgIDs, m.ID)
		res.Messages++
		for _, a := range m.Attachments {
			res.Attachments++
			if a.Key != "" && !keys[a.Key] {
				keys[a.Key] = true
				res.BlobKeys = append(res.BlobKeys, a.Key)
			}
		}
		return true
	})
	kept, idx := make([]*storage.OutboxEntry, 0, len(x.db.outbox)), make(map[string]int, len(x.db.outbox))
	for _, e := range x.db.outbox {
		if e.TenantID == p.TenantID && gone[e.TicketID] {
			continue
		}
		idx[e.ID] = len(kept)
		kept = append(kept, e)
	}
	x.db.outbox, x.db.outIdx = kept, idx
	maps.DeleteFunc(x.db.inbound, func(k key, r storage.Inbound) bool { return k.tenant == p.TenantID && gone[r.TicketID] })
	maps.DeleteFunc(x.db.presence, func(k presenceKey, _ ticket.Presence) bool { return k.tenant == p.TenantID && gone[k.ticket] })
	x.db.links = slices.DeleteFunc(slices.Clone(x.db.links), func(l *ticket.Link) bool {
		return l.TenantID == p.TenantID && (gone[l.FromID] || gone[l.ToID])
	})
	x.db.watchers = slices.DeleteFunc(slices.Clone(x.db.watchers), func(w *ticket.Watcher) bool {
		return w.TenantID == p.TenantID && gone[w.TicketID]
	})
	x.db.ratings = slices.DeleteFunc(slices.Clone(x.db.ratings), func(r *ticket.Rating) bool {
		return r.TenantID == p.TenantID && gone[r.TicketID]
	})
	x.db.timeEntries = slices.DeleteFunc(slices.Clone(x.db.timeEntries), func(e *ticket.TimeEntry) bool {
		return e.TenantID == p.TenantID && gone[e.TicketID]
	})
	return res, nil
}

// ConfigTenantList returns the tenants with a stored configuration,
// sorted.
func (x *tx) ConfigTenantList(ctx context.Context) ([]string, error) {
	if err := x.live(ctx); err != nil {
		return nil, fmt.Errorf("memory: list configured tenants: %w", err)
	}
	out := slices.Sorted(maps.Keys(x.db.configs))
	if out == nil {
		out = []string{}
	}
	return out, nil
}
