package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

var (
	_ storage.ComplaintStore  = (*Store)(nil)
	_ storage.ComplaintLocker = (*Store)(nil)
)

// issuedLayout renders a date of issue as a cursor key that sorts in
// time order.
const issuedLayout = "2006-01-02T15:04:05.000000Z"

// storedDetails returns the copy of a complaint section the store keeps:
// deep, with times in UTC at microsecond precision.
func storedDetails(c *ticket.Complaint) *ticket.ComplaintDetails {
	d := (&ticket.Complaint{Details: c.Details}).Clone().Details
	d.IssuedAt, d.EndDate, d.PostedAt = utc(d.IssuedAt), utc(d.EndDate), utc(d.PostedAt)
	for i := range d.Comments {
		d.Comments[i].At = utc(d.Comments[i].At)
	}
	for i := range d.Reviews {
		d.Reviews[i].At = utc(d.Reviews[i].At)
	}
	for i := range d.ReviewResults {
		d.ReviewResults[i].At = utc(d.ReviewResults[i].At)
	}
	if d.Decision != nil {
		d.Decision.At = utc(d.Decision.At)
	}
	return &d
}

// complaint returns a copy of the stored complaint of a tenant, or nil.
func (x *tx) complaint(tenantID, id string) *ticket.Complaint {
	t := x.ticket(tenantID, id)
	d := x.db.complaints[id]
	if t == nil || d == nil {
		return nil
	}
	return (&ticket.Complaint{Ticket: *t, Details: *d}).Clone()
}

// ComplaintCreate stores a copy of the complaint section of an existing
// ticket.
func (x *tx) ComplaintCreate(ctx context.Context, c *ticket.Complaint) error {
	if err := x.checkTicket(ctx, &c.Ticket); err != nil {
		return fmt.Errorf("memory: create complaint: %w", err)
	}
	old := x.ticket(c.TenantID, c.ID)
	if old == nil {
		return fmt.Errorf("memory: create complaint %s: no such ticket: %w", c.ID, storage.ErrNotFound)
	}
	if _, ok := x.db.complaints[c.ID]; ok {
		return fmt.Errorf("memory: create complaint %s: already a complaint: %w", c.ID, storage.ErrConflict)
	}
	marked := old.Clone()
	marked.Kind = ticket.KindComplaint
	x.db.tickets[c.ID] = marked
	x.db.complaints[c.ID] = storedDetails(c)
	x.onUndo(func() {
		delete(x.db.complaints, c.ID)
		x.db.tickets[c.ID] = old
	})
	c.Kind = ticket.KindComplaint
	return nil
}

// ComplaintGet returns a copy of a complaint by ticket ID.
func (x *tx) ComplaintGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: get complaint: %w", err)
	}
	c := x.complaint(p.TenantID, p.ID)
	if c == nil {
		return nil, fmt.Errorf("memory: get complaint %s: %w", p.ID, storage.ErrNotFound)
	}
	return c, nil
}

// ComplaintLock returns a copy of a complaint by ticket ID. A write
// transaction holds the store's lock, so no other writer runs until it
// ends.
func (x *tx) ComplaintLock(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	return x.ComplaintGet(ctx, p)
}

// ComplaintUpdate stores a changed complaint unless the stored one is
// posted.
func (x *tx) ComplaintUpdate(ctx context.Context, c *ticket.Complaint) error {
	if err := x.checkTicket(ctx, &c.Ticket); err != nil {
		return fmt.Errorf("memory: update complaint: %w", err)
	}
	old := x.complaint(c.TenantID, c.ID)
	if old == nil {
		return fmt.Errorf("memory: update complaint %s: %w", c.ID, storage.ErrNotFound)
	}
	if err := old.CheckEditable(); err != nil {
		return fmt.Errorf("memory: update complaint %s: %w", c.ID, err)
	}
	if err := x.TicketUpdate(ctx, &c.Ticket); err != nil {
		return err
	}
	prev := x.db.complaints[c.ID]
	x.db.complaints[c.ID] = storedDetails(c)
	x.onUndo(func() { x.db.complaints[c.ID] = prev })
	x.keepMarks(c.ID)
	return nil
}

