package ticketkit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// LinkParams names a typed link between two tickets: "TicketID <Type>
// OtherID", such as ticket A (TicketID) parent B (OtherID): B is A's
// parent.
type LinkParams struct {
	TicketID string `json:"ticket_id"`
	// Type is one of ticket.LinkTypes but ticket.LinkSplitFrom, which
	// only Desk.Split sets.
	Type    ticket.LinkType `json:"type"`
	OtherID string          `json:"other_id"`
}

// Link relates two tickets of the actor's tenant with a typed link (see
// [ticket.LinkType]): parent and child, related, duplicate of, caused
// by. Links are internal: only staff may add, remove or list them, and
// customers never see them, nor the history lines they write.
//
// A ticket has at most one parent and duplicates at most one ticket; a
// parent or duplicate-of link that would close a cycle (a ticket its
// own ancestor), or make a chain longer than [MaxLinkDepth], is refused
// with ErrLinkCycle; a second parent or original, or a link that exists
// already (a "related" link in either direction), with ErrConflict; a
// ticket linked to itself with a *ValidationError. Parent and
// duplicate-of links of one tenant are made one at a time, so that two
// agents linking at once cannot close a cycle neither would alone. A merged ticket
// takes no new links (ErrMerged). Both tickets get a history line
// (ticket.FieldLink) naming the other one. The store must implement
// storage.LinkStore (ErrRelationsUnsupported otherwise).
// [Desk.LinkTx] runs it in the host's transaction.
func (d *Desk) Link(ctx context.Context, actor ticket.Actor, p LinkParams) (_ *ticket.Link, err error) {
	ctx, end := d.begin(ctx, "Link", actor)
	defer func() { end(err) }()
	return d.link(ctx, nil, actor, p)
}

// LinkTx is [Desk.Link] in the host's transaction tx; see [Desk.OpenTx]
// for what differs.
func (d *Desk) LinkTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p LinkParams) (_ *ticket.Link, err error) {
	ctx, end := d.begin(ctx, "LinkTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.link(ctx, tx, actor, p)
}

// Unlink removes a link that [Desk.Link] added, with a history line on
// both tickets; an unknown link is ErrNotFound. [Desk.UnlinkTx] runs it
// in the host's transaction.
func (d *Desk) Unlink(ctx context.Context, actor ticket.Actor, p LinkParams) (err error) {
	ctx, end := d.begin(ctx, "Unlink", actor)
	defer func() { end(err) }()
	return d.unlink(ctx, nil, actor, p)
}

// UnlinkTx is [Desk.Unlink] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) UnlinkTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p LinkParams) (err error) {
	ctx, end := d.begin(ctx, "UnlinkTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return err
	}
	return d.unlink(ctx, tx, actor, p)
}

// Links returns the links of a ticket, those from it and those to it,
// oldest first (at most [MaxLinks]). Only staff may list links:
// customers get ErrForbidden.
func (d *Desk) Links(ctx context.Context, actor ticket.Actor, ticketID string) (_ []*ticket.Link, err error) {
	ctx, end := d.begin(ctx, "Links", actor)
	defer func() { end(err) }()
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := requireStaff(actor, "see ticket links"); err != nil {
		return nil, err
	}
	ls, ok := d.store.(storage.LinkStore)
	if !ok {
		return nil, fmt.Errorf("ticketkit: links: %T does not implement storage.LinkStore: %w", d.store, ErrRelationsUnsupported)
	}
	if _, err := load(ctx, d.store, actor, ticketID); err != nil {
		return nil, err
	}
	links, err := ls.LinkList(ctx, storage.LinkListParams{TenantID: actor.TenantID, TicketID: ticketID, Limit: MaxLinks})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: links of %q: %w", ticketID, err)
	}
	return links, nil
}

// checkLink validates p for Link and Unlink.
func checkLink(actor ticket.Actor, p LinkParams, unlink bool) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := requireStaff(actor, "link tickets"); err != nil {
		return err
	}
	v := &ticket.ValidationError{}
	for _, f := range []struct{ name, id string }{{"ticket_id", p.TicketID}, {"other_id", p.OtherID}} {
		if err := checkKey(f.name, f.id); err != nil {
			v.Fields = append(v.Fields, asValidation(err).Fields...)
		} else if f.id == "" {
			v.Add(f.name, "required", "is required")
		}
	}
	switch {
	case !p.Type.Valid():
		v.Add("type", "oneof", fmt.Sprintf("must be one of %v", ticket.LinkTypes()))
	case p.Type == ticket.LinkSplitFrom && !unlink:
		v.Add("type", forbidden, "split_from links are set by Desk.Split")
	}
	if p.TicketID != "" && p.TicketID == p.OtherID {
		v.Add("other_id", "self", "a ticket cannot be linked to itself")
	}
	return failed(v)
}

