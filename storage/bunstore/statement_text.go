package bunstore

import "sync"

// statementTexts holds statement texts with bind parameters ($1, $2,
// ...) built once from Bun's queries (a store's table prefix and
// columns do not change).
type statementTexts struct {
	watched  lazyText // TicketGetWatched
	claimDue lazyText // TicketClaimDue
}

// lazyText is a statement text built on first use.
type lazyText struct {
	once sync.Once
	text string
}

// get returns the text, built by build on first use.
func (l *lazyText) get(build func() string) string {
	l.once.Do(func() { l.text = build() })
	return l.text
}
