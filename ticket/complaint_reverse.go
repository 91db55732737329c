package ticket

import (
	"context"
	"strings"
	"time"
)

// History fields of a complaint's reversal (see [ComplaintDiff]).
const (
	// FieldReversal: the reversal's reason and reversing entry,
	// "credit issued twice [debit_note:DN-1]".
	FieldReversal = "complaint.reversal"
	// FieldReversedBy: who reversed and when, "u-1 (agent) at
	// 2006-01-02T15:04:05Z".
	FieldReversedBy = "complaint.reversal.by"
)

// ComplaintReversal is the reversal of a posted complaint: the reversing
// entry the host's [ReversalHandler] posted (such as a debit note that
// cancels the credit note), who asked for it, when and why. A posted
// complaint is never edited; its reversal is linked to it once, and the
// complaint then stays posted and immutable.
type ComplaintReversal struct {
	// By is the host user ID of who reversed the complaint, in Role, at
	// At.
	By   string    `json:"by" validate:"required,max=200"`
	Role Role      `json:"role,omitempty"`
	At   time.Time `json:"at"`
	// Reason says why the posting is reversed; it is required.
	Reason string `json:"reason" validate:"required,max=2000"`
	// Document is the reversing entry the handler posted, such as a
	// debit note; nil when there is no handler or it returned none.
	Document *RemedyDocument `json:"document,omitempty"`
	// IdempotencyKey is the key the handler was given.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// clone returns a deep copy of r.
func (r *ComplaintReversal) clone() *ComplaintReversal {
	if r == nil {
		return nil
	}
	out := *r
	if r.Document != nil {
		doc := *r.Document
		out.Document = &doc
	}
	return &out
}

// Reversed reports whether c is posted and reversed.
func (c *Complaint) Reversed() bool { return c.Details.Reversal != nil }

// ReversalRequest asks a [ReversalHandler] to reverse the posting of a
// complaint.
type ReversalRequest struct {
	// Complaint is the posted complaint, as posted. Do not modify.
	Complaint *Complaint
	// Original is the host document the posting issued
	// (Decision.Remedy.Document), the one to reverse; nil when the
	// posting kept none.
	Original *RemedyDocument
	// Reason says why the posting is reversed.
	Reason string
	// Actor is who asked for the reversal, at At.
	Actor Actor
	At    time.Time
	// IdempotencyKey is the same for every attempt to reverse the same
	// complaint, which is reversed at most once: a handler that calls an
	// external system passes it on, so that a retry after a rollback
	// finds the entry posted the first time.
	IdempotencyKey string
	// Tx is the store transaction the reversal runs in, as
	// RemedyRequest.Tx is for a posting. Use it only during the call.
	Tx any
}

// ReversalHandler posts the entry that reverses a posted complaint in
// the host's ERP, such as a debit note cancelling its credit note. The
// host implements it. The document it returns (RemedyResult.Document)
// must pass [RemedyDocument.Check] and is kept as
// ComplaintReversal.Document.
type ReversalHandler interface {
	// HandleReversal reverses req.Complaint's posting. See ticketkit's
	// Desk.ComplaintReverse for what a handler may assume: it runs
	// inside the reversal's transaction, at most once at a time per
	// complaint, and a retry passes the same IdempotencyKey.
	HandleReversal(ctx context.Context, req ReversalRequest) (RemedyResult, error)
}

// ReversalHandlerFunc adapts a function to a [ReversalHandler].
type ReversalHandlerFunc func(ctx context.Context, req ReversalRequest) (RemedyResult, error)

// HandleReversal calls f.
func (f ReversalHandlerFunc) HandleReversal(ctx context.Context, req ReversalRequest) (RemedyResult, error) {
	return f(ctx, req)
}

// reversalText renders a reversal's reason and entry, "" for none.
func reversalText(r *ComplaintReversal) string {
	if r == nil {
		return ""
	}
	parts := []string{r.Reason}
	if r.Document != nil {
		parts = append(parts, "["+refText(string(r.Document.Kind), r.Document.ID, r.Document.Label)+"]")
	}
	return strings.Join(parts, " ")
}

// reversedByText renders who reversed and when, "" for none.
func reversedByText(r *ComplaintReversal) string {
	if r == nil {
		return ""
	}
	return r.By + " (" + string(r.Role) + ") at " + dateText(r.At, time.RFC3339)
}
