package storage

import "errors"

// Sentinel errors every adapter wraps, so that callers can test for them
// with errors.Is whatever database is underneath.
var (
	// ErrNotFound means the requested row does not exist in the tenant.
	ErrNotFound = errors.New("storage: not found")
	// ErrConflict means a concurrent change won: a stale version on
	// update, or a duplicate ID or number on create.
	ErrConflict = errors.New("storage: conflict")
	// ErrUnsupported means a store, or the Tx its RunInTx hands out, does
	// not implement an optional capability the caller needs (see
	// "Optional capabilities" in the package documentation). Errors for
	// one capability, such as ErrComplaintsUnsupported, wrap it.
	ErrUnsupported = errors.New("storage: optional capability not implemented")
)
