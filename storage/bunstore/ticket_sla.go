package bunstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// A ticket's SLA state lives in the ticket_sla table, one row per ticket
// that has one (migration 20260601000004_ticket_sla): the escalation
// sweep writes it far more often than anything else of the ticket, and a
// tickets row carries a dozen indexes that every rewrite of the row
// maintains. Reads join the state to the ticket; TicketSLAUpdate writes
// it alone.

var _ storage.TicketSLAUpdater = (*Store)(nil)

// ticketColumns returns the select list of the tickets table's columns,
// "t.id, t.tenant_id, ..., t.kind": the ticket selects name it since
// they add the SLA columns of the joined ticket_sla row (bun lists the
// model's columns only when a query names none). kind, which only reads
// name (ticketRow.Kind is scanonly), comes last.
func (s *Store) ticketColumns() bun.Safe {
	table := s.db.Dialect().Tables().Get(reflect.TypeFor[ticketRow]())
	cols := make([]string, 0, len(table.Fields)+1)
	for _, f := range table.Fields {
		cols = append(cols, "t."+string(f.SQLName))
	}
	cols = append(cols, "t.kind")
	return bun.Safe(strings.Join(cols, ", "))
}

// slaColumns selects the SLA state and revision of a ticket from its
// ticket_sla row s, or the zero state and revision 0 when it has none.
const slaColumns = "COALESCE(s.state, '{}') AS sla, COALESCE(s.revision, 0) AS sla_version"

// selectTickets returns a SELECT of tickets (alias t) with their SLA
// states (alias s) into dst, a *ticketRow or *[]ticketRow.
func (s *Store) selectTickets(dst any) *bun.SelectQuery {
	return s.db.NewSelect().Model(dst).ModelTableExpr("? AS t", s.tables.tickets).
		ColumnExpr("?", s.columns).
		ColumnExpr(slaColumns).
		Join("LEFT JOIN ? AS s ON s.ticket_id = t.id", s.tables.sla)
}

