package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// storedTicket returns the copy of t the store keeps.
func storedTicket(t *ticket.Ticket) *ticket.Ticket {
	c := t.Clone()
	c.CreatedAt = utc(c.CreatedAt)
	c.UpdatedAt = utc(c.UpdatedAt)
	c.ClosedAt = utc(c.ClosedAt)
	c.SLA = storage.StoredSLA(c.SLA)
	for i := range c.Actions {
		c.Actions[i].DueAt = utc(c.Actions[i].DueAt)
		c.Actions[i].DoneAt = utc(c.Actions[i].DoneAt)
	}
	return c
}

// checkTicket validates the keys of a ticket to write.
func (x *tx) checkTicket(ctx context.Context, t *ticket.Ticket) error {
	if t == nil {
		return errors.New("memory: ticket is nil")
	}
	if err := x.check(ctx, t.TenantID); err != nil {
		return err
	}
	if t.ID == "" {
		return errors.New("memory: ticket ID is required")
	}
	if t.Number == "" {
		return errors.New("memory: ticket number is required")
	}
	return nil
}

// TicketCreate stores a copy of t with Version 1.
func (x *tx) TicketCreate(ctx context.Context, t *ticket.Ticket) error {
	if err := x.checkTicket(ctx, t); err != nil {
		return fmt.Errorf("memory: create ticket: %w", err)
	}
	if _, ok := x.db.tickets[t.ID]; ok {
		return fmt.Errorf("memory: create ticket %s: ID taken: %w", t.ID, storage.ErrConflict)
	}
	nk := key{t.TenantID, t.Number}
	if _, ok := x.db.numbers[nk]; ok {
		return fmt.Errorf("memory: create ticket %s: number %q taken: %w", t.ID, t.Number, storage.ErrConflict)
	}
	c := storedTicket(t)
	c.Version = 1
	c.Kind = ticket.KindTicket // see ComplaintCreate
	c.SLAVersion = storage.NextSLAVersion(0, c.SLA)
	x.db.tickets[c.ID] = c
	x.db.numbers[nk] = c.ID
	x.onUndo(func() {
		delete(x.db.tickets, c.ID)
		delete(x.db.numbers, nk)
	})
	t.Version, t.Kind, t.SLAVersion = 1, c.Kind, c.SLAVersion
	return nil
}

// ticket returns the stored ticket of a tenant, or nil.
func (x *tx) ticket(tenantID, id string) *ticket.Ticket {
	t := x.db.tickets[id]
	if t == nil || t.TenantID != tenantID {
		return nil
	}
	return t
}

// TicketGet returns a copy of a ticket by ID.
func (x *tx) TicketGet(ctx context.Context, p storage.TicketGetParams) (*ticket.Ticket, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: get ticket: %w", err)
	}
	t := x.ticket(p.TenantID, p.ID)
	if t == nil {
		return nil, fmt.Errorf("memory: get ticket %s: %w", p.ID, storage.ErrNotFound)
	}
	return t.Clone(), nil
}

// TicketGetByNumber returns a copy of a ticket by number.
func (x *tx) TicketGetByNumber(ctx context.Context, p storage.TicketGetByNumberParams) (*ticket.Ticket, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: get ticket by number: %w", err)
	}
	id, ok := x.db.numbers[key{p.TenantID, p.Number}]
	if !ok {
		return nil, fmt.Errorf("memory: get ticket by number %q: %w", p.Number, storage.ErrNotFound)
	}
	return x.db.tickets[id].Clone(), nil
}

// TicketUpdate replaces a ticket if t.Version and t.SLAVersion are the
// stored versions.
func (x *tx) TicketUpdate(ctx context.Context, t *ticket.Ticket) error {
	if err := x.checkTicket(ctx, t); err != nil {
		return fmt.Errorf("memory: update ticket: %w", err)
	}
	old := x.ticket(t.TenantID, t.ID)
	if old == nil {
		return fmt.Errorf("memory: update ticket %s: %w", t.ID, storage.ErrNotFound)
	}
	if old.Version != t.Version {
		return fmt.Errorf("memory: update ticket %s: version %d was read, version %d is stored: %w",
			t.ID, t.Version, old.Version, storage.ErrConflict)
	}
	if old.SLAVersion != t.SLAVersion {
		return fmt.Errorf("memory: update ticket %s: SLA version %d was read, SLA version %d is stored: %w",
			t.ID, t.SLAVersion, old.SLAVersion, storage.ErrConflict)
	}
	oldKey, newKey := key{old.TenantID, old.Number}, key{t.TenantID, t.Number}
	if oldKey != newKey {
		if _, ok := x.db.numbers[newKey]; ok {
			return fmt.Errorf("memory: update ticket %s: number %q taken: %w", t.ID, t.Number, storage.ErrConflict)
		}
	}
	c := storedTicket(t)
	c.Version = old.Version + 1
	c.Kind = old.Kind // a ticket never changes kind
	c.SLAVersion = storage.NextSLAVersion(old.SLAVersion, c.SLA)
	x.db.tickets[c.ID] = c
	if oldKey != newKey {
		delete(x.db.numbers, oldKey)
		x.db.numbers[newKey] = c.ID
	}
	x.onUndo(func() {
		x.db.tickets[old.ID] = old
		if oldKey != newKey {
			delete(x.db.numbers, newKey)
			x.db.numbers[oldKey] = old.ID
		}
	})
	t.Version, t.SLAVersion = c.Version, c.SLAVersion
	return nil
}

