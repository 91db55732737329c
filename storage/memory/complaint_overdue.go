package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ticketkit/ticketkit/storage"
)

var _ storage.ComplaintOverdueStore = (*Store)(nil)

// ComplaintClaimOverdue returns the complaints with an open unmarked
// action due at or before p.Now, those due first. A write transaction
// holds the store's lock, so no other sweeper claims them meanwhile. It
// reads every complaint: the memory store has no index to walk.
func (x *tx) ComplaintClaimOverdue(ctx context.Context, p storage.ComplaintClaimOverdueParams) ([]*storage.OverdueComplaint, error) {
	if err := x.live(ctx); err != nil {
		return nil, fmt.Errorf("memory: claim overdue complaints: %w", err)
	}
	if err := storage.CheckClaimOverdue(p); err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	now := utc(p.Now)
	type due struct {
		oc   *storage.OverdueComplaint
		next time.Time
	}
	var found []due
	for id := range x.db.complaints {
		t := x.db.tickets[id]
		if t == nil {
			continue
		}
		c := x.complaint(t.TenantID, id)
		next, marks := storage.NextActionDue(c, x.db.marks[id])
		if !next.IsZero() && !next.After(now) {
			found = append(found, due{&storage.OverdueComplaint{Complaint: c, Marks: marks}, next})
		}
	}
	slices.SortFunc(found, func(a, b due) int {
		return cmp.Or(a.next.Compare(b.next), strings.Compare(a.oc.Complaint.ID, b.oc.Complaint.ID))
	})
	found = found[:min(len(found), storage.ClampLimit(p.Limit))]
	out := make([]*storage.OverdueComplaint, len(found))
	for i, f := range found {
		out[i] = f.oc
	}
	return out, nil
}

// ComplaintOverdueMark adds the marks of p.Actions to the complaint.
func (x *tx) ComplaintOverdueMark(ctx context.Context, p storage.ComplaintOverdueMarkParams) error {
	const op = "memory: mark overdue actions"
	if err := x.check(ctx, p.TenantID); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if x.complaint(p.TenantID, p.ComplaintID) == nil {
		return fmt.Errorf("%s of %s: %w", op, p.ComplaintID, storage.ErrNotFound)
	}
	marks := x.db.marks[p.ComplaintID].Clone()
	for _, a := range p.Actions {
		marks[a.ID] = utc(a.DueAt)
	}
	x.setMarks(p.ComplaintID, marks)
	x.keepMarks(p.ComplaintID)
	return nil
}

// keepMarks drops the marks of a complaint that no longer hold for its
// stored actions (see storage.NextActionDue): a new due date re-arms an
// action.
func (x *tx) keepMarks(id string) {
	marks, ok := x.db.marks[id]
	t := x.db.tickets[id]
	if !ok || t == nil {
		return
	}
	_, kept := storage.NextActionDue(x.complaint(t.TenantID, id), marks)
	if len(kept) != len(marks) {
		x.setMarks(id, kept)
	}
}

// setMarks replaces the marks of a complaint, to be undone on rollback.
func (x *tx) setMarks(id string, marks storage.ActionMarks) {
	if x.db.marks == nil {
		x.db.marks = map[string]storage.ActionMarks{}
	}
	prev, had := x.db.marks[id]
	x.db.marks[id] = marks
	x.onUndo(func() {
		if had {
			x.db.marks[id] = prev
		} else {
			delete(x.db.marks, id)
		}
	})
}

// ComplaintClaimOverdue claims the complaints with overdue actions, in a
// write transaction of its own.
func (s *Store) ComplaintClaimOverdue(ctx context.Context, p storage.ComplaintClaimOverdueParams) ([]*storage.OverdueComplaint, error) {
	var out []*storage.OverdueComplaint
	err := s.write(ctx, func(x *tx) error {
		var err error
		out, err = x.ComplaintClaimOverdue(ctx, p)
		return err
	})
	return out, err
}

// ComplaintOverdueMark adds the marks of p.Actions to the complaint.
func (s *Store) ComplaintOverdueMark(ctx context.Context, p storage.ComplaintOverdueMarkParams) error {
	return s.write(ctx, func(x *tx) error { return x.ComplaintOverdueMark(ctx, p) })
}
