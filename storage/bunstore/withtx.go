package bunstore

import (
	"fmt"

	"github.com/uptrace/bun"
)

// WithTx returns a store that runs every method in the host's
// transaction tx, with s's table prefix, logger and PostgreSQL session
// check (a success of s's check holds for it, see the package
// documentation). It is the handle a host gives the ...Tx methods of
// ticketkit.Desk (OpenTx and its siblings) for its own transaction, and
// it is a storage.Store too: its RunInTx sets a SAVEPOINT in tx, so that
// a Desk use case that fails leaves tx as it was, and it reports
// [Store.InHostTx]. Like the store [New] builds over a bun.Tx, it is not
// safe for concurrent use, commits nothing and is unusable once tx ends;
// it costs a copy of s, so take one per transaction. tx must be a
// transaction of the database s is on; nothing checks it.
func (s *Store) WithTx(tx bun.Tx) *Store {
	c := s.with(tx)
	// The host may roll back to savepoints of its own: a ticket this
	// handle wrote may be gone, so it remembers none (see Store.known).
	// RunInTx's savepoints remember theirs, as in the store's own
	// transactions.
	c.known = nil
	return c
}

// TxDB returns the Bun handle a store of this package runs its
// statements on, for host code handed one as a storage.Tx (typed any
// here, as in ticket.RemedyRequest.Tx): the bun.Tx of the transaction it
// runs in, for the store a Desk's transaction or a RunInTx hands out or
// one from [Store.WithTx] (for a store [New] made, the bun.IDB it was
// given). The host writes its own rows through it to commit them with
// the Desk's change. Statements sent through it skip
// the store's session check; they are the host's. TxDB returns an error
// when tx is not a *Store of this package (a decorator must unwrap it
// first).
func TxDB(tx any) (bun.IDB, error) {
	s, ok := tx.(*Store)
	if !ok {
		return nil, fmt.Errorf("bunstore: TxDB: %T is not a *bunstore.Store", tx)
	}
	return s.host, nil
}
