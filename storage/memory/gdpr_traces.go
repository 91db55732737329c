package memory

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.CustomerTraceEraser = (*Store)(nil)

// CustomerTracesErase erases a customer's traces beside their tickets
// (see storage.CustomerTraceEraser).
func (s *Store) CustomerTracesErase(ctx context.Context, p storage.CustomerTracesParams) (res *storage.CustomerTracesResult, err error) {
	err = s.write(ctx, func(x *tx) error {
		res, err = x.CustomerTracesErase(ctx, p)
		return err
	})
	return res, err
}

// ComplaintErase stores an erased complaint section, posted or not.
func (s *Store) ComplaintErase(ctx context.Context, c *ticket.Complaint) error {
	return s.write(ctx, func(x *tx) error { return x.ComplaintErase(ctx, c) })
}

// CustomerTracesErase erases a customer's traces beside their tickets,
// recording the undo.
func (x *tx) CustomerTracesErase(ctx context.Context, p storage.CustomerTracesParams) (*storage.CustomerTracesResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: erase customer traces: %w", err)
	}
	res := &storage.CustomerTracesResult{}
	of := map[string]bool{}
	for _, id := range p.TicketIDs {
		of[id] = true
	}
	prevW, prevR, prevT, prevI := x.db.watchers, x.db.ratings, x.db.timeEntries, maps.Clone(x.db.idem)
	x.onUndo(func() { x.db.watchers, x.db.ratings, x.db.timeEntries, x.db.idem = prevW, prevR, prevT, prevI })
	x.db.watchers = slices.DeleteFunc(slices.Clone(x.db.watchers), func(w *ticket.Watcher) bool {
		gone := w.TenantID == p.TenantID && w.Kind == ticket.WatcherCC && (of[w.TicketID] || slices.Contains(p.Emails, w.Key))
		if gone {
			res.Watchers++
		}
		return gone
	})
	x.db.ratings = slices.Clone(x.db.ratings)
	for i, r := range x.db.ratings {
		if r.TenantID == p.TenantID && of[r.TicketID] && r.Comment != "" {
			c := *r
			c.Comment = ""
			x.db.ratings[i] = &c
			res.Ratings++
		}
	}
	x.db.timeEntries = slices.Clone(x.db.timeEntries)
	for i, e := range x.db.timeEntries {
		if e.TenantID == p.TenantID && of[e.TicketID] && e.Note != "" {
			c := *e
			c.Note = ""
			x.db.timeEntries[i] = &c
			res.TimeEntries++
		}
	}
	for k, r := range x.db.idem {
		if k.tenant != p.TenantID {
			continue
		}
		for _, text := range p.Texts {
			if text != "" && bytes.Contains(bytes.ToLower(r.Response), bytes.ToLower([]byte(text))) {
				delete(x.db.idem, k)
				res.Idempotency++
				break
			}
		}
	}
	return res, nil
}

// ComplaintErase stores an erased complaint section, posted or not.
func (x *tx) ComplaintErase(ctx context.Context, c *ticket.Complaint) error {
	if err := x.check(ctx, c.TenantID); err != nil {
		return fmt.Errorf("memory: erase complaint: %w", err)
	}
	old, ok := x.db.complaints[c.ID]
	if t, had := x.db.tickets[c.ID]; !ok || !had || t.TenantID != c.TenantID {
		return fmt.Errorf("memory: erase complaint %s: %w", c.ID, storage.ErrNotFound)
	}
	x.db.complaints[c.ID] = storedDetails(c)
	x.onUndo(func() { x.db.complaints[c.ID] = old })
	return nil
}
