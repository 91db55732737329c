package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/blob"
)

// newStoreFunc returns a fresh, empty store configured with cfg.
type newStoreFunc func(t *testing.T, cfg blob.Config) blob.Store

// runStoreTests runs the behaviour every Store must have against stores
// made by newStore.
func runStoreTests(t *testing.T, newStore newStoreFunc) {
	t.Helper()
	ctx := t.Context()

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			content []byte
		}{
			{"Empty", []byte{}},
			{"Text", []byte("hello, attachment")},
			{"SeveralChunks", bytes.Repeat([]byte("0123456789abcdef"), 10_000)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				info, err := s.Put(ctx, bytes.NewReader(tt.content), 0)
				require.NoError(t, err)
				require.Len(t, info.Key, 32)
				require.Regexp(t, `^[0-9a-f]{32}$`, info.Key)
				require.Equal(t, int64(len(tt.content)), info.Size)
				sum := sha256.Sum256(tt.content)
				require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)

				require.Equal(t, tt.content, readAll(t, s, info.Key))
			})
		}
	})

	t.Run("KeysAreUnique", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		a, err := s.Put(ctx, strings.NewReader("same"), 0)
		require.NoError(t, err)
		b, err := s.Put(ctx, strings.NewReader("same"), 0)
		require.NoError(t, err)
		require.NotEqual(t, a.Key, b.Key)
		require.Equal(t, a.SHA256, b.SHA256)
	})

	t.Run("Limits", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			maxSize int64
			size    int
			limit   int64
			tooBig  bool
		}{
			{"ExactLimitAccepted", 0, 100, 100, false},
			{"UnderLimitAccepted", 0, 99, 100, false},
			{"OneOverLimitRejected", 0, 101, 100, true},
			{"FarOverLimitRejected", 0, 100_000, 100, true},
			{"ZeroLimitMeansMaxSize", 10, 10, 0, false},
			{"ZeroLimitOverMaxSizeRejected", 10, 11, 0, true},
			{"NegativeLimitMeansMaxSize", 10, 11, -1, true},
			{"LimitCappedToMaxSize", 10, 11, 1000, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{MaxSize: tt.maxSize})
				content := bytes.Repeat([]byte{'x'}, tt.size)
				info, err := s.Put(ctx, bytes.NewReader(content), tt.limit)
				if tt.tooBig {
					require.ErrorIs(t, err, blob.ErrTooLarge)
					require.Zero(t, info)
					return
				}
				require.NoError(t, err)
				require.Equal(t, int64(tt.size), info.Size)
				require.Equal(t, content, readAll(t, s, info.Key))
			})
		}
	})

	t.Run("DefaultMaxSizeIs25MiB", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		_, err := s.Put(ctx, io.LimitReader(zeros{}, blob.DefaultMaxSize+1), 0)
		require.ErrorIs(t, err, blob.ErrTooLarge)
		require.Equal(t, int64(25<<20), blob.DefaultMaxSize)
	})

	t.Run("ReadErrorIsReturned", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		boom := errors.New("boom")
		_, err := s.Put(ctx, io.MultiReader(strings.NewReader("part"), errReader{boom}), 0)
		require.ErrorIs(t, err, boom)
	})

	t.Run("CancelledContextStopsPut", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		ctx, cancel := context.WithCancel(ctx)
		r := &cancelAfterReader{r: io.LimitReader(zeros{}, 1<<20), cancel: cancel}
		_, err := s.Put(ctx, r, 0)
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("OpenUnknownKeyReturnsErrNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		_, err := s.Open(ctx, strings.Repeat("ab", 16))
		require.ErrorIs(t, err, blob.ErrNotFound)
	})

	t.Run("MalformedKeysReturnErrNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		for _, key := range malformedKeys {
			_, err := s.Open(ctx, key)
			require.ErrorIs(t, err, blob.ErrNotFound, "Open(%q)", key)
			require.ErrorIs(t, s.Delete(ctx, key), blob.ErrNotFound, "Delete(%q)", key)
		}
	})

	t.Run("DeleteIsIdempotent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		keep, err := s.Put(ctx, strings.NewReader("keep"), 0)
		require.NoError(t, err)
		gone, err := s.Put(ctx, strings.NewReader("gone"), 0)
		require.NoError(t, err)

		require.NoError(t, s.Delete(ctx, gone.Key))
		require.NoError(t, s.Delete(ctx, gone.Key))
		require.NoError(t, s.Delete(ctx, strings.Repeat("0", 32)))

		_, err = s.Open(ctx, gone.Key)
		require.ErrorIs(t, err, blob.ErrNotFound)
		require.Equal(t, []byte("keep"), readAll(t, s, keep.Key))
	})

	t.Run("ConcurrentPuts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, blob.Config{})
		const n = 32
		infos := make([]blob.Info, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				infos[i], errs[i] = s.Put(ctx, strings.NewReader(fmt.Sprint("content ", i)), 0)
			})
		}
		wg.Wait()
		keys := make(map[string]bool)
		for i := range n {
			require.NoError(t, errs[i])
			keys[infos[i].Key] = true
			require.Equal(t, fmt.Sprint("content ", i), string(readAll(t, s, infos[i].Key)))
		}
		require.Len(t, keys, n)

		for i := range n {
			wg.Go(func() {
				errs[i] = s.Delete(ctx, infos[i].Key)
			})
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i])
		}
	})
}

// malformedKeys must never reach the storage.
var malformedKeys = []string{
	"",
	"..",
	"../x",
	"../../../../etc/passwd",
	"/etc/passwd",
	"ab/../../../../../../../../etc/xx", // 32 characters
	"../" + strings.Repeat("a", 29),     // 32 characters
	strings.Repeat("A", 32),             // upper case
	strings.Repeat("a", 31),
	strings.Repeat("a", 33),
	strings.Repeat("g", 32),
	strings.Repeat("a", 31) + "\x00",
}

// readAll opens key in s and returns its whole content.
func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, err := s.Open(t.Context(), key)
	require.NoError(t, err)
	defer func() { require.NoError(t, rc.Close()) }()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	return data
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// cancelAfterReader calls cancel after its first read.
type cancelAfterReader struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c *cancelAfterReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.cancel()
	return n, err
}
