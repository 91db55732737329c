package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.SLAChangeWriter = (*Store)(nil)

// ChangeWriteSLA stores the SLA states of tickets and the history lines
// and outbox entries of c (see storage.SLAChangeWriter).
//
// On PostgreSQL, when every ticket already has a stored state, it sends
// them as one data-modifying CTE, every value bound as one array per
// column: the UPDATE of TicketSLAUpdate (only where the stored revision
// is the ticket's SLA version), then the INSERTs of ChangeWrite, each
// guarded by the UPDATE having matched every ticket. When it matched
// fewer, nothing is written and the error wraps ErrConflict, as
// TicketSLAUpdate's does. Like ChangeWrite, the statement goes through
// database/sql, out of sight of Bun's query hooks.
//
// Elsewhere (SQLite, MySQL/MariaDB, Config.ThroughBunOnly, a ticket's
// first state, rows ChangeWrite would not send in one statement) it calls
// TicketSLAUpdate, then ChangeWrite, in one transaction.
func (s *Store) ChangeWriteSLA(ctx context.Context, tickets []*ticket.Ticket, c *storage.Change) error {
	const op = "update SLA states"
	if err := s.db.ensure(ctx); err != nil {
		return err
	}
	if err := storage.CheckChange(c); err != nil {
		return fmt.Errorf("bunstore: %w", err)
	}
	if c.Create != nil || c.Update != nil || c.Number != nil || c.Message != nil {
		return fmt.Errorf("bunstore: %s: the change may hold only Events and Outbox", op)
	}
	for _, t := range tickets {
		if err := checkTicket(op, t); err != nil {
			return err
		}
	}
	raw := s.rawSQL()
	one := raw != nil && len(tickets) > 0 && s.oneStatement(c)
	for _, t := range tickets {
		one = one && t.SLAVersion > 0
	}
	if !one {
		return s.atomic(ctx, func(s *Store) error {
			if err := s.TicketSLAUpdate(ctx, tickets); err != nil {
				return err
			}
			return s.ChangeWrite(ctx, c)
		})
	}
	q, err := s.slaChangeStatement(tickets, c)
	if err != nil {
		return err
	}
	var n int64
	if err := raw.QueryRowContext(ctx, q.sql.String(), q.args...).Scan(&n); err != nil {
		return translate(op, err)
	}
	if int(n) != len(tickets) {
		return fmt.Errorf("bunstore: %s: %d of %d tickets were at the SLA version read or known: %w", op, n, len(tickets), storage.ErrConflict)
	}
	for _, t := range tickets {
		t.SLAVersion++
		s.remember(t.TenantID, t.ID)
	}
	return nil
}

// slaChangeStatement builds the one statement of ChangeWriteSLA: CTE u
// updates the SLA states (as slaUpdateBound), the INSERTs of the history
// lines and outbox entries run only when u updated every ticket, and the
// statement returns how many it updated.
func (s *Store) slaChangeStatement(tickets []*ticket.Ticket, c *storage.Change) (*statement, error) {
	ids, tenants, states := make([]string, len(tickets)), make([]string, len(tickets)), make([]string, len(tickets))
	next, revs := make([]*time.Time, len(tickets)), make([]int64, len(tickets))
	for i, t := range tickets {
		r, err := toSLARow(t, t.SLAVersion)
		if err != nil {
			return nil, err
		}
		ids[i], tenants[i], states[i], revs[i] = r.TicketID, r.TenantID, r.State, r.Revision
		if !r.NextCheckAt.IsZero() {
			next[i] = &r.NextCheckAt
		}
	}
	q := &statement{}
	fmt.Fprintf(&q.sql, "WITH u AS (UPDATE %s AS s"+
		" SET state = v.state::jsonb, next_check_at = v.next_check_at, revision = s.revision + 1"+
		" FROM unnest(%s::text[], %s::text[], %s::text[], %s::timestamptz[], %s::int8[]) AS v(ticket_id, tenant_id, state, next_check_at, revision)"+
		" WHERE s.ticket_id = v.ticket_id AND s.tenant_id = v.tenant_id AND s.revision = v.revision RETURNING 1)",
		string(s.tables.sla), q.arg(ids), q.arg(tenants), q.arg(states), q.arg(next), q.arg(revs))
	q.guard = "(SELECT count(*) FROM u) = " + q.arg(int64(len(tickets)))
	if len(c.Events) > 0 {
		s.insert(q, "e", s.tables.events, rowsOf(c.Events, toEventRow), nil, nil)
	}
	if len(c.Outbox) > 0 {
		s.insert(q, "o", s.tables.outbox, rowsOf(c.Outbox, toOutboxRow), nil, nil)
	}
	q.sql.WriteString(" SELECT count(*) FROM u")
	return q, nil
}
