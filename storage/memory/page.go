package memory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
)

// compareKeys orders two rows by their sort key, then by ID, ascending.
// The key lives in the field of [storage.Cursor] that sort uses.
func compareKeys(sort storage.SortField, a, b storage.Cursor) int {
	var c int
	switch sort {
	case storage.SortCreatedAt, storage.SortUpdatedAt:
		c = a.Time.Compare(b.Time)
	case storage.SortPriority:
		c = cmp.Compare(a.Int, b.Int)
	default:
		c = strings.Compare(a.Str, b.Str)
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// page sorts rows by their keys (already made for sort and desc), drops
// those up to and including after, and cuts one page of limit rows. next
// is the cursor of the page's last row when more rows follow.
func page[T any](rows []T, keyOf func(T) storage.Cursor, sort storage.SortField, desc bool, after *storage.Cursor, limit int) (out []T, next string) {
	dir := 1
	if desc {
		dir = -1
	}
	type keyed struct {
		row T
		key storage.Cursor
	}
	ks := make([]keyed, 0, len(rows))
	for _, r := range rows {
		k := keyOf(r)
		if after != nil && dir*compareKeys(sort, k, *after) <= 0 {
			continue
		}
		ks = append(ks, keyed{r, k})
	}
	slices.SortFunc(ks, func(a, b keyed) int { return dir * compareKeys(sort, a.key, b.key) })
	if len(ks) > limit {
		next = ks[limit-1].key.Encode()
		ks = ks[:limit]
	}
	out = make([]T, len(ks))
	for i, k := range ks {
		out[i] = k.row
	}
	return out, next
}
