package bunstore

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// sortColumns maps the whitelisted sort fields to their columns; the
// priority sort without CatalogOrder is a CASE expression built per
// query. No sort field from the caller reaches SQL: an unknown one is
// rejected.
var sortColumns = map[storage.SortField]string{
	storage.SortCreatedAt: "t.created_at",
	storage.SortUpdatedAt: "t.updated_at",
	storage.SortStatus:    "t.status",
	storage.SortCategory:  "t.category",
	storage.SortNumber:    "t.number",
	storage.SortPriority:  "", // priorityRank
	storage.SortSLADue:    "t.sla_due",
}

// rankColumns are the stored catalog positions (ticket.SortKeys) the
// sorts of CatalogOrder read, each led by the tenant in an index of
// migration 20261203000101_ticket_sort_keys.
var rankColumns = map[storage.SortField]string{
	storage.SortPriority: "t.priority_rank",
	storage.SortStatus:   "t.status_rank",
	storage.SortCategory: "t.category_rank",
}

// intSort reports whether a sort's key is an integer column (a cursor's
// Int): the stored ranks of CatalogOrder and the SLA due key.
func intSort(sort storage.SortField, catalogOrder bool) bool {
	_, rank := rankColumns[sort]
	return sort == storage.SortSLADue || rank && catalogOrder
}

