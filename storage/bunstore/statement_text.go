package bunstore

import (
	"context"
	"sync"

	"github.com/uptrace/bun"
)

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

// queryBound runs text, a statement with bind parameters, through raw
// (see rawSQL) and scans its rows into dst. Outside a transaction it
// runs once more when PostgreSQL refused the statement pgx had prepared
// before a schema change (isStalePlan: pgx dropped it and prepares it
// again); inside one the refusal aborted the transaction, so the error
// is returned.
func (s *Store) queryBound(ctx context.Context, raw bun.IConn, dst any, text string, args ...any) error {
	if err := s.db.ensure(ctx); err != nil {
		return err
	}
	scan := func() error {
		rows, err := raw.QueryContext(ctx, text, args...)
		if err != nil {
			return err
		}
		return s.host.NewSelect().DB().ScanRows(ctx, rows, dst)
	}
	err := scan()
	if isStalePlan(err) && !s.inHostTx() {
		err = scan()
	}
	return err
}
