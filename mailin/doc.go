// Package mailin turns raw inbound email into validated values that a
// help desk can act on: it parses, classifies, threads and routes, and
// does no I/O of its own.
//
// # Flow
//
// A host (or the Desk) receives a message, for example from an SMTP or
// LMTP server or an IMAP mailbox, and hands the raw RFC 5322 bytes to a
// [Parser]:
//
//  1. [Parser.Parse] reads at most Config.MaxMessageSize bytes and parses
//     the MIME tree with github.com/jhillyerd/enmime/v2: headers are
//     decoded (RFC 2047, non-UTF-8 charsets), the text body is the
//     text/plain part or, for HTML-only mail, the HTML converted to text,
//     and attachments and inline images become [Part] values, bounded by
//     Config.MaxAttachments and Config.MaxAttachmentSize. Every string of
//     an [Inbound] is valid UTF-8 without NUL bytes, so it can be stored
//     as is.
//  2. Parse classifies the message ([Classification]): normal mail from
//     a person, an automatic reply (vacation notices, Auto-Submitted,
//     Precedence: bulk newsletters, mailing list mail with List-Id,
//     List-Unsubscribe or Precedence: list), a bounce (delivery status
//     notifications) or ticketkit's own mail coming back. Only normal
//     mail may ever be answered automatically; the others are recorded
//     or dropped, which breaks mail loops. A desk address that is itself
//     a mailing list (a group alias that adds List-Id to every post) must
//     reach the desk before the list does, or every mail counts as list
//     mail.
//  3. [Routes.Match] picks the tenant and department from the first
//     recipient address (To, Cc, Delivered-To, X-Original-To) that names
//     a configured mailbox.
//  4. [Thread] decides which ticket the message belongs to, in order: a
//     thread ID of ticketkit's outgoing mail in In-Reply-To or References
//     (see [mailthread.ThreadID]), a ticket number in the subject found by
//     the desk's ticket.Numberer, or else a new ticket.
//
// The caller then checks what Thread found against its store (the ticket
// exists, belongs to the routed tenant and to the sender) before it adds
// the message to a ticket or opens a new one.
//
// # Errors
//
// Parse returns a zero [Inbound] with every error. Limits are reported as
// a *[LimitError] naming the Config field that was exceeded; it wraps
// [ErrTooLarge]. Mail that cannot be parsed at all wraps [ErrMalformed];
// normal mail without a usable sender wraps [ErrNoSender]. Damage that
// parsing can work around, such as a malformed address list or a broken
// base64 line, is reported in Inbound.Warnings instead.
package mailin
