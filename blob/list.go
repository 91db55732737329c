package blob

import (
	"context"
	"iter"
	"time"
)

// Entry describes one stored content, as a [Lister] reports it.
type Entry struct {
	// Key identifies the content in its store.
	Key string
	// Size is the content length in bytes.
	Size int64
	// ModTime is when the content was stored, in UTC: the file's
	// modification time in [Dir], the time of Config.Clock in [Memory].
	ModTime time.Time
}

// Lister is implemented by a [Store] that can enumerate its content, so
// that content no ticket references, left behind by a process that died
// between storing an upload and committing the message that names it,
// can be found and deleted (ticketkit's Desk.ReconcileBlobs does). It is
// optional: a Store without it cannot be reconciled. [Memory] and [Dir]
// implement it.
type Lister interface {
	// List yields every stored content once, in no particular order.
	// Content stored or deleted while List runs may or may not be
	// yielded; the caller may Delete yielded content during the
	// iteration. An error, a done ctx included, is yielded with a zero
	// Entry and ends the iteration.
	List(ctx context.Context) iter.Seq2[Entry, error]
}

// TempRemover is implemented by a [Store] that writes content to
// temporary files before it stores it, such as [Dir]: a process killed
// during Put leaves its temporary file behind, and no key names it.
type TempRemover interface {
	// RemoveTemp removes the temporary files last modified before
	// before, and returns how many it removed. A Put in progress keeps
	// writing to its file; choose before so that no Put pauses that
	// long between two writes (a Put whose file was removed fails, and
	// stores nothing).
	RemoveTemp(ctx context.Context, before time.Time) (int, error)
}

// Clock tells the time. The Clock of package ticketkit/clock satisfies
// it.
type Clock interface {
	Now() time.Time
}

// wallClock is the Clock used when Config.Clock is nil.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
