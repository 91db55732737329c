package bunstore

import (
	"cmp"
	"context"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// textNarrowMax is the number of a tenant's tickets holding a term's
// grams from which TicketList's Text filter no longer starts from the
// gram index (migration 20261203000201_ticket_text_grams) but reads the
// tenant's tickets in page order, checking each subject. Below it, the
// index gives at most this many candidates, each fetched and checked;
// above it, one ticket in fewer than tenant size / textNarrowMax holds
// the term, so a 50-ticket page reads about 50 times that many tickets.
// The two costs meet near the square root of 50 times a large tenant's
// size (350,000 tickets: about 4,200).
const textNarrowMax = 3000

// textGramKeysMax is the most grams of a term a search asks the gram
// index for. Any subset of a term's trigrams finds every ticket holding
// the term; a few rare ones narrow as well as all of them.
const textGramKeysMax = 8

// textPlan is how TicketList's Text filter reads a term. With neither
// field set it reads the tenant's tickets in page order and checks each
// subject.
type textPlan struct {
	// keys are the PostgreSQL gram index keys the rows must hold.
	keys []string
	// match is the FTS5 query of the SQLite gram table the rows must
	// match.
	match string
	// myGrams are the grams of the MySQL gram table the rows must hold,
	// the rarest first, in the tenant myTenant; with myPrefix, the one
	// gram is a term of three characters or fewer, which the rows must
	// hold as the start of a gram.
	myGrams  []string
	myPrefix bool
	myTenant string
}

// termGrams returns the grams of a lower-cased term that the gram index
// holds for every subject containing it: the term itself when it has
// three characters or fewer, else its distinct trigrams, in order.
func termGrams(text string) []string {
	if utf8.RuneCountInString(text) <= 3 {
		return []string{text}
	}
	var starts []int
	for i := range text {
		starts = append(starts, i)
	}
	starts = append(starts, len(text))
	var grams []string
	for i := 0; i+3 < len(starts); i++ {
		if g := text[starts[i]:starts[i+3]]; !slices.Contains(grams, g) {
			grams = append(grams, g)
		}
	}
	return grams
}

// pgGramKey returns the key of a gram of a tenant's subjects in the
// PostgreSQL gram index, as the text_grams function builds it.
func pgGramKey(tenant, gram string) string { return tenant + "\x01" + gram }

// sqliteGramToken returns the token of a gram of a tenant's subjects in
// the SQLite gram table, as the tickets_text_grams view builds it
// (SQLite's hex() is upper-case).
func sqliteGramToken(tenant, gram string) string {
	return strings.ToUpper(hex.EncodeToString([]byte(tenant))) + "x" + strings.ToUpper(hex.EncodeToString([]byte(gram)))
}

// ticketTextPlan chooses how TicketList reads text, a lower-cased term,
// in a tenant's tickets: from the gram index when fewer than
// textNarrowMax of the tenant's tickets hold the term's grams, else in
// page order. Both plans return the same rows.
//
// On SQLite it counts the tickets the FTS5 gram table finds for the
// term's tokens, stopping at textNarrowMax. On PostgreSQL it reads the
// planner's statistics of the gram index (the most common keys and their
// share of the tickets, cached for gramStatsTTL; the migration raises
// the index's statistics target so that they hold every key of a few
// thousand tickets): a key missing from them is rarer than any of them.
// It keeps the term's textGramKeysMax rarest keys; the planner, given
// keys it knows to be rare, reads the index, and given none, reads the
// tenant's tickets in page order. (A capped count, as on SQLite, would
// fetch every match from the table, and build the bitmap of all of
// them first: GIN indexes answer no query from the index alone.)
// On MySQL it counts, in one statement, the tenant's rows of the gram
// table (migration 20261203000901) for each gram, stopping at
// textNarrowMax (see mysqlTextPlan).
func (s *Store) ticketTextPlan(ctx context.Context, tenant, text string) (textPlan, error) {
	if text == "" {
		return textPlan{}, nil
	}
	grams := termGrams(text)
	switch s.dialect {
	case DialectSQLite:
		tokens := make([]string, 0, min(len(grams), textGramKeysMax))
		for _, g := range grams[:min(len(grams), textGramKeysMax)] {
			tokens = append(tokens, `"`+sqliteGramToken(tenant, g)+`"`)
		}
		match := strings.Join(tokens, " ")
		fts := bun.Ident(s.prefix + "tickets_grams_fts")
		var n int
		err := s.db.NewRaw("SELECT count(*) FROM (SELECT 1 FROM ? WHERE ? MATCH ? LIMIT ?)",
			fts, fts, match, textNarrowMax).Scan(ctx, &n)
		if err != nil || n >= textNarrowMax {
			return textPlan{}, err
		}
		return textPlan{match: match}, nil
	case DialectPostgres:
		keys := make([]string, len(grams))
		for i, g := range grams {
			keys[i] = pgGramKey(tenant, g)
		}
		return s.pgTextPlan(ctx, keys)
	case DialectMySQL:
		return s.mysqlTextPlan(ctx, tenant, text, grams)
	}
	return textPlan{}, nil
}

// mysqlNarrowMax is textNarrowMax on MySQL, lower: InnoDB reads each
// candidate ticket by its primary key, one random read each, where
// PostgreSQL's bitmap heap scan reads them in table order.
var mysqlNarrowMax = 1000

// mysqlGramProbesMax is the most grams of a term whose rows
// mysqlTextPlan counts: any subset of a term's trigrams finds every
// ticket holding the term.
const mysqlGramProbesMax = 16

// mysqlTextPlan returns the MySQL plan for a term's grams (see
// ticketTextPlan): it counts each gram's rows of the tenant in the gram
// table, each count a range read of the table's primary key stopped at
// textNarrowMax rows, all of them in one statement; a term of three
// characters or fewer counts the grams it starts. When even the rarest
// gram reaches textNarrowMax, the term is common in the tenant and the
// plan reads the tenant's tickets in page order.
func (s *Store) mysqlTextPlan(ctx context.Context, tenant, text string, grams []string) (textPlan, error) {
	prefix := utf8.RuneCountInString(text) <= 3
	grams = grams[:min(len(grams), mysqlGramProbesMax)]
	table := bun.Ident(s.prefix + "ticket_text_grams")
	var query strings.Builder
	var args []any
	counts := make([]int, len(grams))
	dest := make([]any, len(grams))
	query.WriteString("SELECT ")
	for i, g := range grams {
		if i > 0 {
			query.WriteString(", ")
		}
		query.WriteString("(SELECT count(*) FROM (SELECT 1 FROM ? AS g WHERE g.tenant_id = ? AND ")
		if prefix {
			query.WriteString("g.gram LIKE ? ESCAPE '!'")
			args = append(args, table, tenant, likeEscaperBang.Replace(g)+"%")
		} else {
			query.WriteString("g.gram = ?")
			args = append(args, table, tenant, g)
		}
		query.WriteString(" LIMIT ?) AS c)")
		args = append(args, mysqlNarrowMax)
		dest[i] = &counts[i]
	}
	if err := s.db.NewRaw(query.String(), args...).Scan(ctx, dest...); err != nil {
		return textPlan{}, err
	}
	order := make([]int, len(grams))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(counts[a], counts[b]) })
	if counts[order[0]] >= mysqlNarrowMax {
		return textPlan{}, nil
	}
	plan := textPlan{myPrefix: prefix, myTenant: tenant}
	for _, i := range order[:min(len(order), textGramKeysMax)] {
		plan.myGrams = append(plan.myGrams, grams[i])
	}
	return plan, nil
}

