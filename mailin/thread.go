package mailin

import (
	"strings"

	"github.com/ticketkit/ticketkit/mailthread"
)

// ThreadMatch says how [Thread] found a message's ticket.
type ThreadMatch string

// Ways a message finds its ticket, in the order Thread tries them.
const (
	// ThreadByHeader: In-Reply-To or References holds the thread ID of
	// a ticket, as ticketkit's notifications set it. ThreadRef.TicketID
	// holds the ticket ID.
	ThreadByHeader ThreadMatch = "header"
	// ThreadBySubject: the subject holds a ticket number.
	// ThreadRef.Number holds it.
	ThreadBySubject ThreadMatch = "subject"
	// ThreadNew: nothing refers to a ticket; the message opens one.
	ThreadNew ThreadMatch = "new"
)

// ThreadRef is what [Thread] decided.
type ThreadRef struct {
	// Match says which rule matched.
	Match ThreadMatch
	// TicketID is the ticket ID, for ThreadByHeader.
	TicketID string
	// MessageID is the referenced message ID that matched, for
	// ThreadByHeader.
	MessageID string
	// Number is the ticket number, for ThreadBySubject.
	Number string
	// EventIDs are the event IDs of ticketkit notifications the message
	// refers to ("<{eventID}.{n}@{domain}>"), newest reference first.
	// Clients that drop References keep only these; a caller that can
	// look events up may resolve them to a ticket before trusting the
	// subject.
	EventIDs []string
}

// Thread decides which ticket in belongs to, in order:
//
//  1. a thread ID of domain (see notify/mailthread.ThreadID) in In-Reply-To,
//     then in References from the newest entry back;
//  2. a ticket number that find, typically a ticket.Numberer's Find,
//     finds in the subject;
//  3. otherwise a new ticket.
//
// An empty domain skips step 1 and a nil find skips step 2. Thread only
// reads the message: the caller must check that the ticket exists and
// belongs to the routed tenant and to the sender, because anyone can
// write a ticket number into a subject.
func Thread(in Inbound, domain string, find func(subject string) (number string, ok bool)) ThreadRef {
	var ref ThreadRef
	if domain != "" {
		ids := make([]string, 0, len(in.InReplyTo)+len(in.References))
		ids = append(ids, in.InReplyTo...)
		for i := len(in.References) - 1; i >= 0; i-- {
			ids = append(ids, in.References[i])
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if ticketID, ok := mailthread.ParseMessageID(id, domain); ok && ref.TicketID == "" {
				ref.Match, ref.TicketID, ref.MessageID = ThreadByHeader, ticketID, id
			}
			if eventID, ok := parseEventMessageID(id, domain); ok && !seen[eventID] {
				seen[eventID] = true
				ref.EventIDs = append(ref.EventIDs, eventID)
			}
		}
		if ref.Match == ThreadByHeader {
			return ref
		}
	}
	if find != nil {
		if number, ok := find(in.Subject); ok {
			ref.Match, ref.Number = ThreadBySubject, number
			return ref
		}
	}
	ref.Match = ThreadNew
	return ref
}

// parseEventMessageID returns the event ID of a notification
// Message-ID "{eventID}.{n}@{domain}" that notify/email made.
func parseEventMessageID(id, domain string) (string, bool) {
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	at := strings.LastIndexByte(id, '@')
	if at < 0 || !strings.EqualFold(id[at+1:], domain) {
		return "", false
	}
	local := id[:at]
	dot := strings.LastIndexByte(local, '.')
	if dot <= 0 || dot == len(local)-1 || strings.HasPrefix(strings.ToLower(local), "ticket-") {
		return "", false
	}
	for _, c := range local[dot+1:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return local[:dot], true
}