// TicketList returns one page of the tickets matching a filter, in the
// requested order with ties broken by ID, using keyset pagination:
// the next page starts after the (sort key, id) row value of the cursor.
//
// Every filter value is bound through a placeholder. Text matches a
// literal substring of the subject, ignoring case: it is lower-cased in
// Go and looked up in a subject column lower-cased in Go, with an
// escaped LIKE pattern or strpos (PostgreSQL) and instr (SQLite), so
// '%', '_' and '\' have no special meaning and case folding follows Go's
// Unicode rules on both databases. Terms rare in the tenant go through a
// gram index of each tenant's subjects (see ticketTextPlan).
func (s *Store) TicketList(ctx context.Context, p storage.TicketListParams) (*storage.TicketListResult, error) {
	const op = "list tickets"
	if p.TenantID == "" {
		return nil, errNoTenant(op)
	}
	sort := p.Sort
	if sort == "" {
		sort = storage.SortCreatedAt
	}
	col, ok := sortColumns[sort]
	if !ok {
		return nil, fmt.Errorf("bunstore: %s: unknown sort field %q", op, string(p.Sort))
	}
	var key schema.QueryAppender = bun.Safe(col)
	switch rank, ok := rankColumns[sort]; {
	case ok && p.CatalogOrder:
		key = bun.Safe(rank)
	case sort == storage.SortPriority:
		key = priorityRank(p.PriorityOrder)
	}

	text, err := s.ticketTextPlan(ctx, p.TenantID, strings.ToLower(p.Text))
	if err != nil {
		return nil, translate(op, err)
	}
	var cursor []any
	if p.After != "" {
		c, err := storage.DecodeCursor(p.After, sort, p.Desc)
		if err != nil {
			return nil, fmt.Errorf("bunstore: %s: %w", op, err)
		}
		cursor = []any{key, cursorKey(sort, p.CatalogOrder, c), c.ID}
	}
	dir, cmp := "ASC", ">"
	if p.Desc {
		dir, cmp = "DESC", "<"
	}
	limit := storage.ClampLimit(p.Limit)
	order := "? " + dir + ", t.id " + dir
	rank, byRanks := rankColumns[sort]
	if byRanks = byRanks && p.CatalogOrder && len(p.SortRanks) > 0; byRanks {
		if byRanks, err = s.ranksCurrent(ctx, p.TenantID, rank); err != nil {
			return nil, translate(op, err)
		}
	}
	// page cuts the page of the tickets f selects from q.
	page := func(q *bun.SelectQuery, f *storage.TicketFilter, byKey bool) *bun.SelectQuery {
		q = s.filterTickets(q, f, text, byKey)
		if byRanks {
			// The filter on the sort's own field as a range of its index
			// (tenant, [department | assignee,] rank, id), which gives the
			// page's order too: the skipped ranks are never read.
			q = q.Where("? BETWEEN ? AND ?", bun.Safe(rank), slices.Min(p.SortRanks), slices.Max(p.SortRanks))
		}
		if cursor != nil {
			q = q.Where("(?, t.id) "+cmp+" (?, ?)", cursor...)
		}
		return q.OrderExpr(order, key).Limit(int64(limit + 1))
	}
	tickets := func() *bun.SelectQuery {
		return s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).ColumnExpr("t.*")
	}

	var rows []ticketRow
	var q *bun.SelectQuery
	switch {
	case queueSplit(&p, sort):
		// One ordered page per status, merged: see queueSplit.
		var union strings.Builder
		args := make([]any, 0, len(p.Statuses))
		for i, code := range distinct(p.Statuses) {
			f := p.TicketFilter
			f.Statuses = []string{code}
			if i > 0 {
				union.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&union, "SELECT * FROM (?) AS b%d", i)
			branch := tickets()
			if s.dialect == DialectSQLite && len(p.Assignees) != 1 && len(p.Departments) == 1 {
				// Given a department's statuses and a range of priority
				// ranks, SQLite 3.5x may read the department's tickets of
				// those ranks, every status, from (tenant, department,
				// rank, id) and check each one's status: at 1M tickets
				// 95 ms where this index's page of the status takes 2.
				branch = s.db.NewSelect().ModelTableExpr("? AS t INDEXED BY ?", s.tables.tickets,
					bun.Ident(s.prefix+"tickets_dept_status_prank_idx")).ColumnExpr("t.*")
			}
			args = append(args, page(branch, &f, false))
		}
		q = s.db.NewSelect().TableExpr("(?) AS t", bun.SafeQuery(union.String(), args...)).ColumnExpr("t.*").
			OrderExpr(order, key).Limit(int64(limit + 1))
	case idsFromIndex(&p, sort):
		// The page's IDs from a covering index alone, then their rows:
		// see idsFromIndex. The derived table keeps MySQL, which takes
		// no LIMIT in an IN subquery, on the same SQL.
		f, more := s.idsFilter(&p, sort)
		ids := more(page(s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).ColumnExpr("t.id"), &f, false))
		q = tickets().Where("t.tenant_id = ?", p.TenantID).
			Where("t.id IN (SELECT p.id FROM (?) AS p)", ids).
			OrderExpr(order, key).Limit(int64(limit + 1))
	case s.dialect == DialectPostgres:
		q = page(tickets(), &p.TicketFilter, false)
	default:
		// SQLite joins the SLA states by index lookups, row by row, as
		// it reads the page.
		q = page(s.selectTickets(&rows), &p.TicketFilter, s.dialect == DialectSQLite && intSort(sort, p.CatalogOrder))
	}
	if q.GetModel() == nil {
		// The page is cut first and joined to its SLA states after: the
		// PostgreSQL planner would otherwise hash-join every ticket
		// matching the filter (all of a tenant's open tickets, say) to
		// the SLA table before sorting them.
		q = s.db.NewSelect().Model(&rows).ModelTableExpr("(?) AS t", q).
			ColumnExpr("?", s.columns).
			ColumnExpr(slaColumns).
			Join("LEFT JOIN ? AS s ON s.ticket_id = t.id", s.tables.sla).
			OrderExpr(order, key)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(op, err)
	}

	res := &storage.TicketListResult{Tickets: make([]*ticket.Ticket, 0, min(len(rows), limit))}
	for i := range rows[:min(len(rows), limit)] {
		t, err := toTicket(&rows[i])
		if err != nil {
			return nil, err
		}
		res.Tickets = append(res.Tickets, t)
	}
	if len(rows) > limit {
		res.Next = makeCursor(sort, &p, &rows[limit-1], res.Tickets[limit-1]).Encode()
	}
	return res, nil
}