// ComplaintList returns one page of a tenant's complaints by date of
// issue.
func (x *tx) ComplaintList(ctx context.Context, p storage.ComplaintListParams) (*storage.ComplaintListResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list complaints: %w", err)
	}
	var after *storage.Cursor
	if p.After != "" {
		cur, err := storage.DecodeCursor(p.After, storage.SortIssuedAt, p.Desc)
		if err != nil {
			return nil, fmt.Errorf("memory: list complaints: %w", err)
		}
		after = &cur
	}
	var rows []*ticket.Complaint
	for id := range x.db.complaints {
		c := x.complaint(p.TenantID, id)
		if c != nil && matchComplaint(c, &p.ComplaintFilter) {
			rows = append(rows, c)
		}
	}
	keyOf := func(c *ticket.Complaint) storage.Cursor {
		return storage.Cursor{Sort: storage.SortIssuedAt, Desc: p.Desc, Str: c.Details.IssuedAt.UTC().Format(issuedLayout), ID: c.ID}
	}
	rows, next := page(rows, keyOf, storage.SortIssuedAt, p.Desc, after, storage.ClampLimit(p.Limit))
	return &storage.ComplaintListResult{Complaints: rows, Next: next}, nil
}

// matchComplaint reports whether c passes every set field of f.
func matchComplaint(c *ticket.Complaint, f *storage.ComplaintFilter) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	d := &c.Details
	issued, amount := d.IssuedAt, d.Accounting.Amount
	var src ticket.Reference
	if d.Source != nil {
		src = *d.Source
	}
	switch {
	case !in(f.Reasons, c.Reason),
		!in(f.Statuses, c.Status),
		!in(f.Priorities, c.Priority),
		len(f.Severities) > 0 && !slices.Contains(f.Severities, d.Severity),
		f.CustomerID != "" && c.Customer.ID != f.CustomerID,
		f.Counterparty != "" && d.Accounting.Counterparty != f.Counterparty,
		!in(f.BusinessUnits, d.Responsibility.BusinessUnit),
		!in(f.Employees, d.Responsibility.Employee),
		!in(f.Salespersons, d.Responsibility.Salesperson),
		f.SourceKind != "" && src.Kind != f.SourceKind,
		f.SourceID != "" && src.ID != f.SourceID,
		f.AmountFrom != nil && amount.LessThan(*f.AmountFrom),
		f.AmountTo != nil && amount.GreaterThan(*f.AmountTo),
		f.Currency != "" && d.Accounting.Currency != f.Currency,
		!f.IssuedFrom.IsZero() && issued.Before(f.IssuedFrom),
		!f.IssuedTo.IsZero() && !issued.Before(f.IssuedTo),
		f.Text != "" && !strings.Contains(strings.ToLower(c.Subject), strings.ToLower(f.Text)):
		return false
	}
	return true
}

// ComplaintCreate stores the complaint section of an existing ticket.
func (s *Store) ComplaintCreate(ctx context.Context, c *ticket.Complaint) error {
	return s.write(ctx, func(x *tx) error { return x.ComplaintCreate(ctx, c) })
}

// ComplaintGet returns a copy of a complaint by ticket ID.
func (s *Store) ComplaintGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	return read(s, func(x *tx) (*ticket.Complaint, error) { return x.ComplaintGet(ctx, p) })
}

// ComplaintLock returns a copy of a complaint by ticket ID, in a write
// transaction of its own.
func (s *Store) ComplaintLock(ctx context.Context, p storage.TicketGetParams) (*ticket.Complaint, error) {
	var c *ticket.Complaint
	err := s.write(ctx, func(x *tx) error {
		var err error
		c, err = x.ComplaintLock(ctx, p)
		return err
	})
	return c, err
}

// ComplaintUpdate stores a changed complaint unless the stored one is
// posted.
func (s *Store) ComplaintUpdate(ctx context.Context, c *ticket.Complaint) error {
	return s.write(ctx, func(x *tx) error { return x.ComplaintUpdate(ctx, c) })
}

// ComplaintList returns one page of a tenant's complaints.
func (s *Store) ComplaintList(ctx context.Context, p storage.ComplaintListParams) (*storage.ComplaintListResult, error) {
	return read(s, func(x *tx) (*storage.ComplaintListResult, error) { return x.ComplaintList(ctx, p) })
}
