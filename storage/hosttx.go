package storage

// HostTxStore is implemented by a [Store] that can run inside a
// transaction it does not own, such as the Bun store built over the
// host's bun.Tx. Such a store's RunInTx commits nothing: the host's
// transaction commits or rolls back later, so whatever a caller does
// "after the commit" of RunInTx would happen before the host's commit,
// or for changes the host then rolls back. The Desk asks it to decide
// whether it may deliver notifications itself (it does not inside a
// host's transaction; a Dispatcher delivers them once the host has
// committed), and the Dispatcher and the escalation worker refuse such a
// store. A store that does not implement it owns its transactions;
// decorators of a store forward it.
type HostTxStore interface {
	// InHostTx reports whether the store runs inside a transaction it
	// does not own.
	InHostTx() bool
}

// InHostTx reports whether s runs inside a transaction it does not own:
// whether it implements [HostTxStore] and says so.
func InHostTx(s Store) bool {
	h, ok := s.(HostTxStore)
	return ok && h.InHostTx()
}
