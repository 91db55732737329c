package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// withHistoryMetrics returns t, or when no SLA state ever kept t's
// metrics (SLA.Cycle 0: the Desk has no Config.SLA, or had none while t
// lived) a copy of t whose SLA metrics come from its history and thread,
// so that a report counts it as it counts the others. It reports whether
// it computed them.
func (d *Desk) withHistoryMetrics(ctx context.Context, t *ticket.Ticket) (*ticket.Ticket, bool, error) {
	if t.SLA.Cycle > 0 {
		return t, false, nil
	}
	st, err := d.historyMetrics(ctx, t)
	if err != nil {
		return nil, false, err
	}
	c := t.Clone()
	c.SLA = st
	return c, true, nil
}

// historyMetrics computes the metrics an SLA state keeps (FirstResponseAt,
// ResolvedAt, ReopenCount, PausedTotal) from t's history lines and its
// first agent reply, as the SLA rules would have recorded them: entering
// a resolved or closed status resolves the ticket, leaving one for
// another status reopens it (clearing ResolvedAt), and time in a status
// that pauses SLA clocks adds to PausedTotal once the pause ends. With
// no calendar to count business time, PausedTotal is wall-clock time.
func (d *Desk) historyMetrics(ctx context.Context, t *ticket.Ticket) (ticket.SLAState, error) {
	events, err := d.store.EventList(ctx, storage.EventListParams{TenantID: t.TenantID, TicketID: t.ID})
	if err != nil {
		return ticket.SLAState{}, fmt.Errorf("ticketkit: SLA report: history of %s: %w", t.Number, err)
	}
	c := d.catalog
	if t.Kind == ticket.KindComplaint && d.complaints != nil {
		c = d.complaints.catalog
	}
	status := func(code string) ticket.Status { s, _ := c.Status(code); return s }
	finished := func(s ticket.Status) bool {
		return s.Category == ticket.CategoryResolved || s.Category == ticket.CategoryClosed
	}

	var moves []*ticket.Event
	for _, e := range events {
		if e.Field == ticket.FieldStatus {
			moves = append(moves, e)
		}
	}
	var st ticket.SLAState
	cur := status(t.Status)
	if len(moves) > 0 {
		cur = status(moves[0].Old)
	}
	if finished(cur) {
		st.ResolvedAt = t.CreatedAt
	}
	pausedSince := t.CreatedAt
	for _, e := range moves {
		next := status(e.New)
		if cur.Paused() && !next.Paused() {
			st.PausedTotal += max(0, e.At.Sub(pausedSince))
		}
		if !cur.Paused() && next.Paused() {
			pausedSince = e.At
		}
		switch {
		case finished(next) && st.ResolvedAt.IsZero():
			st.ResolvedAt = e.At
		case !finished(next) && !st.ResolvedAt.IsZero():
			st.ReopenCount++
			st.ResolvedAt = time.Time{}
		}
		cur = next
	}

	replies, err := d.store.MessageList(ctx, storage.MessageListParams{TenantID: t.TenantID, TicketID: t.ID,
		Kinds: []ticket.MessageKind{ticket.MessageReply}, Limit: 1})
	if err != nil {
		return ticket.SLAState{}, fmt.Errorf("ticketkit: SLA report: replies of %s: %w", t.Number, err)
	}
	if len(replies.Messages) > 0 {
		st.FirstResponseAt = replies.Messages[0].CreatedAt
	}
	return st, nil
}
