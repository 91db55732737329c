package ticket

// SortKeys are a ticket's positions in its catalog's orders, stored with
// the ticket so that a store can sort by them with an index: the
// priority's rank from lowest (0) to highest, the status's and the
// category's position in the catalog's lists, and -1 for a code the
// catalog does not hold (such as an empty category). The Desk sets them
// on every write from the catalogs a search knows (see ticketkit's
// Desk.Search), and rewrites them when a catalog's order changes (see
// ticketkit's Desk.RerankTickets); stores keep them and never compute
// them.
type SortKeys struct {
	Priority int
	Status   int
	Category int
}

// NoDue is the SLA due sort key of a ticket with no running SLA target:
// the largest key, so that such tickets come after every due one in the
// "most urgent first" order.
const NoDue = int64(1<<63 - 1)

// DueKey returns the SLA due sort key of s: the earliest running
// target's due time (see [SLAState.NextDue]) in Unix microseconds, or
// [NoDue] when no target is running. Stores keep it with the ticket
// (storage's SortSLADue).
func (s SLAState) DueKey() int64 {
	due := s.NextDue()
	if due.IsZero() {
		return NoDue
	}
	return due.UnixMicro()
}
