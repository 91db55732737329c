package bunstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.TimeEntryStore = (*Store)(nil)

// timeEntriesTable returns the prefixed name of the time_entries table.
func (s *Store) timeEntriesTable() bun.Ident { return bun.Ident(s.prefix + "time_entries") }

// TimeEntryAdd stores a time entry of an existing ticket of the tenant.
func (s *Store) TimeEntryAdd(ctx context.Context, e *ticket.TimeEntry) error {
	const op = "add time entry"
	switch {
	case e == nil:
		return fmt.Errorf("bunstore: %s: entry is nil", op)
	case e.TenantID == "":
		return errNoTenant(op)
	}
	if err := s.ticketExists(ctx, op, e.TenantID, e.TicketID); err != nil {
		return err
	}
	r := &timeEntryRow{
		TenantID: e.TenantID, ID: e.ID, TicketID: e.TicketID, AgentID: e.AgentID, Seconds: int64(e.Duration / time.Second),
		Billable: e.Billable, Note: e.Note, WorkDate: storage.ReportDay(e.Date), CustomerID: e.CustomerID,
		OrganisationID: e.OrganisationID, CreatedBy: e.CreatedBy, CreatedAt: utc(e.CreatedAt),
	}
	_, err := s.db.NewInsert().Model(r).ModelTableExpr("?", s.timeEntriesTable()).Returning("NULL").Exec(ctx)
	return translate(op, err)
}

// TimeEntryDelete removes a time entry of a ticket, or returns
// ErrNotFound.
func (s *Store) TimeEntryDelete(ctx context.Context, p storage.TimeEntryDeleteParams) error {
	const op = "delete time entry"
	if p.TenantID == "" {
		return errNoTenant(op)
	}
	// No table alias: MariaDB's single-table DELETE takes none.
	q := s.db.NewDelete().ModelTableExpr("?", s.timeEntriesTable()).
		Where("tenant_id = ?", p.TenantID).
		Where("id = ?", p.ID).
		Where("ticket_id = ?", p.TicketID)
	return deleteOne(ctx, q, fmt.Sprintf("%s %s of %s", op, p.ID, p.TicketID))
}

// TimeEntryList returns the time entries of a ticket through
// time_entries_ticket_idx.
func (s *Store) TimeEntryList(ctx context.Context, p storage.TimeEntryListParams) ([]*ticket.TimeEntry, error) {
	const op = "list time entries"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []timeEntryRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS te", s.timeEntriesTable()).
		Where("te.tenant_id = ?", p.TenantID).
		Where("te.ticket_id = ?", p.TicketID).
		OrderExpr("te.work_date, te.created_at, te.id").
		Limit(int64(storage.ClampLimit(p.Limit))).
		Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	out := make([]*ticket.TimeEntry, len(rows))
	for i, r := range rows {
		out[i] = &ticket.TimeEntry{
			ID: r.ID, TenantID: r.TenantID, TicketID: r.TicketID, AgentID: r.AgentID, Duration: time.Duration(r.Seconds) * time.Second,
			Billable: r.Billable, Note: r.Note, Date: dayOf(r.WorkDate), CustomerID: r.CustomerID,
			OrganisationID: r.OrganisationID, CreatedBy: r.CreatedBy, CreatedAt: fromDB(r.CreatedAt),
		}
	}
	return out, nil
}

// TimeEntryReport aggregates time entries in one GROUP BY over
// time_entries_report_idx (tenant_id, work_date).
func (s *Store) TimeEntryReport(ctx context.Context, p storage.TimeReportParams) ([]storage.TimeGroup, error) {
	rows, err := s.report(ctx, "time report", s.timeEntriesTable(), p, storage.TimeGroupings(),
		map[storage.ReportGroupBy]string{storage.GroupByAgent: "agent_id", storage.GroupByCustomer: "customer_id", storage.GroupByOrganisation: "organisation_id"},
		"work_date", [3]string{"", "SUM(duration_s)", "SUM(CASE WHEN billable THEN duration_s ELSE 0 END)"})
	if err != nil {
		return nil, err
	}
	out := make([]storage.TimeGroup, len(rows))
	for i, r := range rows {
		out[i] = storage.TimeGroup{Key: r.Key, Entries: r.A, Seconds: r.B, BillableSeconds: r.C}
	}
	return out, nil
}
