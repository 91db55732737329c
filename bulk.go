package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// BulkAction is what [Desk.Bulk] does to each ticket.
type BulkAction string

// The bulk actions.
const (
	// BulkTransition moves each ticket to BulkParams.To, as
	// [Desk.Transition] does, with BulkParams.Reason.
	BulkTransition BulkAction = "transition"
	// BulkAssign sets each ticket's assignee to BulkParams.Assignee ("" to
	// unassign), as [Desk.Assign] does.
	BulkAssign BulkAction = "assign"
	// BulkSetDepartment routes each ticket to BulkParams.Department (""
	// to clear it), as [Desk.Assign] does.
	BulkSetDepartment BulkAction = "set_department"
	// BulkSetPriority sets each ticket's priority to
	// BulkParams.Priority, as [Desk.Update] does.
	BulkSetPriority BulkAction = "set_priority"
	// BulkAddTags adds BulkParams.Tags to each ticket's tags (those it
	// has already stay once).
	BulkAddTags BulkAction = "add_tags"
	// BulkRemoveTags removes BulkParams.Tags from each ticket's tags.
	BulkRemoveTags BulkAction = "remove_tags"
)

// BulkActions returns every bulk action.
func BulkActions() []BulkAction {
	return []BulkAction{BulkTransition, BulkAssign, BulkSetDepartment, BulkSetPriority, BulkAddTags, BulkRemoveTags}
}

// DefaultMaxBulkTickets is the default of Config.MaxBulkTickets.
const DefaultMaxBulkTickets = 500

// bulkChunk is how many tickets [Desk.Bulk] changes in one transaction.
const bulkChunk = 100

// maxTags is the most tags a ticket holds (see OpenParams.Tags).
const maxTags = 50

