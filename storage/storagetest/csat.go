package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ratings tests the optional [storage.RatingStore] (see
// Features.Ratings).
func (s suite) ratings(t *testing.T) {
	ctx := context.Background()
	store := func(x any) storage.RatingStore { return as[storage.RatingStore](t, x) }
	rating := func(tk *ticket.Ticket, score int, agent, dept, cat string, d time.Duration) *ticket.Rating {
		return &ticket.Rating{TenantID: tk.TenantID, TicketID: tk.ID, Score: score, Comment: "merci ✓", CustomerID: "cust-1",
			AgentID: agent, Department: dept, Category: cat, CreatedAt: at(d)}
	}
	t.Run("AddsAndGetsEveryField", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		r := rating(a, 4, "agent-1", "returns", "question", 0)
		require.NoError(t, store(st).RatingAdd(ctx, r))
		got, err := store(st).RatingGet(ctx, storage.RatingGetParams{TenantID: tenantA, TicketID: a.ID})
		require.NoError(t, err)
		require.Equal(t, r, got)
		_, err = store(st).RatingGet(ctx, storage.RatingGetParams{TenantID: tenantB, TicketID: a.ID})
		require.ErrorIs(t, err, storage.ErrNotFound, "another tenant sees no rating")
	})
	t.Run("ASecondRatingIsAConflictEvenConcurrently", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					return store(tx).RatingAdd(ctx, rating(a, 1+i%5, "agent-1", "", "", time.Duration(i)*time.Second))
				})
			})
		}
		wg.Wait()
		var ok int
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.ErrorIs(t, err, storage.ErrConflict)
		}
		require.Equal(t, 1, ok, "exactly one rating per ticket")
	})
	t.Run("AnUnknownTicketIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		b := newTicket(tenantB)
		mustCreate(t, st, b)
		r := rating(b, 5, "", "", "", 0)
		r.TenantID = tenantA // another tenant's ticket
		require.ErrorIs(t, store(st).RatingAdd(ctx, r), storage.ErrNotFound)
	})
	t.Run("RollsBackWithItsTransaction", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a := newTicket(tenantA)
		mustCreate(t, st, a)
		boom := errors.New("boom")
		err := st.RunInTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, store(tx).RatingAdd(ctx, rating(a, 3, "", "", "", 0)))
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = store(st).RatingGet(ctx, storage.RatingGetParams{TenantID: tenantA, TicketID: a.ID})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.NoError(t, store(st).RatingAdd(ctx, rating(a, 3, "", "", "", 0)), "the ticket may be rated after the rollback")
	})
	t.Run("ReportsGroupsInAPeriod", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		day := 24 * time.Hour
		var tks []*ticket.Ticket
		for range 6 {
			tks = append(tks, newTicket(tenantA))
		}
		other := newTicket(tenantB)
		mustCreate(t, st, append(tks, other)...)
		for _, r := range []*ticket.Rating{
			rating(tks[0], 5, "ann", "returns", "question", 0),
			rating(tks[1], 2, "ann", "returns", "complaint", time.Hour),
			rating(tks[2], 4, "bob", "sales", "question", day),
			rating(tks[3], 1, "", "sales", "question", 2*day),
			rating(tks[4], 3, "bob", "returns", "question", 40*day), // next month
			rating(tks[5], 5, "ann", "returns", "question", -day),   // before the period
			rating(other, 1, "ann", "returns", "question", 0),       // another tenant
		} {
			require.NoError(t, store(st).RatingAdd(ctx, r))
		}
		report := func(by storage.ReportGroupBy, from, to time.Time) []storage.RatingGroup {
			t.Helper()
			got, err := store(st).RatingReport(ctx, storage.RatingReportParams{TenantID: tenantA, GroupBy: by, From: from, To: to})
			require.NoError(t, err)
			return got
		}
		from, to := at(0), at(41*day)
		require.Equal(t, []storage.RatingGroup{
			{Key: "", Count: 1, ScoreSum: 1, Satisfied: 0},
			{Key: "ann", Count: 2, ScoreSum: 7, Satisfied: 1},
			{Key: "bob", Count: 2, ScoreSum: 7, Satisfied: 1},
		}, report(storage.GroupByAgent, from, to))
		require.Equal(t, []storage.RatingGroup{
			{Key: "returns", Count: 3, ScoreSum: 10, Satisfied: 1},
			{Key: "sales", Count: 2, ScoreSum: 5, Satisfied: 1},
		}, report(storage.GroupByDepartment, from, to))
		require.Equal(t, []storage.RatingGroup{
			{Key: "complaint", Count: 1, ScoreSum: 2},
			{Key: "question", Count: 4, ScoreSum: 13, Satisfied: 2},
		}, report(storage.GroupByCategory, from, to))
		require.Equal(t, []storage.RatingGroup{
			{Key: "2026-03", Count: 4, ScoreSum: 12, Satisfied: 2},
			{Key: "2026-04", Count: 1, ScoreSum: 3},
		}, report(storage.GroupByMonth, from, to))
		require.Equal(t, []storage.RatingGroup{
			{Key: "2026-03-01", Count: 1, ScoreSum: 5, Satisfied: 1},
			{Key: "2026-03-02", Count: 2, ScoreSum: 7, Satisfied: 1},
		}, report(storage.GroupByDay, time.Time{}, at(day)), "open start, end excluded")
		require.Empty(t, report(storage.GroupByAgent, at(100*day), time.Time{}))
		_, err := store(st).RatingReport(ctx, storage.RatingReportParams{TenantID: tenantA, GroupBy: "score; DROP TABLE x"})
		require.Error(t, err, "an unknown grouping")
	})
}
