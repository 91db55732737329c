// Package blob stores the content of ticket attachments.
//
// A [Store] keeps opaque byte streams under keys it generates itself and
// reports each stream's size and SHA-256 digest in an [Info]. Ticket
// messages keep only that metadata; the bytes live in the store. The
// package imports only the standard library.
//
// # Implementations
//
// [Memory] keeps content in a map, for tests and demos. [Dir] keeps each
// stream in its own file below a directory, written to a temporary file
// and renamed into place so that a reader never sees partial content.

// # Reclaiming content
//
// Content is usually stored before the transaction that records its key
// commits, so a process that dies in between leaves content nothing
// references. [Lister] enumerates a store's content and [TempRemover]
// removes the temporary files of interrupted uploads. Both are optional
// interfaces: Dir implements both, Memory (which has no temporary files)
// implements Lister. A reconciler such as ticketkit's Desk.ReconcileBlobs
// uses them to delete what no message references.
//
// # Size limits
//
// Every Put accepts at most a limit of bytes, capped by the store's
// [Config.MaxSize]. Larger content is rejected with an error wrapping
// [ErrTooLarge] and nothing is kept, so a host can pass an untrusted
// request body straight to Put.
package blob

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
)

// DefaultMaxSize is the largest content a store accepts when
// [Config.MaxSize] is zero: 25 MiB.
const DefaultMaxSize int64 = 25 << 20

// keyLen is the length of a key: 16 random bytes in lower-case hex.
const keyLen = 32

// chunkSize is how much Put reads between two context checks.
const chunkSize = 32 << 10

// ErrTooLarge is returned (wrapped) by Put when the content exceeds the
// limit.
var ErrTooLarge = errors.New("blob: content too large")

// ErrNotFound is returned (wrapped) when a key names no content, including
// keys that are not well formed.
var ErrNotFound = errors.New("blob: not found")

// Store keeps attachment content. Implementations are safe for concurrent
// use.
type Store interface {
	// Put stores the content read from r under a new key and returns its
	// metadata. At most limit bytes are accepted; limit <= 0 means the
	// store's MaxSize, and a larger limit is capped to it. Longer content
	// yields an error wrapping ErrTooLarge and nothing is kept.
	Put(ctx context.Context, r io.Reader, limit int64) (Info, error)
	// Open returns a reader for the content stored under key, or an error
	// wrapping ErrNotFound. The caller closes the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the content stored under key. Deleting a key that
	// holds nothing succeeds; a malformed key yields an error wrapping
	// ErrNotFound.
	Delete(ctx context.Context, key string) error
}

// Info describes stored content.
type Info struct {
	// Key identifies the content in its store: 32 lower-case hex digits.
	Key string `json:"key"`
	// Size is the content length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex-encoded SHA-256 digest of the content.
	SHA256 string `json:"sha256"`
}

// Config configures a store. The zero value is ready to use.
type Config struct {
	// MaxSize is the largest content Put accepts, in bytes, whatever limit
	// the caller passes. Zero or less means DefaultMaxSize.
	MaxSize int64
	// Clock tells [Memory] when content is stored, the Entry.ModTime its
	// List reports; a clock.Clock of package ticketkit/clock fits. Nil
	// means the wall clock. [Dir] ignores it: its
	// files' modification times come from the file system.
	Clock Clock
}

// WithDefaults returns a copy of c with its zero fields set to their
// documented defaults: MaxSize (also when negative) and Clock. No value
// of a Config is invalid, so there is nothing else to check. [NewMemory]
// and [NewDir] call it.
func (c Config) WithDefaults() Config {
	if c.MaxSize <= 0 {
		c.MaxSize = DefaultMaxSize
	}
	c.Clock = cmp.Or[Clock](c.Clock, wallClock{})
	return c
}

// effectiveLimit returns the limit a Put applies: limit capped to max, or
// max when limit <= 0.
func effectiveLimit(limit, max int64) int64 {
	if limit <= 0 || limit > max {
		return max
	}
	return limit
}

// newKey returns a fresh random key.
func newKey() string {
	var b [keyLen / 2]byte
	rand.Read(b[:]) // never returns an error (it crashes the program instead)
	return hex.EncodeToString(b[:])
}

// validKey reports whether key has the form newKey produces. Only such
// keys reach the storage, which rules out path traversal in [Dir].
func validKey(key string) bool {
	if len(key) != keyLen {
		return false
	}
	for i := range len(key) {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// notFound returns an error wrapping ErrNotFound that names key.
func notFound(key string) error {
	return fmt.Errorf("%w: key %q", ErrNotFound, key)
}

// copyLimited copies r to w in chunks, checking ctx between chunks, and
// returns the number of bytes copied and their hex SHA-256 digest. It
// reads at most limit+1 bytes and fails with ErrTooLarge when r holds
// more than limit.
func copyLimited(ctx context.Context, w io.Writer, r io.Reader, limit int64) (int64, string, error) {
	h := sha256.New()
	lr := r
	if limit < math.MaxInt64 {
		lr = io.LimitReader(r, limit+1)
	}
	dst := io.MultiWriter(w, h)
	buf := make([]byte, chunkSize)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, "", err
		}
		m, rerr := lr.Read(buf)
		if m > 0 {
			n += int64(m)
			if n > limit {
				return n, "", fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
			}
			if _, err := dst.Write(buf[:m]); err != nil {
				return n, "", fmt.Errorf("blob: write content: %w", err)
			}
		}
		if rerr == io.EOF {
			return n, hex.EncodeToString(h.Sum(nil)), nil
		}
		if rerr != nil {
			return n, "", fmt.Errorf("blob: read content: %w", rerr)
		}
	}
}
