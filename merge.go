package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/notify"
	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
	"github.com/ticketkit/ticketkit/workflow"
)

// MergeParams asks for tickets (the sources) to be merged into another
// one (the target).
type MergeParams struct {
	// TargetID is the ticket that takes the sources' messages.
	TargetID string `json:"target_id"`
	// SourceIDs are the tickets merged into the target: 1 to
	// [MaxMergeSources] of them, each once, none the target.
	SourceIDs []string `json:"source_ids"`
	// Reason, when set, is the sources' closure reason.
	Reason string `json:"reason,omitempty" validate:"max=2000"`
	// Version, when set, makes the merge fail with ErrConflict unless
	// the target is still at this version.
	Version int64 `json:"version,omitempty"`
}

// MergeResult is what a merge did.
type MergeResult struct {
	// Target is the target as stored after the merge.
	Target *ticket.Ticket `json:"target"`
	// Sources are the merged tickets as stored after the merge, in the
	// order of MergeParams.SourceIDs.
	Sources []*ticket.Ticket `json:"sources"`
	// Moved counts the messages that moved to the target.
	Moved int `json:"moved"`
}

// Merge merges duplicate tickets (the sources) into a target, in one
// transaction:
//
//   - the messages of every source move to the target, with their
//     attachments, IDs and times, so that the target's thread lists
//     them in time order among its own (they move rather than being
//     copied or linked: a message belongs to one ticket);
//   - each source is closed: its status becomes Config.MergedStatus and
//     its MergedInto the target's ID; its history gets a line naming
//     the target's number (ticket.FieldMergedInto), and the target's a
//     line per source naming its number (ticket.FieldMerged), with the
//     changes of status and contacts, so that the merge is auditable;
//   - customers and contacts are combined: the target keeps its
//     customer; the customer of a source who is someone else (another
//     customer ID, or without IDs another email) becomes a contact of
//     the target with the role "customer of <source number>", and the
//     sources' contacts join the target's, each person once (by email,
//     else by name), up to 20 contacts; the sources' tags and
//     references join the target's too;
//   - with storage.WatcherStore, the sources' watchers and CC addresses
//     follow the target, each once, the CC addresses up to
//     Config.MaxCC (see [Desk.Watch], [Desk.AddCC]); the merge's own
//     notifications go to the watchers and CC addresses each ticket
//     had before;
//   - every customer involved gets one notify.KindMerged notification
//     for the merge, naming their own merged numbers and the target's
//     (never another customer's numbers), and no other one: no "closed"
//     notice for a source, no acknowledgement for a moved message.
//
// A merged ticket's number still resolves: [Desk.GetByNumber] returns
// the target, messages added to a merged ticket (a reply to an old
// mail, through package mailin/intake too) are added to the target,
// and mail threading finds it.
//
// Merge refuses, with nothing changed: an actor whose role
// [MergeRoles] leaves out (ErrForbidden: customers and the system
// actor); an unknown ticket, or one of another tenant
// (ErrNotFound); complaints, tickets merged already, and a ticket
// merged into itself (ErrCannotMerge with ErrComplaint or ErrMerged and
// a *ValidationError naming target_id or source_ids[i]); a target no
// longer at Version (ErrConflict); a store without
// storage.MessageMover (ErrRelationsUnsupported).
//
// The tickets are read with storage.TicketLocker when the store offers
// it, which locks them in ID order: two merges of crossing pairs at
// once (A into B, B into A) run one after the other, and the second is
// refused, since its target was merged. [Desk.MergeTx] runs it in the
// host's transaction.
func (d *Desk) Merge(ctx context.Context, actor ticket.Actor, p MergeParams) (_ *MergeResult, err error) {
	ctx, end := d.begin(ctx, "Merge", actor)
	defer func() { end(err) }()
	return d.merge(ctx, nil, actor, p)
}

// MergeTx is [Desk.Merge] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) MergeTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MergeParams) (_ *MergeResult, err error) {
	ctx, end := d.begin(ctx, "MergeTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.merge(ctx, tx, actor, p)
}

