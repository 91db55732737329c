package bunstore

import (
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.HostTxStore = (*Store)(nil)

// InHostTx reports whether the store may run inside a transaction the
// host began, whose commit or rollback is the host's: it is false only
// over a *bun.DB or a bun.Conn (by value or pointer), whose RunInTx
// begins and commits a transaction of its own. Over a bun.Tx (by value
// or pointer) RunInTx only sets a savepoint; over any other bun.IDB,
// such as a host's tracing wrapper, the store cannot tell what its
// BeginTx does (a wrapped bun.Tx sets a savepoint), so it answers true.
// The Desk delivers no notification inline over such a store; see the
// package documentation.
func (s *Store) InHostTx() bool {
	switch s.host.(type) {
	case *bun.DB, bun.Conn, *bun.Conn:
		return false
	}
	return true
}
