package bunstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.TicketBatchUpdater = (*Store)(nil)

// jsonColumns are the tickets columns of type jsonb on PostgreSQL.
var jsonColumns = map[string]bool{
	"customer": true, "contacts": true, "refs": true, "tags": true, "fields": true, "actions": true,
}

// TicketUpdateBatch stores changed tickets. On PostgreSQL it stores their
// SLA states with TicketSLAUpdate, then runs one
//
//	UPDATE tickets AS t SET col = v.col, ..., version = t.version + 1
//	FROM (VALUES (...), ...) AS v(...)
//	WHERE t.tenant_id = v.tenant_id AND t.id = v.id AND t.version = v.version
//
// and fails with ErrConflict when fewer rows matched than tickets were
// given; on SQLite, where round trips cost nothing, it calls
// TicketUpdate per ticket.
func (s *Store) TicketUpdateBatch(ctx context.Context, tickets []*ticket.Ticket) error {
	const op = "update tickets"
	if s.dialect != DialectPostgres || len(tickets) <= 1 {
		for _, t := range tickets {
			if err := s.TicketUpdate(ctx, t); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.TicketSLAUpdate(ctx, tickets); err != nil { // checks every ticket first
		return err
	}
	table := s.db.Dialect().Tables().Get(reflect.TypeFor[ticketRow]())
	var cols, set []string
	for _, f := range table.Fields {
		cols = append(cols, string(f.SQLName))
		if f.Name == "id" || f.Name == "tenant_id" || f.Name == "version" {
			continue
		}
		set = append(set, fmt.Sprintf("%s = v.%s%s", f.SQLName, f.SQLName, pgCast(f.Name, f.IndirectType)))
	}
	set = append(set, "version = t.version + 1")

	var values strings.Builder
	args := []any{s.tables.tickets}
	for i, t := range tickets {
		r, err := toTicketRow(t)
		if err != nil {
			return err
		}
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(")
		v := reflect.ValueOf(r).Elem()
		for j, f := range table.Fields {
			if j > 0 {
				values.WriteString(", ")
			}
			values.WriteString("?")
			if f.NullZero && f.HasZeroValue(v) {
				args = append(args, nil)
			} else {
				args = append(args, f.Value(v).Interface())
			}
		}
		values.WriteString(")")
	}
	query := "UPDATE ? AS t SET " + strings.Join(set, ", ") +
		" FROM (VALUES " + values.String() + ") AS v(" + strings.Join(cols, ", ") + ")" +
		" WHERE t.tenant_id = v.tenant_id AND t.id = v.id AND t.version = v.version::bigint"
	if err := s.updateAll(ctx, op, "version", len(tickets), query, args); err != nil {
		return err
	}
	for _, t := range tickets {
		t.Version++
		s.remember(t.TenantID, t.ID)
	}
	return nil
}

// updateAll runs an UPDATE of want rows, each at the version (named by
// what) its writer read, and returns an error wrapping ErrConflict when
// fewer rows matched.
func (s *Store) updateAll(ctx context.Context, op, what string, want int, query string, args []any) error {
	res, err := s.db.NewRaw(query, args...).Exec(ctx)
	return s.allUpdated(op, what, want, res, err)
}

// allUpdated returns the error of an UPDATE of want rows with result res
// and error err: its translated error, or one wrapping ErrConflict when
// it matched fewer rows.
func (s *Store) allUpdated(op, what string, want int, res sql.Result, err error) error {
	if err != nil {
		return translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(op, err)
	}
	if int(n) != want {
		return fmt.Errorf("bunstore: %s: %d of %d tickets were at the %s read or known: %w", op, n, want, what, storage.ErrConflict)
	}
	return nil
}

// pgCast returns the cast a VALUES column of the tickets table needs on
// PostgreSQL, whose VALUES lists type untyped literals as text.
func pgCast(col string, typ reflect.Type) string {
	switch {
	case jsonColumns[col]:
		return "::jsonb"
	case typ == reflect.TypeFor[time.Time]():
		return "::timestamptz"
	}
	return ""
}
