package bunstore

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.ChangeWriter = (*Store)(nil)

// ChangeWrite stores the rows of one change (see storage.ChangeWriter).
//
// On PostgreSQL it sends them as one data-modifying CTE, every value a
// bind parameter, in one round trip: the counter upsert that draws the
// number, the ticket, its SLA state, its first message, the history
// lines and the outbox entries, with the number rendered on the server
// (see ticket.NumberLayout) and put in place of the placeholder. Called
// on the Store it runs without BEGIN and COMMIT (one statement is
// atomic); on a transaction's store, in that transaction. Its columns
// come from the store's row structs, as Bun's INSERTs do. The statement
// is sent through database/sql, not Bun, so that its values travel as
// bind parameters: Bun's query hooks do not see it. Set
// Config.ThroughBunOnly to keep every statement in view of the hooks.
//
// Elsewhere (SQLite, MySQL/MariaDB, Config.ThroughBunOnly, a message
// with attachments, rows of another ticket) it writes them with the
// per-row methods in one transaction (storage.WriteChange).
func (s *Store) ChangeWrite(ctx context.Context, c *storage.Change) error {
	// Bound values cannot rewrite a statement, but the store refuses an
	// unsafe session in every method alike (see the package documentation).
	if err := s.db.ensure(ctx); err != nil {
		return err
	}
	if err := storage.CheckChange(c); err != nil {
		return fmt.Errorf("bunstore: %w", err)
	}
	if c.Update != nil {
		return s.ChangeUpdate(ctx, c) // a ChangeWriter may ignore it; this one does not
	}
	if c.Create == nil && c.Message == nil && len(c.Events) == 0 && len(c.Outbox) == 0 {
		return nil
	}
	raw := s.rawSQL()
	if raw == nil || !s.oneStatement(c) {
		return s.atomic(ctx, func(s *Store) error { return storage.WriteChange(ctx, s, c) })
	}
	const op = "write change"
	q, sla, err := s.changeStatement(c)
	if err != nil {
		return err
	}
	var seq int64
	var number string
	if err := raw.QueryRowContext(ctx, q.sql.String(), q.args...).Scan(&seq, &number); err != nil {
		id := ""
		if c.Create != nil {
			id = " " + c.Create.ID
		}
		return translate(op+id, err)
	}
	if c.Number != nil {
		c.SetNumber(seq, number)
	}
	if t := c.Create; t != nil {
		t.Version, t.Kind, t.SLAVersion = 1, ticket.KindTicket, sla
		s.remember(t.TenantID, t.ID)
	}
	return nil
}

// rawSQL returns the database/sql handle the one-statement writes run
// on (see rawConn), or nil when they do not apply: not PostgreSQL,
// Config.ThroughBunOnly, or a bun.IDB that is none of Bun's own.
func (s *Store) rawSQL() bun.IConn {
	if s.dialect != DialectPostgres || s.throughBunOnly {
		return nil
	}
	switch s.host.(type) {
	case *bun.DB, bun.Tx, *bun.Tx, bun.Conn, *bun.Conn:
		return rawConn(s.host)
	}
	return nil
}

// oneStatement reports whether c fits one statement: its rows well
// formed (the per-row methods report what is not) and of its new ticket,
// or updated (Change.Update), or of tickets the transaction wrote or claimed (whose existence the
// per-row methods would check), and no message attachments (their
// references are rows of their own).
func (s *Store) oneStatement(c *storage.Change) bool {
	t := c.Create
	if t != nil && checkTicket("", t) != nil {
		return false
	}
	u := c.Update
	ours := func(tenantID, ticketID string) bool {
		return tenantID != "" && (t != nil && tenantID == t.TenantID && ticketID == t.ID ||
			u != nil && tenantID == u.TenantID && ticketID == u.ID || s.isKnown(tenantID, ticketID))
	}
	if m := c.Message; m != nil && (m.ID == "" || !ours(m.TenantID, m.TicketID) || len(m.Attachments) > 0) {
		return false
	}
	for _, e := range c.Events {
		if e == nil || e.ID == "" || !ours(e.TenantID, e.TicketID) {
			return false
		}
	}
	for _, o := range c.Outbox {
		if o == nil || o.ID == "" || o.TenantID == "" {
			return false
		}
	}
	return true
}

