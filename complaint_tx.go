package ticketkit

import (
	"context"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// OpenComplaintTx is [Desk.OpenComplaint] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) OpenComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.openComplaint(ctx, tx, actor, p)
}

// UpdateComplaintTx is [Desk.UpdateComplaint] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) UpdateComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintUpdateParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.updateComplaint(ctx, tx, actor, p)
}

// PlanComplaintTx is [Desk.PlanComplaint] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) PlanComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p PlanParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.planComplaint(ctx, tx, actor, p)
}

// DecideComplaintTx is [Desk.DecideComplaint] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) DecideComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p DecideParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.decideComplaint(ctx, tx, actor, p)
}

// ComplaintTransitionTx is [Desk.ComplaintTransition] in the host's
// transaction tx; see [Desk.OpenTx] for what differs. Entering the
// posted status posts the complaint as [Desk.PostComplaintTx] does.
func (d *Desk) ComplaintTransitionTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintTransitionParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.complaintTransition(ctx, tx, actor, p)
}

// PostComplaintTx is [Desk.PostComplaint] in the host's transaction tx;
// see [Desk.OpenTx] for what differs. The remedy handler runs in tx
// (RemedyRequest.Tx), so that the host's credit note, its other rows and
// the posting commit or roll back together, when the host ends tx; a
// retry after a rollback calls the handler again with the same
// RemedyRequest.IdempotencyKey.
func (d *Desk) PostComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p PostParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.postComplaint(ctx, tx, actor, p)
}

// CommentComplaintTx is [Desk.CommentComplaint] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) CommentComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p CommentParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.commentComplaint(ctx, tx, actor, p)
}

// ReviewComplaintTx is [Desk.ReviewComplaint] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ReviewComplaintTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ReviewParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.reviewComplaint(ctx, tx, actor, p)
}

// RecordReviewResultTx is [Desk.RecordReviewResult] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) RecordReviewResultTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ReviewResultParams) (*ticket.Complaint, error) {
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.recordReviewResult(ctx, tx, actor, p)
}