// unranked is the rank the sort-key migration (20261203000101) gave the
// tickets stored before it, until Desk.RerankTickets ranks them: never a
// catalog position (0, 1, ...) nor a code outside the catalog (-1).
const unranked = -1000

// ranksCurrent reports whether no ticket of the tenant holds the rank
// unranked in column rank (t.priority_rank, ...), which a range of ranks
// (storage.TicketListParams.SortRanks) would miss: one probe of the
// (tenant, rank, id) index, remembered once it finds none (every write
// stores a ticket's ranks, so a tenant never gets unranked tickets back).
func (s *Store) ranksCurrent(ctx context.Context, tenantID, rank string) (bool, error) {
	key := tenantID + "\x00" + rank
	if _, ok := s.ranked.Load(key); ok {
		return true, nil
	}
	exists, err := s.db.NewSelect().ModelTableExpr("? AS t", s.tables.tickets).
		Where("t.tenant_id = ?", tenantID).Where("? = ?", bun.Safe(rank), unranked).Exists(ctx)
	if err != nil || exists {
		return false, err
	}
	s.ranked.Store(key, true)
	return true, nil
}

// queueSplitMax is the most statuses for which queueSplit reads a page
// per status.
const queueSplitMax = 8

// queueSplit reports whether a page of p, sorted by sort, is read as one
// ordered page per status code, merged and cut again: an assignee's
// queue (one assignee, two to queueSplitMax statuses) sorted by the
// stored priority rank or oldest/newest first. Each status's page is
// read in order from the (tenant, assignee, status, priority_rank | created_at,
// id) indexes of migration 20261203000102, so the page costs at most
// queueSplitMax pages of index entries; one IN list of statuses would
// read and sort every ticket of the queue (the index gives no order
// across several statuses).
//
// A department's tickets of two to queueSplitMax statuses sorted by the
// stored priority rank are read the same way, from the (tenant,
// department, status, priority_rank, id) index.
//
// A tenant's tickets of two to queueSplitMax statuses and nothing else
// (an agent's "everything unresolved") sorted by creation are read the
// same way, from the (tenant, status, created_at, id) index: in page
// order from the creation index, the page would cost as many rows as
// the tenant holds of other statuses between them (at 1M tickets on
// SQLite, 31 ms for the four unresolved statuses of the largest
// tenant; a few hundred index entries merged instead).
func queueSplit(p *storage.TicketListParams, sort storage.SortField) bool {
	byRank := sort == storage.SortPriority && p.CatalogOrder
	n := len(distinct(p.Statuses))
	return n >= 2 && n <= queueSplitMax &&
		(len(p.Assignees) == 1 && (byRank || sort == storage.SortCreatedAt) || len(p.Departments) == 1 && byRank ||
			sort == storage.SortCreatedAt && statusesAlone(&p.TicketFilter))
}

// statusesAlone reports whether f filters by its tenant and statuses
// only.
func statusesAlone(f *storage.TicketFilter) bool {
	g := *f
	g.TenantID, g.Statuses = "", nil
	return reflect.ValueOf(g).IsZero()
}

// prefixByCreation reports whether a page of p, sorted by sort, is a
// number prefix alone sorted by creation: its IDs are then read from the
// (tenant_id, number, created_at, id) index of migration
// 20261203000102, which holds every column the filter, the order and the
// cursor need, so the prefix's up to thousands of numbers are sorted as
// index entries and only the page's rows are fetched.
func prefixByCreation(p *storage.TicketListParams, sort storage.SortField) bool {
	f := p.TicketFilter
	f.TenantID, f.NumberPrefix = "", ""
	return p.NumberPrefix != "" && sort == storage.SortCreatedAt && reflect.ValueOf(f).IsZero()
}