// merge is Merge in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) merge(ctx context.Context, host storage.Tx, actor ticket.Actor, p MergeParams) (*MergeResult, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := d.mayMerge(actor, "merge tickets"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if err := checkKey("target_id", p.TargetID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TargetID == "" {
		v.Add("target_id", "required", "is required")
	}
	checkIDs(v, "source_ids", p.SourceIDs, MaxMergeSources)
	if err := failed(distinct(v)); err != nil {
		return nil, err
	}
	if i := slices.Index(p.SourceIDs, p.TargetID); i >= 0 {
		v.Add(fmt.Sprintf("source_ids[%d]", i), "self", "is the target: a ticket cannot be merged into itself")
		return nil, cannotMerge(v)
	}
	var res *MergeResult
	err := d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		var err error
		res, err = d.mergeIn(ctx, tx, actor, p, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// mergeIn does the merge in tx, queuing its history and notifications
// in b.
func (d *Desk) mergeIn(ctx context.Context, tx storage.Tx, actor ticket.Actor, p MergeParams, b *batch) (*MergeResult, error) {
	mover, ok := tx.(storage.MessageMover)
	if !ok {
		return nil, fmt.Errorf("ticketkit: merge: %T does not implement storage.MessageMover: %w", tx, ErrRelationsUnsupported)
	}
	got, err := lockTickets(ctx, tx, actor.TenantID, append([]string{p.TargetID}, p.SourceIDs...))
	if err != nil {
		return nil, err
	}
	target := got[p.TargetID]
	if target == nil {
		return nil, fmt.Errorf("ticketkit: merge: target_id: ticket %q: %w", p.TargetID, ErrNotFound)
	}
	v := &ticket.ValidationError{}
	var causes []error
	if c := checkMergeable(v, "target_id", target); c != nil {
		causes = append(causes, c)
	}
	sources := make([]*ticket.Ticket, len(p.SourceIDs))
	for i, id := range p.SourceIDs {
		if sources[i] = got[id]; sources[i] == nil {
			return nil, fmt.Errorf("ticketkit: merge: source_ids[%d]: ticket %q: %w", i, id, ErrNotFound)
		}
		if c := checkMergeable(v, fmt.Sprintf("source_ids[%d]", i), sources[i]); c != nil && !slices.Contains(causes, c) {
			causes = append(causes, c)
		}
	}
	if len(causes) > 0 {
		return nil, cannotMerge(v, causes...)
	}
	if p.Version != 0 && target.Version != p.Version {
		return nil, staleVersion{fmt.Errorf("ticketkit: ticket %s is at version %d, not %d: %w", target.Number, target.Version, p.Version, ErrConflict)}
	}

	moved, err := mover.MessageMove(ctx, storage.MessageMoveParams{TenantID: actor.TenantID, FromTicketIDs: p.SourceIDs, ToTicketID: target.ID})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: merge into %s: move messages: %w", target.Number, err)
	}
	now := d.now()
	beforeTarget := target.Clone()
	target.UpdatedAt = now
	var merged []ticket.Event
	for _, s := range sources {
		before := s.Clone()
		s.MergedInto, s.UpdatedAt = target.ID, now
		if d.mergedStatus != "" {
			s.Status = d.mergedStatus
		}
		if st, _ := d.catalog.Status(before.Status); st.Category != ticket.CategoryClosed || s.ClosedAt.IsZero() {
			s.ClosedAt = now
		}
		if p.Reason != "" {
			s.ClosureReason = p.Reason
		}
		d.observeSLA(before, s, workflow.Observation{}, now)
		d.stampSortKeys(s)
		if err := tx.TicketUpdate(ctx, s); err != nil {
			return nil, fmt.Errorf("ticketkit: merge %s into %s: %w", s.Number, target.Number, err)
		}
		b.history(s, append(ticket.Diff(before, s), ticket.Event{Field: ticket.FieldMergedInto, New: target.Number}))
		combineParties(target, s)
		merged = append(merged, ticket.Event{Field: ticket.FieldMerged, New: s.Number})
	}
	d.observeSLA(beforeTarget, target, workflow.Observation{}, now)
	d.stampSortKeys(target)
	if err := tx.TicketUpdate(ctx, target); err != nil {
		return nil, fmt.Errorf("ticketkit: merge into %s: %w", target.Number, err)
	}
	b.history(target, append(merged, ticket.Diff(beforeTarget, target)...))
	mergeNotices(b, target, sources)
	// The notices go to the watchers and CC addresses each ticket had:
	// a source's CC address hears of its own ticket's merge, not of
	// the target customer's merged numbers.
	if err := b.readWatchers(ctx, tx); err != nil {
		return nil, err
	}
	if err := d.mergeWatchers(ctx, tx, actor, target, sources, now, b); err != nil {
		return nil, err
	}
	return &MergeResult{Target: target, Sources: sources, Moved: moved}, nil
}

