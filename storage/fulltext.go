package storage

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Full-text query limits (see TicketFilter.Query and QueryWords).
const (
	// QueryMaxBytes is the longest full-text query accepted, in bytes.
	QueryMaxBytes = 500
	// QueryMaxWords is the most words a full-text query may hold.
	QueryMaxWords = 16
)

// FullTextStore is implemented by stores whose TicketList (and
// TicketCount) honour TicketFilter.Query. A store without it is never
// handed a Query: the Desk refuses the search with an error instead of
// ignoring the filter.
type FullTextStore interface {
	// TicketFullText is a marker; it does nothing.
	TicketFullText()
}

// QueryWords splits a full-text query into its words, the way every
// store splits the texts it searches: a word is a run of letters and
// digits (Unicode), compared ignoring case (lower-cased by Go's rules);
// everything else, punctuation, quotes, operators such as '"', '*',
// '-', '+' and '(' included, separates words and has no meaning. Words
// such as AND, OR, NOT and NEAR are words like any other. Repeated words
// are kept once, in first-seen order.
func QueryWords(q string) []string {
	fields := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var words []string
	seen := map[string]bool{}
	for _, w := range fields {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// MatchWords reports whether every word of words occurs among the
// words of texts (QueryWords' split), the last one, with prefix, also as
// the start of a word; the reference semantics of TicketFilter.Query
// for stores that tokenise in Go.
func MatchWords(words []string, prefix bool, texts ...string) bool {
	have := map[string]bool{}
	for _, t := range texts {
		for _, w := range QueryWords(t) {
			have[w] = true
		}
	}
	for i, w := range words {
		if have[w] {
			continue
		}
		if !prefix || i < len(words)-1 || !slices.ContainsFunc(slices.Collect(maps.Keys(have)), func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}