// BulkParams asks for one action on several tickets.
type BulkParams struct {
	// TicketIDs are the tickets to change, each once, at most
	// Config.MaxBulkTickets of them: in chunks of this order, each
	// chunk's in the order of their IDs.
	TicketIDs []string `json:"ticket_ids"`
	// Versions, when it holds a ticket's ID, makes that ticket's change
	// fail with BulkConflict unless the ticket is still at this version.
	// Every key must be one of TicketIDs.
	Versions map[string]int64 `json:"versions,omitempty"`
	// Action is what to do; the fields below that it does not use must
	// be left empty.
	Action BulkAction `json:"action"`
	// To is the status of BulkTransition, and Reason its reason.
	To     string `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Assignee is the assignee of BulkAssign; "" unassigns.
	Assignee string `json:"assignee,omitempty"`
	// Department is the department of BulkSetDepartment; "" clears it.
	Department string `json:"department,omitempty"`
	// Priority is the priority of BulkSetPriority.
	Priority string `json:"priority,omitempty"`
	// Tags are the tags of BulkAddTags and BulkRemoveTags.
	Tags []string `json:"tags,omitempty"`
}

// BulkOutcome says what became of one ticket of a bulk action.
type BulkOutcome string

// The outcomes of a bulk action's ticket.
const (
	// BulkDone: the ticket was changed, or was as asked already.
	BulkDone BulkOutcome = "done"
	// BulkRefused: the workflow or the ticket's rules refused the change
	// (a *TransitionError, ErrMerged, ErrComplaint, a *ValidationError).
	BulkRefused BulkOutcome = "refused"
	// BulkConflict: the ticket was not at the version BulkParams.Versions
	// gave (ErrConflict).
	BulkConflict BulkOutcome = "conflict"
	// BulkNotFound: no such ticket in the actor's tenant, or one the
	// actor may not see (ErrNotFound).
	BulkNotFound BulkOutcome = "not_found"
	// BulkFailed: the store failed; the transaction of the ticket's
	// chunk was rolled back, so none of the chunk's tickets changed.
	BulkFailed BulkOutcome = "failed"
)

// BulkItem is the result of a bulk action on one ticket.
type BulkItem struct {
	TicketID string      `json:"ticket_id"`
	Outcome  BulkOutcome `json:"outcome"`
	// Number and Version are the ticket's after a change (BulkDone).
	Number  string `json:"number,omitempty"`
	Version int64  `json:"version,omitempty"`
	// Err is why the ticket was not changed (nil when BulkDone); test it
	// with errors.Is and errors.As. Error is its text.
	Err   error  `json:"-"`
	Error string `json:"error,omitempty"`
}

// BulkResult is the answer of [Desk.Bulk]: one item per ticket, in the
// order of BulkParams.TicketIDs.
type BulkResult struct {
	Items []BulkItem `json:"items"`
}

// Count returns how many tickets had outcome o.
func (r *BulkResult) Count(o BulkOutcome) int {
	n := 0
	for _, it := range r.Items {
		if it.Outcome == o {
			n++
		}
	}
	return n
}

// Bulk applies one action (a transition, an assignment, a department, a
// priority, tags to add or remove) to up to Config.MaxBulkTickets
// tickets and returns what became of each. Only staff may run it.
//
// Each ticket is changed as the single-ticket method changes it: the
// same workflow and routing rules, its own history lines and
// notifications. Tickets are changed in transactions of up to 100
// tickets each (chunks), each chunk's in ID order: a ticket the workflow
// refuses, that is not at its version in BulkParams.Versions or that is
// not found is reported and leaves the others of its chunk as they are.
// A store error rolls back its chunk, whose tickets not refused already
// are reported BulkFailed, and the next chunks still run. A chunk that
// lost a race with another writer runs again, as [Desk.Transition] does,
// and in the end ticket by ticket. The returned error is for the call
// as a whole: a *ValidationError (an unknown action, a field the action
// does not use, more than Config.MaxBulkTickets IDs, an ID listed
// twice), ErrForbidden for a customer; then no ticket changed.
// [Desk.BulkTx] runs it in the host's transaction.
func (d *Desk) Bulk(ctx context.Context, actor ticket.Actor, p BulkParams) (_ *BulkResult, err error) {
	ctx, end := d.begin(ctx, "Bulk", actor)
	defer func() { end(err) }()
	return d.bulk(ctx, nil, actor, p)
}

// BulkTx is [Desk.Bulk] in the host's transaction tx, all of it in that
// one transaction (no chunks of its own); see [Desk.OpenTx] for what
// differs. A ticket that loses a race is reported BulkConflict, and a
// store error fails the call: roll the transaction back then.
func (d *Desk) BulkTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p BulkParams) (_ *BulkResult, err error) {
	ctx, end := d.begin(ctx, "BulkTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.bulk(ctx, tx, actor, p)
}

// bulk is Bulk in the host's transaction host, or in chunks of the
// Desk's own transactions when host is nil.
func (d *Desk) bulk(ctx context.Context, host storage.Tx, actor ticket.Actor, p BulkParams) (*BulkResult, error) {
	td, err := d.forTenant(ctx, host, actor.TenantID)
	if err != nil {
		return nil, err
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "run bulk actions"); err != nil {
		return nil, err
	}
	if err := td.checkBulk(p); err != nil {
		return nil, err
	}
	res := &BulkResult{Items: make([]BulkItem, len(p.TicketIDs))}
	for i, id := range p.TicketIDs {
		res.Items[i].TicketID = id
	}
	if host != nil { // in ID order too, as the chunks
		for _, i := range byID(res.Items) {
			if err := d.bulkOne(ctx, host, actor, p, &res.Items[i]); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	for start := 0; start < len(res.Items); start += bulkChunk {
		d.bulkChunk(ctx, actor, p, res.Items[start:min(start+bulkChunk, len(res.Items))])
	}
	return res, nil
}

// bulkChunkAttempts is how often a chunk that lost a race runs again
// as a whole before its tickets are changed one by one.
const bulkChunkAttempts = 3

// bulkChunk changes the tickets of items in one transaction of the
// Desk's own. A race lost to another writer (ErrConflict without a
// stale version, a deadlock, a serialization failure) rolls the chunk
// back: a database may have ended the whole transaction (MySQL does on
// a deadlock), so nothing after it could be trusted. The chunk then
// runs again, after a wait, and after bulkChunkAttempts its tickets are
// changed one by one, each in its own transaction, which runs again
// until it wins.
func (d *Desk) bulkChunk(ctx context.Context, actor ticket.Actor, p BulkParams, items []BulkItem) {
	for attempt := 1; ; attempt++ {
		c := &bulkCollector{lockUntil: d.lockUntil()}
		err := d.runTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			c.tx, c.notices = tx, nil
			ctx = context.WithValue(ctx, bulkKey{}, c)
			for _, i := range byID(items) {
				items[i] = BulkItem{TicketID: items[i].TicketID}
				if err := d.bulkOne(ctx, tx, actor, p, &items[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			d.deliver(ctx, c.notices)
			return
		}
		if errors.Is(err, ErrConflict) && ctx.Err() == nil {
			if attempt < bulkChunkAttempts && waitToRetry(ctx, attempt) == nil {
				continue
			}
			for i := range items { // one by one, each winning its race
				items[i] = BulkItem{TicketID: items[i].TicketID}
				if err := d.bulkOne(ctx, nil, actor, p, &items[i]); err != nil {
					items[i] = bulkFailed(items[i].TicketID, err)
				}
			}
			return
		}
		err = fmt.Errorf("ticketkit: bulk: the chunk's transaction was rolled back: %w", err)
		for i := range items {
			if items[i].Outcome == BulkDone || items[i].Outcome == "" {
				items[i] = bulkFailed(items[i].TicketID, err)
			}
		}
		return
	}
}

// bulkFailed is the item of a ticket the store failed to change.
func bulkFailed(id string, err error) BulkItem {
	return BulkItem{TicketID: id, Outcome: BulkFailed, Err: err, Error: err.Error()}
}

// byID returns the indexes of items in the order of their ticket IDs:
// the order every chunk takes its tickets' row locks in, so that two
// bulk actions over crossing sets wait for each other rather than
// deadlock.
func byID(items []BulkItem) []int {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(items[a].TicketID, items[b].TicketID) })
	return order
}

// bulkOne changes one ticket in host (nil: the Desk's own transaction)
// and records the outcome in it. It returns the errors that are not the
// ticket's own: a store's error, or a race lost inside host.
func (d *Desk) bulkOne(ctx context.Context, host storage.Tx, actor ticket.Actor, p BulkParams, it *BulkItem) error {
	t, err := d.bulkChange(ctx, host, actor, p, it.TicketID)
	var (
		ve *ticket.ValidationError
		te *TransitionError
	)
	switch {
	case err == nil:
		it.Outcome, it.Number, it.Version = BulkDone, t.Number, t.Version
		return nil
	case errors.As(err, new(staleVersion)):
		it.Outcome = BulkConflict
	case errors.Is(err, ErrConflict):
		if host != nil && bulkFrom(ctx, host) == nil { // the host's transaction: not run again
			it.Outcome = BulkConflict
			break
		}
		return err
	case errors.Is(err, ErrNotFound):
		it.Outcome = BulkNotFound
	case errors.As(err, &ve), errors.As(err, &te), errors.Is(err, ErrForbidden), errors.Is(err, ErrGuard),
		errors.Is(err, ErrMerged), errors.Is(err, ErrComplaint), errors.Is(err, ErrPosted):
		it.Outcome = BulkRefused
	default:
		return err
	}
	it.Err, it.Error = err, err.Error()
	return nil
}

// bulkChange runs the action of p on one ticket through the path of
// its single-ticket method.
func (d *Desk) bulkChange(ctx context.Context, host storage.Tx, actor ticket.Actor, p BulkParams, id string) (*ticket.Ticket, error) {
	version := p.Versions[id]
	switch p.Action {
	case BulkTransition:
		return d.transition(ctx, host, actor, TransitionParams{TicketID: id, To: p.To, Reason: p.Reason, Version: version})
	case BulkAssign:
		return d.assign(ctx, host, actor, AssignParams{TicketID: id, Assignee: &p.Assignee, Version: version})
	case BulkSetDepartment:
		return d.assign(ctx, host, actor, AssignParams{TicketID: id, Department: &p.Department, Version: version})
	case BulkSetPriority:
		return d.update(ctx, host, actor, UpdateParams{TicketID: id, Priority: &p.Priority, Version: version})
	default: // BulkAddTags, BulkRemoveTags
		t, _, err := d.change(ctx, host, actor, id, version, func(_ context.Context, _ storage.Tx, t *ticket.Ticket, _ *batch) error {
			if d.complaints != nil && t.Kind == ticket.KindComplaint {
				return fmt.Errorf("ticketkit: ticket %s: change its tags with Desk.ComplaintUpdate: %w", t.Number, ErrComplaint)
			}
			t.Tags = bulkTags(t.Tags, p.Action, p.Tags)
			if len(t.Tags) > maxTags {
				return ticket.NewValidationError(ticket.FieldError{Field: "tags", Rule: "max",
					Message: fmt.Sprintf("ticket %s would have %d tags, more than %d", t.Number, len(t.Tags), maxTags)})
			}
			return nil
		})
		return t, err
	}
}

// bulkTags returns have with tags added or removed, in order, each once.
func bulkTags(have []string, a BulkAction, tags []string) []string {
	out := slices.Clone(have)
	for _, tag := range tags {
		switch i := slices.Index(out, tag); {
		case a == BulkAddTags && i < 0:
			out = append(out, tag)
		case a == BulkRemoveTags && i >= 0:
			out = slices.Delete(out, i, i+1)
		}
	}
	return out
}

// checkBulk reports every problem of p at once, as a *ValidationError.
func (d *Desk) checkBulk(p BulkParams) error {
	v := &ticket.ValidationError{}
	checkIDs(v, "ticket_ids", p.TicketIDs, d.maxBulk)
	for id := range p.Versions {
		if !slices.Contains(p.TicketIDs, id) {
			v.Add("versions", "unknown", fmt.Sprintf("names ticket %q, which ticket_ids does not list", id))
			break
		}
	}
	used := map[string]bool{}
	switch p.Action {
	case BulkTransition:
		used["to"], used["reason"] = true, true
		if p.To == "" {
			v.Add("to", "required", "is required")
		} else if refs := statusRefs(d.catalog, p.To); len(refs) > 0 && d.complaints == nil {
			v.Fields = append(v.Fields, refs...)
		}
		if len(p.Reason) > 2000 {
			v.Add("reason", "max", "must be at most 2000 bytes")
		}
	case BulkAssign:
		used["assignee"] = true
		if len(p.Assignee) > 200 {
			v.Add("assignee", "max", "must be at most 200 bytes")
		}
	case BulkSetDepartment:
		used["department"] = true
		v.Fields = append(v.Fields, d.catalog.CheckRefs(ticket.Refs{Department: p.Department})...)
	case BulkSetPriority:
		used["priority"] = true
		if p.Priority == "" {
			v.Add("priority", "required", "is required")
		}
		v.Fields = append(v.Fields, d.catalog.CheckRefs(ticket.Refs{Priority: p.Priority})...)
	case BulkAddTags, BulkRemoveTags:
		used["tags"] = true
		checkBulkTags(v, p.Tags)
	default:
		v.Add("action", "oneof", fmt.Sprintf("must be one of %v", BulkActions()))
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"to", p.To != ""}, {"reason", p.Reason != ""}, {"assignee", p.Assignee != ""},
		{"department", p.Department != ""}, {"priority", p.Priority != ""}, {"tags", len(p.Tags) > 0},
	} {
		if f.set && !used[f.name] && p.Action != "" && slices.Contains(BulkActions(), p.Action) {
			v.Add(f.name, "excluded", fmt.Sprintf("is not used by action %q", p.Action))
		}
	}
	for _, s := range []struct{ name, val string }{{"to", p.To}, {"reason", p.Reason}, {"assignee", p.Assignee}, {"department", p.Department}, {"priority", p.Priority}} {
		if err := ticket.CheckText(s.name, s.val); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
	return failed(distinct(v))
}

// checkBulkTags adds to v the problems of the tags of a bulk action: none,
// more than a ticket holds, an empty or long one, one listed twice.
func checkBulkTags(v *ticket.ValidationError, tags []string) {
	switch {
	case len(tags) == 0:
		v.Add("tags", "required", "is required")
	case len(tags) > maxTags:
		v.Add("tags", "max", fmt.Sprintf("must hold at most %d tags", maxTags))
	}
	for i, tag := range tags {
		name := fmt.Sprintf("tags[%d]", i)
		switch {
		case tag == "":
			v.Add(name, "required", "is required")
		case len(tag) > 50:
			v.Add(name, "max", "must be at most 50 bytes")
		case slices.Index(tags, tag) < i:
			v.Add(name, "unique", "is listed twice")
		}
		if err := ticket.CheckText(name, tag); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		}
	}
}

// bulkCollector gathers, in a chunk of a bulk action, what the changes
// run in the chunk's transaction tx would do after their own commit:
// their outbox entries are claimed until lockUntil for inline delivery,
// and their notifications are delivered once the chunk commits.
type bulkCollector struct {
	tx        storage.Tx
	lockUntil time.Time
	notices   []notify.Event
}

// bulkKey is the context key of a chunk's bulkCollector.
type bulkKey struct{}

// bulkFrom returns the collector of the chunk whose transaction is tx,
// or nil when tx is not a bulk chunk's (the host's own transaction).
func bulkFrom(ctx context.Context, tx storage.Tx) *bulkCollector {
	if c, ok := ctx.Value(bulkKey{}).(*bulkCollector); ok && c.tx == tx {
		return c
	}
	return nil
}
