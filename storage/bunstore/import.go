package bunstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// importBatch is how many rows one INSERT of TicketImport writes.
const importBatch = 500

// TicketImport stores many tickets at once, for bulk loads such as a
// migration from another help desk or a benchmark seed: multi-row
// INSERTs of up to 500 rows, in one transaction (a savepoint inside the
// host's), then the SLA states that are set (ticket_sla rows). Each ticket
// is stored with Version 1, and SLAVersion 1 when it has an SLA state, and
// t.Version and t.SLAVersion are set to them. It writes no history, outbox entry or counter: a caller importing
// ticket numbers sets the counters with [Store.SequenceAdvance]. A taken
// ID or number fails the whole import with an error wrapping
// storage.ErrConflict, and nothing is written.
func (s *Store) TicketImport(ctx context.Context, tickets []*ticket.Ticket) error {
	const op = "import tickets"
	rows := make([]ticketRow, 0, min(len(tickets), importBatch))
	flush := func(ctx context.Context, st *Store) error {
		if len(rows) == 0 {
			return nil
		}
		err := st.insertOrFail(ctx, rows)
		rows = rows[:0]
		return err
	}
	return s.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		st := tx.(*Store)
		for _, t := range tickets {
			r, err := newTicketRow(op, t)
			if err != nil {
				return err
			}
			rows = append(rows, *r)
			if len(rows) == importBatch {
				if err := flush(ctx, st); err != nil {
					return err
				}
			}
		}
		if err := flush(ctx, st); err != nil {
			return err
		}
		var slas []slaRow
		for _, t := range tickets {
			if t.SLA.IsZero() {
				continue
			}
			r, err := toSLARow(t, 1)
			if err != nil {
				return err
			}
			slas = append(slas, *r)
		}
		for chunk := range slices.Chunk(slas, importBatch) {
			_, err := st.db.NewInsert().Model(&chunk).ModelTableExpr("?", st.tables.sla).Returning("NULL").Exec(ctx)
			if err != nil {
				return translate(op, err)
			}
		}
		for _, t := range tickets {
			t.Version, t.SLAVersion = 1, storage.NextSLAVersion(0, t.SLA)
		}
		return nil
	})
}

// insertOrFail writes rows with one INSERT. On SQLite it is an INSERT OR
// FAIL, which skips the statement journal a multi-row INSERT keeps to
// undo its own earlier rows when a later one fails (three times slower
// for bulk loads); TicketImport's transaction undoes them instead.
func (s *Store) insertOrFail(ctx context.Context, rows []ticketRow) error {
	q := s.db.NewInsert().Model(&rows).ModelTableExpr("?", s.tables.tickets).Returning("NULL")
	var err error
	if s.db.Dialect().Name().String() == DialectSQLite {
		query, ok := strings.CutPrefix(q.String(), "INSERT INTO ")
		if !ok {
			return fmt.Errorf("bunstore: import tickets: unexpected query %.40q", q.String())
		}
		_, err = s.db.ExecContext(ctx, "INSERT OR FAIL INTO "+query)
	} else {
		_, err = q.Exec(ctx)
	}
	return translate("import tickets", err)
}

// SequenceAdvance raises the counter of a tenant and scope to at least
// value, so that SequenceNext continues after numbers a caller imported.
// A counter already past value is left alone.
func (s *Store) SequenceAdvance(ctx context.Context, p storage.SequenceNextParams, value int64) error {
	if p.TenantID == "" {
		return errNoTenant("advance sequence")
	}
	if s.dialect == DialectMySQL {
		_, err := s.db.NewRaw(
			"INSERT INTO ? (tenant_id, scope, value) VALUES (?, ?, ?) "+
				"ON DUPLICATE KEY UPDATE value = GREATEST(value, VALUES(value))",
			s.tables.counters, p.TenantID, p.Scope, value,
		).Exec(ctx)
		return translate("advance sequence", err)
	}
	_, err := s.db.NewRaw(
		"INSERT INTO ? AS c (tenant_id, scope, value) VALUES (?, ?, ?) "+
			"ON CONFLICT (tenant_id, scope) DO UPDATE SET value = CASE WHEN c.value > excluded.value THEN c.value ELSE excluded.value END",
		s.tables.counters, p.TenantID, p.Scope, value,
	).Exec(ctx)
	return translate("advance sequence", err)
}