// writeSLA stores t's SLA state over revision t.SLAVersion and returns
// the new revision (storage.NextSLAVersion), or 0 when the ticket never
// had a state and has none to store. fresh says that the same
// transaction has just created t's row. ok is false when nothing matched:
// the stored revision is not t.SLAVersion or the ticket is unknown.
func (s *Store) writeSLA(ctx context.Context, op string, t *ticket.Ticket, fresh bool) (next int64, ok bool, err error) {
	next = storage.NextSLAVersion(t.SLAVersion, t.SLA)
	if next == 0 {
		return 0, true, nil
	}
	r, err := toSLARow(t, next)
	if err != nil {
		return 0, false, err
	}
	var res sql.Result
	switch {
	case fresh:
		res, err = s.db.NewInsert().Model(r).ModelTableExpr("?", s.tables.sla).Returning("NULL").Exec(ctx)
	case t.SLAVersion == 0 && s.dialect == DialectMySQL:
		// As below; MySQL needs FROM DUAL for a WHERE without a table.
		// A state stored meanwhile fails the statement (ER_DUP_ENTRY),
		// which leaves the transaction usable: no row written.
		res, err = s.db.NewRaw(`INSERT INTO ? (ticket_id, tenant_id, state, next_check_at, revision)
			SELECT ?, ?, ?, ?, ? FROM DUAL WHERE EXISTS (SELECT 1 FROM ? AS t WHERE t.id = ? AND t.tenant_id = ?)`,
			s.tables.sla, r.TicketID, r.TenantID, r.State, nullTime(r.NextCheckAt), r.Revision,
			s.tables.tickets, r.TicketID, r.TenantID).Exec(ctx)
		if n, ok := mysqlNumber(err); ok && (n == mysqlDupEntry || n == mysqlDupEntryWithKey) {
			return next, false, nil
		}
	case t.SLAVersion == 0:
		// The first state of a ticket stored without one: insert it if
		// the ticket exists and nobody stored one meanwhile.
		res, err = s.db.NewRaw(`INSERT INTO ? (ticket_id, tenant_id, state, next_check_at, revision)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM ? AS t WHERE t.id = ? AND t.tenant_id = ?)
			ON CONFLICT (ticket_id) DO NOTHING`,
			s.tables.sla, r.TicketID, r.TenantID, r.State, nullTime(r.NextCheckAt), r.Revision,
			s.tables.tickets, r.TicketID, r.TenantID).Exec(ctx)
	default:
		res, err = s.db.NewUpdate().Model(r).ModelTableExpr("?", s.tables.sla).
			Column("state", "next_check_at").
			Set("revision = revision + 1").
			Where("ticket_id = ?", r.TicketID).
			Where("tenant_id = ?", r.TenantID).
			Where("revision = ?", t.SLAVersion).
			Returning("NULL").
			Exec(ctx)
	}
	if err != nil {
		return 0, false, translate(fmt.Sprintf("%s %s", op, t.ID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, translate(fmt.Sprintf("%s %s", op, t.ID), err)
	}
	return next, n == 1, nil
}

// nullTime returns nil for the zero time, for raw queries: bun writes
// NULL for a zero time only in nullzero model columns.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// TicketSLAUpdate stores the SLA state of each ticket alone, leaving the
// tickets rows as they are. On PostgreSQL the states already stored are
// written by one
//
//	UPDATE ticket_sla AS s SET state = v.state, ... revision = s.revision + 1
//	FROM (VALUES (...), ...) AS v(...)
//	WHERE s.ticket_id = v.ticket_id AND ... AND s.revision = v.revision
//
// and the error wraps ErrConflict when fewer rows matched than tickets
// were given; elsewhere, and for a ticket's first state, it writes one
// row per statement.
func (s *Store) TicketSLAUpdate(ctx context.Context, tickets []*ticket.Ticket) error {
	const op = "update SLA states"
	for _, t := range tickets {
		if err := checkTicket(op, t); err != nil {
			return err
		}
	}
	var many []*ticket.Ticket
	for _, t := range tickets {
		if s.dialect == DialectPostgres && t.SLAVersion > 0 {
			many = append(many, t)
			continue
		}
		next, ok, err := s.writeSLA(ctx, op, t, false)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("bunstore: %s: ticket %s is unknown or SLA version %d is stale: %w", op, t.ID, t.SLAVersion, storage.ErrConflict)
		}
		t.SLAVersion = next
		s.remember(t.TenantID, t.ID)
	}
	if len(many) == 0 {
		return nil
	}
	if raw := s.rawSQL(); raw != nil {
		if err := s.db.ensure(ctx); err != nil { // as every method does
			return err
		}
		if err := s.slaUpdateBound(ctx, raw, op, many); err != nil {
			return err
		}
	} else if err := s.slaUpdateInlined(ctx, op, many); err != nil {
		return err
	}
	for _, t := range many {
		t.SLAVersion++
		s.remember(t.TenantID, t.ID)
	}
	return nil
}

// slaUpdateBound is the UPDATE of TicketSLAUpdate on PostgreSQL with its
// values bound as one array per column (see Store.ChangeWrite, which
// also says what it means for Bun's query hooks): the text of the
// statement is the same for any number of tickets.
func (s *Store) slaUpdateBound(ctx context.Context, raw bun.IConn, op string, many []*ticket.Ticket) error {
	ids, tenants, states := make([]string, len(many)), make([]string, len(many)), make([]string, len(many))
	next, revs := make([]*time.Time, len(many)), make([]int64, len(many))
	for i, t := range many {
		r, err := toSLARow(t, t.SLAVersion)
		if err != nil {
			return err
		}
		ids[i], tenants[i], states[i], revs[i] = r.TicketID, r.TenantID, r.State, r.Revision
		if !r.NextCheckAt.IsZero() {
			next[i] = &r.NextCheckAt
		}
	}
	res, err := raw.ExecContext(ctx, "UPDATE "+string(s.tables.sla)+" AS s"+
		" SET state = v.state::jsonb, next_check_at = v.next_check_at, revision = s.revision + 1"+
		" FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int8[]) AS v(ticket_id, tenant_id, state, next_check_at, revision)"+
		" WHERE s.ticket_id = v.ticket_id AND s.tenant_id = v.tenant_id AND s.revision = v.revision",
		ids, tenants, states, next, revs)
	return s.allUpdated(op, "SLA version", len(many), res, err)
}

// slaUpdateInlined is the UPDATE of TicketSLAUpdate through Bun, values
// inlined.
func (s *Store) slaUpdateInlined(ctx context.Context, op string, many []*ticket.Ticket) error {
	var values strings.Builder
	args := []any{s.tables.sla}
	for i, t := range many {
		r, err := toSLARow(t, t.SLAVersion)
		if err != nil {
			return err
		}
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, r.TicketID, r.TenantID, r.State, nullTime(r.NextCheckAt), r.Revision)
	}
	query := "UPDATE ? AS s SET state = v.state::jsonb, next_check_at = v.next_check_at::timestamptz, revision = s.revision + 1" +
		" FROM (VALUES " + values.String() + ") AS v(ticket_id, tenant_id, state, next_check_at, revision)" +
		" WHERE s.ticket_id = v.ticket_id AND s.tenant_id = v.tenant_id AND s.revision = v.revision::bigint"
	return s.updateAll(ctx, op, "SLA version", len(many), query, args)
}