// TicketList returns one page of the tickets matching a filter.
func (x *tx) TicketList(ctx context.Context, p storage.TicketListParams) (*storage.TicketListResult, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return nil, fmt.Errorf("memory: list tickets: %w", err)
	}
	sort := p.Sort
	if sort == "" {
		sort = storage.SortCreatedAt
	}
	if !slices.Contains(storage.SortFields(), sort) {
		return nil, fmt.Errorf("memory: list tickets: unknown sort field %q", string(p.Sort))
	}
	var after *storage.Cursor
	if p.After != "" {
		c, err := storage.DecodeCursor(p.After, sort, p.Desc)
		if err != nil {
			return nil, fmt.Errorf("memory: list tickets: %w", err)
		}
		after = &c
	}
	ranks := make(map[string]int64, len(p.PriorityOrder))
	for i, code := range p.PriorityOrder {
		if _, dup := ranks[code]; !dup {
			ranks[code] = int64(i)
		}
	}
	keyOf := func(t *ticket.Ticket) storage.Cursor {
		k := storage.Cursor{Sort: sort, Desc: p.Desc, ID: t.ID}
		switch sort {
		case storage.SortCreatedAt:
			k.Time = t.CreatedAt
		case storage.SortUpdatedAt:
			k.Time = t.UpdatedAt
		case storage.SortSLADue:
			k.Int = t.SLA.DueKey()
		case storage.SortPriority:
			k.Int = -1
			if p.CatalogOrder {
				k.Int = int64(t.SortKeys.Priority)
			} else if r, ok := ranks[t.Priority]; ok {
				k.Int = r
			}
		case storage.SortStatus:
			if p.CatalogOrder {
				k.Int = int64(t.SortKeys.Status)
			} else {
				k.Str = t.Status
			}
		case storage.SortCategory:
			if p.CatalogOrder {
				k.Int = int64(t.SortKeys.Category)
			} else {
				k.Str = t.Category
			}
		case storage.SortNumber:
			k.Str = t.Number
		}
		return k
	}
	var rows []*ticket.Ticket
	query := x.queryMatcher(&p.TicketFilter)
	for _, t := range x.db.tickets {
		if matchTicket(t, &p.TicketFilter) && x.matchLinked(t, p.Linked) && query(t) {
			rows = append(rows, t)
		}
	}
	rows, next := page(rows, keyOf, sort, p.Desc, after, storage.ClampLimit(p.Limit))
	res := &storage.TicketListResult{Tickets: make([]*ticket.Ticket, len(rows)), Next: next}
	for i, t := range rows {
		res.Tickets[i] = t.Clone()
	}
	return res, nil
}

// matchTicket reports whether t passes every set field of f.
func matchTicket(t *ticket.Ticket, f *storage.TicketFilter) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	switch {
	case t.TenantID != f.TenantID,
		!matchCustomer(t, f),
		!in(f.Statuses, t.Status),
		!in(f.Priorities, t.Priority),
		!in(f.Categories, t.Category),
		!in(f.Departments, t.Department),
		!in(f.Assignees, t.Assignee),
		!in(f.Channels, string(t.Channel)),
		!f.CreatedFrom.IsZero() && t.CreatedAt.Before(f.CreatedFrom),
		!f.CreatedTo.IsZero() && !t.CreatedAt.Before(f.CreatedTo),
		!f.UpdatedSince.IsZero() && t.UpdatedAt.Before(f.UpdatedSince),
		f.CustomerMobile != "" && t.Customer.Mobile != f.CustomerMobile,
		f.CustomerEmail != "" && !strings.EqualFold(t.Customer.Email, f.CustomerEmail),
		f.Number != "" && t.Number != f.Number,
		!strings.HasPrefix(t.Number, f.NumberPrefix),
		f.Text != "" && !strings.Contains(strings.ToLower(t.Subject), strings.ToLower(f.Text)),
		len(f.References) > 0 && !slices.ContainsFunc(t.References, func(r ticket.Reference) bool { return hasRef(f.References, r) }),
		len(f.Tags) > 0 && !slices.ContainsFunc(t.Tags, func(tag string) bool { return slices.Contains(f.Tags, tag) }):
		return false
	}
	return true
}