// maxContacts is the most contacts a merge leaves on a target, as many
// as Desk.Update accepts.
const maxContacts = 20

// combineParties adds the parties of source s to target: s's customer,
// when someone else, and s's contacts become target's contacts, each
// person once, up to maxContacts; s's tags and references join
// target's.
func combineParties(target, s *ticket.Ticket) {
	add := func(c ticket.Contact) {
		if len(target.Contacts) >= maxContacts || samePerson(target.Customer.Email, target.Customer.Name, c) {
			return
		}
		for _, have := range target.Contacts {
			if samePerson(have.Email, have.Name, c) {
				return
			}
		}
		target.Contacts = append(target.Contacts, c)
	}
	if customerKey(s.Customer) != customerKey(target.Customer) {
		c := s.Customer
		add(ticket.Contact{
			Name:  firstOf(c.Name, c.Email, c.ID, "Customer of "+s.Number),
			Email: c.Email, Phone: c.Mobile, Role: "customer of " + s.Number,
		})
	}
	for _, c := range s.Contacts {
		add(c)
	}
	for _, tag := range s.Tags {
		if !slices.Contains(target.Tags, tag) {
			target.Tags = append(target.Tags, tag)
		}
	}
	for _, r := range s.References {
		if !slices.ContainsFunc(target.References, func(h ticket.Reference) bool { return h.Kind == r.Kind && h.ID == r.ID }) {
			target.References = append(target.References, r)
		}
	}
}

// samePerson reports whether contact c is the person with email and
// name: the same email ignoring case, or without emails the same name.
func samePerson(email, name string, c ticket.Contact) bool {
	if email != "" || c.Email != "" {
		return strings.EqualFold(email, c.Email)
	}
	return strings.EqualFold(name, c.Name)
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// customerKey tells customers apart for a merge: by the host's customer
// ID, else by email ignoring case; "" for a customer with neither.
func customerKey(c ticket.Customer) string {
	switch {
	case c.ID != "":
		return "id:" + c.ID
	case c.Email != "":
		return "email:" + strings.ToLower(c.Email)
	}
	return ""
}

// mergeNotices queues one notify.KindMerged notification per customer:
// the target's customer gets one on the target naming the sources that
// were theirs (none, when all were someone else's); the customer of
// sources who is someone else gets one on the first of their sources
// naming those sources. No customer learns another's ticket numbers.
func mergeNotices(b *batch, target *ticket.Ticket, sources []*ticket.Ticket) {
	numbers := func(ts []*ticket.Ticket) string {
		ns := make([]string, len(ts))
		for i, t := range ts {
			ns[i] = t.Number
		}
		return strings.Join(ns, ", ")
	}
	targetKey := customerKey(target.Customer)
	var own []*ticket.Ticket
	var order []string
	groups := map[string][]*ticket.Ticket{}
	for _, s := range sources {
		k := customerKey(s.Customer)
		if k == targetKey && k != "" {
			own = append(own, s) // told on the target
			continue
		}
		if k == "" {
			k = "ticket:" + s.ID // no way to tell who it is: one each
		}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	// Another customer's numbers are not the target's customer's
	// business: From names only their own merged tickets, if any.
	b.notice(notify.KindMerged, target, func(e *notify.Event) { e.From, e.To = numbers(own), target.Number })
	for _, k := range order {
		g := groups[k]
		b.notice(notify.KindMerged, g[0], func(e *notify.Event) { e.From, e.To = numbers(g), target.Number })
	}
}
