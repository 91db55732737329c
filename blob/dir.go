package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"time"
)

var (
	_ Store       = (*Dir)(nil)
	_ Lister      = (*Dir)(nil)
	_ TempRemover = (*Dir)(nil)
)

// tempPattern names the temporary files Put writes in the root directory.
const tempPattern = ".put-*.tmp"

// Dir is a [Store] that keeps each content in its own file below a
// directory. A file's path is <dir>/<first two key digits>/<key>. Put
// writes to a temporary file in the directory, syncs it and renames it
// into place, so a file either holds complete content or does not exist.
// Directories are created with mode 0700 and files with mode 0600.
//
// Dir is safe for concurrent use, also by several processes sharing the
// directory.
type Dir struct {
	root string
	max  int64
}

// NewDir returns a store that keeps content below dir, creating dir if it
// does not exist.
func NewDir(dir string, cfg Config) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("blob: empty directory name")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create directory: %w", err)
	}
	return &Dir{root: dir, max: cfg.WithDefaults().MaxSize}, nil
}

// path returns the file path for a valid key.
func (d *Dir) path(key string) string {
	return filepath.Join(d.root, key[:2], key)
}

// Put implements [Store]. A cancelled ctx stops the copy between chunks;
// nothing is kept then.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (info Info, err error) {
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	f, err := os.CreateTemp(d.root, tempPattern)
	if err != nil {
		return Info{}, fmt.Errorf("blob: create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // may already be closed; the error is moot
			_ = os.Remove(tmp)
		}
	}()

	n, sum, err := copyLimited(ctx, f, r, effectiveLimit(limit, d.max))
	if err != nil {
		return Info{}, err
	}
	if err := f.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: close: %w", err)
	}
	key := newKey()
	dst := d.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return Info{}, fmt.Errorf("blob: create directory: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Info{}, fmt.Errorf("blob: rename: %w", err)
	}
	return Info{Key: key, Size: n, SHA256: sum}, nil
}

// Open implements [Store]. The returned reader is an *os.File.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validKey(key) {
		return nil, notFound(key)
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	return f, nil
}

// Delete implements [Store]. Empty shard directories are left in place.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validKey(key) {
		return notFound(key)
	}
	err := os.Remove(d.path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return nil
}

// List implements [Lister]: it reads one shard directory at a time and
// yields the files named by a key, with their modification times. Other
// files, temporary ones included, are not content and are left out.
func (d *Dir) List(ctx context.Context) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		shards, err := os.ReadDir(d.root)
		if err != nil {
			yield(Entry{}, fmt.Errorf("blob: list: %w", err))
			return
		}
		for _, shard := range shards {
			if !shard.IsDir() || len(shard.Name()) != 2 {
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			files, err := os.ReadDir(filepath.Join(d.root, shard.Name()))
			if err != nil {
				yield(Entry{}, fmt.Errorf("blob: list: %w", err))
				return
			}
			for _, f := range files {
				key := f.Name()
				if !f.Type().IsRegular() || !validKey(key) || key[:2] != shard.Name() {
					continue
				}
				fi, err := f.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue // deleted meanwhile
				}
				if err != nil {
					yield(Entry{}, fmt.Errorf("blob: list: %w", err))
					return
				}
				if !yield(Entry{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}, nil) {
					return
				}
			}
		}
	}
}

// RemoveTemp implements [TempRemover]: it removes the temporary files of
// Put in the root directory last modified before before.
func (d *Dir) RemoveTemp(ctx context.Context, before time.Time) (int, error) {
	entries, err := os.ReadDir(d.root)
	if err != nil {
		return 0, fmt.Errorf("blob: remove temporary files: %w", err)
	}
	n := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if ok, _ := filepath.Match(tempPattern, e.Name()); !ok || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // its Put finished meanwhile
		}
		if err != nil {
			return n, fmt.Errorf("blob: remove temporary files: %w", err)
		}
		if !fi.ModTime().Before(before) {
			continue
		}
		err = os.Remove(filepath.Join(d.root, e.Name()))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, fs.ErrNotExist):
			return n, fmt.Errorf("blob: remove temporary files: %w", err)
		}
	}
	return n, nil
}
