package blob

import (
	"bytes"
	"context"
	"io"
	"iter"
	"sync"
	"time"
)

var (
	_ Store  = (*Memory)(nil)
	_ Lister = (*Memory)(nil)
)

// Memory is a [Store] that keeps content in memory. It is safe for
// concurrent use; use it in tests and demos.
type Memory struct {
	max   int64
	clock Clock

	mu    sync.RWMutex
	items map[string]memItem
}

// memItem is one stored content and the time it was stored.
type memItem struct {
	data []byte
	at   time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory(cfg Config) *Memory {
	cfg = cfg.WithDefaults()
	return &Memory{max: cfg.MaxSize, clock: cfg.Clock, items: make(map[string]memItem)}
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
	m.items[key] = memItem{data: buf.Bytes(), at: m.clock.Now().UTC()}
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
	it, ok := m.items[key]
	m.mu.RUnlock()
	if !ok {
		return nil, notFound(key)
	}
	return io.NopCloser(bytes.NewReader(it.data)), nil
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

// List implements [Lister]. It yields the content held when it starts;
// ModTime is the time of Config.Clock when the content was stored.
func (m *Memory) List(ctx context.Context) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		m.mu.RLock()
		entries := make([]Entry, 0, len(m.items))
		for key, it := range m.items {
			entries = append(entries, Entry{Key: key, Size: int64(len(it.data)), ModTime: it.at})
		}
		m.mu.RUnlock()
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Len reports how many blobs the store holds, so that tests can check
// that nothing was left behind.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.items)
}
