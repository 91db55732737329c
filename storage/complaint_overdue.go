package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/ticketkit/ticketkit/ticket"
)

// ErrComplaintOverdueUnsupported is wrapped by errors of code that needs
// a [ComplaintOverdueStore] and was given a Tx that does not implement
// it. It wraps [ErrUnsupported].
var ErrComplaintOverdueUnsupported = fmt.Errorf("%w: overdue complaint actions (storage.ComplaintOverdueStore)", ErrUnsupported)

// ActionMarks are the overdue marks of a complaint's actions: by action
// ID, the due date (ticket.Action.DueAt) whose "action overdue" notice
// was sent. A mark holds for that due date only: an action given another
// due date is unmarked again.
type ActionMarks map[string]time.Time

// Clone returns a copy of m, never nil.
func (m ActionMarks) Clone() ActionMarks {
	out := make(ActionMarks, len(m))
	maps.Copy(out, m)
	return out
}

// Marked reports whether a's overdue notice was sent for its current due
// date.
func (m ActionMarks) Marked(a ticket.Action) bool {
	at, ok := m[a.ID]
	return ok && at.Equal(a.DueAt)
}

// Overdue returns the actions of c that are overdue at now and not
// marked: not done, with a due date not after now. A posted complaint
// has none: a posted document takes no more changes, so none of its
// actions can be done any more.
func (m ActionMarks) Overdue(c *ticket.Complaint, now time.Time) []ticket.Action {
	if c.Details.Posted {
		return nil
	}
	var out []ticket.Action
	for _, a := range c.Actions {
		if !a.Done && !a.DueAt.IsZero() && !a.DueAt.After(now) && !m.Marked(a) {
			out = append(out, a)
		}
	}
	return out
}

// NextActionDue returns, for adapters, what a store keeps of the overdue
// state of c given its marks m: the marks that still hold (those of
// actions c still has, at their current due date), and the earliest due
// date of c's open actions that are not marked, zero when there is none
// or c is posted. Stores write both with every complaint write, so that
// [ComplaintOverdueStore.ComplaintClaimOverdue] finds the complaints
// with an action due through an index on that time.
func NextActionDue(c *ticket.Complaint, m ActionMarks) (time.Time, ActionMarks) {
	kept := ActionMarks{}
	var next time.Time
	for _, a := range c.Actions {
		if m.Marked(a) {
			kept[a.ID] = a.DueAt.UTC().Truncate(time.Microsecond)
			continue
		}
		if !a.Done && !a.DueAt.IsZero() && (next.IsZero() || a.DueAt.Before(next)) {
			next = a.DueAt
		}
	}
	if c.Details.Posted {
		next = time.Time{}
	}
	if !next.IsZero() {
		next = next.UTC().Truncate(time.Microsecond)
	}
	return next, kept
}

// ComplaintClaimOverdueParams claims the complaints the overdue sweep
// must look at.
type ComplaintClaimOverdueParams struct {
	// Now is the current time: complaints with an open, unmarked action
	// due at or before it are due. Required.
	Now time.Time
	// Limit is the most complaints to claim; see [ClampLimit].
	Limit int
}

// CheckClaimOverdue returns an error naming what is wrong with p, for
// adapters.
func CheckClaimOverdue(p ComplaintClaimOverdueParams) error {
	if p.Now.IsZero() {
		return errors.New("claim overdue complaints: Now is required")
	}
	return nil
}

// OverdueComplaint is a complaint claimed by
// [ComplaintOverdueStore.ComplaintClaimOverdue], with its overdue marks.
type OverdueComplaint struct {
	Complaint *ticket.Complaint
	// Marks are the marks that hold for the complaint's actions.
	Marks ActionMarks
}

// ComplaintOverdueMarkParams records overdue notices sent for actions of
// one complaint.
type ComplaintOverdueMarkParams struct {
	TenantID    string
	ComplaintID string
	// Actions are the actions noticed, each at its DueAt (the ID and
	// DueAt are read). A mark for an action the stored complaint does
	// not have at that due date is dropped.
	Actions []ticket.Action
}

// ComplaintOverdueStore is implemented by a [ComplaintStore] Tx that
// keeps, per complaint, the overdue marks of its actions ([ActionMarks])
// and finds the complaints with an open action due that is not marked
// through an index, without reading every complaint: the escalation
// sweep's "action overdue" notices (Desk.RunEscalations). It is
// optional: on a store without it no such notice is sent. Both the
// memory and the Bun store implement it.
//
// The store keeps the marks, and the earliest due date of the open
// unmarked actions of each complaint (see [NextActionDue]), in step with
// every ComplaintCreate and ComplaintUpdate, in the same transaction: a
// new due date re-arms an action, a done action or a posted complaint is
// never due.
type ComplaintOverdueStore interface {
	// ComplaintClaimOverdue returns the complaints, of every tenant,
	// with an open unmarked action due at or before p.Now, those due
	// first, each with its marks. On a store with concurrent writers
	// the claim locks the complaints it returns until the transaction
	// ends and passes over those another transaction holds (on
	// PostgreSQL, FOR UPDATE SKIP LOCKED), so that concurrent sweepers,
	// in one process or several, never claim one complaint together; a
	// store whose transactions run one writer at a time needs no more.
	// A claimed complaint may turn out to have no action due (a mark
	// written meanwhile): the caller then marks nothing, which brings
	// its state up to date.
	ComplaintClaimOverdue(ctx context.Context, p ComplaintClaimOverdueParams) ([]*OverdueComplaint, error)
	// ComplaintOverdueMark adds the marks of p.Actions to the stored
	// complaint and updates its next due date, without changing its
	// Version, UpdatedAt or anything else: a mark is not an edit of the
	// document. An unknown complaint gives ErrNotFound.
	ComplaintOverdueMark(ctx context.Context, p ComplaintOverdueMarkParams) error
}
