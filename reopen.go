package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// customerWritesAgain applies the reopen policy (Config.ReopenWithin) to
// a customer's message on t, inside the message's transaction, and
// returns the ticket the message belongs on: t itself, reopened if it
// was resolved or closed within the window, or a follow-up ticket opened
// for it, linked by FollowUpOf, when the window has passed or the
// workflow does not allow the reopen.
func (d *Desk) customerWritesAgain(ctx context.Context, tx storage.Tx, t *ticket.Ticket, b *batch) (*ticket.Ticket, error) {
	status, _ := d.catalog.Status(t.Status)
	if d.reopen <= 0 || (status.Category != ticket.CategoryResolved && status.Category != ticket.CategoryClosed) {
		return t, nil
	}
	now := t.UpdatedAt
	since, err := d.finishedSince(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	if !since.IsZero() && !now.After(since.Add(d.reopen)) &&
		d.moveTo(ctx, t, ticket.SystemActor(t.TenantID), d.reopenStatus(), "", now) {
		return t, nil
	}
	f := &ticket.Ticket{
		ID:         newID(),
		TenantID:   t.TenantID,
		Subject:    t.Subject,
		Status:     d.catalog.InitialStatus().Code,
		Priority:   t.Priority,
		Category:   t.Category,
		Department: t.Department,
		Channel:    t.Channel,
		Customer:   t.Customer,
		Contacts:   slices.Clone(t.Contacts),
		References: slices.Clone(t.References),
		FollowUpOf: t.ID,
		CreatedBy:  b.actor.ID,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	d.startSLA(f, t.SLA.Tier, now)
	if err := d.create(ctx, tx, f, b, nil); err != nil {
		return nil, err
	}
	b.history(f, []ticket.Event{{Field: ticket.FieldFollowUpOf, New: t.Number}})
	b.history(t, []ticket.Event{{Field: ticket.FieldFollowUp, New: f.Number}})
	return f, nil
}

// finishedSince returns when t entered its resolved or closed status:
// its SLA state's ResolvedAt, else its ClosedAt, else (a ticket resolved
// while no SLA kept its clocks) the time of the last history line that
// moved it into its status. Zero means unknown, and the window counts as
// passed.
func (d *Desk) finishedSince(ctx context.Context, tx storage.Tx, t *ticket.Ticket) (time.Time, error) {
	if !t.SLA.ResolvedAt.IsZero() {
		return t.SLA.ResolvedAt, nil
	}
	if !t.ClosedAt.IsZero() {
		return t.ClosedAt, nil
	}
	events, err := tx.EventList(ctx, storage.EventListParams{TenantID: t.TenantID, TicketID: t.ID})
	if err != nil {
		return time.Time{}, fmt.Errorf("ticketkit: reopen policy: history of %s: %w", t.Number, err)
	}
	for _, e := range slices.Backward(events) {
		if e.Field == ticket.FieldStatus {
			if e.New == t.Status {
				return e.At, nil
			}
			break
		}
	}
	return time.Time{}, nil
}

// reopenStatus returns the status a customer's message reopens a ticket
// into: the workflow's reopen status, or Config.WakeStatus.
func (d *Desk) reopenStatus() string {
	if r := d.workflow.Definition().Reopen; r != nil {
		return r.To
	}
	return d.wakeStatus
}
