// Package mailthread holds the identifiers that tie a mail to its ticket:
// the thread root Message-ID ticketkit's outgoing mail refers to
// (notify/email writes it) and the header naming the ticket, which
// inbound mail (mailin) reads back. It imports only the standard
// library, so that a host that only receives mail compiles no SMTP
// client, and one that only sends mail compiles no MIME parser.
//
// Every mail about a ticket refers to the root "<ticket-{ticket ID}@{domain}>"
// ([ThreadID]) in its In-Reply-To and References headers, so that mail
// clients show all mails of a ticket as one conversation. Replies keep
// that root in their References header: [ParseMessageID] and
// [FindTicketID] turn it back into the ticket ID.
package mailthread

import "strings"

// HeaderTicket is the header ticketkit's outgoing mail carries the ticket
// number in, such as "X-Ticketkit-Ticket: TK-2026-000042".
const HeaderTicket = "X-Ticketkit-Ticket"

// prefix starts the local part of a ticket's thread root ID.
const prefix = "ticket-"

// ThreadID returns the Message-ID every mail about a ticket refers to in
// its In-Reply-To and References headers, "<ticket-{ticketID}@{domain}>",
// so that mail clients thread all mails of a ticket under one root.
func ThreadID(ticketID, domain string) string {
	return "<" + prefix + ticketID + "@" + domain + ">"
}

// ParseMessageID returns the ticket ID of a thread root ID made by
// [ThreadID] for domain, with or without angle brackets. The domain
// compares case-insensitively. Replies keep the root in their References
// header, so inbound mail finds its ticket by trying each ID of
// References and In-Reply-To (see [FindTicketID]).
func ParseMessageID(id, domain string) (ticketID string, ok bool) {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	at := strings.LastIndexByte(id, '@')
	if at < 0 || !strings.EqualFold(id[at+1:], domain) || domain == "" {
		return "", false
	}
	local := id[:at]
	if len(local) < len(prefix) || !strings.EqualFold(local[:len(prefix)], prefix) {
		return "", false
	}
	ticketID = local[len(prefix):]
	if !ValidLocalPart(ticketID) {
		return "", false
	}
	return ticketID, true
}

// FindTicketID returns the ticket ID of the first thread root ID of
// domain in the value of a References or In-Reply-To header, which
// lists message IDs separated by white space.
func FindTicketID(header, domain string) (ticketID string, ok bool) {
	for _, id := range strings.FieldsFunc(header, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == ','
	}) {
		// "<a@b><c@d>" without spaces is common enough to split too.
		for _, part := range strings.SplitAfter(id, ">") {
			if ticketID, ok := ParseMessageID(part, domain); ok {
				return ticketID, true
			}
		}
	}
	return "", false
}

// ValidLocalPart reports whether s may appear in the local part of a
// Message-ID: RFC 5322 dot-atom text, which excludes spaces, angle
// brackets, "@" and control characters. A ticket ID must be one for
// [ThreadID] to make a Message-ID that [ParseMessageID] reads back.
func ValidLocalPart(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0:
		default:
			return false
		}
	}
	return true
}
