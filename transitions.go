package ticketkit

import (
	"context"
	"errors"

	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// AvailableTransition is a status change an actor may take on a ticket
// now, for a user interface to offer as a button.
type AvailableTransition struct {
	// Name is the workflow's name of the transition, such as "close".
	Name string `json:"name"`
	// To is the status code it enters.
	To string `json:"to"`
	// RequiresReason says that the change needs a reason, such as a
	// closure reason: ask for one before taking it.
	RequiresReason bool `json:"requires_reason,omitempty"`
}

// Transitions returns the status changes the actor may take on the
// ticket now, in workflow order: those whose roles include the actor's
// and whose guards pass (a required reason aside, see RequiresReason),
// or the reopen move of a closed ticket within its window. A complaint
// gets those of the complaint workflow. It returns an empty list, not an
// error, when there is nothing to offer.
func (d *Desk) Transitions(ctx context.Context, actor ticket.Actor, ticketID string) (_ []AvailableTransition, err error) {
	ctx, end := d.begin(ctx, "Transitions", actor)
	defer func() { end(err) }()
	d, errTenant := d.forTenant(ctx, nil, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	var trs []workflow.Transition
	c, err := d.loadComplaint(ctx, actor, ticketID)
	switch {
	case err == nil:
		trs = d.complaints.machine.Available(ctx, c, actor, d.now())
	case errors.Is(err, ErrNotFound) || errors.Is(err, ErrComplaintsOff): // a plain ticket, or complaints are off
		t, err := load(ctx, d.store, actor, ticketID)
		if err != nil {
			return nil, err
		}
		trs = d.workflow.Available(ctx, t, actor, d.now())
	default:
		return nil, err
	}
	out := make([]AvailableTransition, len(trs))
	for i, tr := range trs {
		out[i] = AvailableTransition{Name: tr.Name, To: tr.To, RequiresReason: tr.RequiresReason()}
	}
	return out, nil
}
