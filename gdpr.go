package ticketkit

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketkit/ticketkit/storage"
	"github.com/ticketkit/ticketkit/ticket"
)

// ErrErasureUnsupported: the store cannot erase a customer's data
// (storage.CustomerEraser); it wraps storage.ErrUnsupported.
var ErrErasureUnsupported = fmt.Errorf("ticketkit: the store does not erase customers: %w", storage.ErrUnsupported)

// ErasedSubject is the subject an erased customer's tickets keep.
const ErasedSubject = "[erased]"

// EraseCustomerParams names the customer to erase.
type EraseCustomerParams struct {
	// CustomerID is the host's ID of the customer (Ticket.Customer.ID).
	CustomerID string `json:"customer_id" validate:"required,max=200,singleline"`
	// Reason is the host's reference of the request, such as a case
	// number; it is kept in the tombstone, so it must hold no personal
	// data.
	Reason string `json:"reason,omitempty" validate:"max=500,singleline"`
}

// EraseCustomerResult is what [Desk.EraseCustomer] erased: the tombstone
// it stored, and the blob keys of the attachments it removed.
type EraseCustomerResult struct {
	Erasure storage.Erasure `json:"erasure"`
	// BlobKeys are the content keys of the removed attachments.
	// EraseCustomer deletes their content from Config.Blobs after its
	// commit; EraseCustomerTx leaves that to the host, after its own
	// commit (or to blob reconciliation, see [Desk.ReconcileBlobs]).
	BlobKeys []string `json:"-"`
	// Complaints counts the complaint sections erased, and Traces what
	// was erased beside the tickets (storage.CustomerTraceEraser).
	Complaints int                          `json:"complaints"`
	Traces     storage.CustomerTracesResult `json:"traces"`
}

// historyKept are the history fields whose values an erasure keeps:
// the ticket's statistics, which hold no personal data.
var historyKept = []string{ticket.FieldCreated, ticket.FieldStatus, ticket.FieldPriority, ticket.FieldCategory,
	ticket.FieldDepartment, ticket.FieldChannel, ticket.FieldAssignee, ticket.FieldConfig}

// EraseCustomer erases, in one transaction, the personal data of a
// customer's tickets: on each ticket the customer's name, email and
// mobile, the subject (which becomes ErasedSubject), the description,
// contacts, references and custom fields; every message's body and
// attachments (their content is deleted from Config.Blobs after the
// commit); the values of the history lines but those of statuses,
// priorities, categories, departments, channels and assignees; the
// payloads of their notifications in the outbox (a pending one becomes
// a dead letter, never sent); the records of inbound mail that went
// to them; and, when the store implements storage.CustomerTraceEraser,
// the personal data of their complaint sections, posted or not (see
// scrubComplaint: counterparty, contract, source document, the lines'
// descriptions, serial numbers and notes, every comment, review, finding,
// root cause, step and decision text, cost notes and attached files,
// whose content is deleted like the messages'), the CC watchers of
// their tickets and those with the customer's address on any ticket,
// the comments of their ratings and the notes of their time entries,
// and the stored HTTP responses (idempotency records) that hold their
// email, mobile or name. What the tickets count for statistics stays: their numbers,
// statuses, priorities, categories, times, SLA states, the kinds,
// authors and times of their messages, and their history lines. The
// customer's ID stays on the tickets, and the erasure is recorded in a
// tombstone (storage.Erasure: who, when, how many rows; see
// [Desk.Erasures]).
//
// Only admins and the system may erase (ErrForbidden otherwise). The
// store must implement storage.CustomerEraser (ErrErasureUnsupported
// otherwise). A customer with no tickets gets a tombstone too.
// [Desk.EraseCustomerTx] runs it in the host's transaction.
func (d *Desk) EraseCustomer(ctx context.Context, actor ticket.Actor, p EraseCustomerParams) (_ *EraseCustomerResult, err error) {
	ctx, end := d.begin(ctx, "EraseCustomer", actor)
	defer func() { end(err) }()
	res, err := d.eraseCustomer(ctx, nil, actor, p)
	if err != nil {
		return nil, err
	}
	if d.blobs != nil {
		for _, k := range res.BlobKeys {
			if k == "" {
				continue
			}
			if err := d.blobs.Delete(ctx, k); err != nil {
				d.log.WarnContext(ctx, "ticketkit: erase customer: blob not deleted; blob reconciliation will", "err", err)
			}
		}
	}
	return res, nil
}

