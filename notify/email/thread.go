package email

import "fmt"

// messageID returns the Message-ID of the n-th mail sent for an event,
// without angle brackets. Every mail refers to its ticket's thread root,
// [mailthread.ThreadID].
func messageID(eventID string, n int, domain string) string {
	return fmt.Sprintf("%s.%d@%s", eventID, n, domain)
}

// validDomain reports whether s may be the domain of a Message-ID.
func validDomain(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}
