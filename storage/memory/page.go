package memory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
)

// compareKeys orders two rows by their sort key, then by ID, ascending.
// The key lives in the one field of [storage.Cursor] that the sort uses
// (the others are zero on both sides).
func compareKeys(a, b storage.Cursor) int {
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Int, b.Int), strings.Compare(a.Str, b.Str), strings.Compare(a.ID, b.ID))
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
		if after != nil && dir*compareKeys(k, *after) <= 0 {
			continue
		}
		ks = append(ks, keyed{r, k})
	}
	slices.SortFunc(ks, func(a, b keyed) int { return dir * compareKeys(a.key, b.key) })
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
