package memory

import (
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var _ storage.FullTextStore = (*Store)(nil)

// TicketFullText marks the store as honouring TicketFilter.Query, which
// it matches by splitting texts into words with storage.QueryWords.
func (s *Store) TicketFullText() {}

// queryMatcher returns a function reporting whether a ticket passes
// f.Query: nil-safe, it passes every ticket when Query holds no word.
// The message bodies of the tenant are read once per call.
func (x *tx) queryMatcher(f *storage.TicketFilter) func(*ticket.Ticket) bool {
	if f.Query == "" {
		return func(*ticket.Ticket) bool { return true }
	}
	words := storage.QueryWords(f.Query)
	bodies := map[string][]string{}
	for _, m := range x.db.messages {
		if m.TenantID != f.TenantID || f.QueryPublic && m.Kind.Internal() {
			continue
		}
		bodies[m.TicketID] = append(bodies[m.TicketID], m.Body)
	}
	return func(t *ticket.Ticket) bool {
		if len(words) == 0 {
			return false // a query of no word (only punctuation) finds nothing
		}
		return storage.MatchWords(words, f.QueryPrefix, append([]string{t.Subject, t.Description}, bodies[t.ID]...)...)
	}
}

// TicketFullText marks the transaction as honouring TicketFilter.Query.
func (x *tx) TicketFullText() {}