// matchCustomer reports whether t passes the customer and organisation
// filters of f.
func matchCustomer(t *ticket.Ticket, f *storage.TicketFilter) bool {
	customer := f.CustomerID == "" || t.Customer.ID == f.CustomerID
	org := f.OrganisationID == "" || t.Customer.OrganisationID == f.OrganisationID
	if f.CustomerOrOrganisation && f.CustomerID != "" && f.OrganisationID != "" {
		return customer || org
	}
	return customer && org
}

// hasRef reports whether refs holds r's kind and ID.
func hasRef(refs []ticket.Reference, r ticket.Reference) bool {
	return slices.ContainsFunc(refs, func(x ticket.Reference) bool { return x.Kind == r.Kind && x.ID == r.ID })
}

// TicketClaimDue returns the tickets of all tenants whose wake time has
// come, those due first. The transaction's lock holds them.
func (x *tx) TicketClaimDue(ctx context.Context, p storage.TicketClaimDueParams) ([]*ticket.Ticket, error) {
	if err := x.live(ctx); err != nil {
		return nil, fmt.Errorf("memory: claim due tickets: %w", err)
	}
	if err := storage.CheckClaimDue(p); err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	now := utc(p.Now)
	var due []*ticket.Ticket
	for _, t := range x.db.tickets {
		if at := t.SLA.WakeAt(); !at.IsZero() && !at.After(now) {
			due = append(due, t)
		}
	}
	slices.SortFunc(due, func(a, b *ticket.Ticket) int {
		return cmp.Or(a.SLA.WakeAt().Compare(b.SLA.WakeAt()), strings.Compare(a.ID, b.ID))
	})
	due = due[:min(len(due), storage.ClampClaimDueLimit(p.Limit))]
	out := make([]*ticket.Ticket, len(due))
	for i, t := range due {
		out[i] = t.Clone()
	}
	return out, nil
}

// TicketSLAUpdate stores the SLA state of each ticket alone, if its
// t.SLAVersion is the stored one, and increments t.SLAVersion.
func (x *tx) TicketSLAUpdate(ctx context.Context, tickets []*ticket.Ticket) error {
	for _, t := range tickets {
		if err := x.ticketSLAUpdate(ctx, t); err != nil {
			return fmt.Errorf("memory: update SLA state: %w", err)
		}
	}
	return nil
}

func (x *tx) ticketSLAUpdate(ctx context.Context, t *ticket.Ticket) error {
	if err := x.checkTicket(ctx, t); err != nil {
		return err
	}
	old := x.ticket(t.TenantID, t.ID)
	switch {
	case old == nil:
		return fmt.Errorf("ticket %s is unknown: %w", t.ID, storage.ErrConflict)
	case old.SLAVersion != t.SLAVersion:
		return fmt.Errorf("ticket %s: SLA version %d was read, SLA version %d is stored: %w",
			t.ID, t.SLAVersion, old.SLAVersion, storage.ErrConflict)
	}
	c := old.Clone()
	c.SLA = storage.StoredSLA(t.SLA)
	c.SLAVersion = storage.NextSLAVersion(old.SLAVersion, c.SLA)
	x.db.tickets[c.ID] = c
	x.onUndo(func() { x.db.tickets[old.ID] = old })
	t.SLAVersion = c.SLAVersion
	return nil
}

// TicketUpdateBatch stores changed tickets as TicketUpdate does each.
func (x *tx) TicketUpdateBatch(ctx context.Context, tickets []*ticket.Ticket) error {
	for _, t := range tickets {
		if err := x.TicketUpdate(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// TicketSortKeysUpdate stores the sort keys of each ticket still at its
// Version (see storage.TicketSortKeyUpdater). The SLA due key is read
// from the stored SLA state, which it always follows here, so only
// SortKeys can change.
func (x *tx) TicketSortKeysUpdate(ctx context.Context, tickets []*ticket.Ticket) (int, error) {
	n := 0
	for _, t := range tickets {
		if err := x.checkTicket(ctx, t); err != nil {
			return n, err
		}
		old := x.ticket(t.TenantID, t.ID)
		if old == nil || old.Version != t.Version || old.SortKeys == t.SortKeys {
			continue
		}
		c := old.Clone()
		c.SortKeys = t.SortKeys
		x.db.tickets[c.ID] = c
		x.onUndo(func() { x.db.tickets[old.ID] = old })
		n++
	}
	return n, nil
}

// TicketCount counts the tickets a filter selects, up to p.Max+1 (see
// storage.TicketCounter).
func (x *tx) TicketCount(ctx context.Context, p storage.TicketCountParams) (int, error) {
	if err := x.check(ctx, p.TenantID); err != nil {
		return 0, fmt.Errorf("memory: count tickets: %w", err)
	}
	if p.Max <= 0 {
		return 0, fmt.Errorf("memory: count tickets: Max %d is not positive", p.Max)
	}
	n := 0
	query := x.queryMatcher(&p.TicketFilter)
	for _, t := range x.db.tickets {
		if matchTicket(t, &p.TicketFilter) && x.matchLinked(t, p.Linked) && query(t) {
			if n++; n > p.Max {
				break
			}
		}
	}
	return n, nil
}
