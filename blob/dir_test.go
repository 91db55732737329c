package blob_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ticketkit/ticketkit/blob"
)

func TestDir(t *testing.T) {
	t.Parallel()
	runStoreTests(t, func(t *testing.T, cfg blob.Config) blob.Store {
		s, err := blob.NewDir(t.TempDir(), cfg)
		require.NoError(t, err)
		return s
	})
}

func TestDirCreatesMissingDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := blob.NewDir(dir, blob.Config{})
	require.NoError(t, err)
	info, err := s.Put(t.Context(), strings.NewReader("x"), 0)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(info.Key[:2], info.Key)}, files(t, dir))
}

func TestNewDirRejectsBadDirectories(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	tests := []struct {
		name string
		dir  string
	}{
		{"Empty", ""},
		{"PathThroughAFile", filepath.Join(file, "sub")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := blob.NewDir(tt.dir, blob.Config{})
			require.Error(t, err)
			require.Nil(t, s)
		})
	}
}

func TestDirShardsFilesByKeyPrefix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blob.NewDir(dir, blob.Config{})
	require.NoError(t, err)
	info, err := s.Put(t.Context(), strings.NewReader("content"), 0)
	require.NoError(t, err)

	path := filepath.Join(dir, info.Key[:2], info.Key)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "content", string(data))
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, fs.FileMode(0o600), st.Mode().Perm())
	}
}

func TestDirFailedPutLeavesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		put     func(ctx context.Context, s *blob.Dir) error
		wantErr error
	}{
		{
			name: "TooLarge",
			put: func(ctx context.Context, s *blob.Dir) error {
				_, err := s.Put(ctx, bytes.NewReader(make([]byte, 200_000)), 100_000)
				return err
			},
			wantErr: blob.ErrTooLarge,
		},
		{
			name: "Cancelled",
			put: func(ctx context.Context, s *blob.Dir) error {
				ctx, cancel := context.WithCancel(ctx)
				r := &cancelAfterReader{r: io.LimitReader(zeros{}, 1<<20), cancel: cancel}
				_, err := s.Put(ctx, r, 0)
				return err
			},
			wantErr: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s, err := blob.NewDir(dir, blob.Config{})
			require.NoError(t, err)
			require.ErrorIs(t, tt.put(t.Context(), s), tt.wantErr)
			require.Empty(t, files(t, dir))
		})
	}
}

func TestDirMalformedKeysTouchNothingOutside(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	victim := filepath.Join(parent, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("secret"), 0o600))
	s, err := blob.NewDir(filepath.Join(parent, "blobs"), blob.Config{})
	require.NoError(t, err)

	for _, key := range []string{"../victim", "../../" + filepath.Base(parent) + "/victim", victim} {
		_, err := s.Open(t.Context(), key)
		require.ErrorIs(t, err, blob.ErrNotFound)
		require.ErrorIs(t, s.Delete(t.Context(), key), blob.ErrNotFound)
	}
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	require.Equal(t, "secret", string(data))
}

// files lists the regular files below dir, relative to dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		out = append(out, rel)
		return err
	})
	require.NoError(t, err)
	return out
}