// distinct returns codes without repeats, in their first order: a
// status named twice is one branch of queueSplit, not two.
func distinct(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// filterTickets adds a WHERE condition for every set field of f. text
// is ticketTextPlan's answer for f.Text. byKey keeps SQLite from reading the
// status, priority, category and channel filters from their (tenant,
// code, created_at) indexes (a unary + on the column), for a sort whose
// index gives the page's order (intSort: a stored key, first after the
// tenant in its index): SQLite's planner would read
// every ticket of those codes, a tenant's unresolved ones say, and sort
// them, where reading the sort's index stops once the page is full.
func (s *Store) filterTickets(q *bun.SelectQuery, f *storage.TicketFilter, text textPlan, byKey bool) *bun.SelectQuery {
	q = q.Where("t.tenant_id = ?", f.TenantID)
	code := "t."
	if byKey {
		code = "+t."
	}
	for _, in := range []struct {
		col    string
		values []string
	}{
		{code + "status", f.Statuses},
		{code + "priority", f.Priorities},
		{code + "category", f.Categories},
		{"t.department", f.Departments},
		{"t.assignee", f.Assignees},
		{code + "channel", f.Channels},
	} {
		switch len(in.values) {
		case 0:
		case 1:
			q = q.Where("? = ?", bun.Safe(in.col), in.values[0])
		default:
			q = q.Where("? IN (?)", bun.Safe(in.col), bun.List(in.values))
		}
	}
	customerID := f.CustomerID
	if f.CustomerOrOrganisation && f.CustomerID != "" && f.OrganisationID != "" {
		customerID = "" // below, as one condition
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.WhereOr("t.customer_id = ?", f.CustomerID).WhereOr("t.customer_org = ?", f.OrganisationID)
		})
	} else if f.OrganisationID != "" {
		q = q.Where("t.customer_org = ?", f.OrganisationID)
	}
	for _, eq := range []struct {
		col, value string
	}{
		{"t.customer_id", customerID},
		{"t.customer_mobile", f.CustomerMobile},
		{"t.customer_email", strings.ToLower(f.CustomerEmail)},
		{"t.number", f.Number},
	} {
		if eq.value != "" {
			q = q.Where("? = ?", bun.Safe(eq.col), eq.value)
		}
	}
	if f.NumberPrefix != "" {
		// A range of the (tenant_id, number) unique key: numbers compare
		// bytewise on every dialect (COLLATE "C", VARBINARY, BINARY).
		q = q.Where("t.number >= ?", f.NumberPrefix)
		if end, ok := prefixEnd(f.NumberPrefix); ok {
			q = q.Where("t.number < ?", end)
		}
	}
	if !f.CreatedFrom.IsZero() {
		q = q.Where("t.created_at >= ?", utc(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		q = q.Where("t.created_at < ?", utc(f.CreatedTo))
	}
	if !f.UpdatedSince.IsZero() {
		q = q.Where("t.updated_at >= ?", ceilMicro(f.UpdatedSince))
	}
	if f.Text != "" {
		q = s.filterTicketText(q, strings.ToLower(f.Text), text)
	}
	if f.Query != "" {
		q = s.filterQuery(q, f)
	}
	if len(f.References) > 0 {
		q = q.Where("t.id IN (?)", s.refTicketIDs(f.TenantID, f.References))
	}
	if f.Linked != nil {
		q = s.filterLinked(q, f.TenantID, f.Linked)
	}
	if len(f.Tags) > 0 {
		q = q.Where("t.id IN (?)", s.db.NewSelect().ColumnExpr("g.ticket_id").
			ModelTableExpr("? AS g", bun.Ident(s.prefix+"ticket_tags")).
			Where("g.tenant_id = ?", f.TenantID).
			Where("g.tag IN (?)", bun.List(f.Tags)))
	}
	return q
}

// ceilMicro returns t in UTC rounded up to the microsecond, the
// precision of stored times: for a lower bound, updated_at >= ceilMicro(t)
// is updated_at >= t, where utc's truncation would take in the
// microsecond before t.
func ceilMicro(t time.Time) time.Time {
	u := utc(t)
	if u.Before(t) {
		u = u.Add(time.Microsecond)
	}
	return u
}

// refTicketIDs returns the subquery of the IDs of the tenant's tickets
// holding any of refs, read from the ticket_refs primary key (tenant_id,
// kind, ref_id, ticket_id), which triggers keep in step with the tickets'
// refs column (migration 20260606000001_ticket_refs).
func (s *Store) refTicketIDs(tenantID string, refs []ticket.Reference) *bun.SelectQuery {
	q := s.db.NewSelect().ColumnExpr("r.ticket_id").
		ModelTableExpr("? AS r", bun.Ident(s.prefix+"ticket_refs")).
		Where("r.tenant_id = ?", tenantID)
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, r := range refs {
			q = q.WhereOr("r.kind = ? AND r.ref_id = ?", string(r.Kind), r.ID)
		}
		return q
	})
}

