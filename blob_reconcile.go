package ticketkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/blob"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// DefaultReconcileGrace is the grace period of [Desk.ReconcileBlobs]
// when ReconcileBlobsParams.Grace is zero.
const DefaultReconcileGrace = 24 * time.Hour

// ErrReconcileUnsupported is returned (wrapped) by [Desk.ReconcileBlobs]
// when the blob store cannot list its content (blob.Lister) or the store
// cannot tell which keys are referenced (storage.AttachmentRefChecker).
var ErrReconcileUnsupported = errors.New("ticketkit: blob reconciliation is not supported")

// ReconcileBlobsParams configures one run of [Desk.ReconcileBlobs].
type ReconcileBlobsParams struct {
	// Grace protects recent content: content stored less than Grace ago,
	// and temporary files written to less than Grace ago, are kept
	// whether referenced or not. Attachment content is stored before
	// the transaction that records the message naming it, so Grace must
	// exceed the longest time from an upload to the commit of its
	// message: the longest such transaction (with a store built over a
	// host's transaction, until the host commits), plus the time to
	// store the message's other attachments. Content older
	// than that which no message references can only be left over from a
	// crash. Zero means DefaultReconcileGrace; negative is invalid.
	Grace time.Duration `json:"grace,omitempty"`
}

// ReconcileBlobsResult says what one run of [Desk.ReconcileBlobs] did.
type ReconcileBlobsResult struct {
	// Listed counts the content the blob store listed.
	Listed int `json:"listed"`
	// Checked counts the content old enough to be checked (older than
	// Grace).
	Checked int `json:"checked"`
	// Deleted counts the content deleted because nothing referenced it,
	// and DeletedBytes sums its size.
	Deleted      int   `json:"deleted"`
	DeletedBytes int64 `json:"deleted_bytes"`
	// Failed counts the content that could not be deleted; the run went
	// on and returned the first such error.
	Failed int `json:"failed"`
	// TempRemoved counts the stale temporary files of interrupted
	// uploads removed (blob.TempRemover; zero for stores without
	// temporary files).
	TempRemoved int `json:"temp_removed"`
}

// ReconcileBlobs deletes attachment content that no stored message (nor
// complaint document) references and that is older than p.Grace, and the
// stale temporary files of the blob store. Such content is left behind
// when a process dies between storing a message's attachments and
// committing the message, which no error path can clean up.
//
// It lists the blob store (which must implement blob.Lister) and asks the
// store (storage.AttachmentRefChecker) which of the listed keys are
// referenced, storage.MaxLimit keys at a time; it covers every tenant.
// It starts no goroutine: the host runs it, for example daily, from one
// process or several (a key deleted twice is no error). Files attached
// to complaint documents ([Desk.ComplaintAttach]) are kept like those
// of messages; content a host stores itself in the Desk's blob store
// falls under the same Grace rule: store it less than Grace before the
// complaint that names it commits.
//
// A done ctx stops the run; the result says what was done until then.
func (d *Desk) ReconcileBlobs(ctx context.Context, p ReconcileBlobsParams) (_ ReconcileBlobsResult, err error) {
	ctx, end := d.begin(ctx, "ReconcileBlobs", ticket.Actor{})
	defer func() { end(err) }()
	var res ReconcileBlobsResult
	if d.blobs == nil {
		return res, ErrNoBlobStore
	}
	lister, ok := d.blobs.(blob.Lister)
	if !ok {
		return res, fmt.Errorf("%w: blob store %T does not implement blob.Lister", ErrReconcileUnsupported, d.blobs)
	}
	refs, ok := d.store.(storage.AttachmentRefChecker)
	if !ok {
		return res, fmt.Errorf("%w: store %T does not implement storage.AttachmentRefChecker: %w", ErrReconcileUnsupported, d.store, storage.ErrUnsupported)
	}
	if p.Grace < 0 {
		return res, ticket.NewValidationError(ticket.FieldError{Field: "grace", Rule: "min", Message: "must not be negative"})
	}
	cutoff := d.clock.Now().Add(-cmp.Or(p.Grace, DefaultReconcileGrace))

	var failed error
	batch := make([]blob.Entry, 0, storage.MaxLimit)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := d.deleteUnreferenced(ctx, refs, batch, &res)
		batch = batch[:0]
		if errors.Is(err, errDeleteFailed) {
			failed = cmp.Or(failed, err)
			return nil
		}
		return err
	}
	for e, err := range lister.List(ctx) {
		if err != nil {
			return res, fmt.Errorf("ticketkit: reconcile blobs: %w", err)
		}
		res.Listed++
		if !e.ModTime.Before(cutoff) {
			continue
		}
		res.Checked++
		if batch = append(batch, e); len(batch) == storage.MaxLimit {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	if tr, ok := d.blobs.(blob.TempRemover); ok {
		n, err := tr.RemoveTemp(ctx, cutoff)
		res.TempRemoved = n
		if err != nil {
			return res, fmt.Errorf("ticketkit: reconcile blobs: %w", err)
		}
	}
	if failed != nil {
		return res, failed
	}
	return res, nil
}

// errDeleteFailed marks the error of content that could not be deleted,
// which does not stop a reconciliation.
var errDeleteFailed = errors.New("could not delete")

// deleteUnreferenced deletes the entries of batch that no stored
// attachment references. A failed Delete is counted and the others go
// on; the first one's error wraps errDeleteFailed.
func (d *Desk) deleteUnreferenced(ctx context.Context, refs storage.AttachmentRefChecker, batch []blob.Entry, res *ReconcileBlobsResult) error {
	keys := make([]string, len(batch))
	for i, e := range batch {
		keys[i] = e.Key
	}
	found, err := refs.AttachmentRefCheck(ctx, storage.AttachmentRefCheckParams{Keys: keys})
	if err != nil {
		return fmt.Errorf("ticketkit: reconcile blobs: %w", err)
	}
	referenced := make(map[string]bool, len(found))
	for _, k := range found {
		referenced[k] = true
	}
	var first error
	for _, e := range batch {
		if referenced[e.Key] {
			continue
		}
		if err := d.blobs.Delete(ctx, e.Key); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("ticketkit: reconcile blobs: %w", err)
			}
			res.Failed++
			first = cmp.Or(first, fmt.Errorf("ticketkit: reconcile blobs: %w %s: %w", errDeleteFailed, e.Key, err))
			continue
		}
		res.Deleted++
		res.DeletedBytes += e.Size
		d.log.InfoContext(ctx, "ticketkit: deleted unreferenced attachment content", "key", e.Key, "size", e.Size, "stored", e.ModTime)
	}
	return first
}
