package bunstore

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.FullTextStore = (*Store)(nil)

// TicketFullText marks the store as honouring TicketFilter.Query, read
// through the full-text indexes of migration 20261203000801_full_text:
// GIN indexes of to_tsvector('simple', ...) on PostgreSQL, FTS5 tables
// (unicode61) on SQLite, InnoDB FULLTEXT indexes on MySQL/MariaDB.
func (s *Store) TicketFullText() {}

// mysqlMinWord is InnoDB's default innodb_ft_min_token_size: shorter
// words are not in a FULLTEXT index.
const mysqlMinWord = 3

// mysqlStopwords is InnoDB's default stop word list
// (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD): words no FULLTEXT
// index holds.
var mysqlStopwords = []string{
	"a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how", "i", "in",
	"is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what", "when", "where", "who",
	"will", "with", "und", "www",
}

// filterQuery adds f.Query to q: for each word of the query, the
// ticket's ID must be among the tenant's tickets whose subject or
// description holds the word, or whose messages (not internal notes
// when f.QueryPublic) do. Each branch reads a full-text index and is
// bounded by the tenant; words are bound parameters, and on SQLite
// quoted FTS5 strings, so no character of the query is syntax. On MySQL
// the words no FULLTEXT index holds (shorter than mysqlMinWord, stop
// words) are left out; a query left with none matches nothing.
func (s *Store) filterQuery(q *bun.SelectQuery, f *storage.TicketFilter) *bun.SelectQuery {
	words := storage.QueryWords(f.Query)
	if s.dialect == DialectMySQL {
		words = slices.DeleteFunc(words, func(w string) bool {
			return utf8.RuneCountInString(w) < mysqlMinWord || slices.Contains(mysqlStopwords, w)
		})
	}
	if len(words) == 0 {
		return q.Where("1 = 0")
	}
	for i, w := range words {
		q = q.Where("t.id IN (?)", s.wordTicketIDs(f, w, f.QueryPrefix && i == len(words)-1))
	}
	return q
}

// wordTicketIDs selects the IDs of f's tenant's tickets holding the
// word w in their subject, description or (visible) messages; with
// prefix, a word that starts with w. w holds only letters and digits
// (storage.QueryWords), so that the prefix operators appended to it stay
// the only syntax.
func (s *Store) wordTicketIDs(f *storage.TicketFilter, w string, prefix bool) *bun.SelectQuery {
	from := func(table bun.Ident, alias, col string) *bun.SelectQuery {
		return s.db.NewSelect().ColumnExpr("?", bun.Safe(alias+"."+col)).
			ModelTableExpr("? AS ?", table, bun.Safe(alias)).
			Where("? = ?", bun.Safe(alias+".tenant_id"), f.TenantID)
	}
	var branches []*bun.SelectQuery
	switch s.dialect {
	case DialectPostgres:
		tsquery := "plainto_tsquery('simple'::regconfig, ?)"
		if prefix {
			tsquery, w = "to_tsquery('simple'::regconfig, ?)", w+":*"
		}
		branches = []*bun.SelectQuery{
			from(s.tables.messages, "m", "ticket_id").
				Where("to_tsvector('simple'::regconfig, m.body) @@ "+tsquery, w),
			from(s.tables.tickets, "x", "id").
				Where("to_tsvector('simple'::regconfig, x.subject || ' ' || x.description) @@ "+tsquery, w),
		}
	case DialectSQLite:
		match := `"` + strings.ReplaceAll(w, `"`, `""`) + `"` // an FTS5 string: never syntax
		if prefix {
			match += "*"
		}
		fts := func(name string) bun.Ident { return bun.Ident(s.prefix + name) }
		branches = []*bun.SelectQuery{
			from(s.tables.messages, "m", "ticket_id").
				Where("m.rowid IN (SELECT rowid FROM ? WHERE ? MATCH ?)", fts("messages_words_fts"), fts("messages_words_fts"), match),
			from(s.tables.tickets, "x", "id").
				Where("x.rowid IN (SELECT rowid FROM ? WHERE ? MATCH ?)", fts("tickets_words_fts"), fts("tickets_words_fts"), match),
		}
	default: // MySQL
		// w holds letters and digits only, so that the operator is the
		// only syntax: + makes the word required. (A quoted one-word
		// phrase would do the same, but MariaDB 10.11 verifies phrases
		// against the stored document and, with other transactions
		// inserting meanwhile, intermittently missed a word of a 90 kB
		// body: the conformance test LongBodiesAndOddLettersAreIndexed
		// failed 1 run in 6.)
		quoted := "+" + w
		if prefix {
			quoted += "*"
		}
		branches = []*bun.SelectQuery{
			from(s.tables.messages, "m", "ticket_id").Where("MATCH (m.body) AGAINST (? IN BOOLEAN MODE)", quoted),
			from(s.tables.tickets, "x", "id").Where("MATCH (x.subject_lower) AGAINST (? IN BOOLEAN MODE)", quoted),
			from(s.tables.tickets, "x", "id").Where("MATCH (x.description) AGAINST (? IN BOOLEAN MODE)", quoted),
		}
	}
	if f.QueryPublic {
		branches[0] = branches[0].Where("m.kind <> ?", string(ticket.MessageNote))
	}
	q := branches[0]
	for _, b := range branches[1:] {
		q = q.UnionAll(b)
	}
	if s.dialect == DialectMySQL {
		// A derived table is materialized once: MySQL would otherwise
		// turn IN (...) into a subquery run per ticket of the tenant,
		// reading the tickets' texts by primary key instead of their
		// FULLTEXT indexes.
		return s.db.NewSelect().ColumnExpr("w.ticket_id").TableExpr("(?) AS w", q)
	}
	return q
}