// minTrigramText is the length, in characters, from which the Text
// filter can use the trigram index: a shorter term holds no trigram.
const minTrigramText = 3

// ftsNarrowMax is the number of tickets, across tenants, whose subject
// holds a term's trigrams from which a SQLite search no longer starts
// from the FTS5 table. Looking up the tickets the FTS5 table finds costs
// about 4µs each, and SQLite then sorts them; a term that common fills a
// page quickly when the tenant's tickets are read in page order, as for
// any other filter.
const ftsNarrowMax = 4000

// textNarrows reports whether a SQLite complaint journal search for text
// (TicketList's is ticketTextPlan) should start from
// the tickets the FTS5 trigram table finds: when text has
// minTrigramText characters or more and fewer than ftsNarrowMax tickets
// hold its trigrams. It asks the FTS5 table, which stops counting at
// ftsNarrowMax. SQLite's planner cannot tell a rare term from a common
// one (PostgreSQL's can, from its statistics: it needs no such probe),
// and both plans return the same rows.
func (s *Store) textNarrows(ctx context.Context, text string) (bool, error) {
	if s.dialect != DialectSQLite || utf8.RuneCountInString(text) < minTrigramText {
		return false, nil
	}
	fts := bun.Ident(s.prefix + "tickets_fts")
	var n int
	err := s.db.NewRaw("SELECT count(*) FROM (SELECT 1 FROM ? WHERE ? MATCH ? LIMIT ?)",
		fts, fts, ftsString(strings.ToLower(text)), ftsNarrowMax).Scan(ctx, &n)
	return n < ftsNarrowMax, err
}

// filterText adds the complaint journal's Text filter (TicketList's is
// filterTicketText): the subject_lower column of the table aliased alias
// (t, the tickets, or c, the complaints' copy) holds text, a lower-cased
// term, as a literal substring.
//
// On PostgreSQL a term of minTrigramText characters or more becomes
// subject_lower LIKE '%term%' with '%', '_' and '\' escaped, which the
// planner answers from the pg_trgm GIN index on subject_lower when the
// term is rare, or by reading the tenant's tickets in page order when it
// is common. On SQLite, when narrow (see textNarrows), the rows are
// narrowed to those the FTS5 trigram table finds for the term, quoted as
// one FTS5 string; the exact match stays with instr(), since the
// tokenizer folds case by its own rules. Other terms use strpos or instr
// alone, reading the tenant's tickets in page order. On MySQL every term
// becomes LIKE '%term%' (escaped with '!'), reading the tenant's tickets
// in page order: MySQL 8 and MariaDB share no trigram index.
func (s *Store) filterText(q *bun.SelectQuery, alias, text string, narrow bool) *bun.SelectQuery {
	subject := bun.Safe(alias + ".subject_lower") // alias is ours, never input
	switch s.dialect {
	case DialectPostgres:
		if utf8.RuneCountInString(text) >= minTrigramText {
			return q.Where(`? LIKE ? ESCAPE '\'`, subject, "%"+likeEscaper.Replace(text)+"%")
		}
		return q.Where("strpos(?, ?) > 0", subject, text)
	case DialectMySQL:
		// '!' escapes, not '\', which MySQL's string literals would
		// read as an escape of their own. subject_lower is utf8mb4_bin:
		// LIKE compares characters exactly, as on PostgreSQL.
		return q.Where(`? LIKE ? ESCAPE '!'`, subject, "%"+likeEscaperBang.Replace(text)+"%")
	}
	if narrow {
		fts := bun.Ident(s.prefix + "tickets_fts")
		q = q.Where("?.rowid IN (SELECT rowid FROM ? WHERE ? MATCH ?)", bun.Safe(alias), fts, fts, ftsString(text))
	}
	return q.Where("instr(?, ?) > 0", subject, text)
}

