package ticketkit

import (
	"context"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// route sets field (workflow.RouteDepartment or workflow.RouteAssignee)
// of t to to if the workflow's routing rules let actor, applies the
// rule's effects and queues the kinds they emit. Setting a field to the
// value it has is no routing and always passes; a complaint's routing is
// free, as its own workflow has no routing rules and the ticket
// workflow's speak of other statuses. A refusal is a
// *TransitionError whose Route is set (ErrNoRoute, ErrForbidden or
// ErrGuard), and leaves the change to be rolled back.
func (d *Desk) route(ctx context.Context, t *ticket.Ticket, actor ticket.Actor, field, to string, b *batch) error {
	cur := t.Assignee
	if field == workflow.RouteDepartment {
		cur = t.Department
	}
	if to == cur {
		return nil
	}
	if d.complaints != nil && t.Kind == ticket.KindComplaint {
		setRoute(t, field, to)
		return nil
	}
	dec, err := d.workflow.Route(ctx, workflow.RouteRequest{Ticket: t, Actor: actor, Field: field, To: to, Now: t.UpdatedAt})
	if err != nil {
		return err
	}
	dec.Apply(t, actor, t.UpdatedAt, newID)
	b.emit(dec.Effects)
	return nil
}

// routeOpen checks the department and then the assignee the new ticket
// t is opened with against the routing rules, as routings by actor from
// no value in t's initial status, and applies the rules' effects to t;
// the kinds they emit are left in b.extra. A refusal is route's.
func (d *Desk) routeOpen(ctx context.Context, t *ticket.Ticket, actor ticket.Actor, b *batch) error {
	for _, field := range workflow.RouteFields() {
		to := t.Assignee
		if field == workflow.RouteDepartment {
			to = t.Department
		}
		setRoute(t, field, "")
		if err := d.route(ctx, t, actor, field, to, b); err != nil {
			return err
		}
	}
	return nil
}

// emit queues the notification kinds effects name in their Emit lists.
func (b *batch) emit(effects []workflow.Effect) {
	for _, e := range effects {
		for _, k := range e.Emit {
			b.extra = append(b.extra, notify.Kind(k))
		}
	}
}

// setRoute sets field (workflow.RouteDepartment or workflow.RouteAssignee)
// of t to to.
func setRoute(t *ticket.Ticket, field, to string) {
	if field == workflow.RouteDepartment {
		t.Department = to
	} else {
		t.Assignee = to
	}
}
