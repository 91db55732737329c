package ticketkit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// SplitParams asks for messages of a ticket to move into a new ticket.
type SplitParams struct {
	TicketID string `json:"ticket_id"`
	// MessageIDs are the messages that move: 1 to [MaxSplitMessages]
	// messages of the ticket, each once.
	MessageIDs []string `json:"message_ids"`
	// Subject is the new ticket's subject; default the ticket's.
	Subject string `json:"subject,omitempty" validate:"max=200,singleline"`
	// Version, when set, makes the split fail with ErrConflict unless
	// the ticket is still at this version.
	Version int64 `json:"version,omitempty"`
}

// SplitResult is what a split did.
type SplitResult struct {
	// Ticket is the new ticket.
	Ticket *ticket.Ticket `json:"ticket"`
	// Source is the ticket the messages left, as stored after the split.
	Source *ticket.Ticket `json:"source"`
	// Moved counts the messages that moved.
	Moved int `json:"moved"`
}

// Split moves chosen messages of a ticket into a new ticket, in one
// transaction. The new ticket gets a number of its own from the
// tenant's counter, the source's customer, contacts, references, tags,
// priority, category, department and assignee, the catalog's initial
// status, and Subject (default the source's); the two are linked both
// ways (a ticket.LinkSplitFrom link from the new ticket to the source,
// listed by [Desk.Links] on both), and each gets a history line naming
// the other (ticket.FieldSplitFrom, ticket.FieldSplit). The customer
// gets the new ticket's "opened" notification, naming its number.
//
// Split refuses what Merge refuses (roles, complaints, merged tickets,
// unknown or other tenants' tickets), a message that is not the
// ticket's (ErrNotFound naming message_ids), and a store without
// storage.MessageMover and storage.LinkStore (ErrRelationsUnsupported).
// [Desk.SplitTx] runs it in the host's transaction.
func (d *Desk) Split(ctx context.Context, actor ticket.Actor, p SplitParams) (_ *SplitResult, err error) {
	ctx, end := d.begin(ctx, "Split", actor)
	defer func() { end(err) }()
	return d.split(ctx, nil, actor, p)
}

// SplitTx is [Desk.Split] in the host's transaction tx; see
// [Desk.OpenTx] for what differs.
func (d *Desk) SplitTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p SplitParams) (_ *SplitResult, err error) {
	ctx, end := d.begin(ctx, "SplitTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.split(ctx, tx, actor, p)
}

// split is Split in the host's transaction host, or in the Desk's own
// when host is nil.
func (d *Desk) split(ctx context.Context, host storage.Tx, actor ticket.Actor, p SplitParams) (*SplitResult, error) {
	d, errTenant := d.forTenant(ctx, host, actor.TenantID)
	if errTenant != nil {
		return nil, errTenant
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := d.mayMerge(actor, "split tickets"); err != nil {
		return nil, err
	}
	v := asValidation(ticket.Validate(p))
	if err := checkKey("ticket_id", p.TicketID); err != nil {
		v.Fields = append(v.Fields, asValidation(err).Fields...)
	} else if p.TicketID == "" {
		v.Add("ticket_id", "required", "is required")
	}
	checkIDs(v, "message_ids", p.MessageIDs, MaxSplitMessages)
	if err := failed(distinct(v)); err != nil {
		return nil, err
	}
	var res *SplitResult
	err := d.relate(ctx, host, actor, func(ctx context.Context, tx storage.Tx, b *batch) error {
		var err error
		res, err = d.splitIn(ctx, tx, actor, p, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// splitIn does the split in tx, queuing its history and notifications
// in b.
func (d *Desk) splitIn(ctx context.Context, tx storage.Tx, actor ticket.Actor, p SplitParams, b *batch) (*SplitResult, error) {
	mover, ok := tx.(storage.MessageMover)
	ls, ok2 := tx.(storage.LinkStore)
	if !ok || !ok2 {
		return nil, fmt.Errorf("ticketkit: split: %T does not implement storage.MessageMover and storage.LinkStore: %w", tx, ErrRelationsUnsupported)
	}
	got, err := lockTickets(ctx, tx, actor.TenantID, []string{p.TicketID})
	if err != nil {
		return nil, err
	}
	src := got[p.TicketID]
	if src == nil {
		return nil, fmt.Errorf("ticketkit: split: ticket_id: ticket %q: %w", p.TicketID, ErrNotFound)
	}
	v := &ticket.ValidationError{}
	if c := checkMergeable(v, "ticket_id", src); c != nil {
		return nil, cannotMerge(v, c)
	}
	if p.Version != 0 && src.Version != p.Version {
		return nil, staleVersion{fmt.Errorf("ticketkit: ticket %s is at version %d, not %d: %w", src.Number, src.Version, p.Version, ErrConflict)}
	}
	now := d.now()
	f := &ticket.Ticket{
		ID:         newID(),
		TenantID:   src.TenantID,
		Subject:    firstOf(strings.TrimSpace(p.Subject), src.Subject),
		Status:     d.catalog.InitialStatus().Code,
		Priority:   src.Priority,
		Category:   src.Category,
		Department: src.Department,
		Channel:    src.Channel,
		Customer:   src.Customer,
		Contacts:   slices.Clone(src.Contacts),
		References: slices.Clone(src.References),
		Tags:       slices.Clone(src.Tags),
		Assignee:   src.Assignee,
		CreatedBy:  actor.ID,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	d.startSLA(f, src.SLA.Tier, now)
	if err := d.create(ctx, tx, f, b, nil); err != nil {
		return nil, err
	}
	moved, err := mover.MessageMove(ctx, storage.MessageMoveParams{TenantID: src.TenantID, FromTicketIDs: []string{src.ID}, MessageIDs: p.MessageIDs, ToTicketID: f.ID})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: split %s: move messages: %w", src.Number, err)
	}
	if moved != len(p.MessageIDs) {
		return nil, fmt.Errorf("ticketkit: split %s: message_ids: %d of the %d messages are not the ticket's: %w",
			src.Number, len(p.MessageIDs)-moved, len(p.MessageIDs), ErrNotFound)
	}
	l := &ticket.Link{TenantID: src.TenantID, Type: ticket.LinkSplitFrom, FromID: f.ID, FromNumber: f.Number,
		ToID: src.ID, ToNumber: src.Number, CreatedBy: actor.ID, CreatedAt: now}
	if err := ls.LinkCreate(ctx, l); err != nil {
		return nil, fmt.Errorf("ticketkit: split %s: link: %w", src.Number, err)
	}
	src.UpdatedAt = now
	d.stampSortKeys(src)
	if err := tx.TicketUpdate(ctx, src); err != nil {
		return nil, fmt.Errorf("ticketkit: split %s: %w", src.Number, err)
	}
	b.history(f, []ticket.Event{{Field: ticket.FieldSplitFrom, New: src.Number}})
	b.history(src, []ticket.Event{{Field: ticket.FieldSplit, New: f.Number}})
	return &SplitResult{Ticket: f, Source: src, Moved: moved}, nil
}
