package mailin

import (
	"mime"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/ticketkit/ticketkit/mailthread"
)

// Class says who wrote a message: a person, or a machine that must never
// be answered automatically.
type Class string

// Classes of inbound mail.
const (
	// ClassNormal is mail written by a person: it may open a ticket,
	// reopen one and be acknowledged.
	ClassNormal Class = "normal"
	// ClassAutoReply is mail a machine sent in answer or in bulk:
	// vacation notices, out-of-office replies, read receipts, newsletters
	// and list mail. Record or drop it; never answer it, never let it
	// reopen a ticket.
	ClassAutoReply Class = "auto_reply"
	// ClassBounce is a delivery status notification: a mail, usually
	// ticketkit's own, could not be delivered. Record it for the agent;
	// never answer it.
	ClassBounce Class = "bounce"
	// ClassOwn is mail ticketkit sent itself that came back, such as a
	// notification to a mailbox that forwards to the desk. Drop it.
	ClassOwn Class = "own"
)

// Classes returns every class.
func Classes() []Class {
	return []Class{ClassNormal, ClassAutoReply, ClassBounce, ClassOwn}
}

// Classification is the class of a message and the evidence for it.
type Classification struct {
	// Class is the message's class.
	Class Class
	// Reason names the header or structure that decided the class, such
	// as "Auto-Submitted: auto-replied"; empty for ClassNormal.
	Reason string
}

// Automated reports whether a machine sent the message, so that it must
// not be answered: every class but ClassNormal.
func (c Classification) Automated() bool { return c.Class != ClassNormal }

// classify decides the class of a message, checking in order: own mail,
// bounces, automatic replies and bulk or list mail, then a null
// Return-Path.
func (p *Parser) classify(root *enmime.Part, in Inbound) Classification {
	h := root.Header
	autoSubmitted, hasAutoSubmitted := headerValue(h, "Auto-Submitted")
	// The keyword may be followed by parameters or a comment:
	// "auto-replied; owner-email=...", "auto-replied (vacation)".
	if i := strings.IndexAny(autoSubmitted, "; \t("); i >= 0 {
		autoSubmitted = autoSubmitted[:i]
	}
	machine := hasAutoSubmitted && autoSubmitted != "" && autoSubmitted != "no"

	// Own mail: from one of our addresses, or a ticketkit notification
	// (it carries both headers) that came back.
	if p.isOwn(in.From.Address) {
		return Classification{ClassOwn, "From: " + in.From.Address}
	}
	if p.isOwn(in.ReturnPath) {
		return Classification{ClassOwn, "Return-Path: " + in.ReturnPath}
	}
	if _, ok := headerValue(h, mailthread.HeaderTicket); ok && machine {
		return Classification{ClassOwn, mailthread.HeaderTicket + " with Auto-Submitted: " + autoSubmitted}
	}

	// Bounces: RFC 3464 reports, mailer daemons, Exim's header.
	mediaType, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	reportType := strings.ToLower(params["report-type"])
	if mediaType == "multipart/report" && reportType == "delivery-status" {
		return Classification{ClassBounce, "Content-Type: multipart/report; report-type=delivery-status"}
	}
	if local, _, ok := strings.Cut(in.From.Address, "@"); ok && (local == "mailer-daemon" || local == "postmaster") {
		return Classification{ClassBounce, "From: " + in.From.Address}
	}
	if _, ok := headerValue(h, "X-Failed-Recipients"); ok {
		return Classification{ClassBounce, "X-Failed-Recipients"}
	}

	// Automatic replies (RFC 3834 and the de facto headers).
	if machine {
		return Classification{ClassAutoReply, "Auto-Submitted: " + autoSubmitted}
	}
	for _, key := range []string{"X-Autoreply", "X-Autorespond"} {
		if v, ok := headerValue(h, key); ok && v != "no" && v != "false" {
			return Classification{ClassAutoReply, key}
		}
	}
	if v, ok := headerValue(h, "Precedence"); ok {
		switch v {
		case "bulk", "junk", "list", "auto_reply":
			return Classification{ClassAutoReply, "Precedence: " + v}
		}
	}
	// Mailing list mail (RFC 2919 List-Id, RFC 2369 List-Unsubscribe): a
	// list relays a post to every member, so an answer would go to the
	// list or to a sender who wrote to the list rather than to the desk.
	for _, key := range []string{"List-Id", "List-Unsubscribe"} {
		if v, ok := headerValue(h, key); ok && v != "" {
			return Classification{ClassAutoReply, key}
		}
	}
	if mediaType == "multipart/report" && reportType == "disposition-notification" {
		return Classification{ClassAutoReply, "Content-Type: multipart/report; report-type=disposition-notification"}
	}

	// Mail with the null sender is what mail servers send about mail:
	// RFC 5321 reserves it for notifications that must not be answered.
	if in.NullReturnPath {
		return Classification{ClassBounce, "Return-Path: <>"}
	}
	return Classification{Class: ClassNormal}
}
