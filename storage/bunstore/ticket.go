package bunstore

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// errNoTenant is the error of a method called without a tenant ID.
func errNoTenant(op string) error {
	return fmt.Errorf("bunstore: %s: tenant ID is required", op)
}

// checkTicket validates the keys of a ticket to write.
func checkTicket(op string, t *ticket.Ticket) error {
	switch {
	case t == nil:
		return fmt.Errorf("bunstore: %s: ticket is nil", op)
	case t.TenantID == "":
		return errNoTenant(op)
	case t.ID == "":
		return fmt.Errorf("bunstore: %s: ticket ID is required", op)
	case t.Number == "":
		return fmt.Errorf("bunstore: %s: ticket number is required", op)
	}
	return nil
}

// newTicketRow checks the keys of a new ticket and returns its row at
// Version 1.
func newTicketRow(op string, t *ticket.Ticket) (*ticketRow, error) {
	if err := checkTicket(op, t); err != nil {
		return nil, err
	}
	r, err := toTicketRow(t)
	if err != nil {
		return nil, err
	}
	r.Version = 1
	return r, nil
}

// TicketCreate stores t with Version 1 and the kind column's default,
// ticket.KindTicket (see ComplaintCreate), and its SLA state, if set, in
// the ticket_sla table with SLAVersion 1; it sets t.Version, t.Kind and
// t.SLAVersion. A taken ID or tenant number gives an error wrapping
// ErrConflict. The two rows are written in one transaction (see
// withSLA).
func (s *Store) TicketCreate(ctx context.Context, t *ticket.Ticket) error {
	const op = "create ticket"
	r, err := newTicketRow(op, t)
	if err != nil {
		return err
	}
	t.SLAVersion = 0
	var sla int64
	err = s.withSLA(ctx, t, func(s *Store) error {
		q := s.db.NewInsert().Model(r).ModelTableExpr("?", s.tables.tickets).Returning("NULL")
		if r.MergedInto == "" {
			// The column's default: a ticket is merged by a later
			// update, and the insert names only the columns every
			// version of the schema since the first migration has.
			q = q.ExcludeColumn("merged_into")
		}
		if r.CustomerOrg == "" {
			// The column's default, as for merged_into.
			q = q.ExcludeColumn("customer_org")
		}
		if r.ConfigVersion == 0 {
			// The column's default: a ticket under the host's default
			// configuration is written as before that column existed.
			q = q.ExcludeColumn("config_version")
		}
		// The columns' defaults: a ticket whose sort keys are the
		// defaults of migration 20261203000101 is written as before it.
		for col, dflt := range map[string]bool{
			"priority_rank": r.PriorityRank == unranked,
			"status_rank":   r.StatusRank == unranked,
			"category_rank": r.CategoryRank == unranked,
			"sla_due":       r.SLADue == ticket.NoDue,
		} {
			if dflt {
				q = q.ExcludeColumn(col)
			}
		}
		if _, err := q.Exec(ctx); err != nil {
			return translate(fmt.Sprintf("%s %s (number %q)", op, t.ID, t.Number), err)
		}
		sla, _, err = s.writeSLA(ctx, op, t, true)
		if err == nil {
			s.remember(t.TenantID, t.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	t.Version, t.Kind, t.SLAVersion = 1, ticket.KindTicket, sla
	return nil
}

// withSLA runs fn, the write of t's row and of its SLA row, atomically
// (see atomic) when there is an SLA row to write; a write of the ticket
// row alone needs no transaction of its own.
func (s *Store) withSLA(ctx context.Context, t *ticket.Ticket, fn func(s *Store) error) error {
	if storage.NextSLAVersion(t.SLAVersion, t.SLA) == 0 {
		return fn(s)
	}
	return s.atomic(ctx, fn)
}

// TicketGet returns a ticket by ID, or an error wrapping ErrNotFound.
func (s *Store) TicketGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Ticket, error) {
	op := "get ticket " + p.ID
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	return s.ticketWhere(ctx, op, "t.id = ?", p.TenantID, p.ID)
}

// TicketGetByNumber returns a ticket by number, or an error wrapping
// ErrNotFound.
func (s *Store) TicketGetByNumber(ctx context.Context, p storage.TicketGetByNumberParams) (*ticket.Ticket, error) {
	op := fmt.Sprintf("get ticket by number %q", p.Number)
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	return s.ticketWhere(ctx, op, "t.number = ?", p.TenantID, p.Number)
}

// ticketWhere returns the tenant's ticket matching cond.
func (s *Store) ticketWhere(ctx context.Context, op, cond, tenantID string, arg any) (*ticket.Ticket, error) {
	var r ticketRow
	err := s.selectTickets(&r).
		Where("t.tenant_id = ?", tenantID).
		Where(cond, arg).
		Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	return toTicket(&r)
}

// TicketUpdate stores t if t.Version and t.SLAVersion are the stored
// versions: first its SLA state (see writeSLA), then its row with
//
//	UPDATE ... SET ..., version = version + 1
//	WHERE tenant_id = ? AND id = ? AND version = ?
//
// and sets t.Version and t.SLAVersion to the new versions. When nothing
// matches, it tells an unknown ticket (ErrNotFound) from a stale version
// (ErrConflict). The SLA state is written first so that every writer
// locks a ticket's two rows in the same order: the escalation sweep
// holds the SLA row it claimed when it updates the ticket. The two rows
// are written in one transaction (see withSLA).
func (s *Store) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	const op = "update ticket"
	if err := checkTicket(op, t); err != nil {
		return err
	}
	r, err := toTicketRow(t)
	if err != nil {
		return err
	}
	var sla int64
	err = s.withSLA(ctx, t, func(s *Store) error {
		next, ok, err := s.writeSLA(ctx, op, t, false)
		if err != nil {
			return err
		}
		if !ok {
			return s.notStored(ctx, op, t)
		}
		res, err := s.db.NewUpdate().Model(r).ModelTableExpr("?", s.tables.tickets).
			ExcludeColumn("id", "tenant_id", "version").
			Set("version = version + 1").
			Where("tenant_id = ?", t.TenantID).
			Where("id = ?", t.ID).
			Where("version = ?", t.Version).
			Returning("NULL").
			Exec(ctx)
		if err != nil {
			return translate(fmt.Sprintf("%s %s", op, t.ID), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return translate(fmt.Sprintf("%s %s", op, t.ID), err)
		}
		if n != 1 {
			return s.notStored(ctx, op, t)
		}
		sla = next
		s.remember(t.TenantID, t.ID)
		return nil
	})
	if err != nil {
		return err
	}
	t.Version++
	t.SLAVersion = sla
	return nil
}

// notStored returns why t, which matched no row, could not be stored: an
// error wrapping ErrNotFound when the ticket is unknown, ErrConflict when
// its version or SLA version is stale.
func (s *Store) notStored(ctx context.Context, op string, t *ticket.Ticket) error {
	stored, err := s.ticketWhere(ctx, fmt.Sprintf("%s %s", op, t.ID), "t.id = ?", t.TenantID, t.ID)
	if err != nil {
		return err // wraps ErrNotFound for an unknown ticket
	}
	return fmt.Errorf("bunstore: %s %s: version %d (SLA %d) was read, version %d (SLA %d) is stored: %w",
		op, t.ID, t.Version, t.SLAVersion, stored.Version, stored.SLAVersion, storage.ErrConflict)
}
