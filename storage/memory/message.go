package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// MessageCreate stores a copy of a message of an existing ticket.
func (x *tx) MessageCreate(ctx context.Context, m *ticket.Message) error {
	if m == nil {
		return errors.New("memory: create message: message is nil")
	}
	if err := x.check(ctx, m.TenantID); err != nil {
		return fmt.Errorf("memory: create message: %w", err)
	}
	if m.ID == "" {
		return errors.New("memory: create message: message ID is required")
	}
	if x.ticket(m.TenantID, m.TicketID) == nil {
		return fmt.Errorf("memory: create message %s: ticket %s: %w", m.ID, m.TicketID, storage.ErrNotFound)
	}
	if _, ok := x.db.msgIDs[m.ID]; ok {
		return fmt.Errorf("memory: create message %s: ID taken: %w", m.ID, storage.ErrConflict)
	}
	c := m.Clone()
	c.CreatedAt = utc(c.CreatedAt)
	n := len(x.db.messages)
	x.db.messages = append(x.db.messages, c)
	x.db.msgIDs[c.ID] = struct{}{}
	x.onUndo(func() {
		x.db.messages[n] = nil
		x.db.messages = x.db.messages[:n]
		delete(x.db.msgIDs, c.ID)
	})
	return nil
}

// MessageList returns one page of messages ordered by creation time and
// ID.
func (x *tx) MessageList(ctx context.Context, p storage.MessageListParams) (*storage.MessageListResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list messages: %w", err)
	}
	const sort = storage.SortCreatedAt
	var after *storage.Cursor
	if p.After != "" {
		c, err := storage.DecodeCursor(p.After, sort, false)
		if err != nil {
			return nil, fmt.Errorf("memory: list messages: %w", err)
		}
		after = &c
	}
	var rows []*ticket.Message
	for _, m := range x.db.messages {
		if x.matchMessage(m, &p) {
			rows = append(rows, m)
		}
	}
	keyOf := func(m *ticket.Message) storage.Cursor {
		return storage.Cursor{Sort: sort, Time: m.CreatedAt, ID: m.ID}
	}
	rows, next := page(rows, keyOf, sort, false, after, storage.ClampLimit(p.Limit))
	res := &storage.MessageListResult{Messages: make([]*ticket.Message, len(rows)), Next: next}
	for i, m := range rows {
		res.Messages[i] = m.Clone()
	}
	return res, nil
}

// matchMessage reports whether m passes every set field of p.
func (x *tx) matchMessage(m *ticket.Message, p *storage.MessageListParams) bool {
	switch {
	case m.TenantID != p.TenantID,
		p.TicketID != "" && m.TicketID != p.TicketID,
		len(p.Kinds) > 0 && !slices.Contains(p.Kinds, m.Kind),
		!p.CreatedFrom.IsZero() && m.CreatedAt.Before(p.CreatedFrom),
		!p.CreatedTo.IsZero() && !m.CreatedAt.Before(p.CreatedTo):
		return false
	case p.CustomerID != "":
		t := x.ticket(m.TenantID, m.TicketID)
		return t != nil && t.Customer.ID == p.CustomerID
	}
	return true
}
