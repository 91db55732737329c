package ticketkit_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// timingHook is a Bun query hook that adds up the time of the queries a
// benchmark runs, by their first 60 characters, for
// BenchmarkEscalationSweep's -sweep.statements breakdown.
type timingHook struct {
	mu sync.Mutex
	d  map[string]time.Duration
	n  map[string]int
}

func newTimingHook() *timingHook {
	return &timingHook{d: map[string]time.Duration{}, n: map[string]int{}}
}

func (h *timingHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context { return ctx }
func (h *timingHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := e.Query
	if len(q) > 60 {
		q = q[:60]
	}
	q = strings.ReplaceAll(q, "\n", " ")
	h.d[q] += time.Since(e.StartTime)
	h.n[q]++
}

// dump returns the statements, the most time first: total time, count
// and the statement's start.
func (h *timingHook) dump() string {
	var keys []string
	for k := range h.d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return h.d[keys[i]] > h.d[keys[j]] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%10s %6d %s\n", h.d[k].Round(time.Millisecond), h.n[k], k)
	}
	return b.String()
}
