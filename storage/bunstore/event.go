package bunstore

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// EventCreate appends history lines to tickets of their tenants in one
// INSERT. An unknown ticket gives ErrNotFound and a taken ID ErrConflict;
// nothing is written then. The table's seq column keeps the order the
// lines were appended in.
func (s *Store) EventCreate(ctx context.Context, events []*ticket.Event) error {
	const op = "create events"
	if len(events) == 0 {
		return nil
	}
	type key struct{ tenant, ticket string }
	seen := make(map[key]bool, 1)
	rows := make([]eventRow, len(events))
	for i, e := range events {
		switch {
		case e == nil:
			return fmt.Errorf("bunstore: %s: event is nil", op)
		case e.TenantID == "":
			return errNoTenant(op)
		case e.ID == "":
			return fmt.Errorf("bunstore: %s: event ID is required", op)
		}
		if k := (key{e.TenantID, e.TicketID}); !seen[k] {
			if err := s.ticketExists(ctx, "create event "+e.ID, e.TenantID, e.TicketID); err != nil {
				return err
			}
			seen[k] = true
		}
		rows[i] = toEventRow(e)
	}
	if _, err := s.db.NewInsert().Model(&rows).ModelTableExpr("?", s.tables.events).Returning("NULL").Exec(ctx); err != nil {
		return translate(op, err)
	}
	return nil
}

// EventList returns a ticket's history in the order it was appended.
func (s *Store) EventList(ctx context.Context, p storage.EventListParams) ([]*ticket.Event, error) {
	const op = "list events"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []eventRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS e", s.tables.events).
		Where("e.tenant_id = ?", p.TenantID).
		Where("e.ticket_id = ?", p.TicketID).
		OrderExpr("e.seq ASC").
		Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	out := make([]*ticket.Event, len(rows))
	for i := range rows {
		out[i] = toEvent(&rows[i])
	}
	return out, nil
}
