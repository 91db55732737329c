package bunstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.ChangeUpdater = (*Store)(nil)

// pgDivisionByZero is the SQLSTATE the statement of ChangeUpdate raises
// on purpose when its ticket matched no row (see updateStatement).
const pgDivisionByZero = "22012"

// ChangeUpdate stores the change of an existing ticket (see
// storage.ChangeUpdater).
//
// On PostgreSQL it sends one data-modifying CTE, every value a bind
// parameter, in one round trip and, on the Store, without BEGIN and
// COMMIT: the SLA state's UPDATE (version-checked), the ticket's UPDATE
// (version-checked, and only when the SLA state matched), the message,
// the history lines and the outbox entries; the statement ends by
// dividing by the number of ticket rows it updated, so that a stale or
// unknown ticket fails all of it, and nothing is stored. The SLA state
// is written before the ticket, the order TicketUpdate locks them in.
// As with ChangeWrite, the statement bypasses Bun's query hooks
// (Config.ThroughBunOnly keeps every statement in their view).
//
// Elsewhere (SQLite, MySQL/MariaDB, Config.ThroughBunOnly, a store in a
// transaction, whose statement must not fail for a stale ticket, a ticket's
// first SLA state, a message with attachments, rows of another ticket)
// it writes the rows with the per-row methods in one transaction
// (storage.WriteChange).
func (s *Store) ChangeUpdate(ctx context.Context, c *storage.Change) error {
	if err := s.db.ensure(ctx); err != nil {
		return err
	}
	if err := storage.CheckChange(c); err != nil {
		return fmt.Errorf("bunstore: %w", err)
	}
	t := c.Update
	if t == nil {
		return fmt.Errorf("bunstore: update change: Update is required")
	}
	const op = "update change"
	if err := checkTicket(op, t); err != nil {
		return err
	}
	raw := s.rawSQL()
	next := storage.NextSLAVersion(t.SLAVersion, t.SLA)
	if raw == nil || s.inHostTx() || (t.SLAVersion == 0 && next != 0) || !s.oneStatement(c) {
		return s.atomic(ctx, func(s *Store) error { return storage.WriteChange(ctx, s, c) })
	}
	q, err := s.updateStatement(c, next)
	if err != nil {
		return err
	}
	var one int
	if err := raw.QueryRowContext(ctx, q.sql.String(), q.args...).Scan(&one); err != nil {
		if se, ok := errors.AsType[sqlStateError](err); ok && se.SQLState() == pgDivisionByZero {
			return s.notUpdated(ctx, op, t, err)
		}
		return translate(fmt.Sprintf("%s %s", op, t.ID), err)
	}
	t.Version++
	t.SLAVersion = next
	s.remember(t.TenantID, t.ID)
	return nil
}

// notUpdated returns why the statement of ChangeUpdate for t failed
// with err, a division by zero: as notStored when the ticket is unknown
// or no longer at the versions read (the statement's own division);
// when it still is, the division was none of the statement's (a host's
// trigger, say), and err is no lost race: an ErrConflict would have the
// Desk retry it until its context ends.
func (s *Store) notUpdated(ctx context.Context, op string, t *ticket.Ticket, err error) error {
	stored, gerr := s.ticketWhere(ctx, fmt.Sprintf("%s %s", op, t.ID), "t.id = ?", t.TenantID, t.ID)
	if gerr != nil {
		return gerr // wraps ErrNotFound for an unknown ticket
	}
	if stored.Version == t.Version && stored.SLAVersion == t.SLAVersion {
		return translate(fmt.Sprintf("%s %s", op, t.ID), err)
	}
	return fmt.Errorf("bunstore: %s %s: version %d (SLA %d) was read, version %d (SLA %d) is stored: %w",
		op, t.ID, t.Version, t.SLAVersion, stored.Version, stored.SLAVersion, storage.ErrConflict)
}

// inHostTx reports whether s runs in a transaction (a Store on the
// host's bun.Tx, or the one RunInTx hands its function): there the one
// statement's division by zero would abort the whole transaction, so a
// stale ticket must fail no statement (the per-row methods).
func (s *Store) inHostTx() bool {
	switch s.host.(type) {
	case bun.Tx, *bun.Tx:
		return true
	}
	return false
}

// updateStatement builds the one statement of ChangeUpdate: CTE s
// updates the SLA state to version next (none when next is 0), u the
// ticket, then the message, history lines and outbox entries as
// ChangeWrite inserts them.
func (s *Store) updateStatement(c *storage.Change, next int64) (*statement, error) {
	t := c.Update
	r, err := toTicketRow(t)
	if err != nil {
		return nil, err
	}
	q := &statement{}
	q.sql.WriteString("WITH n AS (SELECT 1)")
	slaMatched := ""
	if next != 0 {
		sr, err := toSLARow(t, next)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&q.sql, ", s AS (UPDATE %s SET state = %s, next_check_at = %s, revision = revision + 1"+
			" WHERE ticket_id = %s AND tenant_id = %s AND revision = %s RETURNING 1)",
			string(s.tables.sla), q.arg(sr.State), q.arg(nullTime(sr.NextCheckAt)),
			q.arg(t.ID), q.arg(t.TenantID), q.arg(t.SLAVersion))
		slaMatched = " AND EXISTS (SELECT 1 FROM s)"
	}
	fmt.Fprintf(&q.sql, ", u AS (UPDATE %s SET ", string(s.tables.tickets))
	s.setColumns(q, r, map[string]bool{"id": true, "tenant_id": true, "version": true})
	fmt.Fprintf(&q.sql, ", version = version + 1 WHERE tenant_id = %s AND id = %s AND version = %s%s RETURNING 1)",
		q.arg(t.TenantID), q.arg(t.ID), q.arg(t.Version), slaMatched)
	if m := c.Message; m != nil {
		mr, err := toMessageRow(m)
		if err != nil {
			return nil, err
		}
		s.insert(q, "m", s.tables.messages, []any{mr}, nil, nil)
	}
	if len(c.Events) > 0 {
		s.insert(q, "e", s.tables.events, rowsOf(c.Events, toEventRow), nil, nil)
	}
	if len(c.Outbox) > 0 {
		s.insert(q, "o", s.tables.outbox, rowsOf(c.Outbox, toOutboxRow), nil, nil)
	}
	// A stale or unknown ticket divides by zero: the whole statement
	// fails, and none of its CTEs' writes is kept.
	q.sql.WriteString(" SELECT 1 / (SELECT count(*)::int FROM u)")
	return q, nil
}

// setColumns appends "column = $n, ..." for every column of row's model
// but those skip names, each value a bind parameter (NULL for a nullzero
// field at its zero value), as Bun's UPDATE of the model sets them.
func (s *Store) setColumns(q *statement, row any, skip map[string]bool) {
	model := s.host.Dialect().Tables().Get(reflect.TypeOf(row).Elem())
	v := reflect.ValueOf(row).Elem()
	first := true
	for _, f := range model.Fields {
		if skip[f.Name] {
			continue
		}
		if !first {
			q.sql.WriteString(", ")
		}
		first = false
		q.sql.WriteString(string(f.SQLName) + " = " + q.arg(fieldValue(f, v)))
	}
}

// fieldValue returns the value of field f of the row v as a bind
// parameter: nil for a nullzero field at its zero value.
func fieldValue(f *schema.Field, v reflect.Value) any {
	if f.NullZero && f.HasZeroValue(v) {
		return nil
	}
	return f.Value(v).Interface()
}
