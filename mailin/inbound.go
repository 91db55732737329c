package mailin

import (
	"bytes"
	"io"
	"net/mail"
	"time"
)

// Inbound is one parsed inbound message. Every string is valid UTF-8
// without NUL bytes; addresses have their ASCII letters lower-cased for
// matching (see SameAddress).
type Inbound struct {
	// MessageID is the Message-ID without angle brackets, such as
	// "abc@mail.example"; empty when the message has none. Use it (or
	// Digest) to ingest each message once.
	MessageID string
	// InReplyTo and References list message IDs without angle brackets,
	// in header order (oldest first in References).
	InReplyTo  []string
	References []string
	// Date is the Date header; zero when missing or unreadable.
	Date time.Time
	// From is the author. Its Address is empty only for automated mail
	// (see Class) that had no readable sender.
	From Address
	// ReplyTo lists the Reply-To addresses; answers go there when set.
	ReplyTo []Address
	// To and Cc are the visible recipients.
	To []Address
	Cc []Address
	// DeliveredTo and OriginalTo are the envelope recipients that mail
	// servers record in Delivered-To and X-Original-To, lower-cased.
	DeliveredTo []string
	OriginalTo  []string
	// ReturnPath is the envelope sender from Return-Path, lower-cased,
	// without angle brackets. NullReturnPath is true for "<>", the empty
	// sender of bounces and of most automatic replies.
	ReturnPath     string
	NullReturnPath bool
	// Subject is the decoded subject.
	Subject string
	// Text is the body as plain text: the text/plain part, or the HTML
	// part converted to text when there is no text/plain part.
	Text string
	// HTML is the text/html part, if any, decoded to UTF-8. It is
	// untrusted markup: sanitize it before showing it in a browser.
	HTML string
	// Parts are the attachments and inline images in message order.
	Parts []Part
	// Class says whether the message was written by a person.
	Class Classification
	// Header holds every header field as received (not decoded), for
	// hosts that route or filter by fields of their own.
	Header mail.Header
	// Size is the raw message's size in bytes.
	Size int64
	// Digest is the hex SHA-256 of the raw message: a dedupe key for
	// mail without a Message-ID.
	Digest string
	// Warnings describe damage parsing worked around, such as a
	// malformed address list or a charset that could not be converted.
	Warnings []string
}

// Recipients returns the lower-cased addresses of To, Cc, Delivered-To
// and X-Original-To, in that order, without repeats. [Routes.Match]
// picks the first one it knows.
func (in Inbound) Recipients() []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range in.To {
		add(a.Address)
	}
	for _, a := range in.Cc {
		add(a.Address)
	}
	for _, a := range in.DeliveredTo {
		add(a)
	}
	for _, a := range in.OriginalTo {
		add(a)
	}
	return out
}

// Address is a mailbox: a display name and an address.
type Address struct {
	// Name is the decoded display name; may be empty.
	Name string
	// Address is the address with its ASCII letters in lower case, such
	// as "anna@example.com"; other letters keep their case (see
	// SameAddress).
	Address string
}

// String formats the address for a header, such as
// `"Anna Berg" <anna@example.com>`.
func (a Address) String() string {
	return (&mail.Address{Name: a.Name, Address: a.Address}).String()
}

// Part is an attachment or an inline image of a message, decoded.
type Part struct {
	// Name is a file name safe to store: no directories, no control
	// characters, at most 255 bytes. Parts without a name get one such
	// as "attachment-2.pdf".
	Name string
	// ContentType is the media type in lower case without parameters,
	// such as "image/png".
	ContentType string
	// Inline is true for parts shown inside the body, such as images
	// an HTML body refers to; false for attachments.
	Inline bool
	// ContentID is the Content-ID without angle brackets, which the HTML
	// body refers to as "cid:{ContentID}"; may be empty.
	ContentID string
	// Size is len(Content).
	Size int64
	// Content is the decoded content.
	Content []byte
}

// Open returns a reader of the part's content, for
// ticketkit.AttachmentInput.
func (p Part) Open() io.Reader { return bytes.NewReader(p.Content) }