// EraseCustomerTx is [Desk.EraseCustomer] in the host's transaction tx;
// it deletes no blob content (see EraseCustomerResult.BlobKeys).
func (d *Desk) EraseCustomerTx(ctx context.Context, tx storage.Tx, actor ticket.Actor, p EraseCustomerParams) (_ *EraseCustomerResult, err error) {
	ctx, end := d.begin(ctx, "EraseCustomerTx", actor)
	defer func() { end(err) }()
	if err := checkTx(tx); err != nil {
		return nil, err
	}
	return d.eraseCustomer(ctx, tx, actor, p)
}

// checkEraser checks that actor may erase and p is valid.
func checkEraser(actor ticket.Actor, p EraseCustomerParams) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if actor.Role != ticket.RoleAdmin && actor.Role != ticket.RoleSystem {
		return fmt.Errorf("ticketkit: erase customer: only admins may: %w", ErrForbidden)
	}
	return failed(asValidation(ticket.Validate(p)))
}

func (d *Desk) eraseCustomer(ctx context.Context, host storage.Tx, actor ticket.Actor, p EraseCustomerParams) (*EraseCustomerResult, error) {
	if err := checkEraser(actor, p); err != nil {
		return nil, err
	}
	if _, ok := d.store.(storage.CustomerEraser); host == nil && !ok {
		return nil, fmt.Errorf("ticketkit: erase customer: %T does not implement storage.CustomerEraser: %w", d.store, ErrErasureUnsupported)
	}
	now := d.now()
	res := &EraseCustomerResult{}
	err := d.inTx(ctx, host, func(ctx context.Context, tx storage.Tx, _ time.Time) error {
		er, ok := tx.(storage.CustomerEraser)
		if !ok {
			return fmt.Errorf("ticketkit: erase customer: %T does not implement storage.CustomerEraser: %w", tx, ErrErasureUnsupported)
		}
		*res = EraseCustomerResult{Erasure: storage.Erasure{
			ID: newID(), TenantID: actor.TenantID, CustomerID: p.CustomerID, ActorID: actor.ID,
			ActorRole: string(actor.Role), At: now, Reason: p.Reason,
		}}
		var ids []string
		var before []*ticket.Ticket
		q := storage.TicketListParams{TicketFilter: storage.TicketFilter{TenantID: actor.TenantID, CustomerID: p.CustomerID}, Limit: storage.MaxLimit}
		for {
			page, err := tx.TicketList(ctx, q)
			if err != nil {
				return fmt.Errorf("ticketkit: erase customer: %w", err)
			}
			for _, t := range page.Tickets {
				ids = append(ids, t.ID)
				before = append(before, t.Clone())
				scrubTicket(t)
				if err := tx.TicketUpdate(ctx, t); err != nil {
					return fmt.Errorf("ticketkit: erase customer: ticket %s: %w", t.ID, err)
				}
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		out, err := er.CustomerErase(ctx, storage.CustomerEraseParams{TenantID: actor.TenantID, TicketIDs: ids, KeepFields: historyKept, At: now})
		if err != nil {
			return fmt.Errorf("ticketkit: erase customer: %w", err)
		}
		e := &res.Erasure
		e.Tickets, e.Messages, e.Attachments, e.Events, e.Outbox, e.Inbound = len(ids), out.Messages, out.Attachments, out.Events, out.Outbox, out.Inbound
		res.BlobKeys = out.BlobKeys
		if err := d.eraseTraces(ctx, tx, actor.TenantID, before, res); err != nil {
			return err
		}
		if err := er.ErasureCreate(ctx, e); err != nil {
			return fmt.Errorf("ticketkit: erase customer: tombstone: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// scrubTicket removes a ticket's personal data, keeping what counts
// for statistics and the customer's ID and organisation.
func scrubTicket(t *ticket.Ticket) {
	t.Subject, t.Description = ErasedSubject, ""
	t.Customer = ticket.Customer{ID: t.Customer.ID, OrganisationID: t.Customer.OrganisationID}
	t.Contacts, t.References, t.Fields = nil, nil, nil
}

// Erasures lists the tombstones of the tenant's erasures, oldest first,
// of one customer when customerID is set. Only admins and the system
// may list them.
func (d *Desk) Erasures(ctx context.Context, actor ticket.Actor, customerID string) (_ []*storage.Erasure, err error) {
	ctx, end := d.begin(ctx, "Erasures", actor)
	defer func() { end(err) }()
	if err := checkEraser(actor, EraseCustomerParams{CustomerID: "x"}); err != nil {
		return nil, err
	}
	er, ok := d.store.(storage.CustomerEraser)
	if !ok {
		return nil, fmt.Errorf("ticketkit: erasures: %T does not implement storage.CustomerEraser: %w", d.store, ErrErasureUnsupported)
	}
	out, err := er.ErasureList(ctx, storage.ErasureListParams{TenantID: actor.TenantID, CustomerID: customerID, Limit: storage.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("ticketkit: erasures: %w", err)
	}
	return out, nil
}
