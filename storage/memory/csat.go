package memory

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.RatingStore = (*Store)(nil)
	_ storage.RatingStore = (*tx)(nil)
)

// RatingAdd stores a copy of a rating.
func (s *Store) RatingAdd(ctx context.Context, r *ticket.Rating) error {
	return s.write(ctx, func(x *tx) error { return x.RatingAdd(ctx, r) })
}

// RatingGet returns a copy of the rating of a ticket.
func (s *Store) RatingGet(ctx context.Context, params storage.RatingGetParams) (*ticket.Rating, error) {
	return read(s, func(x *tx) (*ticket.Rating, error) { return x.RatingGet(ctx, params) })
}

// RatingReport aggregates ratings.
func (s *Store) RatingReport(ctx context.Context, params storage.RatingReportParams) ([]storage.RatingGroup, error) {
	return read(s, func(x *tx) ([]storage.RatingGroup, error) { return x.RatingReport(ctx, params) })
}

// RatingAdd stores a copy of r, one per ticket.
func (x *tx) RatingAdd(ctx context.Context, r *ticket.Rating) error {
	if r == nil {
		return errors.New("memory: add rating: rating is nil")
	}
	if err := x.check(ctx, r.TenantID); err != nil {
		return fmt.Errorf("memory: add rating: %w", err)
	}
	if x.ticket(r.TenantID, r.TicketID) == nil {
		return fmt.Errorf("memory: add rating to %s: %w", r.TicketID, storage.ErrNotFound)
	}
	if slices.ContainsFunc(x.db.ratings, func(h *ticket.Rating) bool { return h.TenantID == r.TenantID && h.TicketID == r.TicketID }) {
		return fmt.Errorf("memory: add rating to %s: %w", r.TicketID, storage.ErrConflict)
	}
	c := *r
	c.CreatedAt = utc(c.CreatedAt)
	insertRow(x, &x.db.ratings, &c)
	return nil
}

// RatingGet returns a copy of the rating of a ticket.
func (x *tx) RatingGet(ctx context.Context, p storage.RatingGetParams) (*ticket.Rating, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: get rating: %w", err)
	}
	i := slices.IndexFunc(x.db.ratings, func(h *ticket.Rating) bool { return h.TenantID == p.TenantID && h.TicketID == p.TicketID })
	if i < 0 {
		return nil, fmt.Errorf("memory: rating of %s: %w", p.TicketID, storage.ErrNotFound)
	}
	c := *x.db.ratings[i]
	return &c, nil
}

// reportKey returns the key of a report line of by from the day and
// the other candidate keys, and whether by is known.
func reportKey(by storage.ReportGroupBy, day string, keys map[storage.ReportGroupBy]string) (string, bool) {
	switch by {
	case storage.GroupByDay:
		return day, true
	case storage.GroupByMonth:
		return day[:min(len(day), 7)], true
	}
	k, ok := keys[by]
	return k, ok
}

// inPeriod reports whether day lies in the period of p.
func inPeriod(day string, p storage.RatingReportParams) bool {
	from, to := storage.ReportDay(p.From), storage.ReportDay(p.To)
	return (from == "" || day >= from) && (to == "" || day < to)
}

// RatingReport aggregates the ratings of a tenant.
func (x *tx) RatingReport(ctx context.Context, p storage.RatingReportParams) ([]storage.RatingGroup, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: rating report: %w", err)
	}
	if !slices.Contains(storage.RatingGroupings(), p.GroupBy) {
		return nil, fmt.Errorf("memory: rating report: unknown grouping %q", p.GroupBy)
	}
	groups := map[string]*storage.RatingGroup{}
	for _, r := range x.db.ratings {
		day := storage.ReportDay(r.CreatedAt)
		if r.TenantID != p.TenantID || !inPeriod(day, p) {
			continue
		}
		k, _ := reportKey(p.GroupBy, day, map[storage.ReportGroupBy]string{
			storage.GroupByAgent: r.AgentID, storage.GroupByDepartment: r.Department, storage.GroupByCategory: r.Category,
		})
		g := groupOf(groups, k, func() *storage.RatingGroup { return &storage.RatingGroup{Key: k} })
		g.Count++
		g.ScoreSum += int64(r.Score)
		if r.Score >= 4 {
			g.Satisfied++
		}
	}
	return sortedGroups(groups), nil
}

// groupOf returns the group of a report under key k, made by fresh when
// there is none yet.
func groupOf[G any](groups map[string]*G, k string, fresh func() *G) *G {
	g := groups[k]
	if g == nil {
		g = fresh()
		groups[k] = g
	}
	return g
}

// sortedGroups returns the groups of a report, by key.
func sortedGroups[G any](groups map[string]*G) []G {
	out := make([]G, 0, len(groups))
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, *groups[k])
	}
	return out
}
