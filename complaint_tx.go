package ticketkit

import (
	"context"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ComplaintOpenTx is [Desk.ComplaintOpen] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintOpenTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintOpenParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintOpenTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.openComplaint(ctx, tx, actor, p)
}

// ComplaintUpdateTx is [Desk.ComplaintUpdate] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintUpdateTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintUpdateParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintUpdateTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.updateComplaint(ctx, tx, actor, p)
}

// ComplaintPlanTx is [Desk.ComplaintPlan] in the host's transaction tx;
// see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintPlanTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintPlanParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintPlanTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.planComplaint(ctx, tx, actor, p)
}

// ComplaintDecideTx is [Desk.ComplaintDecide] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintDecideTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintDecideParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintDecideTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.decideComplaint(ctx, tx, actor, p)
}

// ComplaintTransitionTx is [Desk.ComplaintTransition] in the host's
// transaction tx; see [Desk.OpenTx] for what differs. Entering the
// posted status posts the complaint as [Desk.ComplaintPostTx] does.
func (d *Desk) ComplaintTransitionTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintTransitionParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintTransitionTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.complaintTransition(ctx, tx, actor, p)
}

// ComplaintPostTx is [Desk.ComplaintPost] in the host's transaction tx;
// see [Desk.OpenTx] for what differs. The remedy handler runs in tx
// (RemedyRequest.Tx), so that the host's credit note, its other rows and
// the posting commit or roll back together, when the host ends tx; a
// retry after a rollback calls the handler again with the same
// RemedyRequest.IdempotencyKey.
func (d *Desk) ComplaintPostTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintPostParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintPostTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.postComplaint(ctx, tx, actor, p)
}

// ComplaintCommentTx is [Desk.ComplaintComment] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintCommentTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintCommentParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintCommentTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.commentComplaint(ctx, tx, actor, p)
}

// ComplaintReviewTx is [Desk.ComplaintReview] in the host's transaction
// tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintReviewTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintReviewParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReviewTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.reviewComplaint(ctx, tx, actor, p)
}

// ComplaintReviewResultAddTx is [Desk.ComplaintReviewResultAdd] in the host's
// transaction tx; see [Desk.OpenTx] for what differs.
func (d *Desk) ComplaintReviewResultAddTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p ComplaintReviewResultParams) (_ *ticket.Complaint, err error) {
	ctx, end := d.begin(ctx, "ComplaintReviewResultAddTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.recordReviewResult(ctx, tx, actor, p)
}