// statement is SQL text with its bind parameters ($1, $2, ...).
type statement struct {
	sql  strings.Builder
	args []any
	// guard, when set, is a condition every insert's rows are selected
	// WHERE (see ChangeWriteSLA).
	guard string
}

// arg adds a bind parameter and returns its placeholder.
func (q *statement) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// exprs maps a column to the SQL expression of its value v, which adds
// what it binds to q.
type exprs map[string]func(q *statement, v any) string

// insert appends "name AS (INSERT INTO table (columns) ...)" for rows,
// pointers to row structs of one type: every column of Bun's model of
// the struct but the scanonly ones and those skip names, each value a
// bind parameter (NULL for a nullzero field at its zero value), wrapped
// by exprs where they name its column. One row is sent as VALUES, whose
// parameters take the types of their columns; several as one array per
// column, unnest()ed, so that the statement's text and its number of
// parameters do not grow with the rows. With q.guard set, rows are
// always sent as arrays, selected only where the guard holds.
func (s *Store) insert(q *statement, name string, table bun.Ident, rows []any, skip map[string]bool, ex exprs) {
	model := s.host.Dialect().Tables().Get(reflect.TypeOf(rows[0]).Elem())
	var fields []*schema.Field
	for _, f := range model.Fields {
		if !skip[f.Name] {
			fields = append(fields, f)
		}
	}
	fmt.Fprintf(&q.sql, ", %s AS (INSERT INTO %s (", name, string(table))
	for i, f := range fields {
		if i > 0 {
			q.sql.WriteString(", ")
		}
		q.sql.WriteString(string(f.SQLName))
	}
	value := func(f *schema.Field, v any) {
		if e := ex[f.Name]; e != nil {
			q.sql.WriteString(e(q, v))
		} else {
			q.sql.WriteString(q.arg(v))
		}
	}
	if len(rows) == 1 && q.guard == "" {
		q.sql.WriteString(") VALUES (")
		v := reflect.ValueOf(rows[0]).Elem()
		for i, f := range fields {
			if i > 0 {
				q.sql.WriteString(", ")
			}
			var val any
			if !(f.NullZero && f.HasZeroValue(v)) {
				val = f.Value(v).Interface()
			}
			value(f, val)
		}
		q.sql.WriteString("))")
		return
	}
	q.sql.WriteString(") SELECT ")
	var from strings.Builder
	from.WriteString(" FROM unnest(")
	for i, f := range fields {
		if i > 0 {
			q.sql.WriteString(", ")
			from.WriteString(", ")
		}
		arr, sqlType := columnArray(f, rows)
		from.WriteString(q.arg(arr) + "::" + sqlType + "[]")
		if e := ex[f.Name]; e != nil {
			q.sql.WriteString(e(q, column("u.c"+strconv.Itoa(i))))
		} else {
			q.sql.WriteString("u.c" + strconv.Itoa(i))
		}
	}
	from.WriteString(") AS u(")
	for i := range fields {
		if i > 0 {
			from.WriteString(", ")
		}
		from.WriteString("c" + strconv.Itoa(i))
	}
	from.WriteString(")")
	if q.guard != "" {
		from.WriteString(" WHERE " + q.guard)
	}
	from.WriteString(")")
	q.sql.WriteString(from.String())
}

// column is the SQL name of a column of unnest()ed arrays, which an
// exprs function given it writes as is instead of binding it.
type column string

// columnArray returns the values of field f of rows as one array
// parameter (nil elements for the zero values of a nullzero field) and
// its PostgreSQL element type.
func columnArray(f *schema.Field, rows []any) (any, string) {
	typ := f.IndirectType
	elem := typ
	if f.NullZero {
		elem = reflect.PointerTo(typ)
	}
	arr := reflect.MakeSlice(reflect.SliceOf(elem), len(rows), len(rows))
	for i, row := range rows {
		v := reflect.ValueOf(row).Elem()
		if f.NullZero && f.HasZeroValue(v) {
			continue
		}
		fv := f.Value(v)
		if f.NullZero {
			p := reflect.New(typ)
			p.Elem().Set(fv)
			fv = p
		}
		arr.Index(i).Set(fv)
	}
	return arr.Interface(), pgArrayType(typ)
}

