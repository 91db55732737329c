package blob_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/clock"
)

// listers are the stores that implement blob.Lister.
func listers() map[string]newStoreFunc {
	return map[string]newStoreFunc{
		"Memory": func(_ *testing.T, cfg blob.Config) blob.Store { return blob.NewMemory(cfg) },
		"Dir": func(t *testing.T, cfg blob.Config) blob.Store {
			s, err := blob.NewDir(t.TempDir(), cfg)
			require.NoError(t, err)
			return s
		},
	}
}

// listAll returns the entries s lists, by key.
func listAll(t *testing.T, s blob.Store) map[string]blob.Entry {
	t.Helper()
	l, ok := s.(blob.Lister)
	require.True(t, ok, "%T does not implement blob.Lister", s)
	out := map[string]blob.Entry{}
	for e, err := range l.List(t.Context()) {
		require.NoError(t, err)
		require.NotContains(t, out, e.Key, "listed twice")
		out[e.Key] = e
	}
	return out
}

func TestList(t *testing.T) {
	t.Parallel()
	for name, newStore := range listers() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			t.Run("YieldsEveryStoredContentWithItsSize", func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				require.Empty(t, listAll(t, s))
				want := map[string]int64{}
				for _, content := range []string{"", "a", "some longer content"} {
					info, err := s.Put(ctx, strings.NewReader(content), 0)
					require.NoError(t, err)
					want[info.Key] = info.Size
				}
				got := listAll(t, s)
				require.Len(t, got, len(want))
				for key, size := range want {
					require.Equal(t, size, got[key].Size)
					require.Equal(t, key, got[key].Key)
					require.Equal(t, time.UTC, got[key].ModTime.Location())
					require.WithinDuration(t, time.Now(), got[key].ModTime, time.Minute)
				}
			})
			t.Run("DeletedContentIsNotListed", func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				keep, err := s.Put(ctx, strings.NewReader("keep"), 0)
				require.NoError(t, err)
				gone, err := s.Put(ctx, strings.NewReader("gone"), 0)
				require.NoError(t, err)
				require.NoError(t, s.Delete(ctx, gone.Key))
				require.Equal(t, []string{keep.Key}, slices.Collect(maps.Keys(listAll(t, s))))
			})
			t.Run("DeleteDuringTheIteration", func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				for range 20 {
					_, err := s.Put(ctx, strings.NewReader("x"), 0)
					require.NoError(t, err)
				}
				seen := 0
				for e, err := range s.(blob.Lister).List(ctx) {
					require.NoError(t, err)
					require.NoError(t, s.Delete(ctx, e.Key))
					seen++
				}
				require.Equal(t, 20, seen)
				require.Empty(t, listAll(t, s))
			})
			t.Run("StopsWhenTheLoopBreaks", func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				for range 3 {
					_, err := s.Put(ctx, strings.NewReader("x"), 0)
					require.NoError(t, err)
				}
				n := 0
				for range s.(blob.Lister).List(ctx) {
					n++
					break
				}
				require.Equal(t, 1, n)
			})
			t.Run("DoneContextEndsTheIterationWithItsError", func(t *testing.T) {
				t.Parallel()
				s := newStore(t, blob.Config{})
				_, err := s.Put(ctx, strings.NewReader("x"), 0)
				require.NoError(t, err)
				done, cancel := context.WithCancel(ctx)
				cancel()
				var errs []error
				for e, err := range s.(blob.Lister).List(done) {
					require.Zero(t, e)
					errs = append(errs, err)
				}
				require.Len(t, errs, 1)
				require.ErrorIs(t, errs[0], context.Canceled)
			})
		})
	}
}

func TestMemoryListReportsTheClocksTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	s := blob.NewMemory(blob.Config{Clock: clock.NewFake(at)})
	info, err := s.Put(t.Context(), strings.NewReader("x"), 0)
	require.NoError(t, err)
	e := listAll(t, s)[info.Key]
	require.Equal(t, at.UTC(), e.ModTime)
	require.Equal(t, time.UTC, e.ModTime.Location())
}

func TestDirListSkipsFilesThatAreNotContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blob.NewDir(dir, blob.Config{})
	require.NoError(t, err)
	info, err := s.Put(t.Context(), strings.NewReader("x"), 0)
	require.NoError(t, err)
	other := strings.Repeat("b", 32)
	for _, name := range []string{
		".put-123.tmp",                               // an interrupted Put
		"README",                                     // a host's file in the root
		filepath.Join(info.Key[:2], "notes.txt"),     // not a key
		filepath.Join(info.Key[:2], other),           // a key in the wrong shard
		filepath.Join("zz", strings.Repeat("z", 32)), // not hex
	} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("?"), 0o600))
	}
	require.Equal(t, []string{info.Key}, slices.Collect(maps.Keys(listAll(t, s))))
}

func TestDirRemoveTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blob.NewDir(dir, blob.Config{})
	require.NoError(t, err)
	info, err := s.Put(t.Context(), strings.NewReader("content"), 0)
	require.NoError(t, err)
	now := time.Now()
	write := func(name string, age time.Duration) {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte("partial"), 0o600))
		require.NoError(t, os.Chtimes(path, now.Add(-age), now.Add(-age)))
	}
	write(".put-1.tmp", 2*time.Hour)      // stale: removed
	write(".put-2.tmp", time.Minute)      // a Put in progress: kept
	write("host.tmp", 2*time.Hour)        // not ours: kept
	write(".put-3.tmp.keep", 2*time.Hour) // not ours: kept

	n, err := s.RemoveTemp(t.Context(), now.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.ElementsMatch(t, []string{".put-2.tmp", "host.tmp", ".put-3.tmp.keep", filepath.Join(info.Key[:2], info.Key)}, files(t, dir))

	n, err = s.RemoveTemp(t.Context(), now.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, n, "the other temporary file, once old enough")
	require.Equal(t, []byte("content"), readAll(t, s, info.Key), "content is never a temporary file")
}
