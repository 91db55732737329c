package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// timeEntries tests the optional [storage.TimeEntryStore] (see
// Features.TimeEntries).
func (s suite) timeEntries(t *testing.T) {
	ctx := context.Background()
	store := func(x any) storage.TimeEntryStore { return as[storage.TimeEntryStore](t, x) }
	day := 24 * time.Hour
	entry := func(tk *ticket.Ticket, agent string, dur time.Duration, billable bool, date time.Time, customer, org string) *ticket.TimeEntry {
		return &ticket.TimeEntry{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tk.TenantID, TicketID: tk.ID, AgentID: agent,
			Duration: dur, Billable: billable, Note: "appel ✓", Date: date.UTC().Truncate(day), CustomerID: customer,
			OrganisationID: org, CreatedBy: agent, CreatedAt: at(0)}
	}
	list := func(t *testing.T, st storage.Tx, tenant string, tk *ticket.Ticket) []*ticket.TimeEntry {
		t.Helper()
		got, err := store(st).TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: tenant, TicketID: tk.ID, Limit: storage.MaxLimit})
		require.NoError(t, err)
		return got
	}
	t.Run("AddsListsByDateAndDeletes", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		mustCreate(t, st, a, b)
		late := entry(a, "ann", 90*time.Minute, true, at(day), "c1", "o1")
		early := entry(a, "bob", 15*time.Minute, false, at(0), "c1", "")
		onB := entry(b, "ann", time.Hour, true, at(0), "c2", "")
		for _, e := range []*ticket.TimeEntry{late, early, onB} {
			require.NoError(t, store(st).TimeEntryAdd(ctx, e))
		}
		require.Equal(t, []*ticket.TimeEntry{early, late}, list(t, st, tenantA, a), "by date, every field kept")
		require.Empty(t, list(t, st, tenantB, a), "another tenant sees none")
		require.ErrorIs(t, store(st).TimeEntryAdd(ctx, early), storage.ErrConflict, "the same ID twice")

		require.ErrorIs(t, store(st).TimeEntryDelete(ctx, storage.TimeEntryDeleteParams{TenantID: tenantA, TicketID: b.ID, ID: early.ID}),
			storage.ErrNotFound, "an entry of another ticket")
		require.ErrorIs(t, store(st).TimeEntryDelete(ctx, storage.TimeEntryDeleteParams{TenantID: tenantB, TicketID: a.ID, ID: early.ID}),
			storage.ErrNotFound, "an entry of another tenant")
		require.NoError(t, store(st).TimeEntryDelete(ctx, storage.TimeEntryDeleteParams{TenantID: tenantA, TicketID: a.ID, ID: early.ID}))
		require.Equal(t, []*ticket.TimeEntry{late}, list(t, st, tenantA, a))
		got, err := store(st).TimeEntryList(ctx, storage.TimeEntryListParams{TenantID: tenantA, TicketID: a.ID, Limit: 1})
		require.NoError(t, err)
		require.Len(t, got, 1)
	})
	t.Run("AnUnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		b := newTicket(tenantB)
		mustCreate(t, st, b)
		e := entry(b, "ann", time.Hour, true, at(0), "", "")
		e.TenantID = tenantA
		require.ErrorIs(t, store(st).TimeEntryAdd(ctx, e), storage.ErrNotFound)
	})
	t.Run("RollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, store(tx).TimeEntryAdd(ctx, entry(a, "ann", time.Hour, true, at(0), "", "")))
			require.Len(t, list(t, tx, tenantA, a), 1, "seen inside the transaction")
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Empty(t, list(t, st, tenantA, a))
	})
	t.Run("ReportsGroupsInAPeriod", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, b := newTicket(tenantA), newTicket(tenantA)
		other := newTicket(tenantB)
		mustCreate(t, st, a, b, other)
		for _, e := range []*ticket.TimeEntry{
			entry(a, "ann", time.Hour, true, at(0), "c1", "o1"),
			entry(a, "bob", 30*time.Minute, false, at(0), "c1", "o1"),
			entry(b, "ann", 15*time.Minute, true, at(day), "c2", ""),
			entry(b, "ann", 2*time.Hour, false, at(40*day), "c2", ""), // next month
			entry(b, "bob", time.Hour, true, at(-day), "c2", ""),      // before the period
			entry(other, "ann", time.Hour, true, at(0), "c1", "o1"),   // another tenant
		} {
			require.NoError(t, store(st).TimeEntryAdd(ctx, e))
		}
		report := func(by storage.ReportGroupBy, from, to time.Time) []storage.TimeGroup {
			t.Helper()
			got, err := store(st).TimeEntryReport(ctx, storage.TimeReportParams{TenantID: tenantA, GroupBy: by, From: from, To: to})
			require.NoError(t, err)
			return got
		}
		from, to := at(0), at(41*day)
		require.Equal(t, []storage.TimeGroup{
			{Key: "ann", Entries: 3, Seconds: 3*3600 + 15*60, BillableSeconds: 3600 + 15*60},
			{Key: "bob", Entries: 1, Seconds: 1800},
		}, report(storage.GroupByAgent, from, to))
		require.Equal(t, []storage.TimeGroup{
			{Key: "c1", Entries: 2, Seconds: 5400, BillableSeconds: 3600},
			{Key: "c2", Entries: 2, Seconds: 2*3600 + 15*60, BillableSeconds: 15 * 60},
		}, report(storage.GroupByCustomer, from, to))
		require.Equal(t, []storage.TimeGroup{
			{Key: "", Entries: 2, Seconds: 2*3600 + 15*60, BillableSeconds: 15 * 60},
			{Key: "o1", Entries: 2, Seconds: 5400, BillableSeconds: 3600},
		}, report(storage.GroupByOrganisation, from, to))
		require.Equal(t, []storage.TimeGroup{
			{Key: "2026-03", Entries: 3, Seconds: 5400 + 15*60, BillableSeconds: 3600 + 15*60},
			{Key: "2026-04", Entries: 1, Seconds: 7200},
		}, report(storage.GroupByMonth, from, to))
		require.Equal(t, []storage.TimeGroup{
			{Key: "2026-03-01", Entries: 1, Seconds: 3600, BillableSeconds: 3600},
			{Key: "2026-03-02", Entries: 2, Seconds: 5400, BillableSeconds: 3600},
		}, report(storage.GroupByDay, time.Time{}, at(day)))
		_, err := store(st).TimeEntryReport(ctx, storage.TimeReportParams{TenantID: tenantA, GroupBy: storage.GroupByCategory})
		require.Error(t, err, "ratings' grouping")
	})
}
