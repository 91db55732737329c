package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.Pruner = (*Store)(nil)

// OutboxPrune deletes up to p.Limit entries delivered before p.Before,
// those delivered first.
func (s *Store) OutboxPrune(ctx context.Context, p storage.PruneParams) (n int, err error) {
	err = s.write(ctx, func(x *tx) error {
		n, err = x.OutboxPrune(ctx, p)
		return err
	})
	return n, err
}

// InboundPrune deletes up to p.Limit inbound records made before
// p.Before, the oldest first.
func (s *Store) InboundPrune(ctx context.Context, p storage.PruneParams) (n int, err error) {
	err = s.write(ctx, func(x *tx) error {
		n, err = x.InboundPrune(ctx, p)
		return err
	})
	return n, err
}

// OutboxPrune deletes up to p.Limit entries delivered before p.Before,
// those delivered first.
func (x *tx) OutboxPrune(ctx context.Context, p storage.PruneParams) (int, error) {
	if err := x.live(ctx); err != nil {
		return 0, err
	}
	if err := storage.CheckPrune(p); err != nil {
		return 0, fmt.Errorf("memory: outbox: %w", err)
	}
	before := utc(p.Before)
	var old []*storage.OutboxEntry
	for _, e := range x.db.outbox {
		if !e.DeliveredAt.IsZero() && e.DeliveredAt.Before(before) {
			old = append(old, e)
		}
	}
	slices.SortFunc(old, func(a, b *storage.OutboxEntry) int {
		return cmp.Or(a.DeliveredAt.Compare(b.DeliveredAt), strings.Compare(a.ID, b.ID))
	})
	old = old[:min(len(old), storage.ClampPruneLimit(p.Limit))]
	if len(old) == 0 {
		return 0, nil
	}
	gone := make(map[string]struct{}, len(old))
	for _, e := range old {
		gone[e.ID] = struct{}{}
	}
	prevOutbox, prevIdx := x.db.outbox, x.db.outIdx
	kept := make([]*storage.OutboxEntry, 0, len(prevOutbox)-len(old))
	idx := make(map[string]int, len(prevOutbox)-len(old))
	for _, e := range prevOutbox {
		if _, ok := gone[e.ID]; !ok {
			idx[e.ID] = len(kept)
			kept = append(kept, e)
		}
	}
	x.db.outbox, x.db.outIdx = kept, idx
	x.onUndo(func() { x.db.outbox, x.db.outIdx = prevOutbox, prevIdx })
	return len(old), nil
}

// InboundPrune deletes up to p.Limit inbound records made before
// p.Before, the oldest first.
func (x *tx) InboundPrune(ctx context.Context, p storage.PruneParams) (int, error) {
	if err := x.live(ctx); err != nil {
		return 0, err
	}
	if err := storage.CheckPrune(p); err != nil {
		return 0, fmt.Errorf("memory: inbound: %w", err)
	}
	before := utc(p.Before)
	var old []key
	for k, r := range x.db.inbound {
		if r.At.Before(before) {
			old = append(old, k)
		}
	}
	slices.SortFunc(old, func(a, b key) int {
		return cmp.Or(x.db.inbound[a].At.Compare(x.db.inbound[b].At), strings.Compare(a.tenant, b.tenant), strings.Compare(a.name, b.name))
	})
	old = old[:min(len(old), storage.ClampPruneLimit(p.Limit))]
	if len(old) == 0 {
		return 0, nil
	}
	prev := maps.Clone(x.db.inbound)
	for _, k := range old {
		delete(x.db.inbound, k)
	}
	x.onUndo(func() { x.db.inbound = prev })
	return len(old), nil
}
