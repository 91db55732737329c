package blob

import (
	"bytes"
	"context"
	"io"
	"sync"
)

var _ Store = (*Memory)(nil)

// Memory is a [Store] that keeps content in memory. It is safe for
// concurrent use; use it in tests and demos.
type Memory struct {
	max int64

	mu    sync.RWMutex
	items map[string][]byte
}

// NewMemory returns an empty in-memory store.
func NewMemory(cfg Config) *Memory {
	return &Memory{max: cfg.maxSize(), items: make(map[string][]byte)}
}

// Put implements [Store].
func (m *Memory) Put(ctx context.Context, r io.Reader, limit int64) (Info, error) {
	var buf bytes.Buffer
	n, sum, err := copyLimited(ctx, &buf, r, effectiveLimit(limit, m.max))
	if err != nil {
		return Info{}, err
	}
	key := newKey()
	m.mu.Lock()
	m.items[key] = buf.Bytes()
	m.mu.Unlock()
	return Info{Key: key, Size: n, SHA256: sum}, nil
}

// Open implements [Store]. The content is never modified once stored, so
// readers share it without copying.
func (m *Memory) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validKey(key) {
		return nil, notFound(key)
	}
	m.mu.RLock()
	data, ok := m.items[key]
	m.mu.RUnlock()
	if !ok {
		return nil, notFound(key)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// Delete implements [Store].
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validKey(key) {
		return notFound(key)
	}
	m.mu.Lock()
	delete(m.items, key)
	m.mu.Unlock()
	return nil
}

// Len reports how many blobs the store holds, so that tests can check
// that nothing was left behind.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.items)
}
