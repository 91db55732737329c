package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.TimeEntryStore = (*Store)(nil)
	_ storage.TimeEntryStore = (*tx)(nil)
)

// TimeEntryAdd stores a copy of a time entry.
func (s *Store) TimeEntryAdd(ctx context.Context, e *ticket.TimeEntry) error {
	return s.write(ctx, func(x *tx) error { return x.TimeEntryAdd(ctx, e) })
}

// TimeEntryDelete removes a time entry.
func (s *Store) TimeEntryDelete(ctx context.Context, params storage.TimeEntryDeleteParams) error {
	return s.write(ctx, func(x *tx) error { return x.TimeEntryDelete(ctx, params) })
}

// TimeEntryList returns copies of the time entries of a ticket.
func (s *Store) TimeEntryList(ctx context.Context, params storage.TimeEntryListParams) ([]*ticket.TimeEntry, error) {
	return read(s, func(x *tx) ([]*ticket.TimeEntry, error) { return x.TimeEntryList(ctx, params) })
}

// TimeEntryReport aggregates time entries.
func (s *Store) TimeEntryReport(ctx context.Context, params storage.TimeReportParams) ([]storage.TimeGroup, error) {
	return read(s, func(x *tx) ([]storage.TimeGroup, error) { return x.TimeEntryReport(ctx, params) })
}

// TimeEntryAdd stores a copy of e.
func (x *tx) TimeEntryAdd(ctx context.Context, e *ticket.TimeEntry) error {
	if e == nil {
		return errors.New("memory: add time entry: entry is nil")
	}
	if err := x.check(ctx, e.TenantID); err != nil {
		return fmt.Errorf("memory: add time entry: %w", err)
	}
	if x.ticket(e.TenantID, e.TicketID) == nil {
		return fmt.Errorf("memory: add time entry to %s: %w", e.TicketID, storage.ErrNotFound)
	}
	if slices.ContainsFunc(x.db.timeEntries, func(h *ticket.TimeEntry) bool { return h.TenantID == e.TenantID && h.ID == e.ID }) {
		return fmt.Errorf("memory: add time entry %s: %w", e.ID, storage.ErrConflict)
	}
	c := *e
	c.CreatedAt, c.Date = utc(c.CreatedAt), utc(c.Date)
	insertRow(x, &x.db.timeEntries, &c)
	return nil
}

// TimeEntryDelete removes a time entry.
func (x *tx) TimeEntryDelete(ctx context.Context, p storage.TimeEntryDeleteParams) error {
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("memory: delete time entry: %w", err)
	}
	i := slices.IndexFunc(x.db.timeEntries, func(e *ticket.TimeEntry) bool {
		return e.TenantID == p.TenantID && e.TicketID == p.TicketID && e.ID == p.ID
	})
	if i < 0 {
		return fmt.Errorf("memory: delete time entry %s of %s: %w", p.ID, p.TicketID, storage.ErrNotFound)
	}
	deleteRow(x, &x.db.timeEntries, i)
	return nil
}

// TimeEntryList returns copies of the time entries of a ticket.
func (x *tx) TimeEntryList(ctx context.Context, p storage.TimeEntryListParams) ([]*ticket.TimeEntry, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list time entries: %w", err)
	}
	var res []*ticket.TimeEntry
	for _, e := range x.db.timeEntries {
		if e.TenantID == p.TenantID && e.TicketID == p.TicketID {
			c := *e
			res = append(res, &c)
		}
	}
	slices.SortStableFunc(res, func(a, b *ticket.TimeEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	if limit := storage.ClampLimit(p.Limit); len(res) > limit {
		res = res[:limit]
	}
	return res, nil
}

// TimeEntryReport aggregates the time entries of a tenant.
func (x *tx) TimeEntryReport(ctx context.Context, p storage.TimeReportParams) ([]storage.TimeGroup, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: time report: %w", err)
	}
	if !slices.Contains(storage.TimeGroupings(), p.GroupBy) {
		return nil, fmt.Errorf("memory: time report: unknown grouping %q", p.GroupBy)
	}
	groups := map[string]*storage.TimeGroup{}
	for _, e := range x.db.timeEntries {
		day := storage.ReportDay(e.Date)
		if e.TenantID != p.TenantID || !inPeriod(day, p) {
			continue
		}
		k, _ := reportKey(p.GroupBy, day, map[storage.ReportGroupBy]string{
			storage.GroupByAgent: e.AgentID, storage.GroupByCustomer: e.CustomerID, storage.GroupByOrganisation: e.OrganisationID,
		})
		g := groupOf(groups, k, func() *storage.TimeGroup { return &storage.TimeGroup{Key: k} })
		secs := int64(e.Duration.Seconds())
		g.Entries++
		g.Seconds += secs
		if e.Billable {
			g.BillableSeconds += secs
		}
	}
	return sortedGroups(groups), nil
}
