package bunstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.ComplaintStore  = (*Store)(nil)
	_ storage.ComplaintLocker = (*Store)(nil)
)

// complaintRow is a row of the complaints table: the JSON of the
// complaint section, plus copies of the values SQL filters and reports
// read. Amount is numeric(19,4) on PostgreSQL and TEXT on SQLite.
type complaintRow struct {
	bun.BaseModel `bun:"table:complaints,alias:c"`

	TicketID   string          `bun:"ticket_id,pk"`
	TenantID   string          `bun:"tenant_id"`
	IssuedAt   time.Time       `bun:"issued_at"`
	Posted     bool            `bun:"posted"`
	PostedAt   time.Time       `bun:"posted_at,nullzero"`
	RemedyKind string          `bun:"remedy_kind"`
	Amount     decimal.Decimal `bun:"amount"`
	Currency   string          `bun:"currency"`
	// The journal's filter columns (migration
	// 20260603000001_complaint_journal).
	Reason       string `bun:"reason"`
	Severity     string `bun:"severity"`
	Counterparty string `bun:"counterparty"`
	BusinessUnit string `bun:"business_unit"`
	Employee     string `bun:"employee"`
	Salesperson  string `bun:"salesperson"`
	SourceKind   string `bun:"source_kind"`
	SourceID     string `bun:"source_id"`
	// Copies of the ticket's columns the journal filters on (migration
	// 20260604000001_complaint_ticket_copy), and Reason above: triggers
	// set them from the ticket row, so the store only reads them.
	Status       string `bun:"status,scanonly"`
	Priority     string `bun:"priority,scanonly"`
	CustomerID   string `bun:"customer_id,scanonly"`
	SubjectLower string `bun:"subject_lower,scanonly"`
	Details      string `bun:"details"`
	// The overdue sweep's columns (migration
	// 20260603000010_complaint_action_overdue, complaint_overdue.go).
	NextActionDueAt time.Time `bun:"next_action_due_at,nullzero"`
	ActionMarks     string    `bun:"action_marks"`
}

// complaintsTable returns the prefixed name of the complaints table.
func (s *Store) complaintsTable() bun.Ident { return bun.Ident(s.prefix + "complaints") }

// toComplaintRow returns the row that stores c's section.
func toComplaintRow(c *ticket.Complaint) (*complaintRow, error) {
	d := c.Details
	d.IssuedAt, d.EndDate, d.PostedAt = utc(d.IssuedAt), utc(d.EndDate), utc(d.PostedAt)
	d.Comments = append([]ticket.Comment(nil), d.Comments...)
	for i := range d.Comments {
		d.Comments[i].At = utc(d.Comments[i].At)
	}
	d.Reviews = append([]ticket.Review(nil), d.Reviews...)
	for i := range d.Reviews {
		d.Reviews[i].At = utc(d.Reviews[i].At)
	}
	d.ReviewResults = append([]ticket.ReviewResult(nil), d.ReviewResults...)
	for i := range d.ReviewResults {
		d.ReviewResults[i].At = utc(d.ReviewResults[i].At)
	}
	r := &complaintRow{
		TicketID: c.ID,
		TenantID: c.TenantID,
		IssuedAt: d.IssuedAt,
		Posted:   d.Posted,
		PostedAt: d.PostedAt,
		Amount:   d.Accounting.Amount,
		Currency: d.Accounting.Currency,

		Reason:       c.Reason,
		Severity:     string(d.Severity),
		Counterparty: d.Accounting.Counterparty,
		BusinessUnit: d.Responsibility.BusinessUnit,
		Employee:     d.Responsibility.Employee,
		Salesperson:  d.Responsibility.Salesperson,
	}
	if d.Source != nil {
		r.SourceKind, r.SourceID = string(d.Source.Kind), d.Source.ID
	}
	if d.Decision != nil {
		dec := *d.Decision
		dec.At = utc(dec.At)
		d.Decision = &dec
		r.RemedyKind = string(dec.Remedy.Kind)
	}
	if err := r.setOverdue(c, nil); err != nil {
		return nil, err
	}
	var err error
	r.Details, err = marshal("complaint", d)
	return r, err
}