// link is Link in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) link(ctx context.Context, host storage.Tx, actor ticket.Actor, p LinkParams) (*ticket.Link, error) {
	if err := checkLink(actor, p, false); err != nil {
		return nil, err
	}
	var out *ticket.Link
	err := d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ls, from, to, err := d.linkEnds(ctx, tx, actor, p)
		if err != nil {
			return err
		}
		for _, t := range []*ticket.Ticket{from, to} {
			if t.MergedInto != "" {
				return fmt.Errorf("ticketkit: link: ticket %s was merged into another ticket: %w", t.Number, ErrMerged)
			}
		}
		if p.Type.Chained() {
			if err := lockChains(ctx, tx, actor.TenantID); err != nil {
				return err
			}
		}
		if err := checkNewLink(ctx, ls, actor.TenantID, p); err != nil {
			return err
		}
		now := d.now()
		l := &ticket.Link{TenantID: actor.TenantID, Type: p.Type, FromID: from.ID, FromNumber: from.Number,
			ToID: to.ID, ToNumber: to.Number, CreatedBy: actor.ID, CreatedAt: now}
		if err := ls.LinkCreate(ctx, l); err != nil {
			return fmt.Errorf("ticketkit: link %s %s %s: %w", from.Number, p.Type, to.Number, err)
		}
		b.at = now
		b.history(from, []ticket.Event{{Field: ticket.FieldLink, New: linkText(p.Type, true, to.Number)}})
		b.history(to, []ticket.Event{{Field: ticket.FieldLink, New: linkText(p.Type, false, from.Number)}})
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// unlink is Unlink in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) unlink(ctx context.Context, host storage.Tx, actor ticket.Actor, p LinkParams) error {
	if err := checkLink(actor, p, true); err != nil {
		return err
	}
	return d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		ls, from, to, err := d.linkEnds(ctx, tx, actor, p)
		if err != nil {
			return err
		}
		err = ls.LinkDelete(ctx, storage.LinkDeleteParams{TenantID: actor.TenantID, Type: p.Type, FromID: from.ID, ToID: to.ID})
		if err != nil {
			return fmt.Errorf("ticketkit: unlink %s %s %s: %w", from.Number, p.Type, to.Number, err)
		}
		b.at = d.now()
		b.history(from, []ticket.Event{{Field: ticket.FieldLink, Old: linkText(p.Type, true, to.Number)}})
		b.history(to, []ticket.Event{{Field: ticket.FieldLink, Old: linkText(p.Type, false, from.Number)}})
		return nil
	})
}

// linkEnds returns the link store of tx and the two tickets of p, read
// (locked, where the store can) in ID order.
func (d *Desk) linkEnds(ctx context.Context, tx storage.Tx, actor ticket.Actor, p LinkParams) (storage.LinkStore, *ticket.Ticket, *ticket.Ticket, error) {
	ls, ok := tx.(storage.LinkStore)
	if !ok {
		return nil, nil, nil, fmt.Errorf("ticketkit: link: %T does not implement storage.LinkStore: %w", tx, ErrRelationsUnsupported)
	}
	got, err := lockTickets(ctx, tx, actor.TenantID, []string{p.TicketID, p.OtherID})
	if err != nil {
		return nil, nil, nil, err
	}
	from, to := got[p.TicketID], got[p.OtherID]
	switch {
	case from == nil:
		return nil, nil, nil, fmt.Errorf("ticketkit: link: ticket_id: ticket %q: %w", p.TicketID, ErrNotFound)
	case to == nil:
		return nil, nil, nil, fmt.Errorf("ticketkit: link: other_id: ticket %q: %w", p.OtherID, ErrNotFound)
	}
	return ls, from, to, nil
}

// chainLockScope is the counter scope whose row lockChains takes: no
// ticket or complaint numberer's scope (a year, a month, a prefix) looks
// like it.
const chainLockScope = "ticketkit/chain-links"

// lockChains makes the chained links (parent, duplicate of) of a tenant
// be created one at a time, until tx ends: two links that share no
// ticket can close a cycle together (c is b's parent and a is d's; one
// agent makes b the parent of a while another makes d the parent of c),
// and each transaction's walk up the chain sees only the other's
// committed links. It draws a number of a counter row of its own
// (storage.Tx.SequenceNext), which locks that row on every store, so the
// walk that follows it sees every chained link committed before it.
func lockChains(ctx context.Context, tx storage.Tx, tenantID string) error {
	if _, err := tx.SequenceNext(ctx, storage.SequenceNextParams{TenantID: tenantID, Scope: chainLockScope}); err != nil {
		return fmt.Errorf("ticketkit: link: take the tenant's chain lock: %w", err)
	}
	return nil
}

