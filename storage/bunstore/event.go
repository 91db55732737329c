package bunstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

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
	seen := make(map[[2]string]bool, 1)
	var keys [][]string
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
		if k := [2]string{e.TenantID, e.TicketID}; !seen[k] {
			seen[k] = true
			keys = append(keys, k[:])
		}
		rows[i] = toEventRow(e)
	}
	if err := s.ticketsExist(ctx, op, keys); err != nil {
		return err
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

// ticketsExist returns an error wrapping ErrNotFound unless every
// (tenant ID, ticket ID) pair of keys names a ticket. Leaving out the
// tickets the transaction wrote or claimed, it asks once for
// all of them, by ID (the primary key; a row-value IN list of pairs
// costs PostgreSQL ten times more to plan and run), and once per pair
// only to name a missing one.
func (s *Store) ticketsExist(ctx context.Context, op string, keys [][]string) error {
	keys = slices.DeleteFunc(keys, func(k []string) bool { return s.isKnown(k[0], k[1]) })
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return s.ticketExists(ctx, op, keys[0][0], keys[0][1])
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k[1]
	}
	var found []struct {
		TenantID string `bun:"tenant_id"`
		ID       string `bun:"id"`
	}
	q := s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).Column("t.tenant_id", "t.id")
	if s.dialect == DialectPostgres {
		q = q.Where("t.id = ANY(?)", pgdialect.Array(ids))
	} else {
		q = q.Where("t.id IN (?)", bun.List(ids))
	}
	if err := q.Scan(ctx, &found); err != nil {
		return translate(op, err)
	}
	have := make(map[[2]string]bool, len(found))
	for _, f := range found {
		have[[2]string{f.TenantID, f.ID}] = true
	}
	missing := false
	for _, k := range keys {
		missing = missing || !have[[2]string{k[0], k[1]}]
	}
	if !missing {
		return nil
	}
	for _, k := range keys {
		if err := s.ticketExists(ctx, op, k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}
