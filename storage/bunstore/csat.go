package bunstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.RatingStore = (*Store)(nil)

// ratingsTable returns the prefixed name of the ratings table.
func (s *Store) ratingsTable() bun.Ident { return bun.Ident(s.prefix + "ratings") }

// RatingAdd stores the rating of an existing ticket of the tenant; the
// primary key (tenant_id, ticket_id) turns a second rating into
// ErrConflict, whichever transaction or process wrote the first.
func (s *Store) RatingAdd(ctx context.Context, r *ticket.Rating) error {
	const op = "add rating"
	switch {
	case r == nil:
		return fmt.Errorf("bunstore: %s: rating is nil", op)
	case r.TenantID == "":
		return errNoTenant(op)
	}
	if err := s.ticketExists(ctx, op, r.TenantID, r.TicketID); err != nil {
		return err
	}
	row := &ratingRow{
		TenantID: r.TenantID, TicketID: r.TicketID, Score: r.Score, Comment: r.Comment, CustomerID: r.CustomerID,
		AgentID: r.AgentID, Department: r.Department, Category: r.Category,
		RatedOn: storage.ReportDay(r.CreatedAt), CreatedAt: utc(r.CreatedAt),
	}
	_, err := s.db.NewInsert().Model(row).ModelTableExpr("?", s.ratingsTable()).Returning("NULL").Exec(ctx)
	return translate(op, err)
}

// RatingGet returns the rating of a ticket through the primary key.
func (s *Store) RatingGet(ctx context.Context, p storage.RatingGetParams) (*ticket.Rating, error) {
	const op = "get rating"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	var rows []ratingRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("? AS r", s.ratingsTable()).
		Where("r.tenant_id = ?", p.TenantID).Where("r.ticket_id = ?", p.TicketID).Limit(1).Scan(ctx)
	if err != nil {
		return nil, translate(op, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("bunstore: %s of %s: %w", op, p.TicketID, storage.ErrNotFound)
	}
	r := rows[0]
	return &ticket.Rating{
		TenantID: r.TenantID, TicketID: r.TicketID, Score: r.Score, Comment: r.Comment, CustomerID: r.CustomerID,
		AgentID: r.AgentID, Department: r.Department, Category: r.Category, CreatedAt: fromDB(r.CreatedAt),
	}, nil
}

// reportRow is one group of a report query.
type reportRow struct {
	Key string `bun:"gkey"`
	A   int64  `bun:"a"`
	B   int64  `bun:"b"`
	C   int64  `bun:"c"`
}

// bigint returns the dialect's SQL type for a cast to a 64-bit integer:
// PostgreSQL sums bigints as numeric and MySQL integers as DECIMAL.
func (s *Store) bigint() bun.Safe {
	switch s.dialect {
	case DialectMySQL:
		return bun.Safe("SIGNED")
	case DialectPostgres:
		return bun.Safe("bigint")
	}
	return bun.Safe("INTEGER")
}

// report runs one aggregate over table: the columns of keys by
// grouping, dayCol the day column the period bounds, aggs the three
// aggregates (SQL, cast to 64-bit integers).
func (s *Store) report(ctx context.Context, op string, table bun.Ident, p storage.RatingReportParams, allowed []storage.ReportGroupBy,
	keys map[storage.ReportGroupBy]string, dayCol string, aggs [3]string,
) ([]reportRow, error) {
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	if !slices.Contains(allowed, p.GroupBy) {
		return nil, fmt.Errorf("bunstore: %s: unknown grouping %q", op, p.GroupBy)
	}
	key := keys[p.GroupBy]
	switch p.GroupBy {
	case storage.GroupByDay:
		key = dayCol
	case storage.GroupByMonth:
		key = "SUBSTR(" + dayCol + ", 1, 7)"
	}
	// key is one of the fixed expressions above, never input.
	q := s.db.NewSelect().ModelTableExpr("?", table).
		ColumnExpr(key+" AS gkey").
		ColumnExpr("COUNT(*) AS a").
		ColumnExpr("CAST(COALESCE("+aggs[1]+", 0) AS ?) AS b", s.bigint()).
		ColumnExpr("CAST(COALESCE("+aggs[2]+", 0) AS ?) AS c", s.bigint()).
		Where("tenant_id = ?", p.TenantID).
		GroupExpr(key).OrderExpr(key)
	if from := storage.ReportDay(p.From); from != "" {
		q = q.Where(dayCol+" >= ?", from)
	}
	if to := storage.ReportDay(p.To); to != "" {
		q = q.Where(dayCol+" < ?", to)
	}
	var rows []reportRow
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, translate(op, err)
	}
	return rows, nil
}

// RatingReport aggregates ratings in one GROUP BY over
// ratings_report_idx (tenant_id, rated_on).
func (s *Store) RatingReport(ctx context.Context, p storage.RatingReportParams) ([]storage.RatingGroup, error) {
	rows, err := s.report(ctx, "rating report", s.ratingsTable(), p, storage.RatingGroupings(),
		map[storage.ReportGroupBy]string{storage.GroupByAgent: "agent_id", storage.GroupByDepartment: "department", storage.GroupByCategory: "category"},
		"rated_on", [3]string{"", "SUM(score)", "SUM(CASE WHEN score >= 4 THEN 1 ELSE 0 END)"})
	if err != nil {
		return nil, err
	}
	out := make([]storage.RatingGroup, len(rows))
	for i, r := range rows {
		out[i] = storage.RatingGroup{Key: r.Key, Count: r.A, ScoreSum: r.B, Satisfied: r.C}
	}
	return out, nil
}

// dayOf parses a stored day, "2006-01-02", as midnight UTC.
func dayOf(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}