// gramStatsTTL is how long a store keeps the PostgreSQL gram index's
// statistics before it reads them again. ANALYZE (autovacuum's) renews
// them far less often.
const gramStatsTTL = 5 * time.Minute

// gramStats holds the planner's statistics of the PostgreSQL gram index,
// read at most once per gramStatsTTL: the most common keys with their
// share of the tickets, the smallest such share, and the number of
// tickets.
type gramStats struct {
	mu   sync.Mutex
	read time.Time
	freq map[string]float64
	rows float64
}

// estimates returns the number of tickets the planner's statistics give
// for each key: 0 for a key missing from the most common ones, which is
// rarer than all of them.
func (g *gramStats) estimates(ctx context.Context, s *Store, keys []string) ([]float64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.freq == nil || time.Since(g.read) > gramStatsTTL {
		var rows []struct {
			Elem string  `bun:"elem"`
			Freq float64 `bun:"freq"`
		}
		err := s.db.NewRaw(`SELECT m.elem, m.freq FROM pg_stats AS st,
	unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS m(elem, freq)
WHERE st.schemaname = current_schema() AND st.tablename = ? AND st.attname = ? AND m.elem IS NOT NULL`,
			s.prefix+"tickets_text_grams_idx", s.prefix+"text_grams").Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		var n float64
		err = s.db.NewRaw("SELECT greatest(coalesce((SELECT c.reltuples FROM pg_class AS c WHERE c.oid = to_regclass(?)), 0), 0)",
			s.prefix+"tickets").Scan(ctx, &n)
		if err != nil {
			return nil, err
		}
		g.freq = make(map[string]float64, len(rows))
		for _, r := range rows {
			g.freq[r.Elem] = r.Freq
		}
		g.rows, g.read = n, time.Now()
	}
	est := make([]float64, len(keys))
	for i, k := range keys {
		est[i] = g.freq[k] * g.rows
	}
	return est, nil
}

