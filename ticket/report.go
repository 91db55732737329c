package ticket

// TicketsByReference counts tickets per ID of their references of one
// kind, such as the products or serial numbers with the most tickets: a
// ticket counts once per ID however often it names it, and tickets
// without such a reference are not counted. Rows come by count, highest
// first, then by ID. Feed it the tickets of a search, page by page
// appended, to report over any store.
func TicketsByReference(ts []*Ticket, kind RefKind) []CountRow {
	return countBy(ts, func(t *Ticket) []string {
		var keys []string
		for _, r := range t.References {
			if r.Kind == kind {
				keys = append(keys, r.ID)
			}
		}
		return keys
	})
}