// pgArrayType returns the PostgreSQL type of the elements of an array of
// Go values of type t.
func pgArrayType(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Time]():
		return "timestamptz"
	case t == reflect.TypeFor[[]byte]():
		return "bytea"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "int8"
	case reflect.Bool:
		return "bool"
	}
	return "text"
}

// insertTicket appends the inserts of the new ticket t, if any, and of
// its SLA state, and returns the SLA version it gets.
func (s *Store) insertTicket(q *statement, t *ticket.Ticket, ex exprs) (int64, error) {
	if t == nil {
		return 0, nil
	}
	r, err := newTicketRow("write change", t)
	if err != nil {
		return 0, err
	}
	skip := map[string]bool{}
	if r.MergedInto == "" {
		skip["merged_into"] = true // the column's default, as TicketCreate
	}
	if r.ConfigVersion == 0 {
		skip["config_version"] = true
	}
	s.insert(q, "t", s.tables.tickets, []any{r}, skip, ex)
	sla := storage.NextSLAVersion(0, t.SLA)
	if sla == 0 {
		return 0, nil
	}
	sr, err := toSLARow(t, sla)
	if err != nil {
		return 0, err
	}
	s.insert(q, "s", s.tables.sla, []any{sr}, nil, nil)
	return sla, nil
}

// rowsOf returns pointers to the rows of xs, for insert.
func rowsOf[X, R any](xs []X, row func(X) R) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		r := row(x)
		out[i] = &r
	}
	return out
}

// bound returns v as SQL: a column's name as is, any other value as a
// bind parameter.
func bound(q *statement, v any) string {
	if c, ok := v.(column); ok {
		return string(c)
	}
	return q.arg(v)
}

// changeStatement builds the one statement that writes c, and returns
// the SLA version the new ticket gets. It draws the number in CTE n
// (value, number), or selects 0 and ” when c draws none.
func (s *Store) changeStatement(c *storage.Change) (*statement, int64, error) {
	q := &statement{}
	t := c.Create
	var ex, exText, exPayload exprs
	if n := c.Number; n != nil {
		fmt.Fprintf(&q.sql, "WITH c AS (INSERT INTO %s AS c (tenant_id, scope, value) VALUES (%s, %s, 1) "+
			"ON CONFLICT (tenant_id, scope) DO UPDATE SET value = c.value + 1 RETURNING value)",
			string(s.tables.counters), q.arg(n.TenantID), q.arg(n.Scope))
		fmt.Fprintf(&q.sql, ", n AS (SELECT value, %s::text || lpad(value::text, greatest(%s::int, length(value::text)), '0') AS number FROM c)",
			q.arg(n.Layout.Prefix), q.arg(n.Layout.Digits))
		ph := q.arg(n.Placeholder)
		number := "(SELECT number FROM n)"
		ex = exprs{"number": func(*statement, any) string { return number }}
		replace := func(q *statement, v any) string {
			return "replace(" + bound(q, v) + "::text, " + ph + "::text, " + number + ")"
		}
		exText = exprs{"old": replace, "new": replace}
		exPayload = exprs{"payload": func(q *statement, v any) string {
			if b, ok := v.([]byte); ok {
				v = string(b)
			} else {
				v = column("convert_from(" + string(v.(column)) + ", 'UTF8')")
			}
			return "convert_to(" + replace(q, v) + ", 'UTF8')"
		}}
	} else {
		q.sql.WriteString("WITH n AS (SELECT 0::bigint AS value, ''::text AS number)")
	}

	sla, err := s.insertTicket(q, t, ex)
	if err != nil {
		return nil, 0, err
	}
	if m := c.Message; m != nil {
		mr, err := toMessageRow(m)
		if err != nil {
			return nil, 0, err
		}
		s.insert(q, "m", s.tables.messages, []any{mr}, nil, nil)
	}
	if len(c.Events) > 0 {
		s.insert(q, "e", s.tables.events, rowsOf(c.Events, toEventRow), nil, exText)
	}
	if len(c.Outbox) > 0 {
		s.insert(q, "o", s.tables.outbox, rowsOf(c.Outbox, toOutboxRow), nil, exPayload)
	}
	q.sql.WriteString(" SELECT value, number FROM n")
	return q, sla, nil
}