// likeEscaperBang escapes the wildcards of a LIKE pattern and the
// escape character itself, for LIKE ... ESCAPE '!' (MySQL).
var likeEscaperBang = strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`)

// likeEscaper escapes the wildcards of a LIKE pattern and the escape
// character itself, for LIKE ... ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ftsString quotes text as an FTS5 string, in which every character
// stands for itself: double quotes are doubled.
func ftsString(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}

// priorityRank returns the sort key of SortPriority: the position of the
// ticket's priority in order, -1 for codes not in it (they sort before
// all others), as a CASE expression whose codes are bound values.
func priorityRank(order []string) schema.QueryAppender {
	if len(order) == 0 {
		// Every rank is -1. A bare -1 would read as a column position in
		// ORDER BY.
		return bun.Safe("(CASE t.priority WHEN '' THEN -1 ELSE -1 END)")
	}
	var b strings.Builder
	args := make([]any, 0, 2*len(order))
	seen := make(map[string]bool, len(order))
	b.WriteString("(CASE t.priority")
	for i, code := range order {
		if seen[code] {
			continue // the first position of a code counts
		}
		seen[code] = true
		b.WriteString(" WHEN ? THEN ?")
		args = append(args, code, i)
	}
	b.WriteString(" ELSE -1 END)")
	return bun.SafeQuery(b.String(), args...)
}

// rankOf returns the SortPriority key of a priority code, as priorityRank
// computes it in SQL.
func rankOf(order []string, code string) int64 {
	for i, c := range order {
		if c == code {
			return int64(i)
		}
	}
	return -1
}

// makeCursor returns the cursor after t, stored as r, for the sort of
// p. Stored keys come from the row, as the database compares them.
func makeCursor(sort storage.SortField, p *storage.TicketListParams, r *ticketRow, t *ticket.Ticket) storage.Cursor {
	c := storage.Cursor{Sort: sort, Desc: p.Desc, ID: t.ID}
	if intSort(sort, p.CatalogOrder) {
		c.Int = map[storage.SortField]int64{
			storage.SortPriority: int64(r.PriorityRank),
			storage.SortStatus:   int64(r.StatusRank),
			storage.SortCategory: int64(r.CategoryRank),
			storage.SortSLADue:   r.SLADue,
		}[sort]
		return c
	}
	order := p.PriorityOrder
	switch sort {
	case storage.SortCreatedAt:
		c.Time = t.CreatedAt
	case storage.SortUpdatedAt:
		c.Time = t.UpdatedAt
	case storage.SortPriority:
		c.Int = rankOf(order, t.Priority)
	case storage.SortStatus:
		c.Str = t.Status
	case storage.SortCategory:
		c.Str = t.Category
	case storage.SortNumber:
		c.Str = t.Number
	}
	return c
}

// cursorKey returns the sort key a cursor holds, as a bound value.
func cursorKey(sort storage.SortField, catalogOrder bool, c storage.Cursor) any {
	switch {
	case sort == storage.SortCreatedAt, sort == storage.SortUpdatedAt:
		return utc(c.Time)
	case sort == storage.SortPriority, intSort(sort, catalogOrder):
		return c.Int
	}
	return c.Str
}

// prefixEnd returns the least string greater than every string that
// starts with prefix, in code point (and UTF-8 byte) order: prefix with
// its last character incremented, skipping surrogates, after dropping
// trailing characters that cannot be. ok is false when no string is
// (prefix is all utf8.MaxRune).
func prefixEnd(prefix string) (end string, ok bool) {
	rs := []rune(prefix)
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i] + 1
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000
		}
		if r <= utf8.MaxRune {
			rs[i] = r
			return string(rs[:i+1]), true
		}
	}
	return "", false
}
