package bunstore

import (
	"github.com/uptrace/bun"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.HostTxStore = (*Store)(nil)

// InHostTx reports whether the store was built over a transaction the
// host began (a bun.Tx or *bun.Tx), whose commit or rollback is the
// host's: its RunInTx then only sets a savepoint. The Desk delivers no
// notification inline over such a store; see the package documentation.
func (s *Store) InHostTx() bool {
	switch s.host.(type) {
	case bun.Tx, *bun.Tx:
		return true
	}
	return false
}
