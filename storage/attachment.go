package storage

import "context"

// AttachmentRefChecker is implemented by a [Tx] that can tell which blob
// keys stored attachments reference: those of messages
// ([ticket.Message].Attachments) and, in a store that keeps complaints,
// those of complaint documents ([ticket.ComplaintDetails].Attachments).
// A blob reconciler (ticketkit's Desk.ReconcileBlobs) asks it, one batch
// of keys at a time, before it deletes content nothing references. It is
// optional; both the memory and the Bun store implement it.
//
// Unlike the other methods it is not scoped to a tenant: a blob store is
// shared by every tenant, and its keys are unique across them.
type AttachmentRefChecker interface {
	// AttachmentRefCheck returns the keys of params.Keys that at least
	// one stored attachment references, in any tenant, each once and in
	// no particular order. Callers pass at most MaxLimit keys; a store
	// may refuse more with an error.
	AttachmentRefCheck(ctx context.Context, params AttachmentRefCheckParams) ([]string, error)
}

// AttachmentRefCheckParams holds the blob keys to check.
type AttachmentRefCheckParams struct {
	// Keys are blob keys (ticket.Attachment.Key); at most MaxLimit.
	// Empty keys are never referenced.
	Keys []string
}