// toComplaint joins a ticket and its complaint row.
func toComplaint(t *ticket.Ticket, r *complaintRow) (*ticket.Complaint, error) {
	c := &ticket.Complaint{Ticket: *t}
	if err := unmarshal("complaint", r.Details, &c.Details); err != nil {
		return nil, err
	}
	d := &c.Details
	d.IssuedAt, d.EndDate, d.PostedAt = fromDB(d.IssuedAt), fromDB(d.EndDate), fromDB(d.PostedAt)
	for i := range d.Comments {
		d.Comments[i].At = fromDB(d.Comments[i].At)
	}
	for i := range d.Reviews {
		d.Reviews[i].At = fromDB(d.Reviews[i].At)
	}
	for i := range d.ReviewResults {
		d.ReviewResults[i].At = fromDB(d.ReviewResults[i].At)
	}
	if d.Decision != nil {
		d.Decision.At = fromDB(d.Decision.At)
	}
	return c, nil
}

// complaintRowOf checks the keys of a complaint to write and returns its
// section's row.
func complaintRowOf(op string, c *ticket.Complaint) (*complaintRow, error) {
	if c == nil {
		return nil, fmt.Errorf("bunstore: %s: complaint is nil", op)
	}
	if err := checkTicket(op, &c.Ticket); err != nil {
		return nil, err
	}
	return toComplaintRow(c)
}

// atomic runs fn in one transaction: the host's or the store's own when
// the store runs over one, a new one otherwise.
func (s *Store) atomic(ctx context.Context, fn func(s *Store) error) error {
	switch s.host.(type) {
	case bun.Tx, *bun.Tx:
		return fn(s)
	}
	return s.RunInTx(ctx, func(_ context.Context, tx storage.Tx) error { return fn(tx.(*Store)) })
}

// ComplaintCreate stores the complaint section of an existing ticket and
// sets the kind column of its row to ticket.KindComplaint, the UPDATE
// that also finds the ticket. An unknown ticket gives ErrNotFound, a
// ticket that already has a section ErrConflict.
func (s *Store) ComplaintCreate(ctx context.Context, c *ticket.Complaint) error {
	const op = "create complaint"
	r, err := complaintRowOf(op, c)
	if err != nil {
		return err
	}
	err = s.atomic(ctx, func(s *Store) error {
		// Marking the ticket a complaint is also the check that it exists.
		res, err := s.db.NewUpdate().ModelTableExpr("?", s.tables.tickets).
			Set("kind = ?", string(ticket.KindComplaint)).
			Where("tenant_id = ?", c.TenantID).
			Where("id = ?", c.ID).
			Returning("NULL").
			Exec(ctx)
		if err != nil {
			return translate(fmt.Sprintf("%s %s", op, c.ID), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return translate(fmt.Sprintf("%s %s", op, c.ID), err)
		}
		if n != 1 {
			return fmt.Errorf("bunstore: %s: ticket %s: %w", op, c.ID, storage.ErrNotFound)
		}
		_, err = s.db.NewInsert().Model(r).ModelTableExpr("?", s.complaintsTable()).Returning("NULL").Exec(ctx)
		return translate(fmt.Sprintf("%s %s", op, c.ID), err)
	})
	if err != nil {
		return err
	}
	c.Kind = ticket.KindComplaint
	return nil
}

// ComplaintGet returns a complaint by ticket ID, or an error wrapping
// ErrNotFound when the ticket does not exist or is not a complaint.
func (s *Store) ComplaintGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	return s.complaintGet(ctx, "get complaint "+p.ID, p, false)
}

// ComplaintLock returns a complaint as ComplaintGet does and locks it
// until the transaction ends. On PostgreSQL its row in the complaints
// table is read with FOR UPDATE: the row is locked before the ticket
// row and the SLA row a write of the complaint locks, an order every
// complaint writer follows (the escalation sweep, which locks SLA and
// ticket rows, never locks a complaint row). On SQLite a write
// statement on the row takes the database's write lock first, so that
// a transaction of another process that did not begin IMMEDIATE still
// waits here, before reading, rather than fail at its first write.
func (s *Store) ComplaintLock(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	return s.complaintGet(ctx, "lock complaint "+p.ID, p, true)
}

// complaintGet reads a complaint, locked when lock is set.
func (s *Store) complaintGet(ctx context.Context, op string, p storage.TicketGetParams, lock bool) (*ticket.Complaint, error) {
	var c *ticket.Complaint
	err := s.atomic(ctx, func(s *Store) error {
		if lock && s.dialect == DialectSQLite && p.TenantID != "" {
			_, err := s.db.NewRaw("UPDATE ? SET tenant_id = tenant_id WHERE tenant_id = ? AND ticket_id = ?",
				s.complaintsTable(), p.TenantID, p.ID).Exec(ctx)
			if err != nil {
				return translate(op, err)
			}
		}
		r, err := s.complaintRow(ctx, op, p.TenantID, p.ID, lock && s.dialect != DialectSQLite)
		if err != nil {
			return err
		}
		t, err := s.TicketGet(ctx, p)
		if err != nil {
			return err
		}
		c, err = toComplaint(t, r)
		return err
	})
	return c, err
}

