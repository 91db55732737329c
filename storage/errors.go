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
)