// pgTextPlan returns the plan for the PostgreSQL gram index keys of a
// term (see ticketTextPlan).
func (s *Store) pgTextPlan(ctx context.Context, keys []string) (textPlan, error) {
	est, err := s.grams.estimates(ctx, s, keys)
	if err != nil {
		return textPlan{}, err
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(est[a], est[b]) })
	if est[order[0]] >= textNarrowMax {
		return textPlan{}, nil
	}
	plan := textPlan{}
	for _, i := range order[:min(len(order), textGramKeysMax)] {
		plan.keys = append(plan.keys, keys[i])
	}
	return plan, nil
}

// filterTicketText adds TicketList's Text filter: the subject of ticket
// t holds text, a lower-cased term, as a literal substring, checked with
// strpos (PostgreSQL) or instr (SQLite), so that '%', '_' and '\' have no
// special meaning. With a plan's grams, the rows are first narrowed by
// the gram index: text_grams(tenant_id, subject_lower) @> keys on
// PostgreSQL, the rowids the FTS5 gram table matches on SQLite, on MySQL
// the tickets the gram table holds for the rarest gram (a materialized
// derived table: MySQL would otherwise run the subquery once per ticket
// read in page order) that also hold the others. The exact check is
// filterText's LIKE on MySQL.
func (s *Store) filterTicketText(q *bun.SelectQuery, text string, plan textPlan) *bun.SelectQuery {
	if s.dialect == DialectMySQL && plan.myGrams != nil {
		table := bun.Ident(s.prefix + "ticket_text_grams")
		if plan.myPrefix {
			q = q.Where("t.id IN (SELECT w.ticket_id FROM (SELECT DISTINCT g.ticket_id FROM ? AS g WHERE g.tenant_id = ? AND g.gram LIKE ? ESCAPE '!') AS w)",
				table, plan.myTenant, likeEscaperBang.Replace(plan.myGrams[0])+"%")
		} else {
			q = q.Where("t.id IN (SELECT w.ticket_id FROM (SELECT g.ticket_id FROM ? AS g WHERE g.tenant_id = ? AND g.gram = ?) AS w)",
				table, plan.myTenant, plan.myGrams[0])
			for _, g := range plan.myGrams[1:] {
				q = q.Where("EXISTS (SELECT 1 FROM ? AS g WHERE g.tenant_id = t.tenant_id AND g.gram = ? AND g.ticket_id = t.id)", table, g)
			}
		}
	}
	switch s.dialect {
	case DialectPostgres:
		if plan.keys != nil {
			q = q.Where("? @> ?::text[]", bun.Safe(s.prefix+"text_grams(t.tenant_id, t.subject_lower)"), pgdialect.Array(plan.keys))
		}
		return q.Where("strpos(t.subject_lower, ?) > 0", text)
	case DialectSQLite:
		if plan.match != "" {
			fts := bun.Ident(s.prefix + "tickets_grams_fts")
			q = q.Where("t.rowid IN (SELECT rowid FROM ? WHERE ? MATCH ?)", fts, fts, plan.match)
		}
		return q.Where("instr(t.subject_lower, ?) > 0", text)
	}
	return s.filterText(q, "t", text, false)
}
