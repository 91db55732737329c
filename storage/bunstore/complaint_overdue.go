package bunstore

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.ComplaintOverdueStore = (*Store)(nil)

// setOverdue sets the overdue columns of r, the row of c, from c's
// actions and the marks m: the marks that hold and the earliest due date
// of the open unmarked actions (storage.NextActionDue), which the
// partial index complaints_action_due_idx holds.
func (r *complaintRow) setOverdue(c *ticket.Complaint, m storage.ActionMarks) error {
	next, kept := storage.NextActionDue(c, m)
	r.NextActionDueAt, r.ActionMarks = next, ""
	if len(kept) == 0 {
		return nil
	}
	var err error
	r.ActionMarks, err = marshal("overdue marks", kept)
	return err
}

// marks decodes the overdue marks of r.
func (r *complaintRow) marks() (storage.ActionMarks, error) {
	m := storage.ActionMarks{}
	if err := unmarshal("overdue marks", r.ActionMarks, &m); err != nil {
		return nil, err
	}
	for id, at := range m {
		m[id] = fromDB(at)
	}
	return m, nil
}

// toOverdue joins a ticket and its complaint row, with the row's marks.
func toOverdue(t *ticket.Ticket, r *complaintRow) (*storage.OverdueComplaint, error) {
	c, err := toComplaint(t, r)
	if err != nil {
		return nil, err
	}
	m, err := r.marks()
	if err != nil {
		return nil, err
	}
	return &storage.OverdueComplaint{Complaint: c, Marks: m}, nil
}

// keepOverdue sets the overdue columns of r, the new row of c, keeping
// the marks of old, its stored row, that still hold.
func (r *complaintRow) keepOverdue(c *ticket.Complaint, old *complaintRow) error {
	m, err := old.marks()
	if err != nil {
		return err
	}
	return r.setOverdue(c, m)
}

// ComplaintClaimOverdue returns the complaints whose next_action_due_at
// (the earliest due date of their open unmarked actions) has come, those
// due first, reading only the partial index on that column. On
// PostgreSQL the SELECT locks the complaint rows with FOR UPDATE SKIP
// LOCKED, held until the caller's transaction ends, so that concurrent
// sweepers pass over each other's complaints, and over complaints a
// writer holds (ComplaintLock, ComplaintUpdate), instead of waiting;
// a row another sweeper marked meanwhile is checked again against the
// time. On SQLite the single writer serializes the sweepers'
// transactions.
func (s *Store) ComplaintClaimOverdue(ctx context.Context, p storage.ComplaintClaimOverdueParams) ([]*storage.OverdueComplaint, error) {
	const op = "claim overdue complaints"
	if err := storage.CheckClaimOverdue(p); err != nil {
		return nil, fmt.Errorf("bunstore: %w", err)
	}
	var out []*storage.OverdueComplaint
	err := s.atomic(ctx, func(s *Store) error {
		var rows []complaintRow
		q := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS c", s.complaintsTable()).
			ColumnExpr("c.*").
			Where("c.next_action_due_at IS NOT NULL").
			Where("c.next_action_due_at <= ?", utc(p.Now)).
			OrderExpr("c.next_action_due_at ASC, c.ticket_id ASC").
			Limit(int64(storage.ClampLimit(p.Limit)))
		switch s.dialect {
		case DialectPostgres:
			q = q.For("UPDATE OF c SKIP LOCKED")
		case DialectMySQL:
			q = q.For("UPDATE SKIP LOCKED") // one table: the same rows
		}
		if err := q.Scan(ctx); err != nil {
			return translate(op, err)
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]string, len(rows))
		for i := range rows {
			ids[i] = rows[i].TicketID
		}
		var trs []ticketRow
		if err := s.selectTickets(&trs).Where("t.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
			return translate(op, err)
		}
		byID := make(map[string]*ticketRow, len(trs))
		for i := range trs {
			byID[trs[i].ID] = &trs[i]
		}
		for i := range rows {
			r := &rows[i]
			tr := byID[r.TicketID]
			if tr == nil || tr.TenantID != r.TenantID {
				continue
			}
			t, err := toTicket(tr)
			if err != nil {
				return err
			}
			oc, err := toOverdue(t, r)
			if err != nil {
				return err
			}
			out = append(out, oc)
			s.remember(t.TenantID, t.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ComplaintOverdueMark adds the marks of p.Actions to the complaint's
// row and updates its next_action_due_at from the stored complaint,
// read again under the row's lock; the ticket row, its version and the
// section are not written.
func (s *Store) ComplaintOverdueMark(ctx context.Context, p storage.ComplaintOverdueMarkParams) error {
	op := "mark overdue actions of " + p.ComplaintID
	return s.atomic(ctx, func(s *Store) error {
		r, err := s.complaintRow(ctx, op, p.TenantID, p.ComplaintID, s.dialect != DialectSQLite)
		if err != nil {
			return err
		}
		t, err := s.TicketGet(ctx, storage.TicketGetParams{TenantID: p.TenantID, ID: p.ComplaintID})
		if err != nil {
			return err
		}
		oc, err := toOverdue(t, r)
		if err != nil {
			return err
		}
		for _, a := range p.Actions {
			oc.Marks[a.ID] = utc(a.DueAt)
		}
		if err := r.setOverdue(oc.Complaint, oc.Marks); err != nil {
			return err
		}
		_, err = s.db.NewUpdate().TableExpr("?", s.complaintsTable()).
			Set("next_action_due_at = ?", bun.NullZero(r.NextActionDueAt)).
			Set("action_marks = ?", r.ActionMarks).
			Where("tenant_id = ?", p.TenantID).
			Where("ticket_id = ?", p.ComplaintID).
			Exec(ctx)
		return translate(op, err)
	})
}
