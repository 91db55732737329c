package ticketkit

import (
	"context"
	"fmt"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// document is what a change loads, mutates and stores: a plain ticket,
// or a complaint (c set, and t == &c.Ticket) whose ticket and section
// are stored together by ComplaintUpdate.
type document struct {
	t *ticket.Ticket
	c *ticket.Complaint
}

// loadDoc reads the ticket the actor may see, with its complaint section
// when it is a complaint (Ticket.Kind, which the ticket read returns)
// and complaints are on: a plain ticket costs one read, whether
// complaints are on or not. A complaint is then read again, locked for
// the rest of tx when the store can (storage.ComplaintLocker), so that
// writers of one complaint, and the remedy handler of its posting, run
// one at a time on what the last of them committed.
func (d *Desk) loadDoc(ctx context.Context, tx storage.Tx, actor ticket.Actor, id string) (*document, error) {
	t, err := load(ctx, tx, actor, id)
	if err != nil {
		return nil, err
	}
	if d.complaints == nil || t.Kind != ticket.KindComplaint {
		return &document{t: t}, nil
	}
	cs, err := complaintTx(tx)
	if err != nil {
		return nil, err
	}
	get := cs.ComplaintGet
	if l, ok := cs.(storage.ComplaintLocker); ok {
		get = l.ComplaintLock // see Desk.ComplaintPost: the handler runs once
	}
	c, err := get(ctx, storage.TicketGetParams{TenantID: actor.TenantID, ID: id})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: complaint %q: %w", id, err)
	}
	if !canSee(actor, &c.Ticket) { // as read under the lock
		return nil, fmt.Errorf("ticketkit: ticket %q: %w", id, ErrNotFound)
	}
	c.Details.NumberLines() // lines stored before lines had numbers get them, and keep them at this write
	return &document{t: &c.Ticket, c: c}, nil
}

// clone returns a deep copy of doc.
func (doc *document) clone() *document {
	if doc.c == nil {
		return &document{t: doc.t.Clone()}
	}
	c := doc.c.Clone()
	return &document{t: &c.Ticket, c: c}
}

// checkEditable refuses any change to a posted complaint.
func (doc *document) checkEditable() error {
	if doc.c == nil {
		return nil
	}
	if err := doc.c.CheckEditable(); err != nil {
		return fmt.Errorf("ticketkit: %w", err)
	}
	return nil
}

// settle brings the fields a complaint keeps in step into line after a
// change from before: the assignee and the employee in charge (see
// ticket.Complaint.SyncAssignee).
func (doc *document) settle(before *document) {
	if doc.c != nil {
		doc.c.SyncAssignee(before.c)
	}
}

// diff returns the history lines of the change from before to doc.
func (doc *document) diff(before *document) []ticket.Event {
	if doc.c == nil {
		return ticket.Diff(before.t, doc.t)
	}
	return ticket.ComplaintDiff(before.c, doc.c)
}

// save stores doc in tx.
func (doc *document) save(ctx context.Context, tx storage.Tx) error {
	if doc.c == nil {
		return tx.TicketUpdate(ctx, doc.t)
	}
	cs, err := complaintTx(tx)
	if err != nil {
		return err
	}
	return cs.ComplaintUpdate(ctx, doc.c)
}

// catalogOf returns the catalog doc's codes come from.
func (d *Desk) catalogOf(doc *document) *ticket.Catalog {
	if doc.c != nil {
		return d.complaints.catalog
	}
	return d.catalog
}

// plainFields are the ticket fields a generic method may change on a
// complaint: routing it to a department or an assignee.
var plainFields = map[string]bool{ticket.FieldAssignee: true, ticket.FieldDepartment: true}

// checkPlainChange refuses what a generic ticket method changed on a
// complaint beyond plainFields: those changes go through the complaint
// methods, which apply the complaint rules.
func (doc *document) checkPlainChange(before *ticket.Ticket) error {
	if doc.c == nil {
		return nil
	}
	for _, e := range ticket.Diff(before, doc.t) {
		switch {
		case plainFields[e.Field]:
		case e.Field == ticket.FieldStatus:
			return fmt.Errorf("ticketkit: ticket %s: move it with Desk.ComplaintTransition: %w", doc.t.Number, ErrComplaint)
		default:
			return fmt.Errorf("ticketkit: ticket %s: change its %s with Desk.ComplaintUpdate or Desk.ComplaintPlan: %w", doc.t.Number, e.Field, ErrComplaint)
		}
	}
	return nil
}

// complaintMutation changes a loaded complaint inside the change's
// transaction.
type complaintMutation func(ctx context.Context, tx storage.Tx, c *ticket.Complaint, b *batch) error

// changeComplaint is the path of every complaint method: changeDoc on a
// complaint (a plain ticket gives ErrNotFound, a posted complaint
// ErrPosted), with the complaint validated after mutate, in the host's
// transaction host or in the Desk's own when host is nil.
func (d *Desk) changeComplaint(ctx context.Context, host storage.Tx, actor ticket.Actor, id string, version int64, mutate complaintMutation) (*ticket.Complaint, error) {
	d, cs, err := d.complaintSetup(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "change complaints"); err != nil {
		return nil, err
	}
	doc, _, err := d.changeDoc(ctx, host, actor, id, version, func(ctx context.Context, tx storage.Tx, doc *document, b *batch) error {
		return cs.mutate(ctx, tx, doc, b, mutate)
	})
	if err != nil {
		return nil, err
	}
	return doc.c, nil
}

// mutate runs a complaint method's mutation on doc, which must be a
// complaint (a plain ticket gives ErrNotFound), and validates the
// complaint after it.
func (cs *complaints) mutate(ctx context.Context, tx storage.Tx, doc *document, b *batch, mutate complaintMutation) error {
	if doc.c == nil {
		return fmt.Errorf("ticketkit: ticket %s is not a complaint: %w", doc.t.Number, ErrNotFound)
	}
	owners, types := actionOwners(doc.c), actionTypes(doc.c)
	if err := mutate(ctx, tx, doc.c, b); err != nil {
		return err
	}
	cs.applyDeadlines(doc.c, types, doc.c.UpdatedAt)
	b.noticeAssignedActions(doc.c, owners)
	return ticket.ValidateComplaint(doc.c, cs.catalog)
}
