package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// FieldActionOverdue is the field of the history line the escalation
// sweep writes when an action of a complaint's plan is overdue, such as
// "Block batch B-7 (a-1): due 2026-06-05T16:00:00Z, not done".
const FieldActionOverdue = "complaint.action_overdue"

// sweepOverdue runs the "action overdue" part of an escalation sweep
// (see [Desk.RunEscalations]): batch by batch, it claims the complaints
// with an open action due at now and not announced yet for that due
// date, writes a history line and a [notify.KindComplaintActionOverdue]
// event per such action and marks it, in one transaction per batch, then
// delivers the batch's events. It adds what it did to res.
//
// It does nothing when complaints are off or the store does not keep
// overdue marks (storage.ComplaintOverdueStore is optional); a Tx that
// lacks what its store offers is an error wrapping
// storage.ErrComplaintOverdueUnsupported.
func (d *Desk) sweepOverdue(ctx context.Context, now time.Time, res *EscalationResult) error {
	if d.complaints == nil {
		return nil
	}
	if _, ok := d.store.(storage.ComplaintOverdueStore); !ok {
		return nil
	}
	handled := make(map[string]bool)
	for conflicts := 0; ; {
		var found, fired int
		var notices []notify.Event
		var claimed, fresh []string
		err := d.runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			found, fired, notices, claimed, fresh = 0, 0, nil, nil, nil
			ov, ok := tx.(storage.ComplaintOverdueStore)
			if !ok {
				return fmt.Errorf("ticketkit: %T does not implement storage.ComplaintOverdueStore: %w", tx, storage.ErrComplaintOverdueUnsupported)
			}
			due, err := ov.ComplaintClaimOverdue(ctx, storage.ComplaintClaimOverdueParams{Now: now, Limit: overdueBatch})
			if err != nil {
				return fmt.Errorf("ticketkit: claim complaints with overdue actions: %w", err)
			}
			all := &batch{}
			for _, oc := range due {
				c := oc.Complaint
				claimed = append(claimed, c.ID)
				if handled[c.ID] {
					continue // due again after being handled: leave it to the next sweep
				}
				fresh = append(fresh, c.ID)
				actions := oc.Marks.Overdue(c, now)
				b := noticeOverdue(c, actions, now)
				err := ov.ComplaintOverdueMark(ctx, storage.ComplaintOverdueMarkParams{TenantID: c.TenantID, ComplaintID: c.ID, Actions: actions})
				if err != nil {
					return fmt.Errorf("ticketkit: mark overdue actions of complaint %s: %w", c.Number, err)
				}
				if len(actions) > 0 {
					found++
				}
				fired += len(actions)
				all.events = append(all.events, b.events...)
				all.notices = append(all.notices, b.notices...)
			}
			if _, err := all.write(ctx, tx, d.lockUntil()); err != nil {
				return err
			}
			notices = all.notices
			return nil
		})
		if errors.Is(err, ErrConflict) && conflicts < maxConflictRetries && ctx.Err() == nil {
			conflicts++ // a busy database or a concurrent writer: run the batch again
			continue
		}
		if err != nil {
			return err
		}
		for _, id := range fresh {
			handled[id] = true
		}
		res.Complaints += found
		res.OverdueActions += fired
		d.deliver(ctx, notices)
		if len(claimed) < overdueBatch || len(fresh) == 0 {
			return nil
		}
	}
}

// noticeOverdue returns the history lines and notifications of the
// overdue actions of c, on behalf of the system actor at now.
func noticeOverdue(c *ticket.Complaint, actions []ticket.Action, now time.Time) *batch {
	b := &batch{actor: ticket.SystemActor(c.TenantID), at: now}
	lines := make([]ticket.Event, len(actions))
	for i, a := range actions {
		lines[i] = ticket.Event{Field: FieldActionOverdue,
			New: fmt.Sprintf("%s (%s): due %s, not done", a.Title, a.ID, a.DueAt.UTC().Format(time.RFC3339))}
	}
	b.history(&c.Ticket, lines)
	for _, a := range actions {
		b.noticeComplaint(notify.KindComplaintActionOverdue, c, func(f *notify.ComplaintFacts) { f.Action = &a })
	}
	b.runLater()
	return b
}