// complaintRow reads the complaint row of a tenant's ticket, with FOR
// UPDATE when forUpdate is set.
func (s *Store) complaintRow(ctx context.Context, op, tenantID, id string, forUpdate bool) (*complaintRow, error) {
	if tenantID == "" {
		return nil, errNoTenant(op)
	}
	var r complaintRow
	q := s.db.NewSelect().Model(&r).ModelTableExpr("? AS c", s.complaintsTable()).
		Where("c.tenant_id = ?", tenantID).
		Where("c.ticket_id = ?", id)
	if forUpdate {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	return &r, nil
}

// ComplaintUpdate stores a changed complaint: the ticket row with its
// version check, then the section. A posted complaint is refused with an
// error wrapping ticket.ErrPosted.
func (s *Store) ComplaintUpdate(ctx context.Context, c *ticket.Complaint) error {
	const op = "update complaint"
	r, err := complaintRowOf(op, c)
	if err != nil {
		return err
	}
	return s.atomic(ctx, func(s *Store) error {
		// Locked first on PostgreSQL: the marks kept below are the ones
		// an overdue sweep holding the row committed.
		old, err := s.complaintRow(ctx, op+" "+c.ID, c.TenantID, c.ID, s.dialect != DialectSQLite)
		if err != nil {
			return err
		}
		if old.Posted {
			return fmt.Errorf("bunstore: %s %s: %w", op, c.ID, ticket.ErrPosted)
		}
		if err := r.keepOverdue(c, old); err != nil {
			return err
		}
		if err := s.TicketUpdate(ctx, &c.Ticket); err != nil {
			return err
		}
		_, err = s.db.NewUpdate().Model(r).ModelTableExpr("?", s.complaintsTable()).
			ExcludeColumn("ticket_id", "tenant_id").
			Where("tenant_id = ?", c.TenantID).
			Where("ticket_id = ?", c.ID).
			Returning("NULL").
			Exec(ctx)
		return translate(fmt.Sprintf("%s %s", op, c.ID), err)
	})
}

// ComplaintList returns one page of a tenant's complaints by date of
// issue and ticket ID, with keyset pagination on (issued_at, ticket_id):
// one query for the page's sections, one for their tickets. Every filter
// value is bound through a placeholder. Every filter reads a column of
// the complaints table, indexed with the tenant and the date of issue:
// the section's values and the copies of the ticket's status, priority,
// customer and lower-cased subject, which triggers keep equal to the
// ticket row (migration 20260604000001_complaint_ticket_copy). Text is
// matched as TicketList's (see filterText); on SQLite it reads the
// tickets, whose FTS5 table narrows a term.
func (s *Store) ComplaintList(ctx context.Context, p storage.ComplaintListParams) (*storage.ComplaintListResult, error) {
	const op = "list complaints"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	limit := storage.ClampLimit(p.Limit)
	text := strings.ToLower(p.Text)
	narrow, err := s.textNarrows(ctx, text)
	if err != nil {
		return nil, translate(op, err)
	}
	// keysFirst selects the page's keys in a subquery and the rows by
	// them: for an amount range or a text PostgreSQL then walks the date
	// index that includes the amount and the subject, index only, with
	// them as a filter, where the one-statement shape reads every row of
	// the amount band from the amount index and sorts them, or fetches
	// every row it checks for a text (BENCHMARKS.md, "Complaint journal at
	// a million documents"). The tickets are joined only for a text on
	// SQLite. A complaint row whose ticket is gone is skipped below.
	f := &p.ComplaintFilter
	readsTickets := text != "" && s.dialect == DialectSQLite
	// MySQL takes no LIMIT in an IN sub-select: one statement there.
	keysFirst := s.dialect != DialectMySQL && (f.AmountFrom != nil || f.AmountTo != nil || (text != "" && !readsTickets))
	cols := "c.*"
	if keysFirst {
		cols = "c.ticket_id"
	}
	q := s.db.NewSelect().ModelTableExpr("? AS c", s.complaintsTable()).
		ColumnExpr(cols).
		Where("c.tenant_id = ?", p.TenantID)
	if readsTickets {
		q = q.Join("JOIN ? AS t ON t.id = c.ticket_id AND t.tenant_id = c.tenant_id", s.tables.tickets)
	}
	q = s.filterComplaints(q, f, text, narrow)
	dir, cmp := "ASC", ">"
	if p.Desc {
		dir, cmp = "DESC", "<"
	}
	if p.After != "" {
		cur, err := storage.DecodeCursor(p.After, storage.SortIssuedAt, p.Desc)
		if err != nil {
			return nil, fmt.Errorf("bunstore: %s: %w", op, err)
		}
		q = q.Where("(c.issued_at "+cmp+" ? OR (c.issued_at = ? AND c.ticket_id "+cmp+" ?))", utc(cur.Time), utc(cur.Time), cur.ID)
	}
	order := "c.issued_at " + dir + ", c.ticket_id " + dir
	q = q.OrderExpr(order).Limit(int64(limit) + 1)
	if keysFirst {
		q = s.db.NewSelect().ModelTableExpr("? AS c", s.complaintsTable()).
			ColumnExpr("c.*").
			Where("c.tenant_id = ?", p.TenantID).
			Where("c.ticket_id IN (?)", q).
			OrderExpr(order)
	}
	var rows []complaintRow
	err = q.Scan(ctx, &rows)
	if err != nil {
		return nil, translate(op, err)
	}
	res := &storage.ComplaintListResult{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		res.Next = storage.Cursor{Sort: storage.SortIssuedAt, Desc: p.Desc, Time: fromDB(last.IssuedAt), ID: last.TicketID}.Encode()
	}
	if len(rows) == 0 {
		return res, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.TicketID
	}
	var trs []ticketRow
	err = s.selectTickets(&trs).
		Where("t.tenant_id = ?", p.TenantID).
		Where("t.id IN (?)", bun.List(ids)).
		Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	byID := make(map[string]*ticketRow, len(trs))
	for i := range trs {
		byID[trs[i].ID] = &trs[i]
	}
	for i := range rows {
		tr := byID[rows[i].TicketID]
		if tr == nil { // deleted between the two queries
			continue
		}
		t, err := toTicket(tr)
		if err != nil {
			return nil, err
		}
		c, err := toComplaint(t, &rows[i])
		if err != nil {
			return nil, err
		}
		res.Complaints = append(res.Complaints, c)
	}
	return res, nil
}

// filterComplaints adds the set fields of f but the tenant to q, which
// reads the complaints as c, joined to their tickets as t when text is
// set on SQLite. text is f.Text lower-cased and narrow textNarrows'
// answer for it.
func (s *Store) filterComplaints(q *bun.SelectQuery, f *storage.ComplaintFilter, text string, narrow bool) *bun.SelectQuery {
	in := func(col string, values []string) {
		if len(values) > 0 {
			q = q.Where("? IN (?)", bun.Safe(col), bun.List(values))
		}
	}
	eq := func(col, value string) {
		if value != "" {
			q = q.Where("? = ?", bun.Safe(col), value)
		}
	}
	in("c.reason", f.Reasons)
	in("c.status", f.Statuses)
	in("c.priority", f.Priorities)
	if len(f.Severities) > 0 {
		sev := make([]string, len(f.Severities))
		for i, v := range f.Severities {
			sev[i] = string(v)
		}
		in("c.severity", sev)
	}
	eq("c.customer_id", f.CustomerID)
	eq("c.counterparty", f.Counterparty)
	in("c.business_unit", f.BusinessUnits)
	in("c.employee", f.Employees)
	in("c.salesperson", f.Salespersons)
	eq("c.source_kind", string(f.SourceKind))
	eq("c.source_id", f.SourceID)
	eq("c.currency", f.Currency)
	amount := bun.Safe("c.amount")
	if s.dialect == DialectSQLite {
		amount = bun.Safe("CAST(c.amount AS REAL)")
	}
	bound := func(d decimal.Decimal) any {
		if s.dialect == DialectSQLite {
			return d.InexactFloat64()
		}
		return d
	}
	if f.AmountFrom != nil {
		q = q.Where("? >= ?", amount, bound(*f.AmountFrom))
	}
	if f.AmountTo != nil {
		q = q.Where("? <= ?", amount, bound(*f.AmountTo))
	}
	if !f.IssuedFrom.IsZero() {
		q = q.Where("c.issued_at >= ?", utc(f.IssuedFrom))
	}
	if !f.IssuedTo.IsZero() {
		q = q.Where("c.issued_at < ?", utc(f.IssuedTo))
	}
	if text != "" {
		alias := "c"
		if s.dialect == DialectSQLite {
			alias = "t"
		}
		q = s.filterText(q, alias, text, narrow)
	}
	return q
}