// checkNewLink refuses a link that exists (a related link in either
// direction), a second parent or original, and a chained link that
// would close a cycle or make a chain longer than MaxLinkDepth.
func checkNewLink(ctx context.Context, ls storage.LinkStore, tenantID string, p LinkParams) error {
	have, err := ls.LinkList(ctx, storage.LinkListParams{TenantID: tenantID, TicketID: p.TicketID, Types: []ticket.LinkType{p.Type}, Limit: MaxLinks})
	if err != nil {
		return fmt.Errorf("ticketkit: link: %w", err)
	}
	if len(have) >= MaxLinks {
		return ticket.NewValidationError(ticket.FieldError{Field: "ticket_id", Rule: "max", Message: fmt.Sprintf("has %d links of type %s, the most a ticket may have", len(have), p.Type)})
	}
	for _, l := range have {
		other, _, outgoing := l.Other(p.TicketID)
		switch {
		case other == p.OtherID && (outgoing || p.Type == ticket.LinkRelated):
			return settled{fmt.Errorf("ticketkit: link: the tickets are linked so already: %w", ErrConflict)}
		case outgoing && p.Type.Chained():
			return settled{fmt.Errorf("ticketkit: link: ticket_id has a %s link already (to %s): remove it first: %w", p.Type, l.ToNumber, ErrConflict)}
		}
	}
	if !p.Type.Chained() {
		return nil
	}
	// Walk up from the new parent (original): reaching the ticket would
	// make it its own ancestor.
	at := p.OtherID
	for range MaxLinkDepth {
		up, err := ls.LinkList(ctx, storage.LinkListParams{TenantID: tenantID, TicketID: at, Types: []ticket.LinkType{p.Type}, Outgoing: true, Limit: 1})
		if err != nil {
			return fmt.Errorf("ticketkit: link: %w", err)
		}
		if len(up) == 0 {
			return nil
		}
		if at = up[0].ToID; at == p.TicketID {
			return fmt.Errorf("ticketkit: link: %w: %w", ErrLinkCycle, ticket.NewValidationError(ticket.FieldError{
				Field: "other_id", Rule: "cycle", Message: fmt.Sprintf("ticket %s is linked below this ticket already (%s)", up[0].FromNumber, p.Type),
			}))
		}
	}
	return fmt.Errorf("ticketkit: link: %w: %w", ErrLinkCycle, ticket.NewValidationError(ticket.FieldError{
		Field: "other_id", Rule: "depth", Message: fmt.Sprintf("the %s chain would be longer than %d links", p.Type, MaxLinkDepth),
	}))
}

// linkText is the text of a link in a history line of one of its
// tickets: "<type> <number>" from the From ticket, "<inverse> <number>"
// from the To ticket (child, duplicated_by, caused, related,
// split_into).
func linkText(typ ticket.LinkType, outgoing bool, number string) string {
	name := string(typ)
	if !outgoing {
		switch typ {
		case ticket.LinkParent:
			name = "child"
		case ticket.LinkDuplicateOf:
			name = "duplicated_by"
		case ticket.LinkCausedBy:
			name = "caused"
		case ticket.LinkSplitFrom:
			name = "split_into"
		}
	}
	return name + " " + number
}

// checkChildren refuses to resolve or close a parent ticket t (to is the
// status it would enter) while one of its children is open, unless
// Config.CloseParentsWithOpenChildren is set or the store keeps no
// links.
func (d *Desk) checkChildren(ctx context.Context, tx storage.Tx, actor ticket.Actor, t *ticket.Ticket, to ticket.Status) error {
	if d.closeOpenParents || (to.Category != ticket.CategoryResolved && to.Category != ticket.CategoryClosed) {
		return nil
	}
	ls, ok := tx.(storage.LinkStore)
	if !ok {
		return nil
	}
	children, err := ls.LinkList(ctx, storage.LinkListParams{TenantID: t.TenantID, TicketID: t.ID, Types: []ticket.LinkType{ticket.LinkParent}, Incoming: true, Limit: MaxLinks})
	if err != nil {
		return fmt.Errorf("ticketkit: children of %s: %w", t.Number, err)
	}
	var open []string
	for _, l := range children {
		c, err := tx.TicketGet(ctx, storage.TicketGetParams{TenantID: t.TenantID, ID: l.FromID})
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("ticketkit: child %s of %s: %w", l.FromNumber, t.Number, err)
		}
		if st, _ := d.catalog.Status(c.Status); st.Category != ticket.CategoryResolved && st.Category != ticket.CategoryClosed {
			open = append(open, c.Number)
		}
	}
	if len(open) == 0 {
		return nil
	}
	return &workflow.TransitionError{
		From: t.Status, To: to.Code, Role: actor.Role, Guard: "children_closed",
		Reason: "open child tickets: " + strings.Join(open, ", "), Err: ErrOpenChildren,
	}
}
